"""SCORING.md rule 18 in the domain: quartiles and ranks against numpy computed independently,
the fall-back order of comparison groups, and the snapshot rule's privacy properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain import benchmark as rule

SECTORS = ("Education", "Charity and non-profit", "Retail and consumer goods")
SIZES = ("1-9", "10-49", "50-249")

scores = st.floats(min_value=0, max_value=100, allow_nan=False)
# Scores land on a grid, as real ones do, so ties happen.
grid_scores = st.integers(0, 40).map(lambda k: k * 2.5)


@given(st.lists(scores, min_size=1, max_size=60))
def test_quartiles_are_numpys_linear_interpolation(values):
    got = rule.quartiles(values)
    assert got["median"] == pytest.approx(float(np.percentile(values, 50)), abs=1e-9)
    assert got["q1"] == pytest.approx(float(np.percentile(values, 25)), abs=1e-9)
    assert got["q3"] == pytest.approx(float(np.percentile(values, 75)), abs=1e-9)


@given(grid_scores, st.lists(grid_scores, max_size=60))
def test_percentile_rank_is_below_plus_half_equal(value, others):
    got = rule.percentile_rank(value, others)
    if not others:
        assert got is None
        return
    arr = np.array(others)
    expected = 100 * (np.sum(arr < value) + 0.5 * np.sum(arr == value)) / len(arr)
    assert got == pytest.approx(float(expected))


def _expected_group(pool, sector, size, minimum):
    """The fall-back order, written out independently: sector and size, sector, size, everyone."""
    for keep_sector, keep_size, name in (
        (True, True, (sector, size)),
        (True, False, (sector, None)),
        (False, True, (None, size)),
        (False, False, (None, None)),
    ):
        members = [p for p in pool if (not keep_sector or p[0] == sector) and (not keep_size or p[1] == size)]
        if len(members) >= minimum:
            return name, members
    return None, []


pools = st.lists(st.tuples(st.sampled_from(SECTORS), st.sampled_from(SIZES), grid_scores), max_size=50)


@given(pools, st.sampled_from(SECTORS), st.sampled_from(SIZES), st.integers(1, 15))
def test_comparison_group_falls_back_in_order_and_never_shows_under_the_minimum(pool, sector, size, minimum):
    counts: dict[tuple[str, str], int] = {}
    for s, b, _ in pool:
        counts[(s, b)] = counts.get((s, b), 0) + 1
    chosen = rule.choose_group(counts, sector, size, minimum)
    name, members = _expected_group(pool, sector, size, minimum)
    if name is None:
        assert isinstance(chosen, rule.Withheld)
        assert chosen.needed == minimum - len(pool) > 0
        return
    assert isinstance(chosen, rule.Group)
    assert (chosen.sector, chosen.size_band) == name
    assert chosen.n == len(members) >= minimum
    figures = rule.figures(chosen, [m[2] for m in members], {"d": [m[2] for m in members]})
    assert figures.overall["median"] == pytest.approx(float(np.median([m[2] for m in members])))


def test_an_organisation_without_sector_or_size_is_compared_with_what_it_gave():
    counts = {("Education", "1-9"): 4, ("Education", "10-49"): 7, ("Retail and consumer goods", "1-9"): 8}
    assert rule.choose_group(counts, None, "1-9", 10) == rule.Group(None, "1-9", 12)
    assert rule.choose_group(counts, "Education", None, 10) == rule.Group("Education", None, 11)
    assert rule.choose_group(counts, None, None, 10) == rule.Group(None, None, 19)
    withheld = rule.choose_group(counts, None, None, 20)
    assert withheld == rule.Withheld(rule.WITHHELD_TOO_FEW.format(minimum=20), 1)
    assert rule.choose_group({}, "Education", "1-9", 10) == rule.Withheld(rule.WITHHELD_EMPTY, 10)


@given(st.lists(grid_scores, min_size=2, max_size=40), st.data())
def test_own_entry_is_left_out_of_its_rank(values, data):
    mine = data.draw(st.sampled_from(values))
    group = rule.Group(None, None, len(values))
    got = rule.figures(
        group,
        values,
        {"d": values},
        own={"overall": mine, "d": mine},
        own_values={"overall": mine, "d": mine},
    )
    others = list(values)
    others.remove(mine)
    arr = np.array(others)
    expected = 100 * (np.sum(arr < mine) + 0.5 * np.sum(arr == mine)) / len(arr)
    assert got.percentile == {"overall": pytest.approx(expected), "d": pytest.approx(expected)}
    body = got.to_dict()
    assert body["overall"]["percentile"] == pytest.approx(expected)
    assert body["n"] == len(values) and body["group"] == {"sector": None, "size_band": None}


# --------------------------------------------------------------------------- the snapshot rule

LINKS = [f"org-{n}" for n in range(12)]
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(LINKS), grid_scores),
        st.tuples(st.just("withdraw"), st.sampled_from(LINKS), st.just(0.0)),
        st.tuples(st.just("view"), st.just(""), st.just(0.0)),
    ),
    max_size=80,
)


def _entry(link: str, value: float, version: int) -> rule.Entry:
    # ``version`` tells two entries of one link apart (a retake with the same scores is new too).
    return rule.Entry(link, "Education", "1-9", value, (("d", value), ("v", float(version))))


@settings(max_examples=300)
@given(operations)
def test_no_sequence_of_opt_ins_withdrawals_and_views_reveals_one_entry(ops):
    pool = rule.SnapshotPool()
    views = [pool.view()]
    numbers = [pool.number]
    withdrawn_at: dict[str, int] = {}
    for n, (kind, link, value) in enumerate(ops):
        before = pool.view()
        if kind == "add":
            pool.add(_entry(link, value, n))
            withdrawn_at.pop(link, None)
        elif kind == "withdraw":
            pool.withdraw(link)
            withdrawn_at.setdefault(link, pool.number)
            assert pool.view() == before  # a withdrawal alone never changes what is shown
        views.append(pool.view())
        numbers.append(pool.number)
        # An entry withdrawn is gone from every view from the next snapshot on.
        for gone, at in withdrawn_at.items():
            if pool.number > at:
                assert all(e.link != gone for e in pool.view())
    for step in range(1, len(views)):
        a, b = views[step - 1], views[step]
        na, nb = numbers[step - 1], numbers[step]
        if a == b:
            continue
        # Views change only when the snapshot advances, and then by at least 5 new entries, so
        # no difference of two views isolates one organisation's scores.
        assert nb == na + 1
        added = set(b) - set(a)
        assert len(added) >= rule.SNAPSHOT_STEP
    assert all(len({e.link for e in v}) == len(v) for v in views)  # one entry per organisation


def test_the_snapshot_advances_at_the_fifth_new_entry():
    pool = rule.SnapshotPool()
    for n in range(4):
        pool.add(_entry(f"o{n}", 50.0, n))
        assert pool.view() == () and pool.number == 0
    pool.add(_entry("o4", 50.0, 4))
    assert len(pool.view()) == 5 and pool.number == 1
    pool.withdraw("o0")
    pool.add(_entry("o1", 70.0, 5))  # a retake replacing its earlier entry
    assert len(pool.view()) == 5 and {e.overall for e in pool.view()} == {50.0}
    for n in range(5, 9):
        pool.add(_entry(f"o{n}", 60.0, n + 1))
    view = pool.view()
    assert "o0" not in {e.link for e in view} and len(view) == 8
    assert next(e for e in view if e.link == "o1").overall == 70.0


def test_the_scoring_hash_changes_with_scoring_not_wording(v1):
    import dataclasses

    same = dataclasses.replace(v1, title="Another title", content_hash="x")
    assert rule.scoring_hash(same) == rule.scoring_hash(v1)
    item = dataclasses.replace(v1.items[0], reverse=not v1.items[0].reverse)
    changed = dataclasses.replace(v1, items=(item, *v1.items[1:]))
    assert rule.scoring_hash(changed) != rule.scoring_hash(v1)


def test_benchmark_min_comes_from_the_file_with_a_default_of_10(v1, tmp_path):
    from assessment.domain.questionnaire import load_questionnaire

    from .conftest import V1

    assert v1.thresholds.benchmark_min == rule.DEFAULT_MIN == 10
    source = V1.read_text().replace("thresholds:\n", "thresholds:\n  benchmark_min: 3\n", 1)
    path = tmp_path / "q.yaml"
    path.write_text(source)
    assert load_questionnaire(path).thresholds.benchmark_min == 3
