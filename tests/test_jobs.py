"""The job queue (assessment/queue.py, services/jobs.py): a job survives its worker, a download
waits for its render within the bound and says so past it, and the periodic jobs do their work.

Most tests run the queue in process (JOB_QUEUE=immediate, as the suite does); the last one runs
real ``flask worker`` processes: on the SQLite file queue in the SQLite run, on Redis (db 5) in
the PostgreSQL run, and kills one with SIGKILL mid-render.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from assessment import create_app
from assessment.db.models import Assessment, JobRow
from assessment.queue import queue_of
from assessment.services import job_kinds, jobs, self_assessment
from assessment.services.report_cache import cache_size
from reports.bounded import RenderLimitExceeded

from .conftest import EXTERNAL_DB, REPO
from .test_report_web import _answers


def _expire(engine, job_id: str) -> None:
    """The lease runs out: what a worker that died leaves behind."""
    with engine.begin() as connection:
        connection.execute(
            update(JobRow)
            .where(JobRow.id == job_id)
            .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )


def test_a_job_whose_worker_dies_is_run_again_once_then_failed_with_a_message(app):
    engine = app.extensions["database"].engine
    assert jobs.submit(engine, "j1", "assessment_pdf", {"assessment": "x"})
    assert not jobs.submit(engine, "j1", "assessment_pdf", {"assessment": "x"})  # shared, not resent
    first = jobs.claim(engine, "j1")
    assert first is not None and first.attempts == 1
    assert jobs.claim(engine, "j1") is None  # a second delivery of the same id does not run it
    _expire(engine, "j1")
    assert jobs.reap(engine) == ["j1"]  # queued again, to be sent
    assert jobs.reap(engine) == []  # and only once
    assert jobs.claim(engine, "j1").attempts == 2
    _expire(engine, "j1")
    assert jobs.reap(engine) == []
    failed = jobs.get(engine, "j1")
    assert failed.state == "failed" and "stopped twice" in failed.error
    # Asked for again, a failed job is made afresh.
    assert jobs.submit(engine, "j1", "assessment_pdf", {"assessment": "x"})
    assert jobs.get(engine, "j1").attempts == 0


def test_concurrent_downloads_share_one_render_job(app, done, renders):
    results: list[int] = []

    def download() -> None:
        results.append(app.test_client().get(f"/api/v1/assessments/{done}/report.pdf").status_code)

    threads = [threading.Thread(target=download) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == [200, 200, 200]
    assert len(renders) == 1
    with app.extensions["database"].session() as session:
        rows = session.scalars(select(JobRow)).all()
        assert [(r.kind, r.state, r.attempts) for r in rows] == [("assessment_pdf", "done", 1)]


def test_a_render_not_done_within_the_bound_is_a_503_with_retry_after(app, done, monkeypatch):
    queue = queue_of(app)
    monkeypatch.setattr(queue, "send", lambda job_id: None)  # no worker takes it
    queue.wait_seconds = 0.3
    response = app.test_client().get(f"/api/v1/assessments/{done}/report.pdf")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert "still being made" in response.get_json()["error"]


def test_a_download_waiting_for_its_render_holds_no_pooled_connection(app, done, monkeypatch):
    # Each waiting download used to hold its request's connection besides the wait's own reads,
    # so a few slow renders could empty the pool of a server with many threads.
    queue = queue_of(app)
    monkeypatch.setattr(queue, "send", lambda job_id: None)  # no worker takes it
    queue.wait_seconds = 0.3
    pool = app.extensions["database"].engine.pool
    held: list[int] = []
    real_get = jobs.get

    def watched_get(engine, job_id):  # the wait's poll, before it takes a connection of its own
        held.append(pool.checkedout())
        return real_get(engine, job_id)

    monkeypatch.setattr(jobs, "get", watched_get)
    response = app.test_client().get(f"/api/v1/assessments/{done}/report.pdf")
    assert response.status_code == 503
    assert len(held) >= 3 and set(held) == {0}


def test_a_failed_render_is_answered_with_its_message(app, done, monkeypatch):
    def too_slow(ctx, session, payload):
        raise RenderLimitExceeded("The report took longer than 15 seconds to make and was stopped.")

    monkeypatch.setitem(job_kinds.HANDLERS, "assessment_pdf", too_slow)
    response = app.test_client().get(f"/api/v1/assessments/{done}/report.pdf")
    assert response.status_code == 503
    assert response.get_json() == {"error": "The report took longer than 15 seconds to make and was stopped."}


def test_an_unexpected_error_is_retried_once_then_reported(app, done, monkeypatch):
    calls: list[int] = []

    def broken(ctx, session, payload):
        calls.append(1)
        raise OSError("disk full")

    monkeypatch.setitem(job_kinds.HANDLERS, "assessment_pdf", broken)
    response = app.test_client().get(f"/api/v1/assessments/{done}/report.pdf")
    assert response.status_code == 503 and "could not be made just now" in response.get_json()["error"]
    assert len(calls) == 2


def test_the_nightly_purge_deletes_old_responses_only_when_retention_is_set(app, v1):
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        old, _ = self_assessment.submit(session, v1.id, _answers(v1), organisation="Old Trust")
        self_assessment.submit(session, v1.id, _answers(v1), organisation="New Trust")
        old.completed_at = datetime.now(UTC) - timedelta(days=400)
        old_id = old.id
    queue = queue_of(app)
    queue.enqueue("retention:off", "retention", {})
    with db.session() as session:
        assert session.scalar(select(Assessment.id).where(Assessment.id == old_id)) == old_id
    app.config["RETENTION_DAYS"] = 365
    queue.enqueue("retention:on", "retention", {})
    with db.session() as session:
        assert session.scalars(select(Assessment.organisation)).all() == ["New Trust"]
        assert session.get(JobRow, "retention:on").state == "done"


def test_the_word_report_is_made_by_a_job_that_leaves_no_record(app, done):
    response = app.test_client().get(f"/api/v1/assessments/{done}/report.docx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    with app.extensions["database"].session() as session:
        assert session.scalars(select(JobRow)).all() == []


# --------------------------------------------------------------------------- real workers


@pytest.fixture
def shared_queue(tmp_path, database_url):
    """Settings of a queue that worker processes share with the test: the SQLite file queue, or
    Redis db 5 under a name of this run's own in the PostgreSQL run."""
    if EXTERNAL_DB:
        settings = {
            "JOB_QUEUE": "redis",
            "REDIS_URL": "redis://127.0.0.1:6379/5",
            "JOB_QUEUE_NAME": f"test-jobs-{uuid.uuid4().hex[:12]}",
        }
    else:
        settings = {"JOB_QUEUE": "sqlite", "JOB_QUEUE_FILE": str(tmp_path / "jobs.sqlite")}
    return {**settings, "DATABASE_URL": database_url, "JOB_LEASE_SECONDS": "1.5"}


def _worker(settings: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **settings, "SECRET_KEY": "test", "REPORT_PRERENDER": "0"}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_render_loses_nothing(app, done, shared_queue):
    web = create_app({"TESTING": True, "SECRET_KEY": "test", **shared_queue, "JOB_WAIT_SECONDS": 120})
    queue = queue_of(web)
    assert not queue.immediate
    engine = web.extensions["database"].engine
    workers = [_worker(shared_queue)]
    answer: dict[str, object] = {}

    def download() -> None:
        response = web.test_client().get(f"/api/v1/assessments/{done}/report.pdf")
        answer.update(status=response.status_code, body=response.data)

    asking = threading.Thread(target=download)
    try:
        asking.start()
        deadline = time.monotonic() + 60
        running = None
        while running is None and time.monotonic() < deadline:
            found = [
                j for j in map(lambda r: jobs.get(engine, r), _job_ids(engine)) if j and j.state == "running"
            ]
            running = found[0] if found else None
            time.sleep(0.01)
        assert running is not None, "no worker took the render"
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        workers.append(_worker(shared_queue))  # the one still standing
        asking.join(120)
        assert answer["status"] == 200 and bytes(answer["body"]).startswith(b"%PDF")
        job = jobs.get(engine, running.id)
        assert job.state == "done" and job.attempts == 2  # the killed attempt, and the one after
        with web.extensions["database"].session() as session:
            assert cache_size(session) == 1
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(20)
        queue.huey.flush()
        engine.dispose()


def _job_ids(engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(JobRow.id)).scalars())
