"""Answer sets for the instrument health tests (SCORING.md rule 19), generated from a
questionnaire object so they fit whichever file is passed in: a latent level per respondent and
dimension, item noise, and some unsure, not-applicable and missing answers where allowed.

``special`` makes chosen items misbehave the way rule 19's flags look for: "noise" (answers
unrelated to the rest of the dimension), "ceiling" (nearly everyone at the top), "unsure"
(often unsure). ``noisy`` dimensions get so much item noise that their items hardly agree."""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping

from assessment.domain.questionnaire import Item, Questionnaire


def _value(item: Item, position: float) -> int:
    """The option nearest to ``position`` (0..1, social end at 1) on the item's scale."""
    position = min(1.0, max(0.0, position))
    if item.reverse:
        position = 1 - position
    target = item.lo + position * (item.hi - item.lo)
    return min((o.value for o in item.options), key=lambda v: (abs(v - target), v))


def generated_responses(
    q: Questionnaire,
    n: int,
    seed: int,
    *,
    gaps: float = 0.08,
    special: Mapping[str, str] | None = None,
    noisy: Collection[str] = (),
) -> list[dict[str, object]]:
    rng = random.Random(seed)
    special = special or {}
    out: list[dict[str, object]] = []
    for _ in range(n):
        answers: dict[str, object] = {}
        for d in q.dimensions:
            level = rng.random()
            spread = 0.9 if d.id in noisy else 0.25
            for item in q.items_of(d.id):
                kind = special.get(item.id)
                roll = rng.random()
                if kind == "unsure" and item.allow_unsure and roll < 0.4:
                    answers[item.id] = "unsure"
                    continue
                if roll < gaps / 3:
                    continue  # missing
                if roll < 2 * gaps / 3 and item.allow_unsure:
                    answers[item.id] = "unsure"
                    continue
                if roll < gaps and item.allow_not_applicable:
                    answers[item.id] = "not_applicable"
                    continue
                if kind == "noise":
                    position = rng.random()
                elif kind == "ceiling":
                    position = 1.0 if rng.random() < 0.9 else rng.random()
                    answers[item.id] = item.hi if position == 1.0 else _value(item, position)
                    continue
                else:
                    position = level + rng.gauss(0, spread)
                answers[item.id] = _value(item, position)
        out.append(answers)
    return out
