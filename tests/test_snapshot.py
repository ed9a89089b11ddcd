"""SCORING.md rule 13: published snapshots. The pure rule with hand-computed cases and a
property; then a room where members join one by one and every pair of successive summaries is
compared, through the Flask test client (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.db.models import Group
from assessment.domain.result import score
from assessment.domain.snapshot import SnapshotState, advance, published, shown_count, shows_numbers
from assessment.services import workshops

from .test_workshop import create, facilitator, group_row, join, plausible
from .web_helpers import answers, finish, load

# --------------------------------------------------------------------------- the pure rule


@pytest.mark.parametrize(
    ("completed", "through", "k", "closed", "expected"),
    [
        ([], 0, 3, False, 0),  # nothing yet
        ([1, 2], 0, 3, False, 0),  # two: nothing published
        ([1, 2, 3], 0, 3, False, 3),  # the first k
        ([1, 2, 3, 4, 5], 0, 3, False, 5),  # five finished before anyone looked: all five at once
        ([1, 2, 3, 4, 5], 3, 3, False, 3),  # two more since the last advance: stays
        ([1, 2, 3, 4, 5, 6], 3, 3, False, 6),  # three more: moves to the last of them
        ([1, 2, 3, 4, 5, 6], 3, 4, False, 3),  # k = 4 needs four more
        ([1, 2, 3, 5, 6, 7], 3, 3, False, 7),  # 4 was deleted before publication: 5, 6, 7 are three
        ([1, 3, 5, 6], 3, 3, False, 3),  # 2 deleted after publication: still only two beyond
        ([1, 2], 0, 3, True, 2),  # closing publishes everything...
        ([1, 2, 3, 4], 3, 3, True, 4),  # ...even one
        ([1, 2, 3], 3, 3, True, 3),  # closed with nothing new: unchanged
    ],
)
def test_advance_by_hand(completed, through, k, closed, expected):
    assert advance(completed, through, k, closed) == expected


def test_a_late_completion_never_enters_an_older_snapshot():
    # Numbers are given at completion, so a response finished after the cut-off has a larger
    # number whatever its clock said; the published set is exactly the numbers up to the cut-off.
    assert published([7, 1, 2, 3, 4], 3) == [1, 2, 3]
    assert published([1, 3], 3) == [1, 3]  # 2 deleted: the snapshot loses it and gains no one


def test_nothing_numeric_below_k_and_counts_below_k_are_withheld():
    assert not shows_numbers(2, 3) and shows_numbers(3, 3) and not shows_numbers(3, 4)
    assert [shown_count(n, 3) for n in (0, 1, 2, 3, 10)] == [None, None, None, 3, 10]
    with pytest.raises(ValueError, match="never be below 3"):
        advance([1, 2], 0, 2, False)


def test_close_warning_names_the_number():
    assert SnapshotState(k=3, complete=7, published=6, closed=False).close_warning.startswith(
        "Closing now publishes 1 response not yet shown, fewer than 3"
    )
    assert "publishes 2 responses" in SnapshotState(k=3, complete=8, published=6, closed=False).close_warning
    assert SnapshotState(k=3, complete=6, published=6, closed=False).close_warning is None
    assert SnapshotState(k=3, complete=2, published=0, closed=True).close_warning is None


@given(
    k=st.integers(min_value=3, max_value=6),
    events=st.lists(st.sampled_from(["complete", "view", "delete_unpublished"]), max_size=60),
)
def test_successive_snapshots_differ_by_nothing_or_at_least_k(k, events):
    """Whatever the order of completions, views and deletions of unpublished responses, two
    successive published sets of an open group are equal or differ by at least k responses."""
    completed: list[int] = []
    counter = through = 0
    seen = published(completed, through)
    for event in events:
        if event == "complete":
            counter += 1
            completed.append(counter)
        elif event == "delete_unpublished":
            beyond = [n for n in completed if n > through]
            if beyond:
                completed.remove(beyond[0])
        through = advance(completed, through, k, False)
        now = published(completed, through)
        added = set(now) - set(seen)
        assert set(seen) <= set(now)
        assert not added or len(added) >= k
        seen = now


# --------------------------------------------------------------------------- a room, one by one

ROLES = ["staff", "manager", "staff", "communications", "staff", "manager", "staff", "leadership"]


def _role_counts(summary: dict) -> dict[str, int | None]:
    return {r["role"]: r["n"] for r in summary["role_counts"]}


def _sums(summary: dict) -> dict[str, float]:
    return {
        d: summary["dimensions"][d]["n"] * summary["dimensions"][d]["mean"]
        for d in summary["dimension_order"]
        if summary["dimensions"][d]["mean"] is not None
    }


def test_members_joining_one_by_one_never_give_away_one_persons_scores(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    rng = random.Random(13)
    summaries, people = [], []
    for role in ROLES:
        phone = app.test_client()
        mine = plausible(v1, role, rng)
        finish(phone, v1, join(phone, code, role), mine)
        people.append((role, {d.id: d.score for d in score(v1, mine).dimensions}))
        summaries.append(owner.get(f"/workshops/{group_id}/summary.json").get_json())

    # With one (and two) complete, nothing numeric at all.
    for early in summaries[:2]:
        assert early["n"] == 0 and early["published"]["shows_numbers"] is False
        assert early["scores"]["overall"] is None and early["prompts"] == []
        assert all(v is None for v in early["scores"]["dimensions"].values())
        assert all(d["values"] == [] and d["mean"] is None for d in early["dimensions"].values())
        assert all(n is None for n in _role_counts(early).values())
    # The 4th to 6th wait: one of them was unsure on a question the other two answered, so that
    # question's counts would have moved by two numbers; with the 7th every figure gains four.
    assert [s["n"] for s in summaries] == [0, 0, 3, 3, 3, 3, 7, 7]
    assert [s["complete"] for s in summaries] == list(range(1, 9))

    leader = people[-1][1]
    for before, after in pairwise(summaries):
        grown = after["n"] - before["n"]
        assert grown == 0 or grown >= 3
        if grown == 0:
            # Nothing published moved: every figure is the same.
            for key in ("scores", "dimensions", "perception_gap", "prompts", "role_counts"):
                assert after[key] == before[key], key
            continue
        # n x mean after minus before is the sum of at least three people, never one person's.
        sums_before, sums_after = _sums(before), _sums(after)
        for d in after["dimension_order"]:
            difference = sums_after[d] - sums_before.get(d, 0.0)
            assert all(difference != pytest.approx(p[d]) for _, p in people if p[d] is not None)
            new_values = Counter(after["dimensions"][d]["values"]) - Counter(
                before["dimensions"][d]["values"]
            )
            assert sum(new_values.values()) >= 3
        # No role count goes from "fewer than 3" to a small number: they are null or >= 3.
        for n in [*_role_counts(after).values(), *after["perception_gap"]["subgroups"].values()]:
            assert n is None or n >= 3
        # Prompt counts move by at least three answers per item, never by one person's.
        old = {p["item"]: p for p in before["prompts"]}
        for prompt in after["prompts"]:
            counts = [o["count"] for o in prompt["distribution"]]
            previous = (
                [o["count"] for o in old[prompt["item"]]["distribution"]]
                if prompt["item"] in old
                else [0] * len(counts)
            )
            assert sum(counts) - sum(previous) >= 3
    # The single leader, who joined last, is in no figure at all while the room is open.
    last = summaries[-1]
    assert _role_counts(last)["leadership"] is None and last["perception_gap"]["subgroups"]["leaders"] is None
    assert all(last["dimensions"][d]["n"] == 7 for d in last["dimension_order"])
    for d, value in leader.items():
        if value is not None:
            assert value not in last["dimensions"][d]["values"] or value in [p[d] for _, p in people[:7]]

    # The dashboard says the same in words; the close control warns, naming the number.
    page = owner.get(f"/workshops/{group_id}").get_data(as_text=True)
    assert "Showing 7 of 8 finished responses" in page
    assert "Closing now publishes 1 response not yet shown, fewer than 3" in page
    assert (
        "Leadership / board: fewer than 3" in page
        and "Communications / marketing: fewer than 3" in page
        and "Staff: 4" in page
    )

    # Exports hold only the snapshot's rows; roles with fewer than 3 in it are withheld.
    # (The first row names the columns in words, the second by id: read by id.)
    lines = io.StringIO(owner.get(f"/workshops/{group_id}/export.csv").data.decode("utf-8-sig"))
    next(lines)
    rows = list(csv.DictReader(lines))
    assert len(rows) == 7
    assert Counter(r["role"] for r in rows) == {"staff": 4, "withheld": 3}  # 2 managers, 1 comms

    # The participant's end screen gets the snapshot's means, not a live average.
    with app.extensions["database"].session() as s:
        means = workshops.room_means(s, s.get(Group, group_id))
    assert means == {d: last["scores"]["dimensions"][d] for d in last["dimension_order"]}

    # Closing publishes everything.
    assert owner.post(f"/workshops/{group_id}/open", data={"open": "0"}).status_code == 302
    closed = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert closed["n"] == 8 and closed["published"]["unpublished"] == 0
    assert closed["published"]["close_warning"] is None


def test_room_means_is_none_below_k_and_pdf_says_so(app, v1):
    owner, token = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    phone = app.test_client()
    finish(phone, v1, join(phone, code, "leadership"), plausible(v1, "leadership", random.Random(1)))
    with app.extensions["database"].session() as s:
        assert workshops.room_means(s, s.get(Group, group_id)) is None
    api = app.test_client().get(
        f"/api/v1/groups/{group_id}/summary", headers={"Authorization": f"Bearer {token}"}
    )
    body = api.get_json()
    assert body["n"] == 0 and body["scores"]["overall"] is None
    assert "Figures appear once at least 3 people have finished (1 so far)" in body["published"]["note"]
    assert owner.get(f"/workshops/{group_id}/export.csv").data.decode("utf-8-sig").count("\n") == 2  # headers
    present = owner.get(f"/workshops/{group_id}/present").get_data(as_text=True)
    assert "Figures appear once at least 3 people have finished" in present
    pdf = owner.get(f"/workshops/{group_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_finished_workshop_response_cannot_be_changed_only_deleted(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    phone = app.test_client()
    token = join(phone, code, "staff")
    results = finish(phone, v1, token, answers(v1))
    page = phone.get(results).get_data(as_text=True)
    assert "Change my answers" not in page and "Delete my answers" in page
    first = v1.items_of(v1.dimensions[0].id)
    changed = {i.id: str(i.lo) for i in first} | {"action": "next"}
    response = phone.post(f"/a/{token}/1", data=changed)
    assert response.status_code == 302 and response.location == results
    assert "can no longer be changed" in phone.get(results).get_data(as_text=True)
    assert phone.get(f"/a/{token}/1").location == results
    (row,) = load(app, group_id=group_id)
    assert row.answers == answers(v1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 30), unique=True, max_size=20),
    st.integers(0, 40),
    st.integers(3, 5),
    st.booleans(),
    st.booleans(),
    st.data(),
)
def test_nothing_beyond_the_cut_off_needs_no_cells(numbers, extra, k, closed, held, data):
    """``snapshots.refresh`` builds no cells when no complete response lies beyond the cut-off:
    the cut-off and the close warning are then what they are with every response's cells."""
    from assessment.domain.snapshot import Cell, advance, revealing_dimensions

    cutoff = max(numbers, default=0) + extra % 3  # at or past the last (deletions leave gaps)
    cells = st.frozensets(
        st.sampled_from([Cell("dimension", "a"), Cell("role", "a", "leaders"), Cell("item", "q1")])
    )
    scored = {n: data.draw(cells) for n in numbers}
    assert (
        advance(numbers, cutoff, k, closed, scored, held)
        == advance(numbers, cutoff, k, closed, {}, held)
        == cutoff
    )
    assert revealing_dimensions(numbers, cutoff, k, scored) == ()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c"])),
    st.sampled_from([None, "leaders", "others"]),
    st.dictionaries(
        st.sampled_from(["q1", "q2", "q3"]),
        st.one_of(st.integers(0, 6), st.just("unsure"), st.booleans(), st.just(2.0), st.just("x"), st.none()),
    ),
    st.sampled_from([None, "", "pre", "post"]),
)
def test_figure_cells_are_the_plainly_built_cells(dimensions, subgroup, answers, wave):
    """The cells made once and reused are the cells built afresh for each response (rule 13)."""
    from assessment.domain.snapshot import Cell, figure_cells

    plain = {Cell("dimension", d) for d in dimensions}
    if subgroup is not None:
        plain |= {Cell("role", d, subgroup) for d in dimensions}
    if wave is not None:
        plain |= {Cell("wave", d, wave) for d in dimensions}
    for item, value in answers.items():
        numeric = isinstance(value, int) and not isinstance(value, bool)
        if numeric:
            plain.add(Cell("item", item))
        if numeric or value == "unsure":
            plain.add(Cell("item answers", item))
    assert figure_cells(dimensions, subgroup, answers, wave) == frozenset(plain)
