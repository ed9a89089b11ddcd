"""The records behind the job queue: one ``jobs`` row per job, so that no job is lost with the
worker running it. No Flask and no queue library here (``assessment/queue.py`` has Huey).

Why a row of our own: Huey (like RQ's simple mode) takes a message off the queue before it runs
the task, so a worker killed with SIGKILL, or whose machine stops, takes the task with it. Here
the queue only carries a job's id; the row holds what to do (ids as JSON, never ORM objects),
its state and a lease:

- ``submit`` inserts the row (``queued``) once: a second caller with the same id (the same report
  asked for by two requests on two servers) shares it, and is told not to send it again;
- ``claim`` is one conditional UPDATE (``queued`` -> ``running``, attempts + 1, a lease), so two
  deliveries of the same id never run it twice at once;
- the worker renews the lease while it works (``renew``, a heartbeat thread);
- ``reap`` finds leases that ran out (the worker died): the job is queued again once, and on the
  second death marked ``failed`` with a message. The route waiting for the job reaps it itself,
  and a periodic job reaps the rest, so nothing depends on one process staying up;
- ``finish``/``fail`` end it; a failed job's message is what the waiting route answers with.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..db.models import JobRow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
MAX_ATTEMPTS = 2  # the first run and one retry
LEASE_SECONDS = 6.0  # renewed every third of it while the job runs
RESEND_SECONDS = 60.0  # a queued job not claimed by then is sent again (its message may be lost)
KEEP = timedelta(days=1)  # finished rows are removed after this by the periodic clean-up
DIED = (
    "The worker making this stopped twice before it was done (it was restarted or ran out of "
    "memory). Please try again in a minute; if it happens again, tell the operator."
)

table = JobRow.__table__


class JobPending(RuntimeError):
    """The job was not done within the wait: the client should ask again after ``retry_after``."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class JobFailed(RuntimeError):
    """The job ended without a result; the message says why and can be shown."""


class Runner(Protocol):
    """What a service needs of the queue: run a job and wait for it (``assessment.queue.Queue``)."""

    def run(self, job_id: str, kind: str, payload: dict[str, Any], *, wait: float | None = None) -> Job: ...


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    payload: dict[str, Any]
    state: str
    attempts: int
    lease_until: datetime | None
    error: str | None
    result: bytes | None


def _now() -> datetime:
    return datetime.now(UTC)


def _later(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)


def get(engine: Engine, job_id: str) -> Job | None:
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == job_id)).mappings().first()
    if row is None:
        return None
    lease = row["lease_until"]
    return Job(
        id=row["id"],
        kind=row["kind"],
        payload=row["payload"] or {},
        state=row["state"],
        attempts=row["attempts"],
        lease_until=lease if lease is None or lease.tzinfo else lease.replace(tzinfo=UTC),
        error=row["error"],
        result=None if row["result"] is None else bytes(row["result"]),
    )


def submit(engine: Engine, job_id: str, kind: str, payload: dict[str, Any], *, rerun: bool = True) -> bool:
    """Record the job; True when the caller must send its id to the queue. An existing row with
    this id is shared (False), unless it has ended and ``rerun`` asks for it again: a report
    whose render is no longer kept, or whose last attempt failed, is made afresh."""
    now = _now()
    values = dict(state=QUEUED, attempts=0, lease_until=_later(now, RESEND_SECONDS), error=None, result=None)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(table).values(
                    id=job_id, kind=kind, payload=payload, created_at=now, updated_at=now, **values
                )
            )
        return True
    except IntegrityError:
        pass
    if not rerun:
        return False
    with engine.begin() as connection:
        reset = connection.execute(
            update(table)
            .where(table.c.id == job_id, table.c.state.in_((DONE, FAILED)))
            .values(kind=kind, payload=payload, updated_at=now, **values)
        )
    return reset.rowcount == 1


def claim(engine: Engine, job_id: str, lease: float = LEASE_SECONDS) -> Job | None:
    """Take a queued job for this worker (None when it is running elsewhere, or ended)."""
    now = _now()
    with engine.begin() as connection:
        taken = connection.execute(
            update(table)
            .where(table.c.id == job_id, table.c.state == QUEUED)
            .values(
                state=RUNNING, attempts=table.c.attempts + 1, lease_until=_later(now, lease), updated_at=now
            )
        )
    return get(engine, job_id) if taken.rowcount == 1 else None


def renew(engine: Engine, job_id: str, lease: float = LEASE_SECONDS) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(table)
            .where(table.c.id == job_id, table.c.state == RUNNING)
            .values(lease_until=_later(_now(), lease))
        )


def finish(engine: Engine, job_id: str, result: bytes | None = None, *, forget_payload: bool = False) -> None:
    """Done; ``forget_payload`` drops what the job was given (a mail's address) at once."""
    values: dict[str, Any] = dict(state=DONE, lease_until=None, result=result, error=None, updated_at=_now())
    if forget_payload:
        values["payload"] = {}
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == job_id).values(**values))


def fail(engine: Engine, job_id: str, message: str, *, forget_payload: bool = False) -> None:
    values: dict[str, Any] = dict(state=FAILED, lease_until=None, error=message, updated_at=_now())
    if forget_payload:
        values["payload"] = {}
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == job_id).values(**values))


def retry_or_fail(engine: Engine, job_id: str, message: str) -> bool:
    """After an error: queued again if it has an attempt left (True: send it), else failed."""
    now = _now()
    with engine.begin() as connection:
        again = connection.execute(
            update(table)
            .where(table.c.id == job_id, table.c.state == RUNNING, table.c.attempts < MAX_ATTEMPTS)
            .values(state=QUEUED, lease_until=_later(now, RESEND_SECONDS), updated_at=now)
        )
    if again.rowcount == 1:
        return True
    fail(engine, job_id, message)
    return False


def reap(engine: Engine, job_id: str | None = None) -> list[str]:
    """Jobs whose worker is gone (lease run out) are queued again, or failed after their last
    attempt; queued jobs never claimed are due to be sent again. Returns the ids to send.
    Each change is one conditional UPDATE, so two reapers at once never both resend a job."""
    now = _now()
    one = [table.c.id == job_id] if job_id else []
    expired = [table.c.lease_until.is_not(None), table.c.lease_until < now]
    with engine.begin() as connection:
        ids = list(
            connection.execute(
                select(table.c.id).where(*one, *expired, table.c.state.in_((QUEUED, RUNNING)))
            ).scalars()
        )
        send = []
        for found in ids:
            me = [table.c.id == found, *expired]
            requeued = connection.execute(
                update(table)
                .where(*me, table.c.state == RUNNING, table.c.attempts < MAX_ATTEMPTS)
                .values(state=QUEUED, lease_until=_later(now, RESEND_SECONDS), updated_at=now)
            )
            resent = connection.execute(
                update(table)
                .where(*me, table.c.state == QUEUED)
                .values(lease_until=_later(now, RESEND_SECONDS), updated_at=now)
            )
            if requeued.rowcount or resent.rowcount:
                send.append(found)
            connection.execute(
                update(table)
                .where(*me, table.c.state == RUNNING)
                .values(state=FAILED, lease_until=None, error=DIED, updated_at=now)
            )
    return send


def wait(
    engine: Engine,
    job_id: str,
    seconds: float,
    resend: Callable[[str], None],
    *,
    retry_after: int = 10,
) -> Job:
    """The job once it has ended (done or failed), reaping it on the way should its worker die;
    JobPending after ``seconds``. Polls the row: a few small reads a second, on any backend."""
    deadline = time.monotonic() + seconds
    pause = 0.02
    while True:
        job = get(engine, job_id)
        if job is None:
            raise JobFailed("The job was removed before it finished. Please try again.")
        if job.state in (DONE, FAILED):
            return job
        if job.lease_until is not None and job.lease_until < _now():
            for found in reap(engine, job_id):
                resend(found)
        left = deadline - time.monotonic()
        if left <= 0:
            raise JobPending(
                f"This is still being made (it took longer than {seconds:g} seconds). Please ask "
                f"again in {retry_after} seconds.",
                retry_after,
            )
        time.sleep(min(pause, left))
        pause = min(pause * 1.5, 0.25)


def remove(engine: Engine, job_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(table).where(table.c.id == job_id))


def clean(engine: Engine, older_than: timedelta = KEEP) -> int:
    """Remove ended jobs older than ``older_than`` (their results are in the report cache or
    were handed out); returns how many went."""
    with engine.begin() as connection:
        gone = connection.execute(
            delete(table).where(table.c.state.in_((DONE, FAILED)), table.c.updated_at < _now() - older_than)
        )
    return int(gone.rowcount or 0)
