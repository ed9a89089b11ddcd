"""Rule 13's cell counting, made cheap for large groups, decides exactly as the rule written out
plainly: every response's cells counted one by one, every newcomer's cells walked in full. The
plain counting and prefix search below are the rule as it stood before the counting was grouped
(``advance`` and ``revealing_cells`` themselves are the domain's, run on them); hypothesis compares
the cut-off, the close warning and the counts over generated groups whose responses share cell
sets (as a workshop's complete answers do) or not, with string dimensions, duplicates and
withdrawals (``held``)."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator, Mapping
from contextlib import contextmanager
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain import snapshot
from assessment.domain.snapshot import (
    Cell,
    _cell,
    _safe_prefixes,
    advance,
    cell_shown,
    dimension_counts,
    figure_cells,
    revealing_cells,
)

# --------------------------------------------------------------------------- the plain rule


def plain_counts(numbers, scored) -> dict[Cell, int]:
    counts: dict[Cell, int] = {}
    for n in numbers:
        for cell in map(_cell, scored.get(n, ())):
            counts[cell] = counts.get(cell, 0) + 1
    return counts


def plain_safe_prefixes(
    before: Mapping[Cell, int],
    beyond: list[int],
    scored: Mapping[int, Collection[Hashable]],
    k: int,
    held: bool,
    gaps: int,
) -> Iterator[int]:
    if not held:
        gained: dict[Cell, int] = {}
        shown_before = {cell for cell in before if cell_shown(cell, before, k)}
        pending = 0
        for size, n in enumerate(beyond, start=1):
            for cell in map(_cell, scored.get(n, ())):
                new = gained[cell] = gained.get(cell, 0) + 1
                if cell in shown_before:
                    pending += (new == 1) - (new == k)
            if size >= k and not pending:
                yield n
        return
    # After a withdrawal the rule walks every cell as it always did (that branch is unchanged).
    yield from _safe_prefixes(before, beyond, scored, k, held, gaps)


@contextmanager
def plain_rule() -> Iterator[None]:
    """The domain's own ``advance`` and ``revealing_cells`` (their code did not change) running
    on the plain counting and prefix search above instead of the grouped ones."""
    with (
        patch.object(snapshot, "dimension_counts", plain_counts),
        patch.object(snapshot, "_safe_prefixes", plain_safe_prefixes),
    ):
        yield


def plain_advance(completed, published_through, k, closed, scored, held) -> int:
    with plain_rule():
        return advance(completed, published_through, k, closed, scored, held)


def plain_revealing(completed, published_through, k, scored) -> tuple[Cell, ...]:
    with plain_rule():
        return revealing_cells(completed, published_through, k, scored)


# --------------------------------------------------------------------------- generated groups

ANSWER = st.sampled_from([1, 3, 5, "unsure", "not_applicable", None, True])
RESPONSE = st.tuples(
    # The dimensions it has a score in: mostly the same, so that items alone tell responses apart.
    st.one_of(st.just(frozenset({"a", "b"})), st.frozensets(st.sampled_from(["a", "b", "c"]))),
    st.sampled_from([None, "leaders", "others"]),  # its role subgroup (None: no role figures)
    st.dictionaries(st.sampled_from(["q1", "q2", "q3", "q4"]), ANSWER),
)


@st.composite
def groups(draw):  # type: ignore[no-untyped-def]
    """(completion numbers, cut-off, scored): a few distinct responses reused by many numbers,
    as complete answers share their cells, plus odd collections (strings, a list with a
    duplicate) that must be counted as before."""
    kinds = draw(st.lists(RESPONSE, min_size=1, max_size=4))
    wave = draw(st.sampled_from([None, "pre"]))
    shared = [figure_cells(dims, subgroup, answers, wave) for dims, subgroup, answers in kinds]
    odd = [frozenset({"a", "b"}), ["a", "a", Cell("item", "q1")], set()]
    numbers = draw(st.lists(st.integers(1, 60), unique=True, max_size=40))
    scored: dict[int, Collection[Hashable]] = {}
    for n in numbers:
        if draw(st.integers(0, 9)) == 0:
            scored[n] = draw(st.sampled_from(odd))
        elif draw(st.booleans()) or n % 7:  # mostly a shared set; now and then a fresh equal copy
            scored[n] = draw(st.sampled_from(shared))
        else:
            scored[n] = frozenset(draw(st.sampled_from(shared)))
    through = draw(st.integers(0, 60))
    return numbers, through, scored


ALL = figure_cells(["a"], None, {"q1": 4, "q2": 2})
NO_Q1 = figure_cells(["a"], None, {"q2": 2})


@settings(max_examples=300, deadline=None)
@given(groups(), st.integers(3, 5), st.booleans(), st.booleans())
def test_the_cut_off_and_the_close_warning_are_the_plain_rules(group, k, closed, held):
    numbers, through, scored = group
    assert advance(numbers, through, k, closed, scored, held) == plain_advance(
        numbers, through, k, closed, scored, held
    )
    assert revealing_cells(numbers, through, k, scored) == plain_revealing(numbers, through, k, scored)


@settings(max_examples=200, deadline=None)
@given(groups())
def test_cell_counts_are_the_plain_counts(group):
    numbers, through, scored = group
    inside = [n for n in numbers if n <= through]
    assert dimension_counts(inside, scored) == plain_counts(inside, scored)
    assert dimension_counts(iter(numbers), scored) == plain_counts(numbers, scored)


def test_one_newcomer_answering_a_shown_item_holds_the_other_two_back():
    """By hand: q1's figure was shown (three answers); of three newcomers only one answers it, so
    publishing them would move q1 by one person. The cut-off stays; the warning names q1."""
    scored = {1: ALL, 2: ALL, 3: ALL, 4: ALL, 5: NO_Q1, 6: NO_Q1}
    assert advance(range(1, 7), 3, 3, False, scored) == 3
    assert [str(c) for c in revealing_cells(range(1, 7), 3, 3, scored)] == [
        "question q1",
        "question q1 (answers)",
    ]
    assert advance(range(1, 8), 3, 3, False, {**scored, 7: ALL, 8: ALL}) == 3  # q1 gains 2 of 3
    assert advance(range(1, 9), 3, 3, False, {**scored, 7: ALL, 8: ALL}) == 8  # and then 3


def test_responses_with_the_same_cells_share_one_set():
    """What makes the grouped counting pay: a workshop's complete answers have equal cells."""
    first = figure_cells(["a", "b"], "others", {"q1": 2, "q2": "unsure", "q3": 7})
    second = figure_cells({"b", "a"}, "others", {"q3": 1, "q1": 5, "q2": "unsure"})
    assert first is second
    assert figure_cells(["a", "b"], "leaders", {"q1": 2, "q2": "unsure", "q3": 7}) != first


class FreshCopies(dict):
    """A mapping that hands out a new list on every look-up (the counting remembers collections
    by id, so it must keep each alive while it does: a freed list's id can be given again)."""

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        return list(super().get(key, default or ()))


@settings(max_examples=150, deadline=None)
@given(groups(), st.integers(3, 5), st.booleans())
def test_cells_handed_out_afresh_each_time_count_the_same(group, k, closed):
    numbers, through, scored = group
    fresh = FreshCopies(scored)
    assert advance(numbers, through, k, closed, fresh) == plain_advance(
        numbers, through, k, closed, scored, False
    )
    assert dimension_counts(numbers, fresh) == plain_counts(numbers, scored)
