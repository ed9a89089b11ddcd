"""Cohort comparisons (SCORING.md rule 14): means with intervals, cohort vs cohort (Welch,
Hedges' g), before vs after (paired t, d_z) and Holm's adjustment over dimensions.

Pure Python with scipy for the t distribution; no Flask, no database. Every function works from
sufficient statistics (``Sample``: n, mean, sd), so the services can aggregate in SQL and hand
over three numbers per dimension and side instead of every respondent's score; ``describe``
builds a ``Sample`` from raw values for callers that have them.

Where a statistic is undefined (no spread at all: every respondent gave the same score), it is
``None`` rather than an infinity or a NaN; the caller shows "not defined". Bad input (fewer than
two values, a negative count, a p value outside [0, 1]) raises ``ValueError`` saying what is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scipy import stats as _scipy

Interval = tuple[float, float]

Z_975 = 1.96  # rule 14 uses 1.96 for the effect size intervals (a normal approximation)
SMALL_SAMPLE = 20  # rule 14: samples under 20 are labelled "small"
MIN_K = 3  # rule 13: k is never below 3

# Relative size below which a variance computed from sums is rounding noise, not spread: SQL
# sums of squares of equal scores can differ from n * mean^2 in the last bits.
_ZERO_VARIANCE = 1e-12


@dataclass(frozen=True)
class Sample:
    """Sufficient statistics of one side: n, mean, sample standard deviation (n - 1)."""

    n: int
    mean: float
    sd: float

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(f"a sample size cannot be negative (got {self.n})")
        if not math.isfinite(self.mean) or not math.isfinite(self.sd) or self.sd < 0:
            raise ValueError(f"mean and sd must be finite and sd >= 0 (got {self.mean}, {self.sd})")


def describe(values: Iterable[float]) -> Sample:
    """n, mean and sample sd (``sd = sqrt(sum((x - m)^2) / (n - 1))``) of raw values; needs n >= 2."""
    xs = [float(v) for v in values]
    n = len(xs)
    if n < 2:
        raise ValueError(f"need at least 2 values to describe a sample (got {n})")
    m = math.fsum(xs) / n
    return Sample(n, m, math.sqrt(math.fsum((x - m) ** 2 for x in xs) / (n - 1)))


def from_sums(n: int, total: float, total_squares: float) -> Sample:
    """A Sample from SQL aggregates: ``m = S / n``, ``sd^2 = (Q - n m^2) / (n - 1)`` with S the sum and
    Q the sum of squares; a variance within rounding of zero is zero. Needs n >= 2."""
    if n < 2:
        raise ValueError(f"need at least 2 values to describe a sample (got {n})")
    m = total / n
    variance = (total_squares - n * m * m) / (n - 1)
    if variance < _ZERO_VARIANCE * max(1.0, m * m):
        variance = 0.0
    return Sample(n, m, math.sqrt(variance))


def t_quantile(df: float) -> float:
    """``t(0.975, df)``: the two-sided 95% critical value of Student's t."""
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive (got {df})")
    return float(_scipy.t.ppf(0.975, df))


def _two_sided_p(t: float, df: float) -> float:
    """``p = 2 * P(T_df > |t|)``."""
    return float(2.0 * _scipy.t.sf(abs(t), df))


def mean_interval(sample: Sample) -> Interval:
    """95% interval of a mean: ``m -/+ t(0.975, n - 1) * sd / sqrt(n)``; needs n >= 2."""
    if sample.n < 2:
        raise ValueError(f"a mean's interval needs at least 2 values (got {sample.n})")
    half = t_quantile(sample.n - 1) * sample.sd / math.sqrt(sample.n)
    return (sample.mean - half, sample.mean + half)


@dataclass(frozen=True)
class Independent:
    """Cohort B vs cohort A. ``None`` where undefined (neither side has any spread)."""

    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    ci_a: Interval
    ci_b: Interval
    difference: float
    difference_ci: Interval | None
    t: float | None
    df: float | None
    p: float | None
    hedges_g: float | None
    hedges_g_ci: Interval | None


def welch(a: Sample, b: Sample) -> Independent:
    """Welch's unequal-variance comparison of B against A, with Hedges' g.

    - difference ``mB - mA``; ``se = sqrt(sA^2/nA + sB^2/nB)``; ``t = (mB - mA) / se``;
    - Welch-Satterthwaite ``df = se^4 / ((sA^2/nA)^2/(nA-1) + (sB^2/nB)^2/(nB-1))``;
    - two-sided ``p = 2 P(T_df > |t|)``; interval ``diff -/+ t(0.975, df) * se``;
    - pooled ``s_p = sqrt(((nA-1) sA^2 + (nB-1) sB^2) / (nA+nB-2))``, ``d = (mB - mA) / s_p``,
      ``J = 1 - 3 / (4 (nA+nB) - 9)``, ``g = J d``,
      ``SE_g = sqrt((nA+nB)/(nA nB) + g^2 / (2 (nA+nB)))``, interval ``g -/+ 1.96 SE_g``.

    Needs at least 2 on each side. With no spread on either side se and s_p are 0 and t, df, p,
    g and the difference's interval are ``None``.
    """
    if a.n < 2 or b.n < 2:
        raise ValueError(f"each side needs at least 2 values (got {a.n} and {b.n})")
    diff = b.mean - a.mean
    va, vb = a.sd**2 / a.n, b.sd**2 / b.n
    se = math.sqrt(va + vb)
    t = df = p = None
    diff_ci: Interval | None = None
    if se > 0:
        t = diff / se
        df = (va + vb) ** 2 / (va**2 / (a.n - 1) + vb**2 / (b.n - 1))
        p = _two_sided_p(t, df)
        half = t_quantile(df) * se
        diff_ci = (diff - half, diff + half)
    total = a.n + b.n
    pooled = math.sqrt(((a.n - 1) * a.sd**2 + (b.n - 1) * b.sd**2) / (total - 2))
    g = g_ci = None
    if pooled > 0:
        j = 1 - 3 / (4 * total - 9)
        g = j * diff / pooled
        se_g = math.sqrt(total / (a.n * b.n) + g**2 / (2 * total))
        g_ci = (g - Z_975 * se_g, g + Z_975 * se_g)
    return Independent(
        n_a=a.n,
        n_b=b.n,
        mean_a=a.mean,
        mean_b=b.mean,
        ci_a=mean_interval(a),
        ci_b=mean_interval(b),
        difference=diff,
        difference_ci=diff_ci,
        t=t,
        df=df,
        p=p,
        hedges_g=g,
        hedges_g_ci=g_ci,
    )


@dataclass(frozen=True)
class Paired:
    """Before vs after for the same people. ``None`` where undefined (every difference equal)."""

    n: int
    mean_from: float
    mean_to: float
    mean_difference: float
    ci: Interval | None
    t: float | None
    df: int
    p: float | None
    d_z: float | None
    d_z_ci: Interval | None


def paired_from(differences: Sample, mean_from: float, mean_to: float) -> Paired:
    """Paired comparison from the differences ``after - before`` of n pairs:

    - ``mean_difference = mean(diff)``; ``se = sd(diff) / sqrt(n)``; ``t = mean(diff) / se``, ``df = n - 1``;
    - two-sided ``p = 2 P(T_{n-1} > |t|)``; interval ``mean(diff) -/+ t(0.975, n - 1) * se``;
    - ``d_z = mean(diff) / sd(diff)`` with interval ``d_z -/+ 1.96 sqrt(1/n + d_z^2 / (2n))``.

    ``mean_from`` and ``mean_to`` are the pairs' means at each wave (shown beside the difference).
    Needs at least 2 pairs; when every difference is the same (sd 0) t, p, d_z and the intervals
    are ``None``.
    """
    n = differences.n
    if n < 2:
        raise ValueError(f"a paired comparison needs at least 2 pairs (got {n})")
    md, sd = differences.mean, differences.sd
    ci: Interval | None = None
    t = p = d_z = None
    d_ci: Interval | None = None
    if sd > 0:
        se = sd / math.sqrt(n)
        t = md / se
        p = _two_sided_p(t, n - 1)
        half = t_quantile(n - 1) * se
        ci = (md - half, md + half)
        d_z = md / sd
        se_d = math.sqrt(1 / n + d_z**2 / (2 * n))
        d_ci = (d_z - Z_975 * se_d, d_z + Z_975 * se_d)
    return Paired(
        n=n,
        mean_from=mean_from,
        mean_to=mean_to,
        mean_difference=md,
        ci=ci,
        t=t,
        df=n - 1,
        p=p,
        d_z=d_z,
        d_z_ci=d_ci,
    )


def paired(before: Sequence[float], after: Sequence[float]) -> Paired:
    """``paired_from`` over raw pairs: ``before[i]`` and ``after[i]`` are the same person."""
    if len(before) != len(after):
        raise ValueError(f"before and after must pair up (got {len(before)} and {len(after)} values)")
    diffs = [float(y) - float(x) for x, y in zip(before, after, strict=True)]
    n = len(diffs)
    if n < 2:
        raise ValueError(f"a paired comparison needs at least 2 pairs (got {n})")
    return paired_from(describe(diffs), math.fsum(before) / n, math.fsum(after) / n)


def holm(p_values: Mapping[str, float | None]) -> dict[str, float | None]:
    """Holm's step-down adjustment over the given (non-null) p values, in their key order.

    With the m p values sorted ascending ``p_(1) <= ... <= p_(m)``:
    ``p_holm_(i) = min(1, max_{j <= i} (m - j + 1) p_(j))``. Null p values stay null and do not
    count in m (as R's ``p.adjust(method = "holm")`` treats NA). Ties keep their key order.
    """
    present = [(key, p) for key, p in p_values.items() if p is not None]
    for key, p in present:
        if not 0.0 <= p <= 1.0 or math.isnan(p):
            raise ValueError(f"p value of {key!r} must be between 0 and 1 (got {p})")
    m = len(present)
    order = sorted(range(m), key=lambda i: present[i][1])
    adjusted: dict[str, float | None] = {key: None for key in p_values}
    running = 0.0
    for rank, index in enumerate(order):
        key, p = present[index]
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[key] = running
    return adjusted


def check_k(k: int) -> int:
    """The group's minimum size as rule 13 applies it: never below 3."""
    if k < MIN_K:
        raise ValueError(f"the minimum group size can never be below {MIN_K} (got {k})")
    return k


def withheld_reason(n_a: int, n_b: int, k: int, unit: str = "respondents") -> str | None:
    """Why a comparison is withheld (rule 14: fewer than k ``unit`` on a side), or None."""
    check_k(k)
    if unit == "pairs":
        if n_a < k:
            return f"only {n_a} matched pair{'s' if n_a != 1 else ''}; at least {k} are needed"
        return None
    short = [f"{side} has {n}" for side, n in (("A", n_a), ("B", n_b)) if n < k]
    if short:
        return f"fewer than {k} {unit} on a side ({', '.join(short)}); at least {k} each are needed"
    return None


# --------------------------------------------------------------------------- plain words

# Cohen's conventional benchmarks for standardised mean differences, used for both g and d_z:
# under 0.2 negligible, 0.2 small, 0.5 medium, 0.8 large.
EFFECT_THRESHOLDS: tuple[tuple[float, str], ...] = ((0.8, "large"), (0.5, "medium"), (0.2, "small"))


def effect_size_label(value: float) -> str:
    """'negligible', 'small', 'medium' or 'large' by |value| against 0.2 / 0.5 / 0.8."""
    size = abs(value)
    for bound, label in EFFECT_THRESHOLDS:
        if size >= bound:
            return label
    return "negligible"


def _signed(value: float) -> str:
    label = effect_size_label(value)
    if label == "negligible":
        return "no meaningful change"
    return f"a {label} {'improvement' if value > 0 else 'decline'}"


def effect_reading(value: float | None, interval: Interval | None) -> str:
    """A plain-words reading of an effect size and its interval, e.g. "a medium improvement; the
    interval runs from a small improvement to a large improvement"."""
    if value is None or interval is None:
        return "not defined: every score was the same, so there is no spread to compare with"
    low, high = interval
    head = _signed(value)
    ends = (_signed(low), _signed(high))
    if ends[0] == ends[1] == head:
        tail = "the interval stays within that range"
    elif ends[0] == ends[1]:
        tail = f"the interval lies entirely within {ends[0]}"
    else:
        tail = f"the interval runs from {ends[0]} to {ends[1]}"
    if low <= 0 <= high:
        tail += ", so no change is also compatible with the data"
    return f"{head}; {tail}"


def is_small(n: int) -> bool:
    """Rule 14: a sample under 20 is labelled small."""
    return n < SMALL_SAMPLE
