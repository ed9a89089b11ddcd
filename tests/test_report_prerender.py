"""The report is rendered while its owner reads the results page, so "Download PDF" is served
from the cache; and one process never renders the same report twice at once."""

from __future__ import annotations

import threading
import time

from assessment.domain.result import score
from assessment.services import prerender, report_cache, self_assessment
from assessment.services.report_cache import cache_size, cached_pdf
from reports import build_context

from .test_report_web import _answers


def _wait_until_kept(app, count: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.extensions["database"].session() as session:
            if cache_size(session) >= count:
                return
        time.sleep(0.1)
    raise AssertionError("the background render never kept the report")


def _drain() -> None:
    """Waits until every background render already queued has finished: the queue runs one job
    at a time, in order, so a no-op queued now runs after them. A test that checks nothing was
    rendered then need not guess how long a render would take to show up."""
    prerender._executor.submit(lambda: None).result(60)


def _starts(monkeypatch) -> list[str]:
    """The assessments the web layer asks to render in the background."""
    started: list[str] = []
    real = prerender.start

    def recording(database, assessment_id, *args):
        started.append(assessment_id)
        return real(database, assessment_id, *args)

    monkeypatch.setattr(prerender, "start", recording)
    return started


def test_the_results_page_starts_the_render_and_the_download_is_served_from_it(app, done, renders):
    app.config["REPORT_PRERENDER"] = True
    client = app.test_client()
    assert client.get(f"/results/{done}").status_code == 200
    _wait_until_kept(app, 2, 180.0)  # two renders on a busy machine
    assert len(renders) == 2  # both editions rendered in the background, the core first
    for query in ("", "?edition=full"):
        started = time.perf_counter()
        pdf = client.get(f"/api/v1/assessments/{done}/report.pdf{query}")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert time.perf_counter() - started < 1.0
    assert len(renders) == 2  # ... and not again for the downloads
    assert client.get(f"/results/{done}").status_code == 200  # a second visit renders nothing
    _drain()
    assert len(renders) == 2


def test_nothing_is_rendered_in_the_background_when_it_is_off(app, done, renders, monkeypatch):
    started = _starts(monkeypatch)
    assert app.config["REPORT_PRERENDER"] is False  # TESTING turns it off unless asked
    assert app.test_client().get(f"/results/{done}").status_code == 200
    _drain()
    assert renders == []
    assert started == []


def test_workshop_members_results_start_no_render(app, v1, renders, monkeypatch):
    from .test_workshop import create, facilitator, group_row, join
    from .web_helpers import finish

    started = _starts(monkeypatch)
    app.config["REPORT_PRERENDER"] = True
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    phone = app.test_client()
    results = finish(phone, v1, join(phone, code, "staff"), _answers(v1))
    assert phone.get(results).status_code == 200
    _drain()
    assert renders == []  # a member has no report of their own to download
    assert started == []


def test_the_queue_is_bounded_and_takes_each_assessment_once(app, monkeypatch):
    gate = threading.Event()
    seen: list[str] = []

    def slow(database, assessment_id, method_url=None):
        seen.append(assessment_id)
        gate.wait(10)
        with prerender._lock:
            prerender._pending.discard(assessment_id)
        return True

    monkeypatch.setattr(prerender, "_render", slow)
    database = app.extensions["database"]
    accepted = [prerender.start(database, f"a{n}") for n in range(prerender.MAX_WAITING + 2)]
    assert prerender.start(database, "a0") is None  # already waiting or running
    assert sum(f is not None for f in accepted) == prerender.MAX_WAITING
    gate.set()
    for f in accepted:
        if f is not None:
            assert f.result(10) is True
    assert seen == [f"a{n}" for n in range(prerender.MAX_WAITING)]


def test_the_same_report_asked_for_at_once_is_rendered_once(app, v1, monkeypatch):
    calls = []
    real = report_cache.render_pdf_bounded

    def slow(context, **kwargs):
        calls.append(1)
        time.sleep(0.5)  # long enough for the others to arrive while it runs
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

    def first_fails(ctx, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            time.sleep(0.5)
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
    time.sleep(0.1)
    with db.session() as session:
        pdf = cached_pdf(session, context)
    t.join(30)
    assert isinstance(outcome["first"], RuntimeError)
    assert pdf.startswith(b"%PDF") and len(attempts) == 2


def test_submitting_through_the_api_starts_no_render(app, v1, renders, monkeypatch):
    started = _starts(monkeypatch)
    app.config["REPORT_PRERENDER"] = True
    with app.extensions["database"].session() as s, s.begin():
        self_assessment.submit(s, v1.id, _answers(v1), organisation="Heron Trust")
    response = app.test_client().post(
        "/api/v1/assessments", json={"questionnaire": v1.id, "answers": _answers(v1)}
    )
    assert response.status_code == 201
    _drain()
    assert renders == []
    assert started == []
