"""SCORING.md rule 9: a group's results from its members' results.

Pure functions over plain values, usable from a notebook::

    members = [Member(role="staff", scores={"dialogue": 55.0, ...}, answers={"dl1": 4, ...}), ...]
    summary = summarise(questionnaire, members, leadership_roles={"leadership"})

Definitions (n members, x_1..x_n their non-null dimension scores D_d):

* mean   = sum(x) / n
* median = middle value of the sorted x (mean of the two middle values when n is even)
* sd     = sqrt(sum((x - mean)^2) / (n - 1))     sample standard deviation; null when n < 2
* rwg(j) (James, Demaree & Wolf, 1984) over the J likert items of a dimension on an A-point
  scale: sigma_EU^2 = (A^2 - 1) / 12 (the variance of a uniform "random" answer),
  S^2 = mean of the items' sample variances, r = 1 - S^2 / sigma_EU^2 and
  rwg(j) = J r / (J r + S^2 / sigma_EU^2), truncated to 0 when S^2 > sigma_EU^2.
* perception gap = mean of the leadership subgroup - mean of everyone else, shown only when
  every subgroup has at least ``min_group_size`` members (never fewer than 3).

Invalid arguments raise ``ValueError`` with a message naming the problem.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .findings import Finding, group_findings, strongest_area
from .questionnaire import Item, Questionnaire
from .result import Result, result_from_scores
from .scoring import UNSURE, Answer
from .text import N_

MIN_GROUP_SIZE = 3  # rule 9: a subgroup smaller than this is never shown on its own
HIGH_AGREEMENT = 0.7
MODERATE_AGREEMENT = 0.5
PROMPT_COUNT = 5


@dataclass(frozen=True)
class Member:
    """One complete assessment in a group: its role, dimension scores and raw answers."""

    role: str
    scores: Mapping[str, float | None]
    answers: Mapping[str, Answer] = field(default_factory=dict)


# --------------------------------------------------------------------------- descriptive statistics


@dataclass(frozen=True)
class Describe:
    """n, mean, median, sample sd, min and max of some values (all null when n is 0)."""

    n: int
    mean: float | None
    median: float | None
    sd: float | None
    min: float | None
    max: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": self.mean,
            "median": self.median,
            "sd": self.sd,
            "min": self.min,
            "max": self.max,
        }


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean: sum(x) / n. Raises ValueError for no values."""
    if not values:
        raise ValueError("the mean of no values is undefined")
    return math.fsum(values) / len(values)


def sample_variance(values: Sequence[float]) -> float:
    """Sample variance with Bessel's correction: sum((x - mean)^2) / (n - 1).

    Raises ValueError for fewer than 2 values (the sample variance is undefined there).
    """
    if len(values) < 2:
        raise ValueError(f"the sample variance needs at least 2 values, got {len(values)}")
    m = mean(values)
    return math.fsum((x - m) ** 2 for x in values) / (len(values) - 1)


def median(values: Sequence[float]) -> float:
    """The middle of the sorted values; the mean of the two middle ones when n is even."""
    if not values:
        raise ValueError("the median of no values is undefined")
    ordered = sorted(values)
    half = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[half])
    return (ordered[half - 1] + ordered[half]) / 2


def describe(values: Iterable[float | None]) -> Describe:
    """Summary of the non-null values: n, mean, median, sample sd (n-1; null when n < 2), min, max."""
    xs = [float(v) for v in values if v is not None]
    if not xs:
        return Describe(0, None, None, None, None, None)
    sd = math.sqrt(sample_variance(xs)) if len(xs) >= 2 else None
    return Describe(len(xs), mean(xs), median(xs), sd, min(xs), max(xs))


# --------------------------------------------------------------------------- group scores


WITHHELD = Describe(0, None, None, None, None, None)


def dimension_stats(
    questionnaire: Questionnaire, members: Sequence[Member], min_scored: int = 1
) -> dict[str, Describe]:
    """Rule 9, first point: per dimension, the statistics of the members' non-null D_d.
    Rule 13 per dimension: with fewer than ``min_scored`` non-null scores a dimension is withheld
    (n 0, every figure null), so one person's score in it is never shown on its own."""
    out: dict[str, Describe] = {}
    for d in questionnaire.dimensions:
        values = [m.scores.get(d.id) for m in members]
        scored = sum(1 for v in values if v is not None)
        out[d.id] = describe(values) if scored >= min_scored else WITHHELD
    return out


def dimension_withheld(stats: Describe) -> bool:
    """True for a dimension whose figures rule 13 withholds (fewer than k scores)."""
    return stats.n == 0


def group_result(questionnaire: Questionnaire, stats: Mapping[str, Describe]) -> Result:
    """Rule 9, second point: rules 4-8 applied to the group's dimension means.

    The overall index is O = sum(W_d * mean_d) / sum(W_d), null if any dimension has no mean;
    stage, classification and roadmap follow from the means exactly as for one respondent.
    The "coverage" of a group dimension is left at 1.0 where it has a mean and 0.0 otherwise,
    since coverage (rule 3) is a per-respondent notion.
    """
    missing = [d.id for d in questionnaire.dimensions if d.id not in stats]
    if missing:
        raise ValueError(f"no statistics for dimension(s): {', '.join(missing)}")
    means = {d.id: stats[d.id].mean for d in questionnaire.dimensions}
    coverage = {d: (0.0 if v is None else 1.0) for d, v in means.items()}
    return result_from_scores(questionnaire, means, coverage)


# --------------------------------------------------------------------------- agreement


@dataclass(frozen=True)
class Agreement:
    """rwg(j) of one dimension with the figures it was computed from."""

    rwg: float | None
    label: str | None  # "high", "moderate", "low", or None when rwg cannot be computed
    items: int  # J: items with at least 2 answers
    respondents: int
    s2: float | None  # mean of the items' sample variances
    sigma_eu2: float | None  # expected variance of a uniform answer
    reason: str | None = None  # why rwg is null

    def to_dict(self) -> dict[str, Any]:
        return {
            "rwg": self.rwg,
            "label": self.label,
            "items": self.items,
            "respondents": self.respondents,
            "reason": self.reason,
        }


def agreement_label(rwg: float) -> str:
    """high (>= 0.7), moderate (0.5 to 0.7) or low (< 0.5) agreement."""
    if not 0.0 <= rwg <= 1.0:
        raise ValueError(f"rwg(j) must be between 0 and 1, got {rwg}")
    if rwg >= HIGH_AGREEMENT:
        return "high"
    if rwg >= MODERATE_AGREEMENT:
        return "moderate"
    return "low"


def rwg_j(item_answers: Sequence[Sequence[int]], scale_points: int) -> float:
    """rwg(j) of J items answered on an A-point scale.

    ``item_answers`` holds, for each item, the integer answers given to it (each item at least
    2). With sigma_EU^2 = (A^2 - 1) / 12 and S^2 the mean of the items' sample variances::

        r      = 1 - S^2 / sigma_EU^2
        rwg(j) = J * r / (J * r + S^2 / sigma_EU^2)      0 when S^2 > sigma_EU^2

    Raises ValueError for no items, an item with fewer than 2 answers, or A < 2.
    """
    if scale_points < 2:
        raise ValueError(f"an agreement index needs a scale of at least 2 points, got {scale_points}")
    if not item_answers:
        raise ValueError("rwg(j) needs at least one item")
    for index, answers in enumerate(item_answers):
        if len(answers) < 2:
            raise ValueError(f"item {index} has {len(answers)} answer(s); rwg(j) needs at least 2 per item")
    j = len(item_answers)
    sigma_eu2 = (scale_points**2 - 1) / 12
    s2 = mean([sample_variance([float(a) for a in answers]) for answers in item_answers])
    if s2 > sigma_eu2:
        return 0.0
    ratio = s2 / sigma_eu2
    r = 1.0 - ratio
    denominator = j * r + ratio
    # denominator is 0 only when r = 0 and ratio = 0 together, which cannot happen (r + ratio = 1).
    return j * r / denominator


def dimension_agreement(
    questionnaire: Questionnaire,
    dimension_id: str,
    answer_sets: Sequence[Mapping[str, Answer]],
    min_answers: int = 2,
) -> Agreement:
    """rwg(j) of one dimension over its likert items (choice items have no common scale).

    Unsure and missing answers are left out; items with fewer than 2 answers are left out (with
    ``min_answers``, rule 13's k: fewer than that, so no item's variance rests on fewer than k).
    Respondents are those with at least one integer answer on the dimension's likert items;
    at least 2 are needed.
    """
    items: list[Item] = [i for i in questionnaire.items_of(dimension_id) if i.type == "likert"]
    if not items:
        return Agreement(None, None, 0, 0, None, None, N_("this dimension has no scale questions"))
    points = {i.hi - i.lo + 1 for i in items}
    if len(points) > 1:
        raise ValueError(f"dimension {dimension_id!r} mixes likert scales of {sorted(points)} points")
    scale_points = points.pop()
    respondents = sum(1 for answers in answer_sets if any(_scored(answers.get(i.id)) for i in items))
    if respondents < 2:
        return Agreement(None, None, 0, respondents, None, None, N_("needs at least 2 respondents"))
    columns = [[a for a in (answers.get(i.id) for answers in answer_sets) if _scored(a)] for i in items]
    least = max(2, min_answers)
    usable = [c for c in columns if len(c) >= least]
    if not usable:
        # No number in the words, so the one message reads right for any k (rule 13).
        return Agreement(None, None, 0, respondents, None, None, N_("no question has enough answers yet"))
    sigma_eu2 = (scale_points**2 - 1) / 12
    s2 = mean([sample_variance([float(a) for a in c]) for c in usable])
    value = rwg_j(usable, scale_points)  # type: ignore[arg-type]
    return Agreement(value, agreement_label(value), len(usable), respondents, s2, sigma_eu2)


WITHHELD_AGREEMENT = Agreement(
    None, None, 0, 0, None, None, N_("withheld: fewer than the minimum group size have a score here")
)


def _scored(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --------------------------------------------------------------------------- perception gap


# Whole sentences per case, so that a translation never glues "leaders" and "others" together.
_TOO_FEW = {
    ("leaders",): N_(
        "Withheld: fewer than %(k)s leaders have answered. The comparison appears once each side has "
        "at least %(k)s people, so that no one's answers can be singled out."
    ),
    ("others",): N_(
        "Withheld: fewer than %(k)s others have answered. The comparison appears once each side has "
        "at least %(k)s people, so that no one's answers can be singled out."
    ),
    ("leaders", "others"): N_(
        "Withheld: fewer than %(k)s leaders and others have answered. The comparison appears once each "
        "side has at least %(k)s people, so that no one's answers can be singled out."
    ),
}


@dataclass(frozen=True)
class PerceptionGap:
    """Leaders vs others per dimension, or the reason the whole breakdown is withheld."""

    withheld: bool
    reason: str | None
    min_group_size: int
    leaders: int  # subgroup sizes are shown even when withheld: they are counts, not answers
    others: int
    dimensions: Mapping[str, Mapping[str, float | None]]  # dim -> {"leaders","others","gap"}
    # ``reason`` as an English message marked for translation and its values (a page translates).
    reason_message: tuple[str, Mapping[str, int]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "withheld": self.withheld,
            "reason": self.reason,
            "min_group_size": self.min_group_size,
            "subgroups": {"leaders": self.leaders, "others": self.others},
            "dimensions": {k: dict(v) for k, v in self.dimensions.items()},
        }


def check_min_group_size(min_group_size: int) -> int:
    """The minimum subgroup size, which may be raised but never set below 3."""
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int):
        raise ValueError(f"the minimum group size must be a whole number, got {min_group_size!r}")
    if min_group_size < MIN_GROUP_SIZE:
        raise ValueError(
            f"the minimum group size is {min_group_size}; it can never be below {MIN_GROUP_SIZE}, "
            "so that no one can be singled out"
        )
    return min_group_size


def perception_gap(
    questionnaire: Questionnaire,
    members: Sequence[Member],
    leadership_roles: Collection[str],
    min_group_size: int = MIN_GROUP_SIZE,
) -> PerceptionGap:
    """Rule 9: per dimension, gap = mean(leaders' D_d) - mean(others' D_d).

    Members whose role is in ``leadership_roles`` are leaders; everyone else (any other role,
    or none) is "others". If either subgroup has fewer than ``min_group_size`` members the whole
    breakdown is withheld, so that no figure can be had by subtraction from the group mean.
    A single dimension on which a subgroup has fewer than ``min_group_size`` non-null scores is
    withheld the same way (its row is null), for the same reason.
    """
    size = check_min_group_size(min_group_size)
    leaders = [m for m in members if m.role in leadership_roles]
    others = [m for m in members if m.role not in leadership_roles]
    if not leadership_roles:
        reason = N_("Withheld: no role counts as leadership in this group, so there is nothing to compare.")
        return PerceptionGap(True, reason, size, 0, len(others), {}, (reason, {}))
    too_small = [name for name, sub in (("leaders", leaders), ("others", others)) if len(sub) < size]
    if too_small:
        message = _TOO_FEW[tuple(too_small)]
        return PerceptionGap(
            True, message % {"k": size}, size, len(leaders), len(others), {}, (message, {"k": size})
        )
    rows: dict[str, dict[str, float | None]] = {}
    for d in questionnaire.dimensions:
        lead = [m.scores[d.id] for m in leaders if m.scores.get(d.id) is not None]
        rest = [m.scores[d.id] for m in others if m.scores.get(d.id) is not None]
        if len(lead) < size or len(rest) < size:
            rows[d.id] = {"leaders": None, "others": None, "gap": None}
            continue
        lead_mean, rest_mean = mean(lead), mean(rest)  # type: ignore[arg-type]
        rows[d.id] = {"leaders": lead_mean, "others": rest_mean, "gap": lead_mean - rest_mean}
    return PerceptionGap(False, None, size, len(leaders), len(others), rows)


# --------------------------------------------------------------------------- discussion prompts


@dataclass(frozen=True)
class Prompt:
    """An item people answered most differently: worth discussing in the room."""

    item: str
    dimension: str
    text: str
    sd: float  # sample sd of the answers on the item's own scale
    spread: float  # sample sd of the rule-2 positions (0..1), comparable across scales
    n: int
    distribution: tuple[tuple[str, str, int], ...]  # (value, label, count), options in order; unsure last

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "dimension": self.dimension,
            "text": self.text,
            "sd": self.sd,
            "n": self.n,
            "distribution": [{"value": v, "label": label, "count": c} for v, label, c in self.distribution],
        }


def answer_distribution(item: Item, answers: Iterable[Answer | None]) -> tuple[tuple[str, str, int], ...]:
    """Count of each option of ``item`` (every option listed, zeros included), then "unsure"."""
    # One pass over the answers, then a look-up per option (not a pass per option). Only whole
    # numbers count towards an option (``_scored``: never True for 1), as before.
    counts = Counter(a for a in answers if _scored(a) or a == UNSURE)
    unsure = counts.pop(UNSURE, 0)
    rows = [(str(o.value), o.label, counts.get(o.value, 0)) for o in item.options]
    if item.allow_unsure:
        rows.append((UNSURE, N_("Unsure"), unsure))
    return tuple(rows)


def discussion_prompts(
    questionnaire: Questionnaire,
    answer_sets: Sequence[Mapping[str, Answer]],
    count: int = PROMPT_COUNT,
    min_answers: int = 2,
) -> list[Prompt]:
    """Rule 9: the ``count`` items with the largest sample standard deviation.

    Items are ranked by the sd of their answers' positions on the item's scale,
    (v - lo) / (hi - lo), so a choice item on another scale is compared fairly; on one shared
    scale this is the same order as the raw sd. Items with fewer than 2 answers have no sd and
    are left out; ties go to the earlier item in the file. Items on which everyone agreed
    (sd 0) are not prompts. Rule 13: with ``min_answers`` (the group's k) an item's answer counts
    are shown only when at least that many answered it with a number.
    """
    if count < 1:
        raise ValueError(f"the number of prompts must be at least 1, got {count}")
    ranked: list[tuple[float, int, Prompt]] = []
    for position, item in enumerate(questionnaire.items):
        given = [a for a in (answers.get(item.id) for answers in answer_sets) if _scored(a)]
        if len(given) < max(2, min_answers):
            continue
        sd = math.sqrt(sample_variance([float(a) for a in given]))  # type: ignore[arg-type]
        if sd == 0:
            continue
        spread = sd / (item.hi - item.lo)
        ranked.append((-spread, position, item, sd, len(given)))
    ranked.sort(key=lambda entry: (entry[0], entry[1]))
    # The answer counts only for the prompts kept (a pass over every answer set each).
    return [
        Prompt(
            item=item.id,
            dimension=item.dimension,
            text=item.text,
            sd=sd,
            spread=-negative_spread,
            n=n,
            distribution=answer_distribution(item, (answers.get(item.id) for answers in answer_sets)),
        )
        for negative_spread, _, item, sd, n in ranked[:count]
    ]


# --------------------------------------------------------------------------- everything at once


@dataclass(frozen=True)
class GroupSummary:
    n: int
    stats: Mapping[str, Describe]
    result: Result
    agreement: Mapping[str, Agreement]
    gap: PerceptionGap
    prompts: Sequence[Prompt]
    # Rule 15's group clause over the members' answers, and the strongest area by those findings.
    findings: tuple[Finding, ...] = ()
    strongest: str | None = None


def summarise(
    questionnaire: Questionnaire,
    members: Sequence[Member],
    leadership_roles: Collection[str],
    min_group_size: int = MIN_GROUP_SIZE,
    prompt_count: int = PROMPT_COUNT,
) -> GroupSummary:
    """All of rule 9 for a group of complete assessments of one questionnaire version, with
    rule 13 per figure: a dimension with fewer than ``min_group_size`` scores is withheld (its
    statistics and agreement null, so the overall index and stage are null too), and so is an
    item's answer count (prompt, finding) over fewer than that many answers."""
    stats = dimension_stats(questionnaire, members, check_min_group_size(min_group_size))
    answer_sets = [m.answers for m in members]
    result = group_result(questionnaire, stats)
    k = check_min_group_size(min_group_size)
    findings = group_findings(questionnaire, answer_sets, k)
    return GroupSummary(
        n=len(members),
        stats=stats,
        result=result,
        agreement={
            d.id: (
                WITHHELD_AGREEMENT
                if dimension_withheld(stats[d.id]) and members
                else dimension_agreement(questionnaire, d.id, answer_sets, k)
            )
            for d in questionnaire.dimensions
        },
        gap=perception_gap(questionnaire, members, leadership_roles, min_group_size),
        prompts=discussion_prompts(questionnaire, answer_sets, prompt_count, k),
        findings=findings,
        strongest=strongest_area(result.dimensions, findings),
    )
