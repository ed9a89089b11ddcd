"""SCORING.md rules 1-7: answers -> item scores -> dimension scores, overall index, stage and
classification. Every threshold, weight and label comes from the questionnaire definition.

Values are kept at full precision; rounding is for display only (see ``display``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from .figures import score_bounds, shown_score
from .questionnaire import Item, Questionnaire, Stage

UNSURE = "unsure"
# Rule 1: kept, not scored, and the item leaves both sums of that respondent's coverage.
NOT_APPLICABLE = "not_applicable"
Answer = int | str  # an integer on the item's scale, UNSURE or NOT_APPLICABLE


@dataclass(frozen=True)
class AnswerProblem:
    item: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"item": self.item, "message": self.message}


class InvalidAnswers(ValueError):
    """Rule 1: invalid input is rejected as a whole; ``problems`` names every bad item."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.item}: {p.message}" for p in problems))


def check_answer(item: Item, value: object) -> str | None:
    """Why ``value`` is not a valid answer to ``item``, or None when it is."""
    if value == UNSURE and isinstance(value, str):
        return None if item.allow_unsure else "this question does not allow 'unsure'"
    if value == NOT_APPLICABLE and isinstance(value, str):
        return None if item.allow_not_applicable else "this question does not allow 'not_applicable'"
    # bool is an int in Python, but true/false is not an answer on a scale.
    if isinstance(value, bool) or not isinstance(value, int):
        words = ["an integer"]
        words += [repr(UNSURE)] if item.allow_unsure else []
        words += [repr(NOT_APPLICABLE)] if item.allow_not_applicable else []
        allowed = ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]
        return f"must be {allowed}, not {value!r}"
    # SCORING.md rule 1: a choice item's scale is its lowest to highest option value, and any
    # integer on that scale is an answer (rule 2 places it linearly).
    if not item.lo <= value <= item.hi:
        return f"{value} is outside the scale {item.lo}..{item.hi}"
    return None


def validate_answers(questionnaire: Questionnaire, answers: object) -> dict[str, Answer]:
    """Return the answers as a clean dict, or raise InvalidAnswers naming every bad item.

    Missing items are allowed (they are simply not scored); ``None`` counts as missing.
    """
    if not isinstance(answers, Mapping):
        raise InvalidAnswers([AnswerProblem("answers", "must be an object mapping item ids to answers")])
    problems: list[AnswerProblem] = []
    clean: dict[str, Answer] = {}
    index = questionnaire.item_index
    for item_id, value in answers.items():
        item = index.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            problems.append(AnswerProblem(str(item_id), "unknown item id"))
            continue
        if value is None:
            continue
        # The common case, an integer on the scale, without check_answer's call.
        if type(value) is int and item.lo <= value <= item.hi:
            clean[item_id] = value
            continue
        reason = check_answer(item, value)
        if reason:
            problems.append(AnswerProblem(item_id, reason))
        else:
            clean[item_id] = value  # type: ignore[assignment]
    if problems:
        raise InvalidAnswers(problems)
    # Keep the questionnaire's order so stored answers read naturally.
    return {i: clean[i] for i in questionnaire.item_ids if i in clean}


def item_score(item: Item, value: int) -> float:
    """Rule 2: position on the item's scale in [0, 1], flipped for reverse-keyed items."""
    s = (value - item.lo) / (item.hi - item.lo)
    return 1.0 - s if item.reverse else s


def item_scores(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, float]:
    """Rule 2 for every scored answer (integers only), in the questionnaire's order."""
    out: dict[str, float] = {}
    get = answers.get
    for i in questionnaire.items:
        value = get(i.id)
        if isinstance(value, int) and not isinstance(value, bool):
            out[i.id] = item_score(i, value)
    return out


@dataclass(frozen=True)
class ItemFinding:
    """Rule 11: one item listed as a strength or a weakness, with its score after reverse keying."""

    item: str
    dimension: str
    score: float

    def to_dict(self) -> dict[str, str | float]:
        return {"item": self.item, "dimension": self.dimension, "score": self.score}


def strengths_and_weaknesses(
    questionnaire: Questionnaire, scores: Mapping[str, float]
) -> tuple[tuple[ItemFinding, ...], tuple[ItemFinding, ...]]:
    """Rule 11: strengths (s >= strength, highest first) and weaknesses (s <= weakness, lowest
    first), ties in file order. Absolute thresholds: an item answered at the unsocial end is never
    a strength, whatever the other answers, and either list may be empty."""
    t = questionnaire.thresholds
    # (score, position, item): a finding is made only for the items on either list.
    found = [(scores[i.id], n, i) for n, i in enumerate(questionnaire.items) if i.id in scores]
    strengths = sorted((f for f in found if f[0] >= t.strength), key=lambda f: (-f[0], f[1]))
    weaknesses = sorted(f for f in found if f[0] <= t.weakness)
    return (
        tuple(ItemFinding(i.id, i.dimension, s) for s, _, i in strengths),
        tuple(ItemFinding(i.id, i.dimension, s) for s, _, i in weaknesses),
    )


@dataclass(frozen=True)
class DimensionScore:
    id: str
    label: str
    weight: float
    score: float | None  # null when coverage is below min_coverage
    coverage: float
    answered: int
    unsure: int
    total: int
    stage: Stage | None
    target: float | None  # rule 8: lower bound of the next stage (100 at the top)
    gap: float | None
    not_applicable: int = 0  # rule 1: items this respondent's organisation does not have


@dataclass(frozen=True)
class Classification:
    id: str  # "social_organisation" or "using_social_media"
    label: str
    summary: str
    bottleneck: str | None
    held_back: bool  # O clears the social threshold but the floor rule fails
    provisional: bool  # O is null: not enough answers for a sound verdict


def stage_dict(stage: Stage | None) -> dict[str, str] | None:
    return None if stage is None else {"id": stage.id, "label": stage.label}


def _rule_3_integers(
    questionnaire: Questionnaire, dimension_id: str, answers: Mapping[str, Answer]
) -> tuple[tuple[int, int] | None, float]:
    """Rule 3 as (numerator, denominator) of D_d in whole numbers, or None, with the coverage."""
    terms = questionnaire.integer_terms(dimension_id)
    score_sum = scored_weight = total_weight = 0
    get = answers.get
    for item_id, score_factor, weight_factor, reverse, lo, hi in terms.rows:
        value = get(item_id)
        if value == NOT_APPLICABLE:
            continue
        total_weight += weight_factor
        if isinstance(value, int):
            scored_weight += weight_factor
            score_sum += score_factor * (hi - value if reverse else value - lo)
    coverage = scored_weight / total_weight if total_weight else 0.0
    if coverage < questionnaire.thresholds.min_coverage or scored_weight == 0:
        return None, coverage
    return (100 * score_sum * terms.weight_unit, terms.unit * scored_weight), coverage


def exact_dimension_score(
    questionnaire: Questionnaire, dimension_id: str, answers: Mapping[str, Answer]
) -> tuple[Fraction | None, float]:
    """Rule 3 in exact arithmetic: (D_d as a rational or None, coverage).

    A float sum can leave a score that is exactly on a stage bound a hair below it (60 computed
    as 59.999999999999986), which would cost the organisation a stage, show 59.9 and ask for one
    more practice. A float weight is an exact binary fraction, so the rational score is exact;
    its float (correctly rounded, and rounding is monotone) compares with every bound exactly as
    the rational does."""
    ratio, coverage = _rule_3_integers(questionnaire, dimension_id, answers)
    return (None if ratio is None else Fraction(*ratio)), coverage


def score_dimension(
    questionnaire: Questionnaire, dimension_id: str, answers: Mapping[str, Answer]
) -> tuple[float | None, float]:
    """Rule 3: (D_d or None, coverage) for one dimension, D_d the float nearest the exact score.

    An item answered "not_applicable" leaves both sums of the coverage (rule 1). When every item
    of the dimension is not applicable there is nothing to score: coverage 0 and D_d null."""
    ratio, coverage = _rule_3_integers(questionnaire, dimension_id, answers)
    # Dividing two ints rounds correctly, as float(Fraction(...)) does, without making one.
    return (None if ratio is None else ratio[0] / ratio[1]), coverage


def overall_index(
    questionnaire: Questionnaire, scores: Mapping[str, float | Fraction | None]
) -> float | None:
    """Rule 4: weighted mean of the dimension scores; null if any of them is null.

    Summed exactly (a float is an exact rational too) and rounded once, so exact dimension
    scores give an index that is on a bound exactly when the true index is."""
    values = [(d.weight, scores.get(d.id)) for d in questionnaire.dimensions]
    if any(v is None for _, v in values):
        return None
    # Whole numbers over a growing common denominator: cheaper than Fraction arithmetic, and
    # the one division at the end rounds correctly.
    num, den, weight_num, weight_den = 0, 1, 0, 1
    for w, v in values:
        w_num, w_den = w.as_integer_ratio()
        v_num, v_den = v.as_integer_ratio()  # type: ignore[union-attr]
        num, den = num * w_den * v_den + w_num * v_num * den, den * w_den * v_den
        weight_num, weight_den = weight_num * w_den + w_num * weight_den, weight_den * w_den
    return (num * weight_den) / (den * weight_num)


def target_of(questionnaire: Questionnaire, score: float) -> float:
    """Rule 8: the lower bound of the stage above the score's stage; 100 at the top stage."""
    following = questionnaire.next_stage(questionnaire.stage_for(score))
    return 100.0 if following is None else following.min


def bottleneck_of(questionnaire: Questionnaire, scores: Mapping[str, float | None]) -> str | None:
    """Rule 6: the dimension with the lowest score; ties go to the earlier one in the file."""
    best: tuple[float, str] | None = None
    for d in questionnaire.dimensions:
        value = scores.get(d.id)
        if value is not None and (best is None or value < best[0]):
            best = (value, d.id)
    return None if best is None else best[1]


def floor_fails(questionnaire: Questionnaire, scores: Mapping[str, float | None]) -> bool:
    known = [v for v in scores.values() if v is not None]
    return bool(known) and min(known) < questionnaire.thresholds.floor


def classify(
    questionnaire: Questionnaire, scores: Mapping[str, float | None], overall: float | None
) -> Classification:
    """Rule 6: social organisation only when O clears the threshold and no dimension is below the floor."""
    t = questionnaire.thresholds
    bottleneck = bottleneck_of(questionnaire, scores)
    above = overall is not None and overall >= t.social
    floor_ok = overall is not None and not floor_fails(questionnaire, scores)
    verdict = "social_organisation" if above and floor_ok else "using_social_media"
    text = questionnaire.classifications[verdict]
    return Classification(
        id=verdict,
        label=text["label"],
        summary=text.get("summary", ""),
        bottleneck=bottleneck,
        held_back=above and not floor_ok,
        provisional=overall is None,
    )


def dimension_scores(
    questionnaire: Questionnaire,
    scores: Mapping[str, float | None],
    coverage: Mapping[str, float],
    answers: Mapping[str, Answer],
) -> tuple[DimensionScore, ...]:
    out = []
    get = answers.get
    for d in questionnaire.dimensions:
        value = scores[d.id]
        items = questionnaire.items_of(d.id)
        target = None if value is None else target_of(questionnaire, value)
        # One pass over the dimension's answers for all three counts.
        answered = unsure = not_applicable = 0
        for i in items:
            given = get(i.id)
            if isinstance(given, int):
                answered += 1
            elif given == UNSURE:
                unsure += 1
            elif given == NOT_APPLICABLE:
                not_applicable += 1
        out.append(
            DimensionScore(
                id=d.id,
                label=d.label,
                weight=d.weight,
                score=value,
                coverage=coverage[d.id],
                answered=answered,
                unsure=unsure,
                total=len(items),
                stage=None if value is None else questionnaire.stage_for(value),
                target=target,
                gap=None if value is None else target - value,
                not_applicable=not_applicable,
            )
        )
    return tuple(out)


def display(value: float | None, digits: int = 0) -> str:
    """Round for display only; '–' for a null score."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}"


score_boundaries = score_bounds  # rule 17's lines, kept under the name the callers know


def display_score(value: float | None, boundaries: Iterable[float]) -> str:
    """A score rounded for display by rule 17 (``figures.shown_score``): half up, but never up
    onto a line it has not reached (39.6 under a floor of 40 shows as "39.6")."""
    return shown_score(value, boundaries).text
