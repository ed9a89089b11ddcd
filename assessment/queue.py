"""The job queue: Huey, on SQLite by default (a file in the instance folder, nothing else to run)
and on Redis when ``REDIS_URL`` is set, so any number of workers on any machines share it.

    flask --app app worker            # one worker (scripts/run starts one beside the app)

The queue carries only job ids; what to do and where each job stands is a row of ``jobs``
(``services.jobs``: attempts, a lease renewed while the job runs), because Huey takes a task off
the queue before running it and a worker killed mid-job would lose it. What each kind does is in
``services.job_kinds``; this module binds it to the app: the Huey instance, the task that runs a
job inside an app context, the periodic jobs, and ``Queue.run`` for the routes, which queues a
job (once: callers with the same id share it) and waits for it within the render bound.

``JOB_QUEUE`` chooses the storage: ``sqlite``, ``redis`` or ``immediate`` (each job runs in the
process that queues it: the tests, and a one-process trial); unset, Redis with ``REDIS_URL``,
else SQLite (immediate under TESTING).
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from reports.bounded import RenderLimitExceeded

from .i18n import force_locale, get_locale
from .services import NotFound, jobs
from .services.job_kinds import FORGET_PAYLOAD, HANDLERS, JobContext
from .services.mail import MailError
from .services.reports import ReportNotReady

log = logging.getLogger(__name__)

# A job that fails with one of these fails for good: running it again gives the same answer.
# The payload's entry that carries the queuing request's locale into the worker.
LOCALE_KEY = "_locale"
FINAL = (RenderLimitExceeded, NotFound, ReportNotReady, MailError)


def make_huey(config: dict[str, Any], instance: Path) -> Huey:
    mode = config.get("JOB_QUEUE") or ("redis" if config.get("REDIS_URL") else "sqlite")
    name = str(config.get("JOB_QUEUE_NAME") or "assessment-jobs")
    if mode == "immediate":
        return MemoryHuey(name, results=False, immediate=True)
    if mode == "redis":
        if not config.get("REDIS_URL"):
            raise ValueError("JOB_QUEUE=redis needs REDIS_URL (redis://host:6379/0)")
        return RedisHuey(name, url=config["REDIS_URL"], results=False)
    if mode == "sqlite":
        filename = config.get("JOB_QUEUE_FILE") or str(instance / "jobs.sqlite")
        return SqliteHuey(name, filename=filename, results=False)
    raise ValueError(f"JOB_QUEUE must be sqlite, redis or immediate, not {mode!r}")


class Queue:
    """The app's queue: ``run`` for routes that wait, ``enqueue`` for those that do not."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        config = app.config
        self.huey = make_huey(config, Path(app.instance_path))
        self.lease = float(config.get("JOB_LEASE_SECONDS") or jobs.LEASE_SECONDS)
        self.wait_seconds = float(config.get("JOB_WAIT_SECONDS") or config.get("REPORT_RENDER_SECONDS") or 15)
        self.retry_after = max(1, math.ceil(self.lease + 2))

        def run_job(job_id: str) -> None:
            self.execute(job_id)

        def reap_jobs() -> None:
            with app.app_context():
                for job_id in jobs.reap(self.engine):
                    self.send(job_id)

        def daily() -> None:
            # Every worker's scheduler fires this; the job ids name the day, so it runs once.
            today = datetime.now(UTC).date().isoformat()
            with app.app_context():
                self.enqueue(f"clean_jobs:{today}", "clean_jobs", {}, rerun=False)
                if config.get("RETENTION_DAYS"):
                    self.enqueue(f"retention:{today}", "retention", {}, rerun=False)

        self._task = self.huey.task(name="run_job")(run_job)
        self.huey.periodic_task(crontab(minute="*"), name="reap_jobs")(reap_jobs)
        self.huey.periodic_task(crontab(hour="3", minute="30"), name="daily")(daily)

    @property
    def engine(self) -> Any:
        return self.app.extensions["database"].engine

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)

    def send(self, job_id: str) -> None:
        self._task(job_id)

    def enqueue(self, job_id: str, kind: str, payload: dict[str, Any], *, rerun: bool = True) -> None:
        """Queue the job unless one with this id is queued or running already. The job runs in
        the locale of the request (or job) that queued it: a report's words, and so the key it is
        kept under, are the ones the waiting request expects."""
        if LOCALE_KEY not in payload:
            payload = {**payload, LOCALE_KEY: str(get_locale() or self.app.config["DEFAULT_LOCALE"])}
        if jobs.submit(self.engine, job_id, kind, payload, rerun=rerun):
            self.send(job_id)

    def run(self, job_id: str, kind: str, payload: dict[str, Any], *, wait: float | None = None) -> jobs.Job:
        """Queue the job (or join the one under way with this id) and wait until it is done:
        ``JobFailed`` with the worker's message, ``JobPending`` past ``wait`` (the render bound)."""
        self.enqueue(job_id, kind, payload)
        seconds = self.wait_seconds if wait is None else wait
        job = jobs.wait(self.engine, job_id, seconds, self.send, retry_after=self.retry_after)
        if job.state == jobs.FAILED:
            raise jobs.JobFailed(job.error or "The job failed.")
        return job

    def result_of(self, kind: str, payload: dict[str, Any], *, wait: float | None = None) -> bytes:
        """A job whose result goes to this caller alone (a Word file, slides, a mail): run, read,
        and its row removed at once."""
        job_id = f"{kind}:{secrets.token_urlsafe(12)}"
        try:
            job = self.run(job_id, kind, payload, wait=wait)
        except jobs.JobFailed:
            jobs.remove(self.engine, job_id)
            raise
        jobs.remove(self.engine, job_id)
        return job.result or b""

    # ------------------------------------------------------------------ in the worker

    def execute(self, job_id: str) -> None:
        """Run one job if this worker can claim it, renewing its lease meanwhile."""
        with self.app.app_context():
            engine = self.engine
            job = jobs.claim(engine, job_id, self.lease)
            if job is None:
                return  # running elsewhere, or ended: a second delivery of the same id
            stop = threading.Event()
            beat = threading.Thread(target=self._beat, args=(job_id, stop), daemon=True, name="job-lease")
            beat.start()
            result: bytes | None = None
            error: BaseException | None = None
            try:
                handler = HANDLERS.get(job.kind)
                if handler is None:
                    raise NotFound(f"no job of the kind {job.kind!r}")
                ctx = JobContext(self.app.extensions["database"], self.app.config, self.enqueue)
                locale = job.payload.get(LOCALE_KEY) or self.app.config["DEFAULT_LOCALE"]
                with force_locale(locale), self.app.extensions["database"].session() as session:
                    result = handler(ctx, session, job.payload)
            except Exception as exc:
                error = exc
            finally:
                stop.set()
                beat.join()
            forget = job.kind in FORGET_PAYLOAD
            if error is None:
                jobs.finish(engine, job_id, result, forget_payload=forget)
            elif isinstance(error, FINAL):
                jobs.fail(engine, job_id, str(error), forget_payload=forget)
            else:
                log.error("job %s (%s) failed", job_id, job.kind, exc_info=error)
                message = f"This could not be made just now ({type(error).__name__}). Please try again."
                if jobs.retry_or_fail(engine, job_id, message):
                    self.send(job_id)

    def _beat(self, job_id: str, stop: threading.Event) -> None:
        while not stop.wait(self.lease / 3):
            try:
                jobs.renew(self.engine, job_id, self.lease)
            except Exception:  # a busy database: the next beat tries again
                log.warning("lease of job %s not renewed", job_id, exc_info=True)


def install(app: Flask) -> Queue:
    queue = Queue(app)
    app.extensions["jobs"] = queue
    return queue


def queue_of(app: Flask) -> Queue:
    queue: Queue = app.extensions["jobs"]
    return queue
