"""``flask --app app backup FILE``: a consistent copy of the database while the app runs.

SQLite: the sqlite3 online backup API, page by page, so writers are never blocked for long and
the copy is one consistent moment (WAL content included), unlike copying the file. PostgreSQL:
``pg_dump --format=custom``, run with the connection settings of DATABASE_URL (the password goes
through the PGPASSWORD environment variable, never on the command line); restore it with
``pg_restore --clean --if-exists --no-owner -d URL FILE``. docs/operations.md has both ways back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


def sqlite_backup(database: str, target: Path) -> None:
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=15)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=1024)
        finally:
            copy.close()
    finally:
        source.close()


def pg_dump_command(url: str, target: Path) -> tuple[list[str], dict[str, str]]:
    """The pg_dump invocation for a SQLAlchemy URL, and the environment it needs."""
    parsed = make_url(url)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    if parsed.host:
        command.append(f"--host={parsed.host}")
    if parsed.port:
        command.append(f"--port={parsed.port}")
    if parsed.username:
        command.append(f"--username={parsed.username}")
    command.append(parsed.database or "")
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return command, env


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--print-only", is_flag=True, help="PostgreSQL: print the pg_dump command instead of running it."
)
def backup_command(file: Path, print_only: bool) -> None:
    """Write a consistent copy of the database to FILE while the app keeps running."""
    url = current_app.extensions["database"].url
    backend = make_url(url).get_backend_name()
    if file.exists():
        raise click.ClickException(f"{file} exists; choose a new file name")
    if backend == "sqlite":
        database = make_url(url).database
        if not database or database == ":memory:" or not Path(database).exists():
            raise click.ClickException(f"no SQLite database file at {database!r}")
        sqlite_backup(database, file)
        click.echo(f"Backed up {database} to {file} ({file.stat().st_size // 1024} KB)")
        return
    if backend == "postgresql":
        command, env = pg_dump_command(url, file)
        click.echo(" ".join(command))
        if print_only:
            return
        if shutil.which("pg_dump") is None:
            raise click.ClickException(
                "pg_dump is not installed (Debian: postgresql-client); run the line above"
            )
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise click.ClickException(f"pg_dump failed: {done.stderr.strip()}")
        click.echo(f"Backed up to {file} ({file.stat().st_size // 1024} KB); restore with pg_restore")
        return
    raise click.ClickException(f"no backup method for {backend} databases")


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
