"""SCORING.md rule 19: instrument health, read from the complete responses to one questionnaire
version, for the people who write questionnaires.

Per dimension, over the respondents who gave every item of it a number (listwise deletion):
``n`` and Cronbach's alpha ``k/(k-1) * (1 - sum var(s_i) / var(sum s_i))`` with sample
variances, shown only when ``n >= 30`` and ``k >= 2``. Per item, over the same respondents, the
item-rest correlation (Pearson, the item against the sum of the dimension's other items); over
all complete responses, the shares at the item's lowest and highest value, unsure, not
applicable and missing. Flags name what an author should look at.

Plain Python on purpose: the figures are few sums, and the domain layer stays importable without
numerical packages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .questionnaire import Item, Questionnaire
from .scoring import NOT_APPLICABLE, UNSURE, item_score

MIN_ALPHA_N = 30  # alpha below this many complete sets is too unsteady to print
MIN_ALPHA_K = 2  # a one-item dimension has no internal consistency to measure

# Flag thresholds (rule 19): a figure past one of these is worth an author's look.
ALPHA_BELOW = 0.7
ITEM_REST_BELOW = 0.3
FLOOR_CEILING_ABOVE = 0.8
UNSURE_ABOVE = 0.3

# The problem codes of a flag: each names the figure that is out of bounds.
PROBLEM_ALPHA = "alpha"
PROBLEM_ITEM_REST = "item_rest"
PROBLEM_FLOOR = "floor"
PROBLEM_CEILING = "ceiling"
PROBLEM_UNSURE = "unsure"
PROBLEMS = (PROBLEM_ALPHA, PROBLEM_ITEM_REST, PROBLEM_FLOOR, PROBLEM_CEILING, PROBLEM_UNSURE)


@dataclass(frozen=True)
class ItemHealth:
    item_rest: float | None  # None: fewer than two complete sets, one item, or no spread
    floor: float | None  # shares of all complete responses; None when there are none
    ceiling: float | None
    unsure: float | None
    not_applicable: float | None
    missing: float | None

    def to_dict(self) -> dict[str, float | None]:
        return {
            "item_rest": self.item_rest,
            "floor": self.floor,
            "ceiling": self.ceiling,
            "unsure": self.unsure,
            "not_applicable": self.not_applicable,
            "missing": self.missing,
        }


@dataclass(frozen=True)
class DimensionHealth:
    n: int  # respondents with a number for every item of the dimension
    k: int  # items of the dimension
    alpha: float | None  # None unless n >= 30 and k >= 2 (and the total varies)
    items: Mapping[str, ItemHealth]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "alpha": self.alpha,
            "items": {item_id: h.to_dict() for item_id, h in self.items.items()},
        }


@dataclass(frozen=True)
class Flag:
    """Something an author should look at: one item or one dimension, and which figure."""

    problem: str  # one of PROBLEMS
    item: str | None = None
    dimension: str | None = None

    def to_dict(self) -> dict[str, str]:
        where = {"item": self.item} if self.item is not None else {"dimension": self.dimension or ""}
        return {**where, "problem": self.problem}


@dataclass(frozen=True)
class InstrumentHealth:
    questionnaire: str
    version: str
    n_responses: int
    dimensions: Mapping[str, DimensionHealth]
    flags: tuple[Flag, ...]

    def to_dict(self) -> dict[str, Any]:
        """The body of ``GET /api/v1/questionnaires/<id>/health`` and of ``--json``."""
        return {
            "version": self.version,
            "n_responses": self.n_responses,
            "dimensions": {d: h.to_dict() for d, h in self.dimensions.items()},
            "flags": [f.to_dict() for f in self.flags],
        }


def _is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)


def sample_variance(xs: Sequence[float]) -> float:
    """Variance with n - 1 in the denominator (needs at least two values)."""
    m = _mean(xs)
    return math.fsum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when there are fewer than two pairs or either side has no spread."""
    if len(xs) < 2:
        return None
    mx, my = _mean(xs), _mean(ys)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    r = sxy / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))  # rounding can step a hair past +/-1


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """Alpha of complete rows (respondents x items), sample variances; None when undefined
    (fewer than two rows or items, or a total that does not vary)."""
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    columns = list(zip(*rows, strict=True))
    total_var = sample_variance([math.fsum(r) for r in rows])
    if total_var <= 0:
        return None
    item_var = math.fsum(sample_variance(c) for c in columns)
    return k / (k - 1) * (1 - item_var / total_var)


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _item_shares(
    item: Item, responses: Sequence[Mapping[str, object]], item_rest: float | None
) -> ItemHealth:
    floor = ceiling = unsure = not_applicable = missing = 0
    for answers in responses:
        value = answers.get(item.id)
        if _is_number(value):
            floor += value == item.lo
            ceiling += value == item.hi
        elif value == UNSURE:
            unsure += 1
        elif value == NOT_APPLICABLE:
            not_applicable += 1
        else:  # absent, or anything a stored row should not hold: not a usable answer
            missing += 1
    n = len(responses)
    return ItemHealth(
        item_rest=item_rest,
        floor=_share(floor, n),
        ceiling=_share(ceiling, n),
        unsure=_share(unsure, n),
        not_applicable=_share(not_applicable, n),
        missing=_share(missing, n),
    )


def dimension_health(
    questionnaire: Questionnaire, dimension_id: str, responses: Sequence[Mapping[str, object]]
) -> DimensionHealth:
    items = questionnaire.items_of(dimension_id)
    # Listwise: only respondents with a number for every item of the dimension.
    rows = [
        [item_score(i, answers[i.id]) for i in items]  # type: ignore[arg-type]
        for answers in responses
        if all(_is_number(answers.get(i.id)) for i in items)
    ]
    n, k = len(rows), len(items)
    alpha = cronbach_alpha(rows) if n >= MIN_ALPHA_N and k >= MIN_ALPHA_K else None
    out: dict[str, ItemHealth] = {}
    for index, item in enumerate(items):
        rest = None
        if k >= 2:
            own = [r[index] for r in rows]
            others = [math.fsum(r) - r[index] for r in rows]
            rest = pearson(own, others)
        out[item.id] = _item_shares(item, responses, rest)
    return DimensionHealth(n=n, k=k, alpha=alpha, items=out)


def flags_of(dimensions: Mapping[str, DimensionHealth]) -> tuple[Flag, ...]:
    """Rule 19's flags, dimension first, then its items in file order."""
    flags: list[Flag] = []
    for dimension_id, d in dimensions.items():
        if d.alpha is not None and d.alpha < ALPHA_BELOW:
            flags.append(Flag(PROBLEM_ALPHA, dimension=dimension_id))
        for item_id, h in d.items.items():
            if h.item_rest is not None and h.item_rest < ITEM_REST_BELOW:
                flags.append(Flag(PROBLEM_ITEM_REST, item=item_id))
            if h.floor is not None and h.floor > FLOOR_CEILING_ABOVE:
                flags.append(Flag(PROBLEM_FLOOR, item=item_id))
            if h.ceiling is not None and h.ceiling > FLOOR_CEILING_ABOVE:
                flags.append(Flag(PROBLEM_CEILING, item=item_id))
            if h.unsure is not None and h.unsure > UNSURE_ABOVE:
                flags.append(Flag(PROBLEM_UNSURE, item=item_id))
    return tuple(flags)


def instrument_health(
    questionnaire: Questionnaire, responses: Iterable[Mapping[str, object]]
) -> InstrumentHealth:
    """Rule 19 over ``responses``: the answers of every complete response to this version."""
    rows = list(responses)
    dimensions = {d.id: dimension_health(questionnaire, d.id, rows) for d in questionnaire.dimensions}
    return InstrumentHealth(
        questionnaire=questionnaire.id,
        version=questionnaire.version,
        n_responses=len(rows),
        dimensions=dimensions,
        flags=flags_of(dimensions),
    )
