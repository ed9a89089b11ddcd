"""Fixtures in the manner of Flask's tutorial: ``app``, ``client``, ``runner``.

Each test gets an empty database: a fresh SQLite file by default, or, when TEST_DATABASE_URL is
set (CI sets a PostgreSQL URL), that database migrated once per run and emptied after each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from assessment import create_app
from assessment.db import Database
from assessment.db.models import Base
from assessment.domain.questionnaire import Questionnaire, load_questionnaire
from assessment.services import report_cache, self_assessment

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
V1 = REPO / "questionnaires" / "social-organisation.yaml"  # the current version
V11 = REPO / "questionnaires" / "social-organisation-1.1.yaml"  # published 1.1, kept answerable
EXTERNAL_DB = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def v1() -> Questionnaire:
    return load_questionnaire(V1)


@pytest.fixture(scope="session")
def v11() -> Questionnaire:
    """Version 1.1 as published: for tests that rest on its item ids or hand-computed values."""
    return load_questionnaire(V11)


@pytest.fixture(scope="session")
def seven() -> Questionnaire:
    return load_questionnaire(DATA / "seven-point.yaml")


@pytest.fixture(scope="session")
def _external_db() -> Iterator[str | None]:
    if not EXTERNAL_DB:
        yield None
        return
    drop_schema(EXTERNAL_DB)
    database = Database(EXTERNAL_DB)
    database.upgrade()
    database.engine.dispose()
    yield EXTERNAL_DB


def drop_schema(url: str) -> None:
    """Every table of the app and Alembic's record, so a run starts from an empty database."""
    database = Database(url)
    with database.engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    database.engine.dispose()


def _empty(url: str) -> None:
    database = Database(url)
    with database.engine.begin() as connection:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    database.engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, _external_db: str | None) -> Iterator[str]:
    if _external_db:
        _empty(_external_db)
        yield _external_db
        _empty(_external_db)
    else:
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def questionnaire_dir(tmp_path: Path) -> Path:
    """The shipped questionnaires, copied so a test may add or edit files."""
    folder = tmp_path / "questionnaires"
    shutil.copytree(REPO / "questionnaires", folder, ignore=shutil.ignore_patterns("*.json", "*.md"))
    return folder


@pytest.fixture
def app(database_url: str, questionnaire_dir: Path, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "QUESTIONNAIRE_DIR": str(questionnaire_dir),
            "WTF_CSRF_ENABLED": False,
        }
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["database"].engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


# --------------------------------------------------------------------------- reports


@pytest.fixture
def renders(monkeypatch):
    """Counts the real renders behind the downloads (each a WeasyPrint run in the bounded child
    process, where a patch of this process would not be seen: so they are counted as they are
    handed to it)."""
    calls = []
    real = report_cache.render_pdf_bounded

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(report_cache, "render_pdf_bounded", counting)
    return calls


@pytest.fixture
def done(app, v1) -> str:
    """The id of one complete assessment of Kestrel Trust."""
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        from .test_report_web import _answers

        assessment, _ = self_assessment.submit(session, v1.id, _answers(v1), organisation="Kestrel Trust")
        return assessment.id


# --------------------------------------------------------------------------- translations


@pytest.fixture(scope="session")
def pseudo_catalogues(tmp_path_factory) -> str:
    """The pseudo-locale's catalogues (tests/pseudo_locale.py), built once per run."""
    from .pseudo_locale import build_catalogues

    return build_catalogues(tmp_path_factory.mktemp("pseudo-locale"))


@pytest.fixture(scope="session")
def pseudo_questionnaires(tmp_path_factory) -> Path:
    """The shipped questionnaires with a complete pseudo-locale translation of each beside it
    (every text "⟦marked⟧"; tests/pseudo_locale.py), built once per run: not to be edited."""
    from .pseudo_locale import write_pseudo_questionnaires

    folder = tmp_path_factory.mktemp("pseudo-questionnaires") / "questionnaires"
    shutil.copytree(REPO / "questionnaires", folder, ignore=shutil.ignore_patterns("*.json", "*.md"))
    write_pseudo_questionnaires(folder)
    return folder


@pytest.fixture
def pseudo_app(database_url: str, pseudo_questionnaires: Path, pseudo_catalogues: str) -> Iterator[Flask]:
    """The app with every message of its catalogues marked (tests/pseudo_locale.py), in that
    locale by default, and its questionnaires' pseudo translation: text a page shows unmarked
    escaped translation."""
    from .pseudo_locale import PSEUDO

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "QUESTIONNAIRE_DIR": str(pseudo_questionnaires),
            "WTF_CSRF_ENABLED": False,
            "BABEL_TRANSLATION_DIRECTORIES": pseudo_catalogues,
            "DEFAULT_LOCALE": PSEUDO,
            "LANGUAGES": f"{PSEUDO},en_GB",
        }
    )
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["database"].engine.dispose()
