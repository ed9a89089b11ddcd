"""Rendered reports kept in the database, keyed by everything they show.

A report's key is ``reports.prepare(context).key``: a SHA-256 of its HTML, CSS, charts, logo
and the renderer. An unchanged report is served from the ``report_cache`` table (a few
milliseconds: the context and HTML are rebuilt to compute the key, then one row is read); any
change in what the report shows (answers, organisation, questionnaire, commentary, branding,
the curation of a workshop's roadmap) changes the HTML and so the key.

Why the database and not the instance folder: several app servers share one database and
keep no state of their own, so a render made by one is a hit on every other.

The write uses its own short transaction on the session's engine: report downloads are GET
requests whose session is never committed, and a cache write must not ride on (or break) the
caller's transaction. Two servers rendering the same report at once both insert; the second
insert fails on the primary key and is ignored, since the bytes are the same.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from reports import ReportContext, prepare
from reports.bounded import render_pdf_bounded

from ..db.models import ReportCacheRow
from .jobs import Runner

log = logging.getLogger(__name__)

# Renders older than this are removed when a new one is stored; a report downloaded again
# after that is simply rendered again.
KEEP = timedelta(days=30)


# How a render is asked of the job queue: the queue, and the job's kind and ids (plain JSON).
Job = tuple[Runner, str, dict[str, Any]]


def cached_pdf(session: Session, context: ReportContext, job: Job | None = None) -> bytes:
    """The report's PDF bytes, rendered once per distinct content: by a worker of the job queue
    when ``job`` says how (the web routes), else here (the CLI, and the worker itself).

    A render is never done twice at once: requests for the same report share one job (its id is
    the report's key), and within one process a second caller waits for the first."""
    return cached_render(session, prepare(context).key, lambda: render_pdf_bounded(context), job)


def render_job_id(key: str) -> str:
    return f"render:{key}"


def cached_render(session: Session, key: str, render: Callable[[], bytes], job: Job | None = None) -> bytes:
    """``render()``'s bytes kept under ``key`` (a ``PreparedReport.key``): any PDF of the app
    (the cohort comparisons too) is cached the same way. With ``job``, a worker renders it and
    this waits (``JobPending`` past the wait, ``JobFailed`` with the worker's message), having
    committed ``session`` first."""
    engine = session.get_bind()
    kept = _kept(engine, key)
    if kept is not None:
        return kept
    if job is not None:
        runner, kind, payload = job
        # The wait can last the render's whole bound: the caller's transaction (reads only on the
        # download routes) ends first, so a waiting download holds no pooled connection while
        # the wait's own short reads take one at a time.
        session.commit()
        runner.run(render_job_id(key), kind, payload)
        kept = _kept(engine, key)
        if kept is not None:
            return kept
        # The worker read the report a moment later and found it changed (an answer, the
        # branding): its render is kept under the new key; this request's own view is made here.
    with _rendering_lock:
        running = _rendering.get(key)
        if running is None:
            _rendering[key] = mine = threading.Event()
    if running is not None:
        running.wait(WAIT_FOR_OTHER_RENDER)
        kept = _kept(engine, key)
        if kept is not None:
            return kept
        return _render_and_keep(engine, key, render)  # the other render failed
    try:
        return _render_and_keep(engine, key, render)
    finally:
        with _rendering_lock:
            del _rendering[key]
        mine.set()


# Renders under way in this process, by key, so a second request for the same report waits.
_rendering: dict[str, threading.Event] = {}
_rendering_lock = threading.Lock()
WAIT_FOR_OTHER_RENDER = 60.0  # past the bounded render's own limit: it has failed by then


def is_kept(session: Session, key: str) -> bool:
    return _kept(session.get_bind(), key) is not None


def _kept(engine: Engine, key: str) -> bytes | None:
    table = ReportCacheRow.__table__
    with engine.connect() as connection:
        kept = connection.execute(select(table.c.pdf).where(table.c.key == key)).scalar()
    return None if kept is None else bytes(kept)


def _render_and_keep(engine: Engine, key: str, render: Callable[[], bytes]) -> bytes:
    # Rendered in the warm child process, within its time and memory bounds (reports/bounded.py).
    pdf = render()
    table = ReportCacheRow.__table__
    now = datetime.now(UTC)
    try:
        with engine.begin() as connection:
            connection.execute(delete(table).where(table.c.created_at < now - KEEP))
            connection.execute(insert(table).values(key=key, pdf=pdf, created_at=now))
    except IntegrityError:
        pass  # another request stored the same render first
    except OperationalError as exc:
        # Keeping the bytes only saves the next download a render: the one the user asked for
        # is ready, so a busy database costs them nothing but a log line.
        log.warning("report not kept (%s); it will be rendered again next time", exc.orig or exc)
    return pdf


def cache_size(session: Session) -> int:
    """How many renders are kept (for tests and the operator)."""
    table = ReportCacheRow.__table__
    with session.get_bind().connect() as connection:
        return len(connection.execute(select(table.c.key)).all())
