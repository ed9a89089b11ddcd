"""Persistence: SQLAlchemy 2.x engine, sessions and models (no Flask here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from .models import Base

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


# orjson reads an integer of more digits than 64 bits hold as a float; json keeps it exact. A
# text with a run of 19 digits is left to json: found by mapping every digit to "9" and anything
# else to a space in one C pass (a regular expression took longer than json.loads itself).
_DIGIT_RUNS = bytes(0x39 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"9" * 19


def load_json(text: str | bytes) -> Any:
    """A JSON column's value, exactly as ``json.loads`` reads it, mostly by orjson in a quarter
    of the time (an export of a thousand responses reads their answers twice: a tenth of its
    time went to that). The json module still reads a text with a run of 19 or more digits and
    what orjson refuses but json.dumps can write (NaN, Infinity)."""
    if not isinstance(text, str | bytes):
        # SQLite hands back a number stored in a JSON column (its NUMERIC affinity) as a number:
        # json.loads refuses it with the TypeError on which SQLAlchemy returns the number itself.
        return json.loads(text)  # type: ignore[arg-type]
    try:
        raw = text.encode() if isinstance(text, str) else text
        if _LONG_RUN not in raw.translate(_DIGIT_RUNS):
            return orjson.loads(raw)
    except (UnicodeEncodeError, orjson.JSONDecodeError):  # a lone surrogate; NaN
        pass
    return json.loads(text)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine; SQLite connections get WAL, a busy timeout and foreign keys."""
    kwargs.setdefault("json_deserializer", load_json)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_select_for_update(state: ORMExecuteState) -> None:
    """``SELECT ... FOR UPDATE`` on SQLite, which has no row locks (the clause is left out) and
    whose driver reads outside a transaction: the transaction takes the database's write lock
    before the read, so a second request for the same rows waits until this one commits and then
    reads what it saved. Without it, answers saved for one link at the same moment each wrote
    back the stored set with only their own added."""
    if not state.is_select or getattr(state.statement, "_for_update_arg", None) is None:
        return
    driver = state.session.connection().connection.driver_connection
    # A transaction already open on this driver has written, so it holds the write lock.
    if not driver.in_transaction:
        driver.execute("BEGIN IMMEDIATE")  # waits for the lock up to the busy timeout


class Database:
    """An engine and its session factory: one per application."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.sessions, "do_orm_execute", _sqlite_select_for_update)

    def session(self) -> Session:
        return self.sessions()

    def upgrade(self) -> None:
        """Create or upgrade the schema to the newest migration (safe to run twice)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        sqlite = self.engine.dialect.name == "sqlite"
        with self.engine.connect() as connection:
            if sqlite:
                # Batch migrations rebuild a SQLite table (copy, drop, rename); with foreign keys
                # enforced, dropping the old ``groups`` would cascade-delete every assessment in a
                # group. The pragma only takes effect outside a transaction, so it comes first.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


__all__ = ["Base", "Database", "make_engine"]
