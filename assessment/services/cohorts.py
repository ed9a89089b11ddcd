"""Cohorts (groups of kind "cohort"): a trainer's course answered in waves (before, after,
months later), respondents linked across waves by a code they make up, and the comparisons of
SCORING.md rule 14. No Flask here.

The respondent code is never stored: only HMAC-SHA256 of its normalised form (case and spaces
ignored), keyed with the app's secret and the cohort's id, so the same code in two cohorts gives
two unrelated hashes. Comparisons aggregate in SQL from the stored dimension score rows: a fixed
number of statements returning counts, sums and sums of squares per dimension, whatever the
number of respondents (DESIGN.md's budget: 10,000 assessments in under 300 ms).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..db.models import Assessment, DimensionScoreRow, Group, QuestionnaireVersion
from ..domain import stats
from ..domain.groups import MIN_GROUP_SIZE
from ..domain.questionnaire import Questionnaire
from ..domain.text import N_
from ..i18n import gettext
from . import NotFound
from .exports import Table
from .questionnaires import questionnaire_of, translated
from .workshops import WorkshopError, check_settings, create_workshop, settings_of

# A new cohort's waves when none are given: ids fixed, labels in the language of the request
# that creates it (the web form shows the same), stored as the trainer's own words from then on.
DEFAULT_WAVES = (("pre", N_("Before the course")), ("post", N_("After the course")))
WAVE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
CODE_MIN, CODE_MAX = 4, 40
LOW_MATCHING = 0.7  # below this share of people matched, the match report suggests why


class CohortError(WorkshopError):
    """Bad cohort input, naming the field, with a message fit to show."""


class DuplicateResponse(RuntimeError):
    """A complete answer with this respondent code already exists in this wave (HTTP 409)."""

    def __init__(self, wave: str):
        self.wave = wave
        super().__init__(
            f"a complete answer with this respondent code already exists in wave {wave!r}; "
            "it was kept and nothing was replaced. If this is a different person, choose another code."
        )


class WaveNotOpen(RuntimeError):
    """An answer for a wave that is not the cohort's open wave (HTTP 409)."""


@dataclass(frozen=True)
class Wave:
    id: str
    label: str


# --------------------------------------------------------------------------- creating and settings


def check_waves(waves: object) -> list[Wave]:
    """Validated waves: a non-empty list of {"id", "label"} with unique short ids."""
    if waves is None:
        return default_waves()
    if not isinstance(waves, list) or not waves:
        raise CohortError("waves", N_('waves must be a non-empty list of {"id", "label"} objects'))
    out: list[Wave] = []
    for n, wave in enumerate(waves, start=1):
        if not isinstance(wave, dict) or set(wave) - {"id", "label"} or "id" not in wave:
            raise CohortError("waves", N_('wave %(n)s must be an object with "id" and "label"'), n=n)
        wave_id, label = wave.get("id"), wave.get("label", wave.get("id"))
        if not isinstance(wave_id, str) or not WAVE_ID.match(wave_id):
            raise CohortError(
                "waves",
                N_("wave %(n)s's id must be 1-40 lower-case letters, digits, - or _ (got %(id)s)"),
                n=n,
                id=repr(wave_id),
            )
        if not isinstance(label, str) or not label.strip() or len(label) > 100:
            raise CohortError("waves", N_("wave %(n)s's label must be a text of 1-100 characters"), n=n)
        if any(w.id == wave_id for w in out):
            raise CohortError("waves", N_("wave id %(id)s is given twice"), id=repr(wave_id))
        out.append(Wave(wave_id, label.strip()))
    return out


def find_version(session: Session, questionnaire_id: str, version: str | None) -> QuestionnaireVersion:
    """The stored version to pin: the current one, or the named version (the latest loaded of
    that number). NotFound names what is missing."""
    query = select(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    if version is None:
        query = query.where(QuestionnaireVersion.is_current.is_(True))
    else:
        query = query.where(QuestionnaireVersion.version == version)
    row = session.scalars(
        query.order_by(QuestionnaireVersion.is_current.desc(), QuestionnaireVersion.loaded_at.desc())
    ).first()
    if row is None:
        raise NotFound(
            f"no questionnaire {questionnaire_id!r}"
            if version is None
            else f"questionnaire {questionnaire_id!r} has no stored version {version!r}"
        )
    return row


def create_cohort(
    session: Session,
    owner_id: int,
    version: QuestionnaireVersion,
    *,
    name: str,
    organisation: str = "",
    waves: Sequence[Wave] | None = None,
    min_group_size: int | None = None,
    trainer: str = "",
    is_open: bool = True,
) -> Group:
    """A new cohort on the pinned ``version``; the first wave is open."""
    if not name.strip():
        raise CohortError("name", N_("Please give the cohort a name."))
    waves = list(waves or check_waves(None))
    q = questionnaire_of(version)
    base = check_settings(q, [r.id for r in q.roles], [], min_group_size, trainer)
    group = create_workshop(
        session,
        owner_id,
        version,
        name=name,
        organisation=organisation,
        settings=base,
        is_open=is_open,
        kind="cohort",
    )
    settings = dict(group.settings)
    settings.update({"waves": [{"id": w.id, "label": w.label} for w in waves], "open_wave": waves[0].id})
    group.settings = settings
    return group


def default_waves() -> list[Wave]:
    return [Wave(i, gettext(label)) for i, label in DEFAULT_WAVES]


def waves_of(group: Group) -> list[Wave]:
    raw = (group.settings or {}).get("waves")
    return [Wave(w["id"], w["label"]) for w in raw] if raw else default_waves()


def wave_of(group: Group, wave_id: str) -> Wave:
    for wave in waves_of(group):
        if wave.id == wave_id:
            return wave
    raise NotFound(f"this cohort has no wave {wave_id!r}")


def open_wave(group: Group) -> Wave:
    waves = waves_of(group)
    wanted = (group.settings or {}).get("open_wave")
    return next((w for w in waves if w.id == wanted), waves[0])


def min_size(group: Group) -> int:
    """k of rules 13 and 14: the group's minimum size, never below 3."""
    return max(MIN_GROUP_SIZE, settings_of(group).min_group_size)


def set_open_wave(group: Group, wave_id: str) -> Wave:
    wave = wave_of(group, wave_id)
    settings = dict(group.settings or {})
    settings["open_wave"] = wave.id
    group.settings = settings
    return wave


def add_wave(group: Group, wave_id: str, label: str) -> Wave:
    """Append a wave (for example a follow-up months later); it is not opened yet."""
    raw = [{"id": w.id, "label": w.label} for w in waves_of(group)]
    waves = check_waves([*raw, {"id": wave_id.strip().lower(), "label": label}])
    settings = dict(group.settings or {})
    settings["waves"] = [{"id": w.id, "label": w.label} for w in waves]
    group.settings = settings
    return waves[-1]


def owned_cohort(session: Session, owner_id: int, group_id: str) -> Group:
    """The cohort if ``owner_id`` owns it; NotFound otherwise (also for a workshop's id)."""
    group = session.get(Group, group_id)
    if group is None or group.owner_id != owner_id or group.kind != "cohort":
        raise NotFound("no such cohort")
    return group


# --------------------------------------------------------------------------- respondent codes


def normalise_respondent_code(code: str) -> str:
    """The code as matched: Unicode-normalised, case-folded, every space removed."""
    return "".join(unicodedata.normalize("NFKC", code).casefold().split())


def check_respondent_code(code: object) -> str:
    if not isinstance(code, str):
        raise CohortError("respondent_code", "required: the code you made up (at least 4 letters or digits)")
    cleaned = normalise_respondent_code(code)
    if len(cleaned) < CODE_MIN:
        raise CohortError(
            "respondent_code", f"the code needs at least {CODE_MIN} letters or digits, so it is hard to guess"
        )
    if len(cleaned) > CODE_MAX:
        raise CohortError("respondent_code", f"the code may have at most {CODE_MAX} characters")
    return cleaned


def respondent_hash(secret: str | bytes, group_id: str, code: str) -> str:
    """HMAC-SHA256 (hex) of the normalised code, keyed with the app secret; the cohort id is
    part of the message so one person's code links nothing across cohorts."""
    key = secret.encode() if isinstance(secret, str) else secret
    message = f"{group_id}\x00{check_respondent_code(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def already_answered(session: Session, group: Group, wave: str, code_hash: str) -> bool:
    return (
        session.scalar(
            select(func.count())
            .select_from(Assessment)
            .where(
                Assessment.group_id == group.id,
                Assessment.wave == wave,
                Assessment.respondent_hash == code_hash,
                Assessment.status == "complete",
            )
        )
        or 0
    ) > 0


def entry_for(
    session: Session, group: Group, secret: str | bytes, code: object, wave: str | None = None
) -> tuple[str, str]:
    """(wave id, code hash) for a new answer: the wave must be the open one, and the code must
    not have a complete answer in it yet. Raises CohortError, WaveNotOpen or DuplicateResponse."""
    cleaned = check_respondent_code(code)
    current = open_wave(group)
    if wave is not None:
        if not isinstance(wave, str) or wave not in {w.id for w in waves_of(group)}:
            known = ", ".join(w.id for w in waves_of(group))
            raise CohortError("wave", f"this cohort has no wave {wave!r} (one of: {known})")
        if wave != current.id:
            raise WaveNotOpen(f"wave {wave!r} is not open; the cohort is answering wave {current.id!r} now")
    code_hash = respondent_hash(secret, group.id, cleaned)
    if already_answered(session, group, current.id, code_hash):
        raise DuplicateResponse(current.id)
    return current.id, code_hash


# --------------------------------------------------------------------------- counts and matching


def cohorts_of(session: Session, owner_id: int) -> list[tuple[Group, dict[str, int]]]:
    """The owner's cohorts, newest first, each with its complete answers per wave: two queries."""
    groups = list(
        session.scalars(
            select(Group)
            .where(Group.owner_id == owner_id, Group.kind == "cohort")
            .order_by(Group.created_at.desc())
        )
    )
    counts: dict[str, dict[str, int]] = {g.id: {} for g in groups}
    if groups:
        for gid, wave, n in session.execute(
            select(Assessment.group_id, Assessment.wave, func.count())
            .where(Assessment.group_id.in_(list(counts)), Assessment.status == "complete")
            .group_by(Assessment.group_id, Assessment.wave)
        ):
            counts[gid][wave or ""] = n
    return [(g, counts[g.id]) for g in groups]


def wave_counts(session: Session, group: Group) -> dict[str, tuple[int, int]]:
    """Per wave id: (started, complete)."""
    out: dict[str, list[int]] = {w.id: [0, 0] for w in waves_of(group)}
    for wave, status, n in session.execute(
        select(Assessment.wave, Assessment.status, func.count())
        .where(Assessment.group_id == group.id)
        .group_by(Assessment.wave, Assessment.status)
    ):
        row = out.setdefault(wave or "", [0, 0])
        row[0] += n
        if status == "complete":
            row[1] += n
    return {w: (v[0], v[1]) for w, v in out.items()}


@dataclass(frozen=True)
class MatchReport:
    wave_from: Wave
    wave_to: Wave
    n_from: int
    n_to: int
    pairs: int
    unmatched_from: int
    unmatched_to: int

    @property
    def rate(self) -> float | None:
        """Share of the people in either wave who are matched (pairs over distinct people)."""
        people = self.pairs + self.unmatched_from + self.unmatched_to
        return None if people == 0 else self.pairs / people

    @property
    def low(self) -> bool:
        return self.rate is not None and self.n_to > 0 and self.rate < LOW_MATCHING


def _people(group: Group, wave_from: str, wave_to: str) -> Any:
    """One row per respondent code with a complete answer in either wave: how many answers it
    has in each (0 or 1, by the unique index) and its overall index in each.

    Pairs are found by grouping on the code's hash rather than by joining the table to itself:
    one pass whatever the planner's statistics (a self-join on a freshly filled table once led
    PostgreSQL to compare every before with every after, 6 s for 2,500 pairs)."""
    in_from, in_to = Assessment.wave == wave_from, Assessment.wave == wave_to
    return (
        select(
            Assessment.respondent_hash.label("code"),
            func.sum(case((in_from, 1), else_=0)).label("n_from"),
            func.sum(case((in_to, 1), else_=0)).label("n_to"),
            func.max(case((in_from, Assessment.overall), else_=None)).label("x"),
            func.max(case((in_to, Assessment.overall), else_=None)).label("y"),
        )
        .where(
            Assessment.group_id == group.id,
            Assessment.status == "complete",
            Assessment.respondent_hash.is_not(None),
            Assessment.wave.in_([wave_from, wave_to]),
        )
        .group_by(Assessment.respondent_hash)
        .subquery()
    )


def _pair_scores(group: Group, wave_from: str, wave_to: str) -> Any:
    """One row per respondent code and dimension: the score in each wave (null when absent)."""
    in_from, in_to = Assessment.wave == wave_from, Assessment.wave == wave_to
    return (
        select(
            DimensionScoreRow.dimension.label("dimension"),
            func.max(case((in_from, DimensionScoreRow.score), else_=None)).label("x"),
            func.max(case((in_to, DimensionScoreRow.score), else_=None)).label("y"),
        )
        .join(Assessment, Assessment.id == DimensionScoreRow.assessment_id)
        .where(
            Assessment.group_id == group.id,
            Assessment.status == "complete",
            Assessment.respondent_hash.is_not(None),
            Assessment.wave.in_([wave_from, wave_to]),
        )
        .group_by(Assessment.respondent_hash, DimensionScoreRow.dimension)
        .subquery()
    )


def match_report(session: Session, group: Group, wave_from: str, wave_to: str) -> MatchReport:
    """Two queries: complete answers per wave, and pairs matched by code hash."""
    w_from, w_to = wave_of(group, wave_from), wave_of(group, wave_to)
    counts = dict(
        session.execute(
            select(Assessment.wave, func.count())
            .where(
                Assessment.group_id == group.id,
                Assessment.status == "complete",
                Assessment.wave.in_([wave_from, wave_to]),
            )
            .group_by(Assessment.wave)
        ).all()
    )
    people = _people(group, wave_from, wave_to)
    pairs = session.scalar(select(func.count()).where(people.c.n_from > 0, people.c.n_to > 0)) or 0
    n_from, n_to = counts.get(wave_from, 0), counts.get(wave_to, 0)
    return MatchReport(w_from, w_to, n_from, n_to, pairs, n_from - pairs, n_to - pairs)


# --------------------------------------------------------------------------- comparisons


class CompareError(ValueError):
    """Groups or waves that cannot be compared, naming the query parameter."""

    def __init__(self, item: str, message: str):
        self.item = item
        super().__init__(message)


def _interval(pair: tuple[float, float] | None) -> list[float] | None:
    return None if pair is None else [pair[0], pair[1]]


def _independent_dict(result: stats.Independent) -> dict[str, Any]:
    return {
        "n_a": result.n_a,
        "n_b": result.n_b,
        "mean_a": result.mean_a,
        "mean_b": result.mean_b,
        "ci_a": _interval(result.ci_a),
        "ci_b": _interval(result.ci_b),
        "difference": result.difference,
        "difference_ci": _interval(result.difference_ci),
        "t": result.t,
        "df": result.df,
        "p": result.p,
        "p_holm": None,
        "hedges_g": result.hedges_g,
        "hedges_g_ci": _interval(result.hedges_g_ci),
    }


def _paired_dict(result: stats.Paired) -> dict[str, Any]:
    return {
        "n": result.n,
        "mean_from": result.mean_from,
        "mean_to": result.mean_to,
        "mean_difference": result.mean_difference,
        "ci": _interval(result.ci),
        "t": result.t,
        "df": result.df,
        "p": result.p,
        "p_holm": None,
        "d_z": result.d_z,
        "d_z_ci": _interval(result.d_z_ci),
    }


def _apply_holm(dimensions: dict[str, dict[str, Any]]) -> None:
    adjusted = stats.holm({d: body.get("p") for d, body in dimensions.items() if "withheld" not in body})
    for d, p_holm in adjusted.items():
        dimensions[d]["p_holm"] = p_holm


def latest_answered_waves(session: Session, groups: Sequence[Group]) -> dict[str, str]:
    """Per cohort id: its latest wave (in the cohort's order) with at least one complete answer,
    or its first wave when none has any. One query for all of them."""
    answered: dict[str, set[str]] = {g.id: set() for g in groups}
    for gid, wave in session.execute(
        select(Assessment.group_id, Assessment.wave)
        .where(Assessment.group_id.in_(list(answered)), Assessment.status == "complete")
        .group_by(Assessment.group_id, Assessment.wave)
    ):
        answered[gid].add(wave or "")
    out: dict[str, str] = {}
    for group in groups:
        waves = [w.id for w in waves_of(group)]
        done = [w for w in waves if w in answered[group.id]]
        out[group.id] = done[-1] if done else waves[0]
    return out


def compare_cohorts(
    session: Session, a: Group, b: Group, wave_a: str | None = None, wave_b: str | None = None
) -> dict[str, Any]:
    """Cohort B (in ``wave_b``) against cohort A (in ``wave_a``), as independent samples: the
    JSON body of GET /api/v1/cohorts/compare. Two queries, and one more when a wave is not
    given: each side's wave defaults to its cohort's latest wave with complete answers. k is the
    larger of the two cohorts' minimum sizes."""
    qa, qb = questionnaire_of(a.questionnaire), questionnaire_of(b.questionnaire)
    if qa.id != qb.id:
        raise CompareError("b", f"cohort B answers {qb.id!r} and cohort A {qa.id!r}: they cannot be compared")
    if wave_a is None or wave_b is None:
        latest = latest_answered_waves(session, [a, b])
        wave_a = latest[a.id] if wave_a is None else wave_a
        wave_b = latest[b.id] if wave_b is None else wave_b
    wa = _wave_param(a, wave_a, "wave_a")
    wb = _wave_param(b, wave_b, "wave_b")
    if a.id == b.id and wa == wb:
        raise CompareError(
            "wave_b", "that is the same wave of the same cohort; choose another cohort or wave"
        )
    k = max(min_size(a), min_size(b))
    sides = [(a.id, wa), (b.id, wb)]
    side_filter = or_(*[and_(Assessment.group_id == g, Assessment.wave == w) for g, w in sides])
    sums: dict[tuple[str, str, str], tuple[int, float, float]] = {}
    for gid, wave, dimension, n, total, squares in session.execute(
        select(
            Assessment.group_id,
            Assessment.wave,
            DimensionScoreRow.dimension,
            func.count(DimensionScoreRow.score),
            func.sum(DimensionScoreRow.score),
            func.sum(DimensionScoreRow.score * DimensionScoreRow.score),
        )
        .join(Assessment, Assessment.id == DimensionScoreRow.assessment_id)
        .where(side_filter, Assessment.status == "complete", DimensionScoreRow.score.is_not(None))
        .group_by(Assessment.group_id, Assessment.wave, DimensionScoreRow.dimension)
    ):
        sums[(gid, wave, dimension)] = (n, total or 0.0, squares or 0.0)
    overall: dict[tuple[str, str], tuple[int, int, float, float]] = {}
    for gid, wave, people, n, total, squares in session.execute(
        select(
            Assessment.group_id,
            Assessment.wave,
            func.count(),
            func.count(Assessment.overall),
            func.sum(Assessment.overall),
            func.sum(Assessment.overall * Assessment.overall),
        )
        .where(side_filter, Assessment.status == "complete")
        .group_by(Assessment.group_id, Assessment.wave)
    ):
        overall[(gid, wave)] = (people, n, total or 0.0, squares or 0.0)

    def one(key_a: tuple[int, float, float] | None, key_b: tuple[int, float, float] | None) -> dict[str, Any]:
        na, nb = (key_a or (0,))[0], (key_b or (0,))[0]
        reason = stats.withheld_reason(na, nb, k)
        if reason or key_a is None or key_b is None:
            return {"withheld": reason or "no scores on one side"}
        return _independent_dict(stats.welch(stats.from_sums(*key_a), stats.from_sums(*key_b)))

    dimension_ids = [d.id for d in qa.dimensions if any(x.id == d.id for x in qb.dimensions)]
    dimensions = {d: one(sums.get((a.id, wa, d)), sums.get((b.id, wb, d))) for d in dimension_ids}
    _apply_holm(dimensions)
    over_a, over_b = overall.get((a.id, wa)), overall.get((b.id, wb))
    body_overall = one(over_a[1:] if over_a else None, over_b[1:] if over_b else None)
    return {
        "a": {"id": a.id, "wave": wa, "n": over_a[0] if over_a else 0},
        "b": {"id": b.id, "wave": wb, "n": over_b[0] if over_b else 0},
        "k": k,
        "dimensions": dimensions,
        "overall": body_overall,
    }


def _wave_param(group: Group, wave: str | None, item: str) -> str:
    if wave is None:
        return waves_of(group)[0].id
    try:
        return wave_of(group, wave).id
    except NotFound:
        known = ", ".join(w.id for w in waves_of(group))
        raise CompareError(item, f"this cohort has no wave {wave!r} (one of: {known})") from None


def change(session: Session, group: Group, wave_from: str, wave_to: str) -> dict[str, Any]:
    """Before vs after within one cohort, paired by respondent code: the JSON body of
    GET /api/v1/groups/<id>/change. Three queries (the match report's two, and the pairs'
    sums per dimension together with the overall index's)."""
    w_from = _wave_param(group, wave_from, "from")
    w_to = _wave_param(group, wave_to, "to")
    if w_from == w_to:
        raise CompareError("to", "choose two different waves to compare")
    report = match_report(session, group, w_from, w_to)
    k = min_size(group)
    scores = _pair_scores(group, w_from, w_to)
    diff = scores.c.y - scores.c.x
    rows = session.execute(
        select(
            scores.c.dimension,
            func.count(),
            func.sum(diff),
            func.sum(diff * diff),
            func.sum(scores.c.x),
            func.sum(scores.c.y),
        )
        .where(scores.c.x.is_not(None), scores.c.y.is_not(None))
        .group_by(scores.c.dimension)
    ).all()
    people = _people(group, w_from, w_to)
    odiff = people.c.y - people.c.x
    over = session.execute(
        select(
            func.count(),
            func.sum(odiff),
            func.sum(odiff * odiff),
            func.sum(people.c.x),
            func.sum(people.c.y),
        ).where(people.c.x.is_not(None), people.c.y.is_not(None))
    ).one()
    by_dimension = {r[0]: r[1:] for r in rows}

    def one(row: Sequence[Any] | None) -> dict[str, Any]:
        n = int(row[0] or 0) if row else 0
        reason = stats.withheld_reason(n, n, k, unit="pairs")
        if reason or row is None:
            return {"withheld": reason or "no pairs"}
        n, total, squares, sum_from, sum_to = int(row[0]), row[1], row[2], row[3], row[4]
        return _paired_dict(stats.paired_from(stats.from_sums(n, total, squares), sum_from / n, sum_to / n))

    q = questionnaire_of(group.questionnaire)
    dimensions = {d.id: one(by_dimension.get(d.id)) for d in q.dimensions}
    _apply_holm(dimensions)
    return {
        "id": group.id,
        "from": w_from,
        "to": w_to,
        "k": k,
        "pairs": report.pairs,
        "unmatched_from": report.unmatched_from,
        "unmatched_to": report.unmatched_to,
        "dimensions": dimensions,
        "overall": one(tuple(over) if over[0] else None),
    }


# --------------------------------------------------------------------------- values for charts


def side_values(session: Session, group: Group, wave: str) -> dict[str, list[float]]:
    """Every complete respondent's scores in one wave, per dimension and "overall", sorted (so the
    order says nothing about who answered when): two queries, for the distribution charts."""
    values: dict[str, list[float]] = {}
    for dimension, score in session.execute(
        select(DimensionScoreRow.dimension, DimensionScoreRow.score)
        .join(Assessment, Assessment.id == DimensionScoreRow.assessment_id)
        .where(
            Assessment.group_id == group.id,
            Assessment.wave == wave,
            Assessment.status == "complete",
            DimensionScoreRow.score.is_not(None),
        )
    ):
        values.setdefault(dimension, []).append(score)
    values["overall"] = list(
        session.scalars(
            select(Assessment.overall).where(
                Assessment.group_id == group.id,
                Assessment.wave == wave,
                Assessment.status == "complete",
                Assessment.overall.is_not(None),
            )
        )
    )
    return {k: sorted(v) for k, v in values.items()}


def pair_scores(
    session: Session, group: Group, wave_from: str, wave_to: str
) -> dict[str, list[tuple[float, float]]]:
    """The matched pairs' (before, after) scores per dimension and "overall", in the order of
    the before score (never by who answered when): two queries, for the charts."""
    scores = _pair_scores(group, wave_from, wave_to)
    out: dict[str, list[tuple[float, float]]] = {}
    for dimension, x, y in session.execute(
        select(scores.c.dimension, scores.c.x, scores.c.y).where(
            scores.c.x.is_not(None), scores.c.y.is_not(None)
        )
    ):
        out.setdefault(dimension, []).append((x, y))
    people = _people(group, wave_from, wave_to)
    out["overall"] = [
        (x, y)
        for x, y in session.execute(
            select(people.c.x, people.c.y).where(people.c.x.is_not(None), people.c.y.is_not(None))
        )
    ]
    return {k: sorted(v) for k, v in out.items()}


# --------------------------------------------------------------------------- exports


def export_table(
    session: Session,
    group: Group,
    translate: Callable[[str], str] = lambda message: message,
    language: str | None = None,
) -> Table:
    """A row per complete response: wave, pair number (never the code), each item's answer, the
    dimension and overall scores. Two header rows: column ids, then each item's question text.

    Rule 13: a wave with fewer than k complete responses is written as one withheld row, so no
    one's answers can be read off a tiny wave. Pair numbers are given to codes answered in more
    than one wave, in an order unrelated to the codes; three queries. ``translate`` and
    ``language``: the second row's texts and the withheld words in the reader's language (the
    ids row stays the same in every language)."""
    q: Questionnaire = questionnaire_of(group.questionnaire)
    if language:
        q = translated(q, language)
    k = min_size(group)
    items = list(q.items)
    dims = [d.id for d in q.dimensions]
    header = ["response", "wave", "pair", *[i.id for i in items], *[f"score_{d}" for d in dims], "overall"]
    texts = ["", "", "", *[i.text for i in items], *[d.label for d in q.dimensions], translate(OVERALL_INDEX)]
    records = session.execute(
        select(
            Assessment.id, Assessment.wave, Assessment.respondent_hash, Assessment.answers, Assessment.overall
        )
        .where(Assessment.group_id == group.id, Assessment.status == "complete")
        .order_by(Assessment.id)
    ).all()
    scores: dict[str, dict[str, float | None]] = {}
    for aid, dimension, value in session.execute(
        select(DimensionScoreRow.assessment_id, DimensionScoreRow.dimension, DimensionScoreRow.score)
        .join(Assessment, Assessment.id == DimensionScoreRow.assessment_id)
        .where(Assessment.group_id == group.id, Assessment.status == "complete")
    ):
        scores.setdefault(aid, {})[dimension] = value
    per_wave: dict[str, int] = {}
    waves_by_hash: dict[str, set[str]] = {}
    for r in records:
        per_wave[r.wave or ""] = per_wave.get(r.wave or "", 0) + 1
        if r.respondent_hash:
            waves_by_hash.setdefault(r.respondent_hash, set()).add(r.wave or "")
    # Pair numbers follow the sorted hashes: stable between exports, unrelated to any code.
    pair_of = {h: n for n, h in enumerate(sorted(h for h, w in waves_by_hash.items() if len(w) > 1), start=1)}
    order = {w.id: n for n, w in enumerate(waves_of(group))}
    rows: list[list[str | int | float | None]] = [texts]
    number = 0
    withheld_done: set[str] = set()
    for r in sorted(
        records, key=lambda r: (order.get(r.wave or "", 99), pair_of.get(r.respondent_hash, 10**9), r.id)
    ):
        wave = r.wave or ""
        if per_wave[wave] < k:
            if wave not in withheld_done:
                withheld_done.add(wave)
                rows.append([translate(WITHHELD_ROW), wave, None, translate(WITHHELD_WAVE) % {"k": k}])
            continue
        number += 1
        answers = r.answers or {}
        s = scores.get(r.id, {})
        rows.append(
            [
                number,
                wave,
                pair_of.get(r.respondent_hash) if r.respondent_hash else None,
                *[answers.get(i.id) for i in items],
                *[_rounded(s.get(d)) for d in dims],
                _rounded(r.overall),
            ]
        )
    return Table(header, rows)  # type: ignore[arg-type]


OVERALL_INDEX = N_("Overall index")
WITHHELD_ROW = N_("withheld")
WITHHELD_WAVE = N_("fewer than %(k)s responses in this wave (rule 13)")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
