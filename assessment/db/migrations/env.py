"""Alembic environment: runs on the connection handed over by Database.upgrade(), or on
DATABASE_URL when called from the alembic command line."""

import os

from alembic import context

from assessment.db import make_engine
from assessment.db.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = os.environ.get("DATABASE_URL") or "sqlite:///instance/assessment.sqlite"
        with make_engine(url).connect() as connection:
            _migrate(connection)
            connection.commit()
    else:
        _migrate(connection)


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
