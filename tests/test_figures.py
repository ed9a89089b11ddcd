"""Rule 17: one rounding rule for every figure shown (assessment.domain.figures)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from assessment.domain.figures import change_text, shown_change, shown_difference, shown_score, shown_value

BOUNDS = (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)
scores = st.floats(min_value=0, max_value=100, allow_nan=False)


def test_whole_numbers_round_half_up_not_to_even():
    assert shown_score(0.5).text == "1"
    assert shown_score(2.5).text == "3"
    assert shown_score(41.5, BOUNDS).text == "42"


def test_a_score_under_a_bound_is_cut_to_one_decimal():
    assert shown_score(39.6, BOUNDS).text == "39.6"
    assert shown_score(79.96, BOUNDS).text == "79.9"
    assert shown_score(99.95, BOUNDS).text == "99.9"
    assert shown_score(80.0, BOUNDS).text == "80"
    assert shown_score(80.4, BOUNDS).text == "80"


def test_null_is_a_dash():
    assert shown_score(None).text == "\u2013"
    assert change_text(None, 50.0, BOUNDS)[2] == "\u2013"


def test_changes_are_differences_of_the_shown_figures():
    # The cases: 69 -> 83 is +14 whatever the decimals behind them; 65 -> 79.9 is +14.9.
    assert change_text(68.6, 82.6, BOUNDS) == ("69", "83", "+14")
    assert change_text(65.2, 79.95, BOUNDS) == ("65", "79.9", "+14.9")
    assert change_text(50.2, 49.8, BOUNDS) == ("50", "50", "\u00b10")
    assert change_text(55.0, 45.0, BOUNDS) == ("55", "45", "\u221210")


def test_one_decimal_in_cohort_tables():
    assert shown_score(41.25, BOUNDS, digits=1).text == "41.3"
    assert shown_score(39.96, BOUNDS, digits=1).text == "39.9"
    assert shown_difference(8.25).text == "+8.3"
    assert shown_difference(-0.04).text == "\u00b10.0"


@given(scores)
def test_no_shown_score_sits_on_a_bound_it_has_not_reached(value):
    shown = shown_score(value, BOUNDS).value
    assert not any(value < b <= shown for b in map(Decimal, BOUNDS))
    assert abs(shown - Decimal(repr(value))) <= Decimal("0.5")


@given(scores, scores, st.sampled_from([0, 1]))
def test_no_shown_change_differs_from_the_difference_of_the_shown_figures(a, b, digits):
    before, after, change = change_text(a, b, BOUNDS, digits)
    shown_a, shown_b = shown_score(a, BOUNDS, digits), shown_score(b, BOUNDS, digits)
    assert change == shown_change(shown_a, shown_b).text
    expected = Decimal(after) - Decimal(before)
    number = Decimal(change.replace("\u2212", "-").replace("\u00b1", "").lstrip("+"))
    assert number == expected


near_ties = st.builds(
    lambda k, tiny: k / 20 + tiny, st.integers(0, 2000), st.sampled_from([0.0, 1e-9, -1e-9, 1e-13])
)
near_bounds = st.builds(lambda b, d: b - d, st.sampled_from(BOUNDS), st.floats(min_value=0, max_value=0.2))


@given(st.one_of(scores, near_ties, near_bounds), st.integers(0, 2))
def test_shown_value_is_the_shown_figure_as_a_number(value, digits):
    # Exports round in float arithmetic (shown_value); it must give rule 17's figure exactly.
    shown = shown_score(value, BOUNDS, digits)
    assert shown_value(value, BOUNDS, digits) == (None if shown.value is None else float(shown.value))


def test_shown_value_at_the_rule_17_examples():
    assert shown_value(39.95, BOUNDS, 1) == 39.9  # cut: 40.0 would reach a stage not reached
    assert shown_value(79.96, BOUNDS, 0) == 79.9
    assert shown_value(41.25, BOUNDS, 1) == 41.3  # half up, not to even
    assert shown_value(None, BOUNDS, 1) is None
