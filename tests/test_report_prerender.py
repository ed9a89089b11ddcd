"""The report is rendered while its owner reads the results page (a "prerender" job, which queues
the renders a download would), so "Download PDF" is served from the cache; and one process never
renders the same report twice at once. The queue runs in process here (JOB_QUEUE=immediate):
the job has run when the page is served."""

from __future__ import annotations

import threading
import time

from assessment.domain.result import score
from assessment.services import report_cache, self_assessment
from assessment.services.report_cache import cache_size, cached_pdf
from reports import build_context

from .test_report_web import _answers


def _prerender_jobs(app) -> list[str]:
    """The assessments the web layer asked the job queue to render ahead."""
    from sqlalchemy import select

    from assessment.db.models import JobRow

    with app.extensions["database"].session() as session:
        rows = session.scalars(select(JobRow).where(JobRow.kind == "prerender")).all()
        return [row.payload["assessment"] for row in rows]


def test_the_results_page_starts_the_render_and_the_download_is_served_from_it(app, done, renders):
    app.config["REPORT_PRERENDER"] = True
    client = app.test_client()
    assert client.get(f"/results/{done}").status_code == 200
    with app.extensions["database"].session() as session:
        assert cache_size(session) == 2
    assert len(renders) == 2  # both editions rendered by the job, the core first
    assert _prerender_jobs(app) == [done]
    for query in ("", "?edition=full"):
        started = time.perf_counter()
        pdf = client.get(f"/api/v1/assessments/{done}/report.pdf{query}")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert time.perf_counter() - started < 1.0
    assert len(renders) == 2  # ... and not again for the downloads
    assert client.get(f"/results/{done}").status_code == 200  # a second visit renders nothing
    assert len(renders) == 2


def test_nothing_is_rendered_in_the_background_when_it_is_off(app, done, renders):
    assert app.config["REPORT_PRERENDER"] is False  # TESTING turns it off unless asked
    assert app.test_client().get(f"/results/{done}").status_code == 200
    assert renders == []
    assert _prerender_jobs(app) == []


def test_workshop_members_results_start_no_render(app, v1, renders):
    from .test_workshop import create, facilitator, group_row, join
    from .web_helpers import finish

    app.config["REPORT_PRERENDER"] = True
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    phone = app.test_client()
    results = finish(phone, v1, join(phone, code, "staff"), _answers(v1))
    assert phone.get(results).status_code == 200
    assert renders == []  # a member has no report of their own to download
    assert _prerender_jobs(app) == []


def _count_waiters(monkeypatch) -> threading.Semaphore:
    """A semaphore released each time a caller starts waiting on another's render (the
    report cache's Event), so a test waits for that moment instead of sleeping a guess."""
    waiting = threading.Semaphore(0)

    class CountingEvent(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waiting.release()
            return super().wait(timeout)

    fake = type("threading", (), {"Event": CountingEvent, "Lock": threading.Lock})
    monkeypatch.setattr(report_cache, "threading", fake)
    return waiting


def test_the_same_report_asked_for_at_once_is_rendered_once(app, v1, monkeypatch):
    calls = []
    real = report_cache.render_pdf_bounded
    waiting = _count_waiters(monkeypatch)

    def slow(context, **kwargs):
        calls.append(1)
        for _ in range(2):  # the render runs until both others wait on it (was a 0.5 s sleep)
            assert waiting.acquire(timeout=10)
        return real(context, **kwargs)

    monkeypatch.setattr(report_cache, "render_pdf_bounded", slow)
    context = build_context(
        score(v1, _answers(v1)), organisation="Kestrel Trust", date=__import__("datetime").date(2026, 1, 1)
    )
    db = app.extensions["database"]
    results: list[bytes] = []

    def download() -> None:
        with db.session() as session:
            results.append(cached_pdf(session, context))

    threads = [threading.Thread(target=download) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 3 and len(set(results)) == 1 and results[0].startswith(b"%PDF")
    assert len(calls) == 1
    assert not report_cache._rendering  # nothing left marked as under way


def test_a_download_waiting_on_a_failed_render_renders_itself(app, v1, monkeypatch):
    context = build_context(
        score(v1, _answers(v1)), organisation="Osprey Trust", date=__import__("datetime").date(2026, 1, 1)
    )
    real = report_cache.render_pdf_bounded
    attempts = []
    waiting = _count_waiters(monkeypatch)
    started = threading.Event()

    def first_fails(ctx, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            started.set()
            assert waiting.acquire(timeout=10)  # fails only once the download waits on it
            raise RuntimeError("render failed")
        return real(ctx, **kwargs)

    monkeypatch.setattr(report_cache, "render_pdf_bounded", first_fails)
    db = app.extensions["database"]
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with db.session() as session:
                cached_pdf(session, context)
        except RuntimeError as exc:
            outcome["first"] = exc

    t = threading.Thread(target=first)
    t.start()
    assert started.wait(30)  # the first render is under way (was a 0.1 s sleep)
    with db.session() as session:
        pdf = cached_pdf(session, context)
    t.join(30)
    assert isinstance(outcome["first"], RuntimeError)
    assert pdf.startswith(b"%PDF") and len(attempts) == 2


def test_submitting_through_the_api_starts_no_render(app, v1, renders):
    app.config["REPORT_PRERENDER"] = True
    with app.extensions["database"].session() as s, s.begin():
        self_assessment.submit(s, v1.id, _answers(v1), organisation="Heron Trust")
    response = app.test_client().post(
        "/api/v1/assessments", json={"questionnaire": v1.id, "answers": _answers(v1)}
    )
    assert response.status_code == 201
    assert renders == []
    assert _prerender_jobs(app) == []
