"""Operations: a backup restores with every assessment, and the database of the last release
(the schema at migration 0001, with users, a workshop and scored assessments) upgrades through
every later migration with ``flask init`` and keeps everything. The upgrade test writes its data
with plain SQL against the 0001 tables, so each new migration is tested by it without edits."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.engine import make_url

from assessment import create_app
from assessment.cli.operations import pg_dump_command
from assessment.db import MIGRATIONS, Database
from assessment.db.models import Base
from assessment.domain.result import score

from .conftest import EXTERNAL_DB, V1
from .web_helpers import answers

PASSWORD = "a long enough password"


def _app(url: str, questionnaire_dir: Path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "DATABASE_URL": url,
            "QUESTIONNAIRE_DIR": str(questionnaire_dir),
            "WTF_CSRF_ENABLED": False,
        }
    )


def _submit(client, v1, n: int) -> list[str]:
    ids = []
    for k in range(n):
        body = {"questionnaire": "social-organisation", "answers": answers(v1, low=[v1.dimensions[k % 5].id])}
        response = client.post("/api/v1/assessments", json=body | {"organisation": f"Org {k}"})
        assert response.status_code == 201
        ids.append(response.get_json()["id"])
    return ids


def test_backup_restores_with_every_assessment(app, v1, tmp_path, questionnaire_dir):
    ids = _submit(app.test_client(), v1, 7)
    target = tmp_path / "backup.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        restored = _app(f"sqlite:///{tmp_path / 'restored.sqlite'}", questionnaire_dir)
        shutil.copy(target, tmp_path / "restored.sqlite")
    else:
        # Restore into the same database after emptying it: nothing else may be touched.
        with Database(url).engine.begin() as connection:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names}, alembic_version RESTART IDENTITY CASCADE"))
        assert app.test_client().get(f"/api/v1/assessments/{ids[0]}").status_code == 404
        parsed = make_url(url)
        done = subprocess.run(
            ["pg_restore", "--data-only", "--disable-triggers", f"--host={parsed.host}",
             f"--port={parsed.port}", f"--username={parsed.username}", f"--dbname={parsed.database}",
             str(target)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        restored = _app(url, questionnaire_dir)
    client = restored.test_client()
    for assessment_id in ids:
        response = client.get(f"/api/v1/assessments/{assessment_id}")
        assert response.status_code == 200
        assert response.get_json()["scores"]["overall"] is not None
    restored.extensions["database"].engine.dispose()


def test_backup_refuses_to_overwrite(app, tmp_path):
    target = tmp_path / "exists"
    target.write_text("keep me")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0 and "exists" in result.output
    assert target.read_text() == "keep me"


def test_pg_dump_invocation_keeps_the_password_off_the_command_line(tmp_path):
    cmd, env = pg_dump_command("postgresql+psycopg://ann:s3cret@db.example:5433/assess", tmp_path / "f")
    assert cmd == [
        "pg_dump", "--format=custom", "--no-owner", f"--file={tmp_path / 'f'}",
        "--host=db.example", "--port=5433", "--username=ann", "assess",
    ]  # fmt: skip
    assert "s3cret" not in " ".join(cmd) and env["PGPASSWORD"] == "s3cret"


# --------------------------------------------------------------------------- upgrading


def _at_0001(url: str) -> Database:
    database = Database(url)
    with database.engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    return database


def test_the_last_release_database_upgrades_with_its_data(database_url, questionnaire_dir, v1, tmp_path):
    url = database_url if EXTERNAL_DB else f"sqlite:///{tmp_path / 'release.sqlite'}"
    database = _at_0001(url)
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    source = V1.read_text(encoding="utf-8")
    sets = [answers(v1), answers(v1, low=[v1.dimensions[0].id]), answers(v1, low=[v1.dimensions[1].id])]
    with database.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO questionnaire_versions (pk, questionnaire_id, version, content_hash, source, "
                "title, is_current, loaded_at) VALUES (1, :qid, :version, :hash, :source, :title, :cur, :now)"
            ),
            {"qid": v1.id, "version": v1.version, "hash": v1.content_hash, "source": source,
             "title": v1.title, "cur": True, "now": now},
        )  # fmt: skip
        c.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, created_at) "
                "VALUES (1, :e, 'Ann', :h, :now)"
            ),
            {"e": "ann@example.org", "h": PasswordHasher().hash(PASSWORD), "now": now},
        )
        c.execute(
            text(
                "INSERT INTO groups (id, owner_id, kind, name, organisation, questionnaire_pk, join_code, "
                "settings, is_open, commentary, created_at) VALUES ('g1', 1, 'workshop', 'Old workshop', "
                "'Acme', 1, 'ABCDEF', :settings, :open, 'Kept commentary', :now)"
            ),
            {
                "settings": json.dumps({"roles": ["leadership", "staff"], "min_group_size": 3}),
                "open": True,
                "now": now,
            },
        )
        for n, given in enumerate(sets):
            result = score(v1, given)
            c.execute(
                text(
                    "INSERT INTO assessments (id, token, series, questionnaire_pk, group_id, organisation, "
                    "sector, size_band, role, answers, status, page, overall, created_at, updated_at, "
                    "completed_at) VALUES (:id, :token, :id, 1, :group, 'Acme', '', '', 'staff', :answers, "
                    "'complete', 5, :overall, :now, :now, :now)"
                ),
                {"id": f"a{n}", "token": f"t{n}", "group": "g1" if n < 2 else None,
                 "answers": json.dumps(given), "overall": result.overall, "now": now},
            )  # fmt: skip
            for d in v1.dimensions:
                c.execute(
                    text(
                        "INSERT INTO dimension_scores (assessment_id, dimension, score, coverage) "
                        "VALUES (:a, :d, :s, :c)"
                    ),
                    {"a": f"a{n}", "d": d.id, "s": result.dimension(d.id).score, "c": 1.0},
                )
        if c.dialect.name == "postgresql":
            # The rows above were given their ids; a real installation's sequences are past them.
            for table, column in (("questionnaire_versions", "pk"), ("users", "id")):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), 1)"))
    database.engine.dispose()

    app = _app(url, questionnaire_dir)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.extensions["database"].engine.connect() as c:
        heads = {row[0] for row in c.execute(text("SELECT version_num FROM alembic_version"))}
    assert len(heads) == 1 and heads != {"0001"}  # every later migration ran

    client = app.test_client()
    for n, given in enumerate(sets):
        body = client.get(f"/api/v1/assessments/a{n}").get_json()
        assert body["scores"]["overall"] == score(v1, given).overall
    assert client.get("/a/t0").status_code == 302  # the private link still resumes
    assert client.post("/login", data={"email": "ann@example.org", "password": PASSWORD}).status_code == 302
    assert "Old workshop" in client.get("/workshops").get_data(as_text=True)
    summary = client.get("/workshops/g1/summary.json").get_json()
    assert summary["complete"] == 2
    assert client.get("/join/ABCDEF").status_code == 200
    assert client.post("/logout").status_code == 302  # the new session column works
    app.extensions["database"].engine.dispose()
