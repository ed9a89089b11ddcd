"""Discussion rounds: one disputed item answered again after the room has talked it through.

Agreement on the item is its answers' sample standard deviation (n - 1) on the item's own scale,
as rule 9 ranks discussion prompts: the smaller, the more alike the room answers. A round's
answers are shown only with at least ``k`` of them (rule 13), and the new votes only once the round
has closed, so no single vote can be read off by comparing two looks.
Pure Python: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .groups import answer_distribution, sample_variance
from .questionnaire import Item
from .scoring import UNSURE, Answer
from .text import N_

AGREEMENT_NOTE = N_(
    "Agreement is the spread of the answers (sample standard deviation on the question's scale): "
    "the smaller the spread, the more alike the room answers."
)


def spread(answers: Iterable[Answer | None]) -> float | None:
    """Sample standard deviation of the integer answers; None with fewer than 2 of them."""
    values = [float(a) for a in answers if isinstance(a, int) and not isinstance(a, bool)]
    if len(values) < 2:
        return None
    return math.sqrt(sample_variance(values))


def change(before: float | None, after: float | None) -> str:
    """'rose' when the spread narrowed, 'fell' when it widened, 'unchanged', or 'unknown'."""
    if before is None or after is None:
        return "unknown"
    if math.isclose(before, after, abs_tol=1e-9):
        return "unchanged"
    return "rose" if after < before else "fell"


@dataclass(frozen=True)
class Side:
    """One side of a round (before or after): n answers, and when shown, the distribution."""

    n: int
    distribution: tuple[tuple[str, str, int], ...] | None  # None: withheld (fewer than k)
    sd: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "sd": self.sd,
            "distribution": None
            if self.distribution is None
            else [{"value": v, "label": label, "count": c} for v, label, c in self.distribution],
        }


def side(item: Item, answers: Sequence[Answer | None], k: int, live: bool = False) -> Side:
    """Rule 13 for a round: the answers the distribution lists (numbers and "unsure"; not
    applicable is no answer here), shown only with at least ``k`` numbers among them, as a
    discussion prompt's. ``live``: the votes of a round still open, which would change one vote at
    a time between two looks at the projector, so only their number is shown until it closes."""
    given = [a for a in answers if a == UNSURE or (isinstance(a, int) and not isinstance(a, bool))]
    numbers = sum(1 for a in given if a != UNSURE)
    if live or numbers < k:
        return Side(len(given), None, None)
    return Side(len(given), answer_distribution(item, given), spread(given))


def answers_from_counts(counts: dict[str, int]) -> list[Answer]:
    """The stored 'before' counts ({"3": 2, "unsure": 1}) back as answers."""
    out: list[Answer] = []
    for value, n in counts.items():
        answer: Answer = int(value) if value.lstrip("-").isdigit() else value  # type: ignore[assignment]
        out.extend([answer] * int(n))
    return out
