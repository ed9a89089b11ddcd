"""One way to put a comparison into words (SCORING.md rules 14 and 17), used by the cohort pages,
the comparison PDFs and their two-minute summaries alike, so a figure and its words never
disagree anywhere.

The words rest on two things at once:

- the **points**: the change as shown (rule 17: the difference of the two means as shown), so the
  number in the sentence is the number in the table;
- the **effect size** (Hedges' g between cohorts, d_z before and after), read against Cohen's
  0.2 / 0.5 / 0.8.

The size word is the smaller of the size of the effect and the size of the points (2.5 / 6 / 10
points on the 0-100 scale: what 0.2 / 0.5 / 0.8 standard deviations are at the spread typical of
individual scores, about 12 points). So a few points are never "large" because people happened
to vary little, and a big gap between noisy groups is never "large" because of its points alone;
two areas with about the same points cannot be called a large and a small change side by side
unless the words say why (one of them could be chance).

Only a change within the same people (before and after) is an improvement or a decline. Two
cohorts are different people: one "started higher" or "started lower" when both answered at their
start, otherwise it "scored higher" or "lower". A result whose (Holm-adjusted) p is not below 0.05
"could be chance", and the words say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .figures import Shown
from .text import N_

# Cohen's benchmarks for a standardised difference, and the points that match them at a spread
# of about 12 points (0.2, 0.5 and 0.8 of 12, rounded to steps a reader can hold in mind).
EFFECT_STEPS: tuple[tuple[float, str], ...] = ((0.8, "large"), (0.5, "medium"), (0.2, "small"))
POINT_STEPS: tuple[tuple[float, str], ...] = ((10.0, "large"), (6.0, "medium"), (2.5, "small"))
SIZES = ("negligible", "small", "medium", "large")

PAIRED = "paired"
INDEPENDENT = "independent"

# The words themselves, in one place for the translation layer.
UP, DOWN, SAME = "up {points} points", "down {points} points", "no change in points"
STARTED_HIGHER, STARTED_LOWER, STARTED_SAME = (
    "started {points} points higher",
    "started {points} points lower",
    "started level",
)
HIGHER, LOWER, LEVEL = "scored {points} points higher", "scored {points} points lower", "scored level"
IMPROVEMENT, DECLINE, NO_CHANGE = "a {size} improvement", "a {size} decline", "no meaningful change"
DIFFERENCE, NO_DIFFERENCE = "a {size} difference", "no meaningful difference"
CHANCE = "{words} that could be chance"
UNDEFINED = "no spread to compare with: every score was the same"

# The same words marked for translation, as whole phrases: a translation never builds "a small
# improvement" from "small" and "improvement" (German adjectives follow the noun's gender). The
# layer that shows a comparison translates ``EffectWords.head`` with ``head_message`` and
# ``EffectWords.tail`` as it is (every tail is below), then joins them with the marked pattern.
WORDS_PATTERN = N_("%(head)s, %(tail)s")
HEAD_MESSAGES = {
    UP: N_("up %(points)s points"),
    DOWN: N_("down %(points)s points"),
    SAME: N_("no change in points"),
    STARTED_HIGHER: N_("started %(points)s points higher"),
    STARTED_LOWER: N_("started %(points)s points lower"),
    STARTED_SAME: N_("started level"),
    HIGHER: N_("scored %(points)s points higher"),
    LOWER: N_("scored %(points)s points lower"),
    LEVEL: N_("scored level"),
}
TAILS = (
    N_("a small improvement"),
    N_("a medium improvement"),
    N_("a large improvement"),
    N_("a small decline"),
    N_("a medium decline"),
    N_("a large decline"),
    N_("a small difference"),
    N_("a medium difference"),
    N_("a large difference"),
    N_("a small improvement that could be chance"),
    N_("a medium improvement that could be chance"),
    N_("a large improvement that could be chance"),
    N_("a small decline that could be chance"),
    N_("a medium decline that could be chance"),
    N_("a large decline that could be chance"),
    N_("a small difference that could be chance"),
    N_("a medium difference that could be chance"),
    N_("a large difference that could be chance"),
    N_("no meaningful change"),
    N_("no meaningful difference"),
    N_("no spread to compare with: every score was the same"),
)


def head_message(head: str, points: str) -> str:
    """The marked message (``%(points)s`` placeholder) that ``head`` was made from."""
    for template, message in HEAD_MESSAGES.items():
        if template.format(points=points) == head:
            return message
    return head


@dataclass(frozen=True)
class EffectWords:
    """A comparison in words: ``text`` is what pages and reports print."""

    size: str  # one of SIZES
    direction: int  # +1, -1 or 0: the sign of the change as shown
    points: str  # the change as shown, without its sign ("3.7")
    signed: str  # the change as shown, signed ("+3.7")
    clear: bool  # not to be put down to chance (decisive p < 0.05)
    head: str  # the move in points: "up 3.7 points", "started 3.7 points higher"
    tail: str  # its size in words: "a small improvement that could be chance"

    @property
    def text(self) -> str:
        return f"{self.head}, {self.tail}"


def _size(value: float, steps: tuple[tuple[float, str], ...]) -> str:
    for bound, label in steps:
        if abs(value) >= bound:
            return label
    return "negligible"


def size_of(effect: float, points: Decimal) -> str:
    """The smaller of the effect's size and the points' size."""
    by_effect, by_points = _size(effect, EFFECT_STEPS), _size(float(points), POINT_STEPS)
    return min(by_effect, by_points, key=SIZES.index)


def effect_words(
    effect: float | None,
    change: Shown,
    *,
    design: str,
    at_start: bool = False,
    clear: bool = False,
) -> EffectWords:
    """Words for a comparison whose shown change is ``change`` (``figures.shown_change`` of the
    two shown means) and whose effect size is ``effect``.

    ``design``: PAIRED (the same people at two waves) or INDEPENDENT (two groups of people);
    ``at_start``: both groups answered at their first wave; ``clear``: the decisive p (Holm's for
    an area, the raw p for the overall index) is below 0.05."""
    if design not in (PAIRED, INDEPENDENT):
        raise ValueError(f"design must be {PAIRED!r} or {INDEPENDENT!r} (got {design!r})")
    value = change.value if change.value is not None else Decimal(0)
    direction = (value > 0) - (value < 0)
    points = f"{abs(value):f}"
    signed = change.text
    if design == PAIRED:
        moves = (SAME, UP, DOWN)
    elif at_start:
        moves = (STARTED_SAME, STARTED_HIGHER, STARTED_LOWER)
    else:
        moves = (LEVEL, HIGHER, LOWER)
    head = moves[direction].format(points=points)
    if effect is None:
        return EffectWords("negligible", direction, points, signed, False, head, UNDEFINED)
    size = "negligible" if direction == 0 else size_of(effect, value)
    if design == PAIRED:
        if size == "negligible":
            tail = NO_CHANGE
        else:
            tail = (IMPROVEMENT if direction > 0 else DECLINE).format(size=size)
    else:
        tail = NO_DIFFERENCE if size == "negligible" else DIFFERENCE.format(size=size)
    if size != "negligible" and not clear:
        tail = CHANCE.format(words=tail)
    return EffectWords(size, direction, points, signed, clear, head, tail)
