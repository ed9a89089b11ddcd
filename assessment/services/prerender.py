"""The report of a finished self-assessment, rendered in the background while its owner reads
the results page, so that "Download PDF" is served from the report cache at once.

A first render takes one to three seconds on a 2-core machine (WeasyPrint lays out every page
in Python; ``bench/bench_report.py``); people spend longer than that on their results before
they ask for the PDF. ``report_cache.cached_pdf`` makes a download that arrives while the
render is still running wait for it rather than start a second one.

Bounded, so that it never competes with answering: one background render at a time per
process, at most ``MAX_WAITING`` waiting, the rest dropped (their download renders as before).
The web layer starts it only from the results page of an individual assessment, never from the
API or for workshop members, and only when ``REPORT_PRERENDER`` is on (off in the tests but one).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from typing import Any

from reports.context import METHOD_URL
from reports.sections import EDITIONS

from ..db import Database
from . import NotFound, self_assessment
from .report_cache import cached_pdf
from .reports import ReportNotReady, assessment_language, assessment_report_context, in_language

log = logging.getLogger(__name__)

MAX_WAITING = 4

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-prerender")
_pending: set[str] = set()
_lock = threading.Lock()


def start(database: Database, assessment_id: str, method_url: str = METHOD_URL) -> Future[None] | None:
    """Queue the render of one assessment's report (nothing is rendered when its bytes are kept
    already); None when it is queued already or the queue is full."""
    app = _app()
    with _lock:
        if assessment_id in _pending or len(_pending) >= MAX_WAITING:
            return None
        _pending.add(assessment_id)
    try:
        return _executor.submit(_render, database, assessment_id, method_url, app)
    except RuntimeError:  # the interpreter is shutting down
        with _lock:
            _pending.discard(assessment_id)
        return None


def _app() -> Any:
    """The app whose request started the render: its catalogues and locales translate the report."""
    from flask import current_app, has_app_context

    return current_app._get_current_object() if has_app_context() else None  # type: ignore[attr-defined]


def _render(database: Database, assessment_id: str, method_url: str = METHOD_URL, app: Any = None) -> None:
    try:
        with database.session() as session, app.app_context() if app is not None else nullcontext():
            assessment = self_assessment.get_assessment(session, assessment_id)
            # In the assessment's language, as its download asks for it (the same cache key).
            with in_language(assessment_language(assessment)):
                # The core first: it is what "Download PDF" gives; then the full edition beside it.
                for edition in EDITIONS:
                    cached_pdf(session, assessment_report_context(assessment, edition, method_url))
    except (NotFound, ReportNotReady):  # deleted, or reopened, in the meantime
        pass
    except Exception:
        # Only a head start is lost: the download renders again and reports its own error.
        log.exception("background render of the report of %s failed", assessment_id)
    finally:
        with _lock:
            _pending.discard(assessment_id)
