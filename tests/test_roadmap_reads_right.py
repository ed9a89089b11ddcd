"""The roadmap that reads right (issue 16, item 4), hand-computed on the small questionnaire of
tests/test_rules_11_12.py (likert 1..5: s = (v - 1) / 4; b2 reverse-keyed; strength 0.75,
weakness 0.25; stages low 0 / mid 50 / high 75; max_now 2):

    rec     dim stage addresses  requires  horizon impact effort
    a_low   a   low   a1         -         now     2      low
    a_mid   a   mid   a2         a_low     now     3      low
    a_mid2  a   mid   a1, a2     b_low     next    1      high
    a_high  a   high  a1, a2     -         later   1      low
    b_base  b   low   b3         -         next    1      medium
    b_low   b   low   b2         b_base    now     3      medium
    b_mid   b   mid   b1, b2     -         now     2      low
    b_high  b   high  b2         -         later   2      medium
"""

from __future__ import annotations

from assessment.domain.result import score
from assessment.domain.roadmap import contradicts, first_priorities

from .test_rules_11_12 import Q, roadmap


def rec(rid: str):  # type: ignore[no-untyped-def]
    return next(r for r in Q.recommendations if r.id == rid)


def test_a_step_that_would_build_what_is_there_is_not_chosen():
    # a1 = 3 (0.5), a2 = 5 (1.0): a_mid2 builds a1 and a2; a2 is in place already.
    scores = {"a1": 0.5, "a2": 1.0}
    assert contradicts(Q, rec("a_mid2"), scores)
    assert not contradicts(Q, rec("a_low"), scores)
    assert contradicts(Q, rec("a_mid"), scores)  # in place: every addressed item a strength


def test_a_weak_answer_brings_the_step_written_for_it_at_or_below_its_stage():
    # a1 = 1 (0, weak), a2 = 5 (1.0): a = 50, stage mid. a_mid (a2) is in place, a_mid2 would
    # rebuild a2: neither is chosen. The weak a1 is taken up by a_low (stage low, below mid).
    # b at the social end: 100, top stage, b_high in place. The weakest area, a, has that step.
    result = score(Q, {"a1": 1, "a2": 5, "b1": 5, "b2": 1, "b3": 5})
    assert result.dimension("a").stage.id == "mid"
    assert roadmap(result) == [("a_low", "now", False)]
    assert [e.reason for e in result.roadmap] == ["weakness"]
    assert result.deferred == ()
    assert [e.recommendation.id for e in result.first_priorities] == ["a_low"]


def test_the_weakest_area_always_gets_a_step_when_the_file_has_one():
    # a1 = 3 (0.5), a2 = 4 (0.75): a = 62.5, mid, the bottleneck (b = 100). a_mid is in place and
    # a_mid2 would rebuild a2, so a's own stage gives nothing and nothing in a is weak. a_high
    # would rebuild a2 too; a_low (a1 at 0.5) is the one step left: the stage below.
    result = score(Q, {"a1": 3, "a2": 4, "b1": 5, "b2": 1, "b3": 5})
    assert result.weakest == "a"
    assert roadmap(result) == [("a_low", "now", False)]
    assert [e.reason for e in result.roadmap] == ["weakest"]


def test_a_weak_answer_no_step_can_take_up_is_reported_as_deferred():
    # b1 = 1 (0, weak), b2 = 1 (reverse: 1.0), b3 = 3 (0.5): b = 50, mid. b1 is addressed only by
    # b_mid (b's own stage), which would rebuild b2: it is not chosen, and no later step
    # addresses b1, so the deferral names none.
    result = score(Q, {"a1": 5, "a2": 5, "b1": 1, "b2": 1, "b3": 3})
    assert "b_mid" not in [e.recommendation.id for e in result.roadmap]
    assert [(d.item, d.dimension, d.recommendation, d.stage) for d in result.deferred] == [
        ("b1", "b", None, None)
    ]
    assert result.deferred[0].to_dict() == {
        "item": "b1",
        "dimension": "b",
        "recommendation": None,
        "stage": None,
        "left_out": "b_mid",  # so the report can say why nothing takes b1 up
    }


def test_the_first_priorities_are_three_and_one_starts_now():
    # The max_now case: a_low, a_mid (now), then b_low, b_mid, a_mid2 (next).
    result = score(Q, {"a1": 3, "a2": 3, "b1": 3, "b2": 4, "b3": 5})
    assert [e.recommendation.id for e in result.first_priorities] == ["a_low", "a_mid", "b_low"]
    # A curated order (a facilitator moved the quick steps down): the third place goes to the
    # first step that can start now.
    curated = list(reversed(result.roadmap))
    assert [e.horizon for e in curated[:3]] == ["next", "next", "next"]
    assert [e.recommendation.id for e in first_priorities(curated)] == ["a_mid2", "b_mid", "a_mid"]
    assert first_priorities(()) == ()
    assert first_priorities(result.roadmap[:2]) == result.roadmap[:2]
