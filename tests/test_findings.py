"""SCORING.md rules 15 (findings) and 16 (what would lift a dimension), hand-computed on the
seven-point test file and on 1.0 (no practice statements).

The seven-point file: likert 1..7, so s = (v - 1) / 6 (7 -> 1, 6 -> 0.833, 5 -> 0.667, 2 -> 0.167,
1 -> 0); a2 is reverse-keyed; b2 is a choice item with values 0, 2, 10 (s = v / 10). Strength 0.8,
weakness 0.2; stages low 0 / mid 50 / high 75; min coverage 0.5. Weights: a3 2, the rest 1.
"""

from __future__ import annotations

import json

import pytest

from assessment.domain.findings import (
    UNSURE_ANSWER,
    Evidence,
    Finding,
    group_findings,
    item_findings,
    strongest_area,
    weakest_findings,
)
from assessment.domain.lift import Lift
from assessment.domain.questionnaire import load_questionnaire
from assessment.domain.result import score
from assessment.domain.scoring import NOT_APPLICABLE, UNSURE
from tests.conftest import DATA, REPO
from tests.web_helpers import api_join

SEVEN = load_questionnaire(DATA / "seven-point.yaml")
V10 = load_questionnaire(REPO / "questionnaires" / "social-organisation-1.0.yaml")


def test_each_answer_gives_one_finding_by_its_item_score():
    answers = {"a1": 7, "a2": 2, "a3": UNSURE, "b1": 5, "b2": 2, "g2": NOT_APPLICABLE}  # g1 missing
    found = item_findings(SEVEN, answers)
    assert [(f.evidence[0].item, f.kind) for f in found] == [
        ("a1", "in_place"),  # s = 1
        ("a2", "mostly"),  # reverse-keyed: 1 - 1/6 = 0.833
        ("a3", "find_out"),  # unsure
        ("b1", "partly"),  # 4/6 = 0.667
        ("b2", "weak"),  # 2/10 = 0.2, at the weakness threshold
    ]
    a1, a2, a3, b1, b2 = found
    assert a1 == Finding("alpha", "in_place", "Practice alpha one.", (Evidence("a1", "Always", 1.0),))
    # The practice, with the chosen answer quoted: never the practice alone for s < 1. a2 is
    # reverse-keyed, so "Very rarely" is quoted with the statement it answers.
    assert a2.text == "Nearly there on “Practice alpha two (social wording)”: “Very rarely” to “Alpha two”."
    assert a2.evidence == (Evidence("a2", "Very rarely", pytest.approx(5 / 6)),)
    assert a3.text == "To find out: Alpha three"
    assert a3.evidence == (Evidence("a3", UNSURE_ANSWER, None),)
    assert b1.text == "Beta one: “Often”."
    assert b2.text == "Beta two “Partly”"
    assert b2.to_dict() == {
        "dimension": "beta",
        "kind": "weak",
        "text": "Beta two “Partly”",
        "evidence": [{"item": "b2", "answer": "Partly", "score": 0.2}],
    }


def test_result_carries_findings_strongest_weakest_and_lift():
    result = score(SEVEN, {"a1": 7, "a2": 2, "a3": UNSURE, "b1": 5, "b2": 2, "g2": NOT_APPLICABLE})
    # alpha: (1 + 0.833) / 2 = 91.7 (a3 unsure, coverage 2/4 = 0.5): top stage, no lift.
    # beta: (0.667 + 0.2) / 2 = 43.3, stage low, target 50. gamma: nothing scored, null.
    assert result.strongest == "alpha"
    assert result.weakest == "beta"
    assert [f.evidence[0].item for f in result.weakest_findings] == ["b2"]
    # Gains: b1 100 * (1 - 0.667) / 2 = 16.7, b2 100 * (1 - 0.2) / 2 = 40; b2 alone reaches 50.
    assert result.lift == {"beta": Lift("beta", 50.0, ("b2",), True, ())}
    body = result.to_dict()
    assert body["strongest"] == "alpha"
    assert body["lift"] == {"beta": {"target": 50.0, "items": ["b2"], "reachable": True, "open_items": []}}
    assert [f["kind"] for f in body["findings"]] == ["in_place", "mostly", "find_out", "partly", "weak"]
    json.dumps(body)  # plain JSON


def test_lift_takes_the_largest_gains_first_and_names_the_open_items():
    # beta: b1 = 1 (s 0, gain 50), b2 = 0 (s 0, gain 50): D = 0, target 50: one item is enough,
    # the earlier in the file on a tie. alpha: a1 = 4 (0.5), a2 = 4 (reverse, 0.5), a3 = 4 (0.5,
    # weight 2): D = 50 (mid), target 75; gains a1 12.5, a2 12.5, a3 25: a3 (75) is enough.
    result = score(SEVEN, {"a1": 4, "a2": 4, "a3": 4, "b1": 1, "b2": 0, "g1": UNSURE, "g2": 4})
    assert result.lift["beta"] == Lift("beta", 50.0, ("b1",), True, ())
    assert result.lift["alpha"] == Lift("alpha", 75.0, ("a3",), True, ())
    # gamma: g2 = 4 (0.5), g1 unsure: coverage 0.5, D = 50; raising g2 gives 100.
    assert result.lift["gamma"] == Lift("gamma", 75.0, ("g2",), True, ("g1",))


def test_the_strongest_area_needs_a_strength_not_only_the_highest_score():
    # alpha 66.7 with every answer "partly"; beta (0.833 + 0) / 2 = 41.7 with one "mostly".
    result = score(SEVEN, {"a1": 5, "a2": 3, "a3": 5, "b1": 6, "b2": 0})
    assert result.dimension("alpha").score > result.dimension("beta").score
    assert result.strongest == "beta"
    # No strength anywhere: no strongest area.
    result = score(SEVEN, {"a1": 5, "a2": 3, "a3": 5, "b1": 5, "b2": 0})
    assert result.strongest is None
    assert strongest_area(result.dimensions, ()) is None


def test_the_weakest_area_without_weak_answers_shows_its_lowest_partly_ones():
    # beta is the bottleneck with b1 = 4 (0.5) and b2 = 5 on 0..10 (0.5): both partly.
    result = score(SEVEN, {"a1": 7, "a2": 1, "a3": 7, "b1": 4, "b2": 5, "g1": 5, "g2": 6})
    assert result.weakest == "beta"
    assert [(f.item, f.kind) for f in result.weakest_findings] == [("b1", "partly"), ("b2", "partly")]
    assert weakest_findings(None, result.findings) == ()


def test_a_file_without_practice_statements_quotes_question_and_answer():
    # 1.0 states no practice: an "in place" answer is said with its question and its answer.
    likert = V10.item("dl_listening_beyond_own")
    choice = V10.item("dl_public_criticism")
    found = {f.item: f for f in item_findings(V10, {likert.id: 5, choice.id: 5, "dl_self_announcements": 5})}
    assert found[likert.id].kind == "in_place"
    assert found[likert.id].text == likert.text.strip().rstrip(".") + ": “Always”."
    assert found[choice.id].text == choice.text.strip() + " “" + choice.option_label(5) + "”"
    # Reverse-keyed and answered at the unsocial end: quoted with its question, not the practice.
    weak = found["dl_self_announcements"]
    assert weak.kind == "weak" and weak.text.startswith("Our social posts are announcements")
    assert weak.text.endswith("“Always”.")


# --------------------------------------------------------------------------- groups


def test_group_findings_by_means_and_two_thirds_of_the_room():
    rows = [
        {"a1": 7, "a2": 1, "a3": 4, "b1": 1, "g1": UNSURE},
        {"a1": 7, "a2": 1, "a3": 4, "b1": 1},
        {"a1": 7, "a2": 1, "a3": 4, "b1": 1},
        {"a1": 7, "a2": 1, "a3": 4, "b1": 1},
        {"a1": 6, "a2": 1, "a3": UNSURE, "b1": 2},
        {"a1": 1, "a2": 1, "a3": UNSURE, "b1": 7},
    ]
    found = group_findings(SEVEN, rows)
    assert [(f.item, f.kind) for f in found] == [
        # a1: s = 1, 1, 1, 1, 0.833, 0: mean 0.806 >= 0.8 and 5 of 6 at >= 0.8.
        ("a1", "mostly"),
        # a2 (reverse-keyed), everyone 1: s = 1 for all six.
        ("a2", "in_place"),
        # a3: four at 0.5; two unsure of six (33% >= 20%): a thing to find out too.
        ("a3", "partly"),
        ("a3", "find_out"),
        # b1: s = 0, 0, 0, 0, 0.167, 1: mean 0.194 <= 0.2 and 5 of 6 at <= 0.2.
        ("b1", "weak"),
        # g1: one unsure of six (17%): nothing.
    ]
    a1, a2, a3, a3_unsure, b1 = found
    assert (
        a1.text
        == "Nearly there on “Practice alpha one”: 4 of 6 chose “Always”, 1 “Never” and 1 “Very often”."
    )
    assert [e.to_dict() for e in a1.evidence] == [
        {"item": "a1", "answer": "Never", "score": 0.0, "count": 1},
        {"item": "a1", "answer": "Very often", "score": pytest.approx(5 / 6), "count": 1},
        {"item": "a1", "answer": "Always", "score": 1.0, "count": 4},
    ]
    assert a1.score == pytest.approx((4 + 5 / 6) / 6)
    # Reverse-keyed: the answers are quoted with the statement they answer.
    assert a2.text == "Practice alpha two (social wording). “Alpha two”: all 6 who answered chose “Never”."
    assert a3.text == "“Alpha three”: 4 of 6 chose “Sometimes”."
    assert a3_unsure.text == "To find out: Alpha three (2 of 6 were unsure)."
    assert a3_unsure.evidence == (Evidence("a3", UNSURE_ANSWER, None, 2),)
    assert b1.text == "“Beta one”: 4 of 6 chose “Never”, 1 “Very rarely” and 1 “Always”."
    assert group_findings(SEVEN, []) == ()


def test_a_group_strength_needs_two_thirds_of_the_room_not_only_the_mean():
    # a1: three at s = 1 and three unsure: the mean of the answers is 1, but only half the room.
    rows = [{"a1": 7}, {"a1": 7}, {"a1": 7}, {"a1": UNSURE}, {"a1": UNSURE}, {"a1": UNSURE}]
    found = group_findings(SEVEN, rows)
    assert [(f.item, f.kind) for f in found] == [("a1", "partly"), ("a1", "find_out")]
    assert found[0].text == "“Alpha one”: 3 of 6 chose “Always”."


# --------------------------------------------------------------------------- the JSON ways out


def test_the_api_and_the_cli_carry_findings_strongest_and_lift(client, runner, tmp_path, v1):
    answers = {i.id: (i.hi if i.reverse else i.lo) for i in v1.items}  # the unsocial end everywhere
    created = client.post("/api/v1/assessments", json={"questionnaire": v1.id, "answers": answers})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert len(body["findings"]) == len(v1.items)
    assert {f["kind"] for f in body["findings"]} == {"weak"}
    assert body["strongest"] is None
    assert set(body["lift"]) == {d.id for d in v1.dimensions}
    again = client.get(f"/api/v1/assessments/{body['id']}").get_json()
    assert (again["findings"], again["strongest"], again["lift"]) == (
        body["findings"],
        body["strongest"],
        body["lift"],
    )
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"questionnaire": v1.id, "answers": answers}), encoding="utf-8")
    printed = runner.invoke(args=["score", str(path)])
    assert printed.exit_code == 0, printed.output
    cli = json.loads(printed.output)
    assert (cli["findings"], cli["strongest"], cli["lift"]) == (body["findings"], None, body["lift"])


def test_the_group_summary_findings_come_from_the_published_snapshot_only(app, client, v1):
    """Five complete with k = 3: the snapshot holds the first three (it advances at three more),
    so the summary's findings are the group clause over those three answer sets, and the two
    later answers (all at the social end) change nothing until the snapshot moves."""
    from .test_workshop import facilitator

    _, token = facilitator(app, "ann@example.org")
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/groups", json={"name": "W", "questionnaire": v1.id, "kind": "workshop"}, headers=headers
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    group = created.get_json()
    low = {i.id: (i.hi if i.reverse else i.lo) for i in v1.items}
    middle = {i.id: (i.lo + i.hi) // 2 for i in v1.items}
    unsure = {i.id: ("unsure" if i.allow_unsure else (i.lo + i.hi) // 2) for i in v1.items}
    high = {i.id: (i.lo if i.reverse else i.hi) for i in v1.items}
    code = group["join_code"]
    for answers in (low, middle, unsure):
        body = {"questionnaire": v1.id, "answers": answers, "participant_token": api_join(client, code)}
        assert client.post("/api/v1/assessments", json=body).status_code == 201
    first = client.get(f"/api/v1/groups/{group['id']}/summary", headers=headers).get_json()
    assert first["n"] == 3
    # With k = 3, an item answered "unsure" by one of the three has no shares finding (rule 13).
    assert first["findings"] == [f.to_dict() for f in group_findings(v1, [low, middle, unsure], 3)]
    assert first["strongest"] is None  # a third of the room at the social end is no strength
    for _ in range(2):
        body = {"questionnaire": v1.id, "answers": high, "participant_token": api_join(client, code)}
        assert client.post("/api/v1/assessments", json=body).status_code == 201
    later = client.get(f"/api/v1/groups/{group['id']}/summary", headers=headers).get_json()
    assert (later["complete"], later["n"]) == (5, 3)
    assert later["findings"] == first["findings"]
    assert all(sum(e.get("count", 0) for e in f["evidence"]) <= 3 for f in later["findings"])
