"""Plans: a self-assessment's or a workshop's edited roadmap, stored with a version, and what an
earlier plan achieved by the next assessment (``plan_review``). No Flask here.

A plan that was never saved is the computed roadmap (``edited`` false, version 0). Every save
names the version it was read at; a save from an older read raises ``StalePlan`` and changes
nothing, so two people editing at once never overwrite each other unseen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.models import Assessment, Group, PlanRow, utcnow
from ..domain.plan import (
    InvalidPlan,
    Plan,
    ReviewStep,
    dropped_steps,
    group_item_scores,
    parse_plan,
    plan_from_roadmap,
    plan_from_stored,
    plan_review,
)
from ..domain.questionnaire import Questionnaire
from ..domain.roadmap import RoadmapEntry
from ..domain.scoring import AnswerProblem, item_scores
from .questionnaires import questionnaire_of
from .self_assessment import result_of, series_history

__all__ = ["InvalidPlan", "NoPlan", "PlanState", "StalePlan"]


class NoPlan(LookupError):
    """This assessment cannot have a plan: a workshop member's, or one not finished yet."""


class StalePlan(RuntimeError):
    """The plan was saved by someone else after it was read: nothing was changed."""

    def __init__(self, current: PlanState):
        self.current = current
        super().__init__(
            f"the plan was saved by someone else since you read it (version {current.version} now); "
            "nothing was changed: reload it, merge your changes and save again"
        )


@dataclass(frozen=True)
class PlanState:
    plan: Plan
    version: int  # 0: never saved
    edited: bool
    updated_at: dt.datetime | None
    roadmap: tuple[RoadmapEntry, ...]  # the computed roadmap it starts from
    questionnaire: Questionnaire

    @property
    def dropped(self) -> tuple[RoadmapEntry, ...]:
        return dropped_steps(self.plan, self.roadmap) if self.edited else ()

    def to_dict(self) -> dict[str, Any]:
        body = self.plan.to_dict()
        body.update(
            {
                "version": self.version,
                "edited": self.edited,
                "updated_at": None if self.updated_at is None else self.updated_at.isoformat(),
                "dropped": [e.recommendation.id for e in self.dropped],
            }
        )
        return body


# --------------------------------------------------------------------------- reading


def _row(
    session: Session, *, assessment_id: str | None = None, group_id: str | None = None, lock: bool = False
) -> PlanRow | None:
    query = select(PlanRow)
    query = (
        query.where(PlanRow.assessment_id == assessment_id)
        if assessment_id
        else query.where(PlanRow.group_id == group_id)
    )
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def _state(row: PlanRow | None, roadmap: Sequence[RoadmapEntry], q: Questionnaire) -> PlanState:
    if row is None:
        return PlanState(plan_from_roadmap(roadmap), 0, False, None, tuple(roadmap), q)
    return PlanState(plan_from_stored(row.body), row.version, True, row.updated_at, tuple(roadmap), q)


def _check_assessment(assessment: Assessment) -> None:
    if assessment.group_id is not None:
        raise NoPlan("a workshop member's assessment has no plan of its own; the workshop has one")
    if assessment.status != "complete":
        raise NoPlan(
            "this assessment is not finished yet; its roadmap, and so its plan, comes with the results"
        )


def assessment_plan(session: Session, assessment: Assessment) -> PlanState:
    """The self-assessment's plan, or its roadmap as a plan when none was saved (raises NoPlan)."""
    _check_assessment(assessment)
    result = result_of(assessment)
    return _state(_row(session, assessment_id=assessment.id), result.roadmap, result.questionnaire)


def group_plan(session: Session, group: Group, roadmap: Sequence[RoadmapEntry] | None = None) -> PlanState:
    """The workshop's plan; unsaved, its curated roadmap of the published snapshot (rule 13).
    ``roadmap``: the caller's ``workshop_view(...).roadmap`` when it has one."""
    if roadmap is None:
        from .workshops import workshop_view

        roadmap = workshop_view(session, group).roadmap
    return _state(_row(session, group_id=group.id), roadmap, questionnaire_of(group.questionnaire))


# --------------------------------------------------------------------------- saving


def save_assessment_plan(session: Session, assessment: Assessment, body: Any) -> PlanState:
    """Check ``body`` and store it as the plan (raises InvalidPlan, StalePlan, NoPlan)."""
    _check_assessment(assessment)
    result = result_of(assessment)
    return _save(session, result.questionnaire, result.roadmap, body, assessment_id=assessment.id)


def save_group_plan(
    session: Session, group: Group, body: Any, roadmap: Sequence[RoadmapEntry] | None = None
) -> PlanState:
    if roadmap is None:
        from .workshops import workshop_view

        roadmap = workshop_view(session, group).roadmap
    return _save(session, questionnaire_of(group.questionnaire), roadmap, body, group_id=group.id)


def _save(
    session: Session,
    q: Questionnaire,
    roadmap: Sequence[RoadmapEntry],
    body: Any,
    *,
    assessment_id: str | None = None,
    group_id: str | None = None,
) -> PlanState:
    plan, version = parse_plan(q, body)
    row = _row(session, assessment_id=assessment_id, group_id=group_id, lock=True)
    current = 0 if row is None else row.version
    if version != current:
        raise StalePlan(_state(row, roadmap, q))
    now = utcnow()
    if row is None:
        row = PlanRow(
            assessment_id=assessment_id,
            group_id=group_id,
            version=1,
            body=plan.to_dict(),
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            # Another first save won the race: that one stands, this one is the stale read.
            session.rollback()
            raise StalePlan(
                _state(_row(session, assessment_id=assessment_id, group_id=group_id), roadmap, q)
            ) from None
    else:
        row.body = plan.to_dict()
        row.version = current + 1
        row.updated_at = now
        session.flush()
    return _state(row, roadmap, q)


# --------------------------------------------------------------------------- the retake


@dataclass(frozen=True)
class Review:
    """What an earlier plan's steps addressed, and how those practices changed since."""

    earlier_id: str  # the earlier assessment's or workshop's id
    earlier_date: dt.date
    steps: tuple[ReviewStep, ...]


def assessment_review(session: Session, assessment: Assessment) -> Review | None:
    """The plan of the latest earlier assessment of the series that has one, against this one."""
    if assessment.group_id is not None or assessment.status != "complete":
        return None
    history = series_history(session, assessment)
    mine = next((n for n, a in enumerate(history) if a.id == assessment.id), None)
    if not mine:
        return None
    earlier = list(reversed(history[:mine]))
    rows = {
        r.assessment_id: r
        for r in session.scalars(select(PlanRow).where(PlanRow.assessment_id.in_([a.id for a in earlier])))
    }
    for previous in earlier:
        row = rows.get(previous.id)
        if row is None:
            continue
        q_then = questionnaire_of(previous.questionnaire)
        q_now = questionnaire_of(assessment.questionnaire)
        steps = plan_review(
            plan_from_stored(row.body),
            q_then,
            item_scores(q_then, previous.answers or {}),
            item_scores(q_now, assessment.answers or {}),
        )
        moment = previous.completed_at or previous.created_at
        return Review(previous.id, moment.date(), steps)
    return None


def group_review(session: Session, group: Group, members_now: Sequence[Any] | None = None) -> Review | None:
    """The predecessor workshop's plan against this workshop, both on their published snapshots
    (rule 13): nothing while either shows no figures."""
    if not group.predecessor_id:
        return None
    from .workshops import workshop_view

    earlier = session.get(Group, group.predecessor_id)
    row = _row(session, group_id=group.predecessor_id)
    if earlier is None or row is None:
        return None
    if members_now is None:
        members_now = workshop_view(session, group).members
    members_then = workshop_view(session, earlier).members
    if not members_now or not members_then:
        return None
    q_then = questionnaire_of(earlier.questionnaire)
    q_now = questionnaire_of(group.questionnaire)
    steps = plan_review(
        plan_from_stored(row.body),
        q_then,
        group_item_scores(q_then, [m.answers for m in members_then]),
        group_item_scores(q_now, [m.answers for m in members_now]),
    )
    return Review(earlier.id, earlier.created_at.date(), steps)


def review_payload(review: Review | None) -> dict[str, Any]:
    """The result JSON's ``plan_review`` (absent when there is no earlier plan)."""
    if review is None:
        return {}
    return {
        "plan_review": [s.to_dict() for s in review.steps],
        "plan_review_of": {"id": review.earlier_id, "date": review.earlier_date.isoformat()},
    }


# --------------------------------------------------------------------------- predecessors


def set_predecessor(session: Session, group: Group, predecessor_id: str | None) -> None:
    """Name an earlier workshop of the same client (same owner, same organisation) as the one
    whose plan this workshop reviews; None clears it. Raises InvalidPlan naming ``predecessor``."""
    if not predecessor_id:
        group.predecessor_id = None
        return
    problem = predecessor_problem(session, group.owner_id, group.organisation, predecessor_id, group.id)
    if problem:
        raise InvalidPlan([AnswerProblem("predecessor", problem)])
    group.predecessor_id = predecessor_id


def predecessor_problem(
    session: Session, owner_id: int, organisation: str, predecessor_id: Any, own_id: str | None = None
) -> str | None:
    if not isinstance(predecessor_id, str):
        return "must be the id of an earlier workshop"
    other = session.get(Group, predecessor_id)
    if other is None or other.owner_id != owner_id or other.kind != "workshop" or other.id == own_id:
        return "no other workshop with this id in your account"
    if _client(other.organisation) != _client(organisation):
        return f"is a workshop of {other.organisation or 'no named client'!r}, not of this workshop's client"
    return None


def predecessor_choices(session: Session, group: Group) -> list[Group]:
    """The owner's other workshops of the same client, newest first."""
    rows = session.scalars(
        select(Group)
        .where(Group.owner_id == group.owner_id, Group.kind == "workshop", Group.id != group.id)
        .order_by(Group.created_at.desc())
    )
    return [g for g in rows if _client(g.organisation) == _client(group.organisation)]


def _client(name: str) -> str:
    return " ".join((name or "").split()).casefold()
