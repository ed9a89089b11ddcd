"""The one way the benchmarks start: an application on an empty database with the questionnaires
registered. A PostgreSQL database named by ``--database-url`` is created when the server does not
have it yet, and wiped when it does; a SQLite file is new anyway (each script uses a temporary
folder). ``flask init``'s own message ends the script when it cannot set the database up.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask


def fresh_app(database_url: str, **config: Any) -> Flask:
    """``create_app`` on an empty, initialised database; ``config`` adds to the bench's settings."""
    from sqlalchemy.exc import OperationalError

    from assessment import create_app

    if not database_url.startswith("sqlite"):
        try:
            _empty_server_database(database_url)
        except OperationalError as exc:  # the server's whole reason, on one line
            raise SystemExit(f"cannot prepare the database: {' '.join(str(exc.orig).split())}") from None
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", **config})
    result = app.test_cli_runner().invoke(args=["init"])
    if result.exit_code != 0:
        raise SystemExit(result.output.strip() or f"flask init failed: {result.exception!r}")
    return app


def _empty_server_database(database_url: str) -> None:
    """The database created when missing, else its tables (the application's and the
    migrations' record) dropped."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from assessment.db import Database
    from assessment.db.models import Base

    url = make_url(database_url)
    name = url.database or ""
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"a benchmark database name is letters, digits and _, not {name!r}")
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    database = Database(database_url)
    with database.engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    database.engine.dispose()
