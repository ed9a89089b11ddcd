"""Deletion and retention (docs/privacy.md): a facilitator deletes a workshop with all its
answers, a respondent deletes their own assessment, ``flask purge`` removes old responses, and
workshop participants' times are kept to the day only. No Flask here.

Deletes are single statements; the database's ON DELETE CASCADE takes the dimension scores and
idempotency records with the assessments (SQLite runs with foreign_keys=ON).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..db.models import Assessment, Group, IdempotencyKey
from . import benchmarks
from .snapshots import withdrawn


def day(moment: datetime) -> datetime:
    """Midnight UTC of ``moment``'s day: the only time kept for a workshop participant, so the
    stored times cannot tell who answered when. Their order lives in ``completion_seq``."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def stamp(in_group: bool, now: datetime | None = None) -> datetime:
    """The time to store now: to the day for a group member, exact otherwise."""
    now = now or datetime.now(UTC)
    return day(now) if in_group else now


def group_response_count(session: Session, group: Group) -> int:
    """Every response the group holds, finished or not: what deleting it removes."""
    return int(session.scalar(select(func.count()).where(Assessment.group_id == group.id)) or 0)


def delete_workshop(session: Session, group: Group) -> int:
    """Delete the group and every response in it; returns how many responses went."""
    count = group_response_count(session, group)
    group_id = group.id
    session.expunge(group)
    session.execute(delete(Assessment).where(Assessment.group_id == group_id))
    session.execute(delete(Group).where(Group.id == group_id))
    benchmarks.withdraw(session, benchmarks.group_link(group_id))  # rule 18: its means go too
    return count


def delete_assessment(session: Session, assessment: Assessment) -> None:
    """Delete one assessment (its answers, scores and idempotency record). In a group it leaves
    every figure at once; see snapshots.py for what that means for the published snapshot."""
    assessment_id = assessment.id
    if assessment.group is not None and assessment.status == "complete":
        withdrawn(assessment.group, assessment.completion_seq)
        session.flush()
    series = assessment.series if assessment.group_id is None else None
    session.expunge(assessment)
    session.execute(delete(Assessment).where(Assessment.id == assessment_id))
    if series:
        benchmarks.sync_series(session, series)  # rule 18: the entry goes with its assessment


@dataclass(frozen=True)
class PurgeCounts:
    cutoff: datetime
    complete: int  # complete assessments finished before the cut-off
    in_progress: int  # unfinished ones last saved before the cut-off
    in_groups: int  # of the two above, how many were workshop responses
    idempotency_keys: int  # remembered API replies older than the cut-off

    @property
    def total(self) -> int:
        return self.complete + self.in_progress


def _old(cutoff: datetime):  # type: ignore[no-untyped-def]
    return or_(
        (Assessment.status == "complete") & (Assessment.completed_at < cutoff),
        (Assessment.status != "complete") & (Assessment.updated_at < cutoff),
    )


def purge(session: Session, older_than_days: int, *, apply: bool, now: datetime | None = None) -> PurgeCounts:
    """Responses older than ``older_than_days`` days: complete assessments whose completed_at
    is before the cut-off and unfinished ones whose last save (updated_at) is, self-assessments
    and workshop responses alike (every response is anonymous: respondents have no accounts);
    workshops themselves stay. Counts only unless ``apply``; the caller commits."""
    if older_than_days < 1:
        raise ValueError(f"--older-than must be at least 1 day, got {older_than_days}")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    rows = session.execute(
        select(Assessment.status, Assessment.group_id.is_not(None), func.count())
        .where(_old(cutoff))
        .group_by(Assessment.status, Assessment.group_id.is_not(None))
    ).all()
    complete = sum(n for status, _, n in rows if status == "complete")
    in_progress = sum(n for status, _, n in rows if status != "complete")
    in_groups = sum(n for _, grouped, n in rows if grouped)
    keys = int(
        session.scalar(
            select(func.count()).select_from(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)
        )
        or 0
    )
    if apply:
        session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
        session.execute(delete(Assessment).where(_old(cutoff)))
    return PurgeCounts(cutoff, complete, in_progress, in_groups, keys)
