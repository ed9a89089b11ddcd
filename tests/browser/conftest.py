"""Browser tests: one live server per session and Debian's Chromium driven by Playwright.

``live_server`` runs the real app (CSRF on) with werkzeug's ``make_server`` in a thread on
127.0.0.1 and a random port, on a temporary SQLite file (or, when TEST_DATABASE_URL is set, on a
PostgreSQL database of its own beside the suite's); ``browser`` is one Chromium for the
session; ``new_context`` makes fresh browser contexts (separate cookies) and closes them after
the test. Every test in this folder is marked ``browser``.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, expect, sync_playwright
from sqlalchemy import create_engine, make_url, text
from werkzeug.serving import make_server

from assessment import create_app

from ..conftest import drop_schema

# CI runs the SQLite and PostgreSQL suites side by side on two cores, so a page (plotly's 3.5 MB
# script above all) can take longer than expect()'s 5 s default to draw; actions already wait 15 s.
expect.set_options(timeout=15_000)

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    url: str
    app: Flask

    def __call__(self, path: str = "/") -> str:
        return self.url + path


def _live_database(folder: Path) -> str:
    """Where the live server keeps its data: a SQLite file, or with TEST_DATABASE_URL (PostgreSQL)
    a database named after that one plus ``_browser``, created when missing and emptied first. The
    journeys then run on PostgreSQL too, and the other tests' emptying of their own database after
    each test never reaches the live server's."""
    external = os.environ.get("TEST_DATABASE_URL")
    if not external or make_url(external).get_backend_name() != "postgresql":
        return f"sqlite:///{folder / 'live.sqlite'}"
    suite = make_url(external)
    own = suite.set(database=f"{suite.database}_browser")
    admin = create_engine(suite, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        found = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not found:
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    url = own.render_as_string(hide_password=False)
    drop_schema(url)
    return url


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live")
    questionnaires = folder / "questionnaires"
    shutil.copytree(REPO / "questionnaires", questionnaires, ignore=shutil.ignore_patterns("*.json", "*.md"))
    app = create_app(
        {
            "SECRET_KEY": "browser-tests",
            "REPORT_PRERENDER": False,  # no background renders competing with the journeys
            "JOB_QUEUE": "immediate",  # the live server has no worker: a download renders in it
            "DATABASE_URL": _live_database(folder),
            "QUESTIONNAIRE_DIR": str(questionnaires),
        }
    )
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["database"].engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is needed for the browser tests (scripts/setup installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """A factory of fresh contexts (no shared cookies): ``new_context(viewport=...)``."""
    made: list[BrowserContext] = []

    def make(**options: object) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
