"""Discussion rounds in a workshop: the facilitator opens one disputed item for a re-vote, the
participants answer it again from their end screen (one vote each, a second replaces the first),
the facilitator closes it; the report records every round. No Flask here.

The "before" side is the item's answers in the published snapshot when the round opened (rule
13), stored with the round so later snapshots do not rewrite history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from ..db.models import Assessment, DiscussionRound, Group, RoundVote
from ..domain import rounds as domain
from ..domain.questionnaire import Item, Questionnaire
from ..domain.scoring import Answer, validate_answers
from ..domain.text import N_, MarkedError
from . import NotFound, push
from .questionnaires import questionnaire_of
from .workshops import settings_of, workshop_view


class RoundError(MarkedError):
    """A round cannot be opened or voted in; the message is fit to show."""


def _item(q: Questionnaire, item_id: str) -> Item:
    try:
        return q.item(item_id)
    except KeyError:
        raise RoundError(
            N_("There is no question %(item)s in this workshop's questionnaire."), item=repr(item_id)
        ) from None


def open_round(session: Session, group: Group, item_id: str) -> DiscussionRound:
    """Open a re-vote of one item; any other open round of the group closes first."""
    view = workshop_view(session, group)
    if not view.snapshot.shows_numbers:
        raise RoundError(
            N_("A round needs published results first (at least %(k)s finished)."), k=view.snapshot.k
        )
    item = _item(view.questionnaire, item_id)
    counts: dict[str, int] = {}
    for member in view.members:
        answer = member.answers.get(item.id)
        if answer is not None:
            counts[str(answer)] = counts.get(str(answer), 0) + 1
    for other in session.scalars(
        select(DiscussionRound).where(DiscussionRound.group_id == group.id, DiscussionRound.is_open)
    ):
        close_round(other)
    round_ = DiscussionRound(group_id=group.id, item_id=item.id, before={"counts": counts}, is_open=True)
    session.add(round_)
    session.flush()
    push.announce(session, group.id, "round", round=round_.id, open=True)
    return round_


def close_round(round_: DiscussionRound) -> None:
    if round_.is_open:
        round_.is_open = False
        round_.closed_at = datetime.now(UTC)
        session = object_session(round_)
        if session is not None:
            push.announce(session, round_.group_id, "round", round=round_.id, open=False)


def round_of(session: Session, group: Group, round_id: int) -> DiscussionRound:
    round_ = session.get(DiscussionRound, round_id)
    if round_ is None or round_.group_id != group.id:
        raise NotFound("no such round")
    return round_


def open_round_of(session: Session, group_id: str) -> DiscussionRound | None:
    return session.scalar(
        select(DiscussionRound)
        .where(DiscussionRound.group_id == group_id, DiscussionRound.is_open)
        .order_by(DiscussionRound.id.desc())
    )


def vote(session: Session, round_: DiscussionRound, assessment: Assessment, raw: str) -> Answer:
    """Record (or replace) this participant's answer in an open round."""
    if not round_.is_open:
        raise RoundError(N_("This round has been closed; thank you."))
    if assessment.group_id != round_.group_id or assessment.status != "complete":
        raise RoundError(N_("Only participants who finished this workshop's questionnaire can vote."))
    q = questionnaire_of(assessment.questionnaire)
    answer: object = int(raw) if raw.lstrip("-").isdigit() else raw
    try:
        clean = validate_answers(q, {round_.item_id: answer})
    except Exception as exc:  # InvalidAnswers names the problem
        raise RoundError(N_("Please choose one of the answers shown.")) from exc
    value = clean[round_.item_id]
    existing = session.get(RoundVote, (round_.id, assessment.id))
    if existing is None:
        session.add(RoundVote(round_id=round_.id, assessment_id=assessment.id, answer=value))
    else:
        existing.answer = value
    push.announce(session, round_.group_id, "vote", round=round_.id)
    return value


def my_vote(session: Session, round_: DiscussionRound, assessment_id: str) -> Answer | None:
    row = session.get(RoundVote, (round_.id, assessment_id))
    return None if row is None else row.answer


@dataclass(frozen=True)
class RoundView:
    id: int
    item: Item
    is_open: bool
    k: int
    before: domain.Side
    after: domain.Side
    change: str  # rose | fell | unchanged | unknown

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "item": self.item.id,
            "text": self.item.text,
            "is_open": self.is_open,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "agreement": self.change,
        }


def round_view(session: Session, group: Group, round_: DiscussionRound) -> RoundView:
    q = questionnaire_of(group.questionnaire)
    k = settings_of(group).min_group_size
    item = _item(q, round_.item_id)
    votes = list(session.scalars(select(RoundVote.answer).where(RoundVote.round_id == round_.id)))
    before = domain.side(item, domain.answers_from_counts(round_.before.get("counts") or {}), k)
    after = domain.side(item, votes, k, live=round_.is_open)
    return RoundView(round_.id, item, round_.is_open, k, before, after, domain.change(before.sd, after.sd))


def rounds_of(session: Session, group: Group) -> list[RoundView]:
    rows = session.scalars(
        select(DiscussionRound).where(DiscussionRound.group_id == group.id).order_by(DiscussionRound.id)
    )
    return [round_view(session, group, r) for r in rows]
