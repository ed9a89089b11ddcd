"""Issue 21, item 4: SCORING.md rule 13 per dimension. A response may have no score in some
dimension; a dimension's figures need k scored values in the snapshot, and the snapshot moves on
only when no dimension already shown would gain fewer than k new values. Property-tested on the
pure rule by differencing every pair of successive views over generated completions with missing
dimensions (and withdrawals); then the probe's case through the API."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.snapshot import (
    SnapshotState,
    advance,
    dimension_shown,
    published,
    revealing_dimensions,
)

from .test_workshop import create, facilitator, group_row
from .web_helpers import answers, workshop_body

DIMENSIONS = ("a", "b", "c")


def _view(completed, through, scored, k, held) -> dict[str, frozenset[int]]:
    """What one view shows per dimension: the snapshot's scored responses, or nothing."""
    members = published(completed, through)
    if held or len(members) < k:
        return {d: frozenset() for d in DIMENSIONS}
    out = {}
    for d in DIMENSIONS:
        values = frozenset(n for n in members if d in scored[n])
        out[d] = values if dimension_shown(len(values), k) else frozenset()
    return out


ALL = frozenset(DIMENSIONS)
# Mostly completions (a view follows every event), scored everywhere or with dimensions missing.
events = st.lists(
    st.tuples(
        st.sampled_from(["complete"] * 6 + ["withdraw_published", "withdraw_unpublished"]),
        st.sampled_from([ALL, ALL, frozenset("bc"), frozenset("a"), frozenset("ab"), frozenset()]),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(k=st.integers(min_value=3, max_value=5), events=events)
def test_two_successive_views_never_differ_in_a_dimension_by_fewer_than_k_scores(k, events):
    completed: list[int] = []
    scored: dict[int, frozenset[str]] = {}
    counter = through = 0
    held = False
    views = []
    for kind, dims in events:
        if kind == "complete":
            counter += 1
            completed.append(counter)
            scored[counter] = dims
        elif kind == "withdraw_published":
            inside = [n for n in completed if n <= through]
            if inside:
                completed.remove(inside[0])
                held = True  # what services.snapshots.withdrawn does for an open group
        elif kind == "withdraw_unpublished":
            beyond = [n for n in completed if n > through]
            if beyond:
                completed.remove(beyond[-1])
        moved = advance(completed, through, k, False, scored, held)
        assert moved >= through
        if moved > through:
            held = False
        through = moved
        views.append(_view(completed, through, scored, k, held))
    shown = [v for v in views if any(v.values())]
    for before, after in pairwise(shown):
        for d in DIMENSIONS:
            old, new = before[d], after[d]
            assert not new or len(new) >= k
            # Equal, withheld, or at least k people's scores new to it: never one person's.
            assert new == old or not new or len(new - old) >= k, (d, sorted(old), sorted(new))


@settings(max_examples=200, deadline=None)
@given(
    k=st.integers(min_value=3, max_value=5),
    batch=st.lists(st.frozensets(st.sampled_from(DIMENSIONS)), min_size=1, max_size=12),
)
def test_the_snapshot_still_moves_when_it_can_and_closing_warns_when_it_cannot(k, batch):
    # A first snapshot of k responses scored everywhere, then a batch of newcomers.
    scored = {n: frozenset(DIMENSIONS) for n in range(1, k + 1)}
    scored.update({k + 1 + i: dims for i, dims in enumerate(batch)})
    completed = sorted(scored)
    assert advance(completed[:k], 0, k, False, scored) == k
    moved = advance(completed, k, k, False, scored)
    gained = {d: sum(1 for dims in batch if d in dims) for d in DIMENSIONS}
    if len(batch) >= k and all(n == 0 or n >= k for n in gained.values()):
        assert moved == completed[-1]  # the whole batch is safe to show: it is shown
    if moved == k:
        warned = revealing_dimensions(completed, k, k, scored)
        assert set(warned) == {d for d, n in gained.items() if 0 < n < k}
    assert advance(completed, k, k, True, scored) == completed[-1]  # closing publishes everything


def test_close_warning_names_dimensions_with_too_few_new_scores():
    state = SnapshotState(k=3, complete=9, published=6, closed=False, revealing=("dialogue",))
    assert "in 1 figure (dialogue) fewer than 3 of them have a score" in (state.close_warning or "")


def _without(q, dimension: str) -> dict:
    """Every answer except the dimension's: no score there ("not enough answers")."""
    return {i: v for i, v in answers(q).items() if q.item(i).dimension != dimension}


def test_one_score_in_a_new_batch_is_never_revealed_by_two_views(app, v1):
    """The probe: k = 3; after three full responses, three more of whom only one has a score in
    dialogue. Before, the second view's dialogue mean over four gave that one score away."""
    owner, token = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}

    def summary() -> dict:
        return api.get(f"/api/v1/groups/{group_id}/summary", headers=auth).get_json()

    def submit(given: dict) -> None:
        body = workshop_body(api, v1, code) | {"answers": given}
        response = api.post("/api/v1/assessments", json=body)
        assert response.status_code == 201, response.get_json()

    views = []
    for _ in range(3):
        submit(answers(v1))
    views.append(summary())
    submit(answers(v1))
    submit(_without(v1, "dialogue"))
    submit(_without(v1, "dialogue"))
    views.append(summary())
    assert views[-1]["n"] == 3 and views[-1]["published"]["unpublished"] == 3  # held back
    assert "fewer than 3 of them have a score" in views[-1]["published"]["close_warning"]
    assert "(dialogue" in views[-1]["published"]["close_warning"]  # the API names figures by id
    # The dashboard names them as the page does, in the page's language.
    english = owner.get(f"/workshops/{group_id}").get_data(as_text=True)
    german = owner.get(f"/workshops/{group_id}", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "in these figures: Dialogue, the answers to 9 questions in Dialogue. Anyone" in english, english
    assert (
        "bei diesen Kennzahlen haben weniger als 3 davon einen Wert oder eine Antwort: Dialog, die " in german
    )
    assert "die Antworten auf 9 Fragen in Dialog. Wer" in german
    for _ in range(2):
        submit(answers(v1))
    views.append(summary())
    assert views[-1]["n"] == 8 and views[-1]["dimensions"]["dialogue"]["n"] == 6
    for before, after in pairwise(views):
        for d in after["dimension_order"]:
            old, new = before["dimensions"][d], after["dimensions"][d]
            assert old["n"] == new["n"] or new["n"] == 0 or new["n"] - old["n"] >= 3, d


def test_a_dimension_with_fewer_than_k_scores_is_withheld_in_the_summary(app, v1):
    owner, token = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    api = app.test_client()
    for chosen in (answers(v1), _without(v1, "dialogue"), _without(v1, "dialogue")):
        assert (
            api.post(
                "/api/v1/assessments", json=workshop_body(api, v1, code) | {"answers": chosen}
            ).status_code
            == 201
        )
    body = api.get(
        f"/api/v1/groups/{group_id}/summary", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    dialogue = body["dimensions"]["dialogue"]
    assert body["n"] == 3 and dialogue["withheld"] is True
    assert dialogue["mean"] is None and dialogue["values"] == [] and dialogue["rwg"] is None
    assert body["scores"]["dimensions"]["dialogue"] is None and body["scores"]["overall"] is None
    assert body["dimensions"]["policy"]["n"] == 3 and body["dimensions"]["policy"]["withheld"] is False
