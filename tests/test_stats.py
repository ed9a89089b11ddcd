"""SCORING.md rule 14 in assessment/domain/stats.py, checked against reference values.

Every literal below was computed independently with R 4.x (Debian's r-base-core), not with this
code: ``t.test(b, a, var.equal = FALSE)`` for Welch, ``t.test(x)`` for the means' intervals,
``t.test(after, before, paired = TRUE)`` for the paired design, ``p.adjust(p, method = "holm")``
for Holm, and Hedges' g and d_z (with their intervals) written out by hand in R from rule 14's
formulas. The R script:

    a <- c(42.5, 55.0, 61.25, 38.75, 70.0, 47.5, 52.5, 66.25)
    b <- c(58.75, 72.5, 63.75, 80.0, 55.0, 68.75, 77.5, 61.25, 70.0, 85.0)
    t.test(b, a, var.equal = FALSE); t.test(a); t.test(b)
    sp <- sqrt(((nA-1)*var(a) + (nB-1)*var(b))/(nA+nB-2)); g <- (1 - 3/(4*(nA+nB)-9)) * (mean(b)-mean(a))/sp
    se <- sqrt((nA+nB)/(nA*nB) + g^2/(2*(nA+nB))); g -/+ 1.96*se
    t.test(after, before, paired = TRUE); dz <- mean(d)/sd(d); dz -/+ 1.96*sqrt(1/n + dz^2/(2*n))
    p.adjust(c(0.012, 0.04, 0.0031, 0.2, 0.03), "holm"); p.adjust(c(0.01, NA, 0.02, 0.5), "holm")
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.domain import stats

A = [42.5, 55.0, 61.25, 38.75, 70.0, 47.5, 52.5, 66.25]
B = [58.75, 72.5, 63.75, 80.0, 55.0, 68.75, 77.5, 61.25, 70.0, 85.0]
BEFORE = [40, 52.5, 47.5, 61.25, 35, 58.75, 45, 50, 66.25, 42.5, 55, 48.75]
AFTER = [47.5, 60, 46.25, 70, 45, 62.5, 57.5, 52.5, 71.25, 55, 58.75, 50]
REL = 1e-9


def approx(value: float) -> object:
    return pytest.approx(value, rel=REL, abs=1e-12)


def test_cohort_vs_cohort_matches_r_welch_and_hand_computed_hedges_g():
    result = stats.welch(stats.describe(A), stats.describe(B))
    assert (result.n_a, result.n_b) == (8, 10)
    assert result.mean_a == approx(54.21875) and result.mean_b == approx(69.25)
    assert result.ci_a == (approx(44.9062409002062), approx(63.5312590997938))
    assert result.ci_b == (approx(62.2954250695335), approx(76.2045749304665))
    assert result.difference == approx(69.25 - 54.21875)
    assert result.t == approx(3.0085799026622)
    assert result.df == approx(14.0676450527382)
    assert result.p == approx(0.0093485647674813)
    assert result.difference_ci == (approx(4.3204534131827), approx(25.7420465868173))
    assert result.hedges_g == approx(1.38103649305403)
    assert result.hedges_g_ci == (approx(0.347650783195455), approx(2.4144222029126))


def test_the_same_from_sql_style_sums():
    sums = stats.from_sums(len(B), sum(B), sum(x * x for x in B))
    direct = stats.describe(B)
    assert sums.mean == approx(direct.mean) and sums.sd == pytest.approx(direct.sd, rel=1e-10)


def test_before_vs_after_matches_r_paired_t_and_hand_computed_dz():
    result = stats.paired(BEFORE, AFTER)
    assert result.n == 12 and result.df == 11
    assert result.mean_from == approx(50.2083333333333) and result.mean_to == approx(56.3541666666667)
    assert result.mean_difference == approx(6.14583333333333)
    assert result.t == approx(4.86323134835492)
    assert result.p == approx(0.00050008121137333)
    assert result.ci == (approx(3.36437240866666), approx(8.927294258))
    assert result.d_z == approx(1.40389396405207)
    assert result.d_z_ci == (approx(0.606641400649199), approx(2.20114652745494))


def test_holm_matches_r_p_adjust():
    raw = {"dialogue": 0.012, "interaction": 0.04, "engagement": 0.0031, "leadership": 0.2, "policy": 0.03}
    adjusted = stats.holm(raw)
    assert list(adjusted) == list(raw)  # the questionnaire's order is kept
    assert adjusted == {
        "dialogue": approx(0.048),
        "interaction": approx(0.09),
        "engagement": approx(0.0155),
        "leadership": approx(0.2),
        "policy": approx(0.09),
    }


def test_holm_leaves_missing_p_values_out_of_the_count_like_r():
    assert stats.holm({"a": 0.01, "b": None, "c": 0.02, "d": 0.5}) == {
        "a": approx(0.03),
        "b": None,
        "c": approx(0.04),
        "d": approx(0.5),
    }


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=8))
def test_holm_never_lowers_a_p_value_and_keeps_their_order(ps):
    adjusted = stats.holm({str(i): p for i, p in enumerate(ps)})
    for i, p in enumerate(ps):
        assert p <= adjusted[str(i)] <= 1.0
    by_raw = sorted(range(len(ps)), key=lambda i: ps[i])
    values = [adjusted[str(i)] for i in by_raw]
    assert values == sorted(values)


def test_no_spread_gives_undefined_statistics_not_infinities():
    same = stats.describe([50.0, 50.0, 50.0])
    result = stats.welch(same, same)
    assert result.difference == 0 and result.t is None and result.p is None and result.hedges_g is None
    flat = stats.paired([40, 50, 60], [45, 55, 65])  # everyone gained exactly 5
    assert flat.mean_difference == 5 and flat.t is None and flat.d_z is None and flat.ci is None
    assert stats.from_sums(3, 100.0, 3 * (100 / 3) ** 2).sd == 0.0  # rounding noise is no spread


def test_withheld_under_k_on_either_side_with_the_reason():
    assert stats.withheld_reason(3, 3, 3) is None
    reason = stats.withheld_reason(2, 10, 3)
    assert reason is not None and "A has 2" in reason and "at least 3" in reason
    assert "B has 4" in stats.withheld_reason(9, 4, 5)
    assert "2 matched pairs" in stats.withheld_reason(2, 2, 3, unit="pairs")
    with pytest.raises(ValueError, match="never be below 3"):
        stats.withheld_reason(5, 5, 2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.describe([1.0]), "at least 2 values"),
        (lambda: stats.paired([1, 2], [1]), "must pair up"),
        (lambda: stats.holm({"a": 1.5}), "between 0 and 1"),
        (lambda: stats.Sample(-1, 0.0, 0.0), "cannot be negative"),
        (lambda: stats.t_quantile(0), "positive"),
    ],
)
def test_bad_input_raises_value_error_saying_what(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("value", "interval", "reading"),
    [
        (
            0.6,
            (0.3, 0.9),
            "a medium improvement; the interval runs from a small improvement to a large improvement",
        ),
        (-0.85, (-1.2, -0.81), "a large decline; the interval stays within that range"),
        (
            0.1,
            (-0.3, 0.5),
            "no meaningful change; the interval runs from a small decline to a medium "
            "improvement, so no change is also compatible with the data",
        ),
        (None, None, "not defined"),
    ],
)
def test_plain_words_reading_uses_02_05_08(value, interval, reading):
    assert stats.effect_reading(value, interval).startswith(reading)


def test_small_samples_are_under_twenty():
    assert stats.is_small(19) and not stats.is_small(20)
    assert math.isclose(stats.t_quantile(1e9), 1.959963984540054, rel_tol=1e-6)
