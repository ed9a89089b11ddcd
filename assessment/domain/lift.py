"""SCORING.md rule 16: what would lift a dimension to its next stage.

For a dimension below the top stage, the shortest list of its scored items whose answers, raised
to the item's most social value, bring D_d to at least the next stage's lower bound. Raising item
``i`` adds ``gain_i = 100 * w_i * (1 - s_i) / sum(w_j over the scored items of d)``, so items are
taken by gain, largest first (ties in file order), until the bound is reached: no shorter list
can reach it, since no k items gain more than the k largest gains.

Each step is checked with the scoring engine itself (rule 3 recomputed with the raised answers),
so "these practices would move you to the next stage" holds to the last digit. Unsure and missing
items are not counted; ``open_items`` lists them, since answering them may change the picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .questionnaire import Item, Questionnaire
from .scoring import NOT_APPLICABLE, Answer, DimensionScore, item_score, score_dimension

# Rounding in the running sum of gains is far below this; the engine then decides exactly.
_SLACK = 1e-6


@dataclass(frozen=True)
class Lift:
    dimension: str
    target: float  # the next stage's lower bound
    items: tuple[str, ...]  # raise these to their most social answer, in this order
    reachable: bool  # False when even every scored item raised does not reach the target
    # Items of the dimension answered "unsure" or not at all: answering them may change the picture.
    open_items: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "items": list(self.items),
            "reachable": self.reachable,
            "open_items": list(self.open_items),
        }


def most_social(item: Item) -> int:
    """The answer that scores s = 1 (the low end for a reverse-keyed item)."""
    return item.lo if item.reverse else item.hi


def gains(
    questionnaire: Questionnaire,
    dimension: str,
    answers: Mapping[str, Answer],
    item_scores: Mapping[str, float] | None = None,
) -> list[tuple[Item, float]]:
    """Rule 16's gain_i of every scored item of the dimension, in the file's order.
    ``item_scores``: rule 2's scores of these answers when the caller has them already."""
    get = answers.get
    scored = []
    for i in questionnaire.items_of(dimension):
        value = get(i.id)
        if isinstance(value, int) and not isinstance(value, bool):
            s = item_score(i, value) if item_scores is None else item_scores[i.id]
            scored.append((i, s))
    total = sum(i.weight for i, _ in scored)
    if not total:
        return []
    return [(i, 100.0 * i.weight * (1.0 - s) / total) for i, s in scored]


def dimension_lift(
    questionnaire: Questionnaire,
    dimension: DimensionScore,
    answers: Mapping[str, Answer],
    item_scores: Mapping[str, float] | None = None,
) -> Lift | None:
    """Rule 16 for one dimension; None at the top stage or without a score."""
    if dimension.score is None or dimension.stage is None:
        return None
    following = questionnaire.next_stage(dimension.stage)
    if following is None:
        return None
    target = following.min
    ranked = sorted(
        (
            (gain, position, item)
            for position, (item, gain) in enumerate(gains(questionnaire, dimension.id, answers, item_scores))
        ),
        key=lambda entry: (-entry[0], entry[1]),
    )
    raised = dict(answers)
    chosen: list[str] = []
    reached = False
    running = dimension.score
    for gain, _, item in ranked:
        if gain <= 0:
            break  # already at the social end: raising it changes nothing
        raised[item.id] = most_social(item)
        chosen.append(item.id)
        running += gain
        # The running sum finds the step cheaply; the scoring engine has the last word on it.
        if running >= target - _SLACK:
            value, _ = score_dimension(questionnaire, dimension.id, raised)
            if value is not None and value >= target:
                reached = True
                break
    get = answers.get
    open_items = tuple(
        i.id
        for i in questionnaire.items_of(dimension.id)
        for value in (get(i.id),)
        if not isinstance(value, int) and value != NOT_APPLICABLE
    )
    return Lift(dimension.id, target, tuple(chosen), reached, open_items)


def lift(
    questionnaire: Questionnaire,
    answers: Mapping[str, Answer],
    dimensions: Sequence[DimensionScore],
    item_scores: Mapping[str, float] | None = None,
) -> dict[str, Lift]:
    """Rule 16 for every dimension below the top stage that has a score, in the file's order.
    ``item_scores``: rule 2's scores of ``answers`` (score() has them; computed here otherwise)."""
    out: dict[str, Lift] = {}
    for d in dimensions:
        found = dimension_lift(questionnaire, d, answers, item_scores)
        if found is not None:
            out[d.id] = found
    return out
