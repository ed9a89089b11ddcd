"""SCORING.md rules 11 (strengths and weaknesses) and 12 (the roadmap follows the answers),
hand-computed on a small questionnaire written for the purpose.

The questionnaire: likert 1..5, so an answer v scores s = (v - 1) / 4 (1 -> 0, 2 -> 0.25,
3 -> 0.5, 4 -> 0.75, 5 -> 1). Stages low 0 / mid 50 / high 75; floor 40, social 60; strength
0.75, weakness 0.25; max_now 2. Dimensions a (items a1, a2) and b (items b1, b2, b3).

    rec     dim stage addresses  requires  horizon impact effort
    a_low   a   low   a1         -         now     2      low
    a_mid   a   mid   a2         a_low     now     3      low
    a_mid2  a   mid   a1, a2     b_low     next    1      high
    a_high  a   high  a1, a2     -         later   1      low
    b_base  b   low   b3         -         next    1      medium
    b_low   b   low   b2         b_base    now     3      medium
    b_mid   b   mid   b1, b2     -         now     2      low
    b_high  b   high  b2         -         later   2      medium

Rule 8's sort key inside the roadmap is (horizon, -impact, effort, dimension rank, position),
where position is the order of choosing (step 1, then the prerequisites of step 2).
"""

from __future__ import annotations

import pytest

from assessment.domain.questionnaire import QuestionnaireError, parse_questionnaire
from assessment.domain.result import score
from assessment.domain.scoring import NOT_APPLICABLE, InvalidAnswers

RECS = [
    ("a_low", "a", "low", ["a1"], [], "now", 2, "low"),
    ("a_mid", "a", "mid", ["a2"], ["a_low"], "now", 3, "low"),
    ("a_mid2", "a", "mid", ["a1", "a2"], ["b_low"], "next", 1, "high"),
    ("a_high", "a", "high", ["a1", "a2"], [], "later", 1, "low"),
    ("b_base", "b", "low", ["b3"], [], "next", 1, "medium"),
    ("b_low", "b", "low", ["b2"], ["b_base"], "now", 3, "medium"),
    ("b_mid", "b", "mid", ["b1", "b2"], [], "now", 2, "low"),
    ("b_high", "b", "high", ["b2"], [], "later", 2, "medium"),
]


def questionnaire_text(recs=RECS, max_now: int = 2, extra_item: str = "") -> str:
    text = f"""
id: rules
version: "1"
title: Rules 11 and 12
description: A small questionnaire for hand-computed cases.
thresholds: {{social: 60, floor: 40, min_coverage: 0.6, strength: 0.75, weakness: 0.25, max_now: {max_now}}}
poles: {{low: {{label: Low}}, high: {{label: High}}}}
classifications:
  social_organisation: {{label: Social}}
  using_social_media: {{label: Using}}
stages:
  - {{id: low, label: Low, min: 0}}
  - {{id: mid, label: Mid, min: 50}}
  - {{id: high, label: High, min: 75}}
dimensions:
  - {{id: a, label: A, description: Dimension a.}}
  - {{id: b, label: B, description: Dimension b.}}
items:
  - {{id: a1, dimension: a, type: likert, text: A one, practice: Practice a1}}
  - {{id: a2, dimension: a, type: likert, text: A two, practice: Practice a2}}
  - {{id: b1, dimension: b, type: likert, text: B one, practice: Practice b1, allow_not_applicable: true}}
  - {{id: b2, dimension: b, type: likert, text: B two, practice: Practice b2, reverse: true}}
  - {{id: b3, dimension: b, type: likert, text: B three, practice: Practice b3, allow_unsure: true}}
{extra_item}recommendations:
"""
    for rid, dim, stage, addresses, requires, horizon, impact, effort in recs:
        text += (
            f"  - {{id: {rid}, dimension: {dim}, stage: {stage}, title: T {rid}, why: W, actions: [A],"
            f" effort: {effort}, impact: {impact}, horizon: {horizon}, owner: O,"
            f" addresses: [{', '.join(addresses)}]"
            + (f", requires: [{', '.join(requires)}]" if requires else "")
            + "}\n"
        )
    return text


Q = parse_questionnaire(questionnaire_text(), "rules.yaml")

# b2 is reverse-keyed: answer 5 scores 0, answer 1 scores 1.
REVERSE = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}


def roadmap(result):
    return [(e.recommendation.id, e.horizon, e.prerequisite) for e in result.roadmap]


# --------------------------------------------------------------------------- rule 11


def test_strengths_highest_first_ties_in_file_order_reverse_keyed_by_its_score():
    # a1 = 4 -> 0.75, a2 = 5 -> 1.0, b1 = 4 -> 0.75, b2 = 1 (reversed) -> 1.0, b3 = 3 -> 0.5
    result = score(Q, {"a1": 4, "a2": 5, "b1": 4, "b2": 1, "b3": 3})
    assert [(f.item, f.score) for f in result.strengths] == [
        ("a2", 1.0),
        ("b2", 1.0),
        ("a1", 0.75),
        ("b1", 0.75),
    ]
    assert result.weaknesses == ()
    assert result.to_dict()["strengths"][1] == {"item": "b2", "dimension": "b", "score": 1.0}
    assert Q.item("b2").practice == "Practice b2"


def test_weaknesses_lowest_first_and_no_strength_however_the_others_fall():
    # Everything at or near the unsocial end: the "best" answer (a2 = 3 -> 0.5) is no strength.
    result = score(Q, {"a1": 2, "a2": 3, "b1": 1, "b2": 5, "b3": 2})
    assert result.strengths == ()
    assert [(f.item, f.dimension, f.score) for f in result.weaknesses] == [
        ("b1", "b", 0.0),
        ("b2", "b", 0.0),
        ("a1", "a", 0.25),
        ("b3", "b", 0.25),
    ]
    assert result.to_dict()["weaknesses"][0] == {"item": "b1", "dimension": "b", "score": 0.0}


def test_unsure_and_not_applicable_are_neither_strength_nor_weakness():
    result = score(Q, {"a1": 5, "a2": 1, "b1": NOT_APPLICABLE, "b2": 3, "b3": "unsure"})
    assert [f.item for f in result.strengths] == ["a1"]
    assert [f.item for f in result.weaknesses] == ["a2"]


# --------------------------------------------------------------------------- rule 1: not_applicable


def test_not_applicable_leaves_both_coverage_sums():
    # b: b1 not applicable, b2 = 2 (reversed: 1 - 0.25 = 0.75), b3 = 5 (1.0)
    result = score(Q, {"a1": 3, "a2": 3, "b1": NOT_APPLICABLE, "b2": 2, "b3": 5})
    b = result.dimension("b")
    assert b.coverage == 1.0  # 2 scored of 2 applicable
    assert b.score == 87.5  # 100 * (0.75 + 1.0) / 2
    assert b.not_applicable == 1
    assert result.to_dict()["answers"]["b1"] == NOT_APPLICABLE


def test_not_applicable_is_refused_where_the_item_does_not_allow_it():
    with pytest.raises(InvalidAnswers) as caught:
        score(Q, {"a1": NOT_APPLICABLE})
    assert caught.value.problems[0].item == "a1"
    assert "not_applicable" in caught.value.problems[0].message


# --------------------------------------------------------------------------- rule 12


def test_a_recommendation_in_place_is_not_chosen_and_prerequisites_come_first():
    # a1 = 3 (0.5), a2 = 4 (0.75): a = 62.5 -> mid. b1 = 1 (0), b2 = 4 (rev 0.25), b3 = 3 (0.5):
    # b = 25 -> low. Floor fails (25 < 40): b first, then a.
    result = score(Q, {"a1": 3, "a2": 4, "b1": 1, "b2": 4, "b3": 3})
    assert result.dimension("a").stage.id == "mid"
    assert result.dimension("b").stage.id == "low"
    ids = [e.recommendation.id for e in result.roadmap]
    assert "a_mid" not in ids  # it addresses a2 only, a strength: in place
    # a_mid2 addresses a1 (0.5) and a2 (0.75): it would also build a2, which the answers show is
    # there already, so it is not chosen either.
    assert "a_mid2" not in ids
    # Step 1: b_base, b_low (b, low). No missing prerequisite. b_low is "now" but needs b_base
    # ("next"), so nothing could start now: step 5 adds b's quick step of a stage not below its
    # own, b_mid (mid, now, addressing b1 = 0 and b2 = 0.25, both weak), which also takes up the
    # weak b1 that no low step addresses. Keys: b_mid (now,-2,low,0,2); b_base inherits b_low's
    # urgency (next,-3,medium,0,1) and comes just before it.
    assert roadmap(result) == [
        ("b_mid", "now", False),
        ("b_base", "next", False),
        ("b_low", "next", False),
    ]
    assert [e.reason for e in result.roadmap] == ["now", "stage", "stage"]
    assert result.deferred == ()


def test_prerequisite_from_an_earlier_stage_is_pulled_in_and_placed_first():
    # a1 = a2 = 3: a = 50 -> mid (gap 25). b1 = 1, b2 = 4 (rev 0.25), b3 = 3: b = 25 -> low.
    # Floor fails: b, then a. Step 1: b_base, b_low, a_mid, a_mid2. Step 2: a_mid needs a_low
    # (stage low, a1 = 0.5 not in place): pulled in.
    result = score(Q, {"a1": 3, "a2": 3, "b1": 1, "b2": 4, "b3": 3})
    # a_low (now) inherits a_mid's key (now, -3, low, 1, 2) and comes just before it, ahead of
    # nothing else in "now"; the rest are "next" as above.
    assert roadmap(result) == [
        ("a_low", "now", True),
        ("a_mid", "now", False),
        ("b_base", "next", False),
        ("b_low", "next", False),
        ("a_mid2", "next", False),
    ]
    entry = result.roadmap[0]
    assert (entry.stage, entry.dimension, entry.rank) == ("low", "a", 1)
    as_json = result.to_dict()["roadmap"][1]
    assert as_json["id"] == "a_mid"
    assert as_json["requires"] == ["a_low"]
    assert as_json["addresses"] == ["a2"]
    assert as_json["horizon"] == "now"


def test_transitive_prerequisites_from_another_dimension():
    # a1 = a2 = 3: a = 50 -> mid (gap 25). b1 = 5 (1.0), b2 = 4 (rev 0.25), b3 = 3 (0.5):
    # b = 58.33 -> mid (gap 16.67). No floor failure: a, then b.
    # Step 1: a_mid, a_mid2 (a, mid); b_mid addresses b1 (1.0, a strength) besides b2: not chosen.
    # Step 2: a_mid -> a_low; a_mid2 -> b_low (b, low: b2 0.25) -> b_base (b, low: b3 0.5).
    result = score(Q, {"a1": 3, "a2": 3, "b1": 5, "b2": 4, "b3": 3})
    assert [d.stage.id for d in result.dimensions] == ["mid", "mid"]
    # Effective horizons: b_low waits for b_base ("next"); a_mid2 is "next" itself.
    # Keys:   a_mid (now,-3,low,0,0)  a_mid2 (next,-1,high,0,1)  a_low (now,-2,low,0,2)
    #         b_low (next,-3,medium,1,3)  b_base (next,-1,medium,1,4)
    # Now: a_low (a_mid's urgency), a_mid. Next: b_base (b_low's urgency), b_low, then a_mid2.
    assert roadmap(result) == [
        ("a_low", "now", True),
        ("a_mid", "now", False),
        ("b_base", "next", True),
        ("b_low", "next", True),
        ("a_mid2", "next", False),
    ]
    assert [e.rank for e in result.roadmap] == [1, 2, 3, 4, 5]


def test_the_max_now_cap_moves_later_now_entries_to_next_in_place():
    # a1 = a2 = 3: a = 50 -> mid (gap 25). b1 = 3 (0.5), b2 = 4 (rev 0.25), b3 = 5 (1.0):
    # b = 58.33 -> mid (gap 16.67). a, then b. Step 1: a_mid, a_mid2, b_mid (b1, b2 both below
    # strength). Step 2: a_mid -> a_low; a_mid2 -> b_low (its b_base is in place: b3 = 1.0).
    # Keys:   a_mid (now,-3,low,0,0)  a_mid2 (next,-1,high,0,1)  b_mid (now,-2,low,1,2)
    #         a_low (now,-2,low,0,3)  b_low (now,-3,medium,1,4)
    # Order: a_low (a_mid's urgency), a_mid, b_low, b_mid, a_mid2 (after b_low, which it needs).
    # max_now = 2: b_low and b_mid move to "next", keeping their places.
    result = score(Q, {"a1": 3, "a2": 3, "b1": 3, "b2": 4, "b3": 5})
    assert roadmap(result) == [
        ("a_low", "now", True),
        ("a_mid", "now", False),
        ("b_low", "next", True),
        ("b_mid", "next", False),
        ("a_mid2", "next", False),
    ]
    assert result.to_dict()["roadmap"][2]["horizon"] == "next"  # the effective horizon, not the file's


def test_without_the_cap_the_third_now_entry_stays_now():
    q = parse_questionnaire(questionnaire_text(max_now=4), "rules.yaml")
    result = score(q, {"a1": 3, "a2": 3, "b1": 3, "b2": 4, "b3": 5})
    assert [e.horizon for e in result.roadmap] == ["now", "now", "now", "now", "next"]


def test_a_prerequisite_in_place_is_not_pulled_in():
    # As the transitive case, but b2 = 2 (rev 0.75): b_low is in place, so a_mid2 pulls in
    # nothing. b = 100 * (1 + 0.75 + 0.5) / 3 = 75 -> high (gap 25, tied with a: file order).
    result = score(Q, {"a1": 3, "a2": 3, "b1": 5, "b2": 2, "b3": 3})
    assert result.dimension("b").stage.id == "high"
    ids = [e.recommendation.id for e in result.roadmap]
    assert "b_low" not in ids and "b_base" not in ids
    # b_high addresses b2 (0.75): in place. a_mid2 keeps "next" (its own horizon).
    assert roadmap(result) == [("a_low", "now", True), ("a_mid", "now", False), ("a_mid2", "next", False)]


def test_everything_social_gives_an_empty_roadmap():
    result = score(Q, {"a1": 5, "a2": 5, "b1": 5, "b2": 1, "b3": 5})
    assert [d.stage.id for d in result.dimensions] == ["high", "high"]
    assert result.roadmap == ()


def test_a_recommendation_whose_items_are_all_unanswered_is_not_in_place():
    # b3 unsure: b_base addresses only b3, so nothing of it is scored: not in place, chosen.
    result = score(Q, {"a1": 5, "a2": 5, "b1": 1, "b2": 5, "b3": "unsure"})
    assert "b_base" in [e.recommendation.id for e in result.roadmap]


def test_recommendations_without_addresses_are_never_in_place():
    bare = [(r[0], r[1], r[2], [], [], r[5], r[6], r[7]) for r in RECS]
    text = questionnaire_text(bare).replace(", addresses: []", "")
    q = parse_questionnaire(text, "bare.yaml")
    result = score(q, {"a1": 5, "a2": 5, "b1": 5, "b2": 1, "b3": 5})
    # Both at the top (gap 0, file order a, b); b_high has the higher impact.
    assert [e.recommendation.id for e in result.roadmap] == ["b_high", "a_high"]


# --------------------------------------------------------------------------- the loader


def _problems(text: str) -> str:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "broken.yaml")
    return str(caught.value)


def test_loader_names_an_unknown_address_with_its_line():
    recs = [RECS[0][:3] + (["a9"],) + RECS[0][4:], *RECS[1:]]
    text = questionnaire_text(recs)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "id: a_low," in row)
    assert f"broken.yaml:{line}: recommendation 'a_low' addresses unknown item 'a9'" in _problems(text)


def test_loader_names_an_unknown_requirement():
    recs = [RECS[0][:4] + (["nothing_here"],) + RECS[0][5:], *RECS[1:]]
    assert "recommendation 'a_low' requires unknown recommendation 'nothing_here'" in _problems(
        questionnaire_text(recs)
    )


def test_loader_reports_a_cycle_of_requirements():
    # b_base -> a_mid -> a_low -> b_base
    recs = [
        RECS[0][:4] + (["b_base"],) + RECS[0][5:],
        *RECS[1:4],
        RECS[4][:4] + (["a_mid"],) + RECS[4][5:],
        *RECS[5:],
    ]
    message = _problems(questionnaire_text(recs))
    assert "requires form a cycle: a_low -> b_base -> a_mid -> a_low" in message
    assert message.startswith("broken.yaml:")


def test_loader_refuses_a_blank_practice_and_crossed_thresholds():
    text = questionnaire_text().replace("practice: Practice a1", "practice: ' '")
    assert "items.0.practice: must not be blank" in _problems(text)
    text = questionnaire_text().replace("strength: 0.75, weakness: 0.25", "strength: 0.5, weakness: 0.5")
    assert "weakness must be below strength" in _problems(text)


def test_loader_refuses_a_non_boolean_allow_not_applicable():
    text = questionnaire_text().replace("allow_not_applicable: true", "allow_not_applicable: sometimes")
    assert "items.2.allow_not_applicable" in _problems(text)
