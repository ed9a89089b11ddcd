"""Self-assessment: one respondent's answers, from starting to completing, results and retakes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, manager_of_class

from ..db.models import Assessment, DimensionScoreRow, Group, QuestionnaireVersion, new_token
from ..domain.questionnaire import Questionnaire
from ..domain.result import Result, score
from ..domain.roadmap import Profile
from ..domain.scoring import AnswerProblem, InvalidAnswers, validate_answers
from . import NotFound, benchmarks, ensure_changeable, ensure_open, push, snapshots
from .participants import ensure_room
from .questionnaires import (
    current_ref,
    current_version,
    language_for,
    questionnaire_of,
    translated,
    version_named,
)
from .retention import stamp
from .snapshots import next_completion_seq


def start_assessment(
    session: Session,
    version: QuestionnaireVersion,
    *,
    organisation: str = "",
    sector: str = "",
    size_band: str = "",
    role: str = "",
    group: Group | None = None,
    series: str | None = None,
    flush: bool = True,
    wave: str | None = None,
    respondent_hash: str | None = None,
    benchmark: bool = False,
    language: str = "en",
) -> Assessment:
    """A new in-progress assessment. ``flush=False`` leaves the INSERT to the caller's next flush
    (one round trip fewer when the caller completes it straight away). ``language``: the one it is
    answered in (``questionnaires.language_for``), which its report follows."""
    assessment = Assessment(
        questionnaire=version,
        questionnaire_pk=version.pk,
        organisation=organisation.strip()[:200],
        sector=sector.strip()[:100],
        size_band=size_band[:50],
        role=role[:50],
        group=group,
        answers={},
        wave=wave,
        respondent_hash=respondent_hash,
        benchmark=benchmark and group is None,
        language=language,
    )
    if group is not None:
        # Workshop participants' times are kept to the day only (docs/privacy.md).
        assessment.created_at = assessment.updated_at = stamp(True)
    if series:
        assessment.series = series
    session.add(assessment)
    if flush:
        session.flush()
    if group is not None and group.id is not None:
        push.announce(session, group.id, "progress")
    return assessment


def save_answers(assessment: Assessment, answers: Mapping[str, object], *, page: int | None = None) -> None:
    """Merge validated answers into the stored ones (raises InvalidAnswers, changing nothing).
    ``None`` clears an answer. Raises GroupClosed when the assessment's group is closed, and
    ResponseLocked for a finished workshop response (rule 13: a published response that changed
    would show in the figures as one person's difference)."""
    ensure_open(assessment.group)
    ensure_changeable(assessment.status, assessment.group)
    q = questionnaire_of(assessment.questionnaire)
    cleared = [k for k, v in answers.items() if v is None]
    clean = validate_answers(q, {k: v for k, v in answers.items() if v is not None})
    merged = {k: v for k, v in (assessment.answers or {}).items() if k not in cleared}
    merged.update(clean)
    # A new dict, so SQLAlchemy sees the JSON column change.
    assessment.answers = {i.id: merged[i.id] for i in q.items if i.id in merged}
    if page is not None:
        assessment.page = max(assessment.page or 0, page)
    assessment.updated_at = stamp(_in_group(assessment))


def _in_group(assessment: Assessment) -> bool:
    return assessment.group_id is not None or assessment.group is not None


def result_of(
    assessment: Assessment, language: str | None = None, questionnaire: Questionnaire | None = None
) -> Result:
    """The assessment's result; its texts in ``language`` ("de") where the questionnaire has it,
    else as written, or in the words of ``questionnaire`` (its own questionnaire as a page shows
    it). The figures are the same in every language."""
    profile = Profile(size_band=assessment.size_band or "", sector=assessment.sector or "")
    q = questionnaire or translated(questionnaire_of(assessment.questionnaire), language)
    return score(q, assessment.answers or {}, profile)


def complete_assessment(session: Session, assessment: Assessment, result: Result | None = None) -> Result:
    """Score and mark complete. Idempotent: completing twice never makes two results.
    ``result``: the caller's result of these very answers, when it has one already."""
    if result is None:
        result = result_of(assessment)
    completed_now = False
    if assessment.status != "complete":
        assessment.status = "complete"
        assessment.completed_at = stamp(_in_group(assessment))
        if assessment.group_id is not None and assessment.completion_seq is None:
            assessment.completion_seq = next_completion_seq(session, assessment.group_id)
            # After the number: taking it holds the group's row, so the count below is exact.
            ensure_room(session, assessment.group, besides=assessment.id)
            completed_now = True
    assessment.overall = result.overall
    assessment.updated_at = stamp(_in_group(assessment))  # explicit, or onupdate stores the exact time
    existing = {row.dimension: row for row in assessment.scores}
    for d in result.dimensions:
        row = existing.get(d.id)
        if row is None:
            assessment.scores.append(DimensionScoreRow(dimension=d.id, score=d.score, coverage=d.coverage))
        else:
            row.score, row.coverage = d.score, d.coverage
    session.flush()
    if assessment.group_id is None:
        benchmarks.sync_series(session, assessment.series)  # rule 18: the series' entry follows
    if completed_now and assessment.group_id is not None:
        snapshots.completed(session, assessment.group_id)
    return result


# Built once: statements made per call spend longer on their construction than on the database.
_INSERT_ASSESSMENT = insert(Assessment.__table__)
_INSERT_SCORES = insert(DimensionScoreRow.__table__)


def submit(
    session: Session,
    questionnaire_id: str,
    answers: object,
    *,
    organisation: str = "",
    sector: str = "",
    size_band: str = "",
    role: str = "",
    group: Group | None = None,
    version: str | None = None,
    wave: str | None = None,
    respondent_hash: str | None = None,
    benchmark: bool = False,
    language: str = "en",
) -> tuple[Assessment, Result]:
    """One complete submission (the API): validated first, so bad input saves nothing.
    InvalidAnswers names every bad answer and a bad role together. ``version`` picks a registered
    version (NotFound when there is none); without it the newest is used. ``language``: the one
    it was answered in, a language of the questionnaire (the caller checks): the result's texts
    are in it, its figures the same in every language."""
    ensure_open(group)
    if group is None and version is not None:
        row = version_named(session, questionnaire_id, version)
        questionnaire_pk, q = row.pk, questionnaire_of(row)
    elif group is None:
        questionnaire_pk, q = current_ref(session, questionnaire_id)
    else:
        questionnaire_pk, q = group.questionnaire_pk, questionnaire_of(group.questionnaire)
    q = translated(q, language)
    problems: list[AnswerProblem] = []
    result: Result | None = None
    try:
        # Validates, and is the result itself: the answers are checked once.
        result = score(q, answers, Profile(size_band=size_band[:50], sector=sector.strip()[:100]))
    except InvalidAnswers as exc:
        problems.extend(exc.problems)
    try:
        check_role(q, role, group)
    except InvalidAnswers as exc:
        problems.extend(exc.problems)
    if problems or result is None:
        raise InvalidAnswers(problems)
    if group is not None and group.id is None:
        session.flush()  # the group's id is given on insert
    now = stamp(group is not None)
    completion_seq = None
    if group is not None:
        completion_seq = next_completion_seq(session, group.id)
        ensure_room(session, group)  # after the number, which holds the group's row
    values: dict[str, Any] = {
        "id": new_token(),
        "token": new_token(),
        "series": new_token(),
        "questionnaire_pk": questionnaire_pk,
        "group_id": None if group is None else group.id,
        "organisation": organisation.strip()[:200],
        "sector": sector.strip()[:100],
        "size_band": size_band[:50],
        "role": role[:50],
        "wave": wave,
        "respondent_hash": respondent_hash,
        "answers": dict(result.answers),
        "status": "complete",
        "page": len(q.dimensions),
        "overall": result.overall,
        "created_at": now,
        "updated_at": now,
        "completed_at": now,
        "completion_seq": completion_seq,
        "benchmark": benchmark and group is None,
        "language": language,
    }
    # Two plain INSERTs: the ORM's unit of work cost more than validation, scoring and the
    # roadmap together (DESIGN.md's submission budget; bench/bench_submit.py measures it).
    # On the session's connection: the ORM's execute() adds its own layers to each.
    connection = session.connection()
    connection.execute(_INSERT_ASSESSMENT, values)
    connection.execute(
        _INSERT_SCORES,
        [
            {"assessment_id": values["id"], "dimension": d.id, "score": d.score, "coverage": d.coverage}
            for d in result.dimensions
        ],
    )
    # The same row as an ORM object in the session, as if loaded: callers may read or change it.
    assessment = _as_loaded(values)
    session.add(assessment)
    if values["benchmark"]:
        benchmarks.sync_series(session, assessment.series)  # rule 18: opted in from the start
    if group is not None:
        snapshots.completed(session, group.id)
    return assessment, result


def _as_loaded(values: dict[str, Any]) -> Assessment:
    """An Assessment holding ``values`` as if a query had loaded it (detached; add it to a
    session). Built the way the ORM builds a loaded row, straight into its state: the
    constructor's per-attribute set events, whose history make_transient_to_detached then
    discards, were a twentieth of a submission. Assessment has no validators, mutable-tracked
    columns or backrefs set from these columns, so nothing those events did is lost."""
    assessment = _ASSESSMENT_CLASS.new_instance()
    instance_state(assessment).dict.update(values)
    make_transient_to_detached(assessment)
    return assessment


_ASSESSMENT_CLASS = manager_of_class(Assessment)


def roles_offered(q: Questionnaire, group: Group | None = None) -> list[str]:
    """The role ids a respondent may pick: the group's choice, else the questionnaire's."""
    if group is not None and group.settings.get("roles"):
        return list(group.settings["roles"])
    return [r.id for r in q.roles]


def check_role(q: Questionnaire, role: str, group: Group | None = None) -> None:
    allowed = roles_offered(q, group)
    if role and allowed and role not in allowed:
        raise InvalidAnswers([AnswerProblem("role", f"unknown role {role!r} (one of: {', '.join(allowed)})")])


def get_assessment(session: Session, assessment_id: str) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("no such assessment")
    return assessment


def assessment_by_token(session: Session, token: str, *, for_update: bool = False) -> Assessment:
    """The assessment of a private link; ``for_update`` locks it (its row on PostgreSQL, the
    database's writes on SQLite: see ``db``) so two saves for one link are handled one after the
    other."""
    query = select(Assessment).where(Assessment.token == token)
    if for_update:
        query = query.with_for_update()
    assessment = session.scalar(query)
    if assessment is None:
        raise NotFound("no such assessment")
    return assessment


def series_history(session: Session, assessment: Assessment) -> list[Assessment]:
    """The complete assessments of the same private series, oldest first."""
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.series == assessment.series, Assessment.status == "complete")
            .order_by(Assessment.completed_at, Assessment.created_at)
        )
    )


def group_by_join_code(session: Session, code: str) -> Group:
    """The group a participant joins with a short code (case and spaces forgiven)."""
    cleaned = "".join(code.split()).upper()
    group = session.scalar(select(Group).where(Group.join_code.in_({code.strip(), cleaned})))
    if group is None:
        raise NotFound("no group with this code")
    return group


def retake(session: Session, previous: Assessment) -> Assessment:
    """A new assessment in the same private series, on the questionnaire's current version."""
    version = current_version(session, previous.questionnaire.questionnaire_id)
    return start_assessment(
        session,
        version,
        organisation=previous.organisation,
        sector=previous.sector,
        size_band=previous.size_band,
        role=previous.role,
        series=previous.series,
        benchmark=previous.benchmark,  # the series' choice, changeable at the end and on the results
        language=language_for(questionnaire_of(version), previous.language),
    )


def payload(assessment: Assessment, result: Result, report_url: str) -> dict[str, Any]:
    """DESIGN.md's response body for one assessment."""
    body = {"id": assessment.id}
    body.update(result.to_dict())
    body.update(
        {
            "status": assessment.status,
            "organisation": assessment.organisation,
            "role": assessment.role or None,
            "group": assessment.group_id,
            "created_at": _iso(assessment.created_at),
            "completed_at": _iso(assessment.completed_at),
            "language": assessment.language,
            "report_url": report_url,
        }
    )
    return body


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
