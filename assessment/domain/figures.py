"""SCORING.md rule 17: one rounding rule for every figure shown.

Every page, PDF, chart label and export that shows a score, a mean or a change goes through these
functions, so a figure reads the same everywhere and a reader's own arithmetic always holds:

- a score is a whole number, rounded half up, unless that would put it on or above a line it has
  not reached (a stage bound, the floor, the threshold, 100): then one decimal, cut (39.6 under
  40 shows as "39.6", 79.96 under 80 as "79.9");
- a change is the difference of the two figures *as shown* (69 -> 83 is +14; 65 -> 79.9 is
  +14.9), never the rounded difference of the full-precision values;
- means and differences in cohort tables use the same rule at one decimal.

Values stay at full precision everywhere else (the JSON API, chart positions); only text is
rounded here. Decimal arithmetic avoids binary artefacts such as 0.1 + 0.2 and Python's
round-half-even.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .questionnaire import Questionnaire

MISSING = "\u2013"  # en dash: a null figure
MINUS = "\u2212"  # a real minus sign, as typeset


@dataclass(frozen=True)
class Shown:
    """A figure as it is shown: its exact decimal value and its text."""

    value: Decimal | None
    text: str

    def __str__(self) -> str:
        return self.text


def _quantum(digits: int) -> Decimal:
    return Decimal(1).scaleb(-digits)


def _decimal(value: float) -> Decimal:
    # repr() gives the shortest text that round-trips, so 39.95 is Decimal("39.95"), not
    # 39.9500000000000028421709430404007434844970703125.
    return Decimal(repr(float(value)))


def shown_number(value: float | None, digits: int = 0, bounds: Iterable[float] = ()) -> Shown:
    """``value`` rounded half up to ``digits`` decimals; where that would reach a bound the value
    has not reached, cut instead (to one decimal for a whole figure), so it never reaches it."""
    if value is None:
        return Shown(None, MISSING)
    exact = _decimal(value)
    rounded = exact.quantize(_quantum(digits), rounding=ROUND_HALF_UP)
    crossed = [b for b in map(_decimal, bounds) if exact < b <= rounded]
    if crossed:
        # Cut, not rounded: one decimal for a whole figure, the table's own decimals otherwise.
        rounded = exact.quantize(_quantum(max(digits, 1)), rounding=ROUND_DOWN)
    return Shown(rounded, _text(rounded))


def _text(value: Decimal) -> str:
    if value == 0:
        value = abs(value)  # no "-0"
    text = f"{abs(value):f}"
    return f"{MINUS}{text}" if value < 0 else text


def score_bounds(questionnaire: Questionnaire) -> tuple[float, ...]:
    """Every line a score is judged against: the stages' lower bounds, the floor, the social
    threshold (rules 5 and 6) and 100."""
    t = questionnaire.thresholds
    return tuple(sorted({*(s.min for s in questionnaire.stages), t.floor, t.social, 100.0}))


def shown_score(value: float | None, bounds: Iterable[float] = (), digits: int = 0) -> Shown:
    """A score (0-100) as shown: whole by default, one decimal in cohort tables (``digits=1``)."""
    return shown_number(value, digits, bounds)


def score_text(value: float | None, questionnaire: Questionnaire, digits: int = 0) -> str:
    """The text of a score of ``questionnaire``, judged against its own bounds."""
    return shown_score(value, score_bounds(questionnaire), digits).text


def shown_change(before: Shown, after: Shown) -> Shown:
    """The change from one shown figure to another: their difference, at the precision of the
    more precise of the two, signed ("+14", "\u221214.9", "\u00b10")."""
    if before.value is None or after.value is None:
        return Shown(None, MISSING)
    diff = after.value - before.value
    places = max(-before.value.as_tuple().exponent, -after.value.as_tuple().exponent, 0)
    diff = diff.quantize(_quantum(places))
    if diff == 0:
        return Shown(Decimal(0).quantize(_quantum(places)), "\u00b1" + f"{abs(diff):f}")
    text = f"{abs(diff):f}"
    return Shown(diff, ("+" if diff > 0 else MINUS) + text)


def change_text(
    before: float | None, after: float | None, bounds: Iterable[float] = (), digits: int = 0
) -> tuple[str, str, str]:
    """(before as shown, after as shown, change as shown) for two full-precision scores."""
    bounds = tuple(bounds)
    a = shown_score(before, bounds, digits)
    b = shown_score(after, bounds, digits)
    return a.text, b.text, shown_change(a, b).text


def shown_difference(value: float | None, digits: int = 1) -> Shown:
    """A difference computed elsewhere (a cohort table's mean difference, an interval's ends),
    rounded half up and signed."""
    if value is None:
        return Shown(None, MISSING)
    rounded = _decimal(value).quantize(_quantum(digits), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return Shown(abs(rounded), "\u00b1" + f"{abs(rounded):f}")
    return Shown(rounded, ("+" if rounded > 0 else MINUS) + f"{abs(rounded):f}")


# A float's tenths (or hundredths...) are decided by float arithmetic unless the value sits this
# close to a rounding tie; there ``shown_number`` decides, in Decimal.
_TIE_MARGIN = 1e-6


def shown_value(value: float | None, bounds: tuple[float, ...] = (), digits: int = 0) -> float | None:
    """``float(shown_score(value, bounds, digits).value)``: the figure as shown, as a number (an
    export's cell), in float arithmetic. A value near a rounding tie, or one whose rounding
    would reach a bound, is handed to ``shown_number``; any other float rounds the same either
    way, because the float and its shortest decimal differ by far less than the margin.
    An export of 1,000 responses rounds 6,000 scores: Decimal for each took most of its time."""
    if value is None:
        return None
    scale = 10.0**digits
    shifted = value * scale + 0.5
    whole = math.floor(shifted)
    if shifted - whole < _TIE_MARGIN or whole + 1 - shifted < _TIE_MARGIN:
        return _exact_value(value, bounds, digits)
    rounded = whole / scale
    for b in bounds:
        if value < b <= rounded + _TIE_MARGIN:
            return _exact_value(value, bounds, digits)
    return rounded


def _exact_value(value: float, bounds: tuple[float, ...], digits: int) -> float | None:
    shown = shown_number(value, digits, bounds)
    return None if shown.value is None else float(shown.value)
