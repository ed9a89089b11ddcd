"""Workshop participants: one response each, in the browser and over the API alike. No Flask here.

Joining a workshop (the join page's role form, or ``POST /api/v1/groups/join``) starts one
in-progress response and hands back a *participant token*: the response's private token, signed
with the app's secret. The browser keeps it in a per-workshop cookie; an API client sends it in
its submission's body as ``participant_token``. Either way the token names exactly one response,
which completes once: a second complete answer for the same token is refused.

A workshop's ``expected_headcount``, when set, caps its complete responses: the completion that
would exceed it is refused (``HeadcountReached``), checked while the group's completion counter
is held, so two workers completing at once cannot both pass the last place.

What this does not stop, and docs/privacy.md says so: someone who joins many times (a script
with the code) holds many tokens. The headcount caps what that can add.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.models import Assessment, Group
from ..domain.result import Result, score
from ..domain.scoring import AnswerProblem, InvalidAnswers
from . import NotFound, ensure_open
from .questionnaires import language_for, questionnaire_of, translated

# The salt of the join cookie since it was introduced: existing cookies stay valid.
SIGNING_SALT = "workshop-join"

FULL = (
    "{name!r} has its expected {expected} complete responses, so no more are accepted; "
    "the facilitator can raise the expected number in the workshop's settings"
)
ANSWERED = "this participant has already given a complete response to {name!r}; it is kept"
NO_SUCH_PARTICIPANT = "no participant of a workshop has this token: join with POST /api/v1/groups/join first"


class HeadcountReached(RuntimeError):
    """The workshop has its expected number of complete responses."""

    def __init__(self, group: Group, expected: int):
        self.group = group
        self.expected = expected
        super().__init__(FULL.format(name=group.name, expected=expected))


class AlreadyAnswered(RuntimeError):
    """The participant token's response is already complete."""

    def __init__(self, group: Group):
        self.group = group
        super().__init__(ANSWERED.format(name=group.name))


def _serializer(secret: str | bytes) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SIGNING_SALT)


def token_for(secret: str | bytes, assessment: Assessment) -> str:
    """The participant token of a workshop response (what the join cookie holds)."""
    return str(_serializer(secret).dumps(assessment.token))


def response_for(
    session: Session,
    secret: str | bytes,
    participant_token: str,
    group: Group | None = None,
    *,
    for_update: bool = False,
) -> Assessment | None:
    """The workshop response a participant token names (in ``group`` when given), or None when
    the token does not verify or its response is gone (deleted). ``for_update`` locks the row, so
    two submissions with one token are handled one after the other."""
    from .self_assessment import assessment_by_token  # self_assessment imports this module

    try:
        token = _serializer(secret).loads(participant_token)
    except BadSignature:
        return None
    if not isinstance(token, str):
        return None
    try:
        assessment = assessment_by_token(session, token, for_update=for_update)
    except NotFound:
        return None
    if assessment.group_id is None or (group is not None and assessment.group_id != group.id):
        return None
    return assessment


def expected_headcount(group: Group) -> int | None:
    value = (group.settings or {}).get("expected_headcount")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def complete_count(session: Session, group: Group, *, besides: str | None = None) -> int:
    query = select(func.count()).where(Assessment.group_id == group.id, Assessment.status == "complete")
    if besides is not None:
        query = query.where(Assessment.id != besides)
    return int(session.scalar(query) or 0)


def is_full(session: Session, group: Group, *, besides: str | None = None) -> bool:
    """True when the workshop has its expected number of complete responses (never without one)."""
    expected = expected_headcount(group)
    return expected is not None and complete_count(session, group, besides=besides) >= expected


def ensure_room(session: Session, group: Group | None, *, besides: str | None = None) -> None:
    """Raise HeadcountReached when one more complete response would exceed the headcount. Call it
    after taking the group's completion number (which holds the group's row until commit)."""
    if group is None or group.kind != "workshop":
        return
    if is_full(session, group, besides=besides):
        raise HeadcountReached(group, expected_headcount(group) or 0)


def join(session: Session, group: Group, role: str, language: str | None = None) -> Assessment:
    """A participant joins: one new in-progress response with the chosen role, answered in
    ``language`` where the questionnaire has it (else its own). Raises GroupClosed,
    HeadcountReached, or InvalidAnswers naming a role the workshop does not offer."""
    from .self_assessment import check_role, start_assessment

    ensure_open(group)
    q = questionnaire_of(group.questionnaire)
    check_role(q, role, group)
    ensure_room(session, group)
    return start_assessment(
        session,
        group.questionnaire,
        organisation=group.organisation,
        role=role,
        group=group,
        language=language_for(q, language),
    )


def submit(
    session: Session,
    assessment: Assessment,
    answers: object,
    *,
    role: str | None = None,
    language: str | None = None,
) -> Result:
    """The participant's complete answers in one go (the API): validated and scored, stored on
    their response and completed. Raises AlreadyAnswered, GroupClosed, HeadcountReached, or
    InvalidAnswers (nothing changed). ``role``, when given, must be the one chosen at join;
    ``language``, when given, is the one answered in (a language of the questionnaire)."""
    from .self_assessment import complete_assessment

    group = assessment.group
    if assessment.status == "complete":
        raise AlreadyAnswered(group)
    ensure_open(group)
    q = translated(questionnaire_of(assessment.questionnaire), language or assessment.language)
    problems: list[AnswerProblem] = []
    result: Result | None = None
    try:
        result = score(q, answers)
    except InvalidAnswers as exc:
        problems.extend(exc.problems)
    if role and role != (assessment.role or ""):
        joined = assessment.role or "no role"
        problems.append(AnswerProblem("role", f"this participant joined as {joined!r}, not {role!r}"))
    if problems or result is None:
        raise InvalidAnswers(problems)
    assessment.answers = dict(result.answers)
    assessment.page = len(q.dimensions)
    if language:
        assessment.language = language
    complete_assessment(session, assessment, result)
    return result
