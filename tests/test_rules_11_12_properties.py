"""Rules 11 and 12 as properties over many answer sets, on the shipped 1.2, 1.1 and 1.0 files and the
seven-point test file."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.questionnaire import HORIZONS, Questionnaire, load_questionnaire
from assessment.domain.result import score
from assessment.domain.roadmap import in_place
from assessment.domain.scoring import NOT_APPLICABLE, UNSURE, item_scores
from tests.conftest import DATA, REPO

POOL = {
    "1.2": load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml"),
    "1.1": load_questionnaire(REPO / "questionnaires" / "social-organisation-1.1.yaml"),
    "1.0": load_questionnaire(REPO / "questionnaires" / "social-organisation-1.0.yaml"),
    "seven": load_questionnaire(DATA / "seven-point.yaml"),
}


def best(item) -> int:  # type: ignore[no-untyped-def]
    return item.lo if item.reverse else item.hi


def worst(item) -> int:  # type: ignore[no-untyped-def]
    return item.hi if item.reverse else item.lo


@st.composite
def questionnaire_and_answers(draw) -> tuple[Questionnaire, dict[str, Any]]:  # type: ignore[no-untyped-def]
    q = POOL[draw(st.sampled_from(sorted(POOL)))]
    answers: dict[str, Any] = {}
    for item in q.items:
        choices = st.integers(item.lo, item.hi) | st.none()
        if item.allow_unsure:
            choices = choices | st.just(UNSURE)
        if item.allow_not_applicable:
            choices = choices | st.just(NOT_APPLICABLE)
        value = draw(choices)
        if value is not None:
            answers[item.id] = value
    return q, answers


@settings(max_examples=200, deadline=None)
@given(questionnaire_and_answers())
def test_findings_respect_the_thresholds_and_their_order(case):
    q, answers = case
    result = score(q, answers)
    t = q.thresholds
    assert all(f.score >= t.strength for f in result.strengths)
    assert all(f.score <= t.weakness for f in result.weaknesses)
    assert [f.score for f in result.strengths] == sorted((f.score for f in result.strengths), reverse=True)
    assert [f.score for f in result.weaknesses] == sorted(f.score for f in result.weaknesses)
    answered = {i for i, v in answers.items() if isinstance(v, int)}
    assert {f.item for f in result.strengths + result.weaknesses} <= answered


@settings(max_examples=200, deadline=None)
@given(questionnaire_and_answers())
def test_roadmap_never_chooses_what_is_in_place_and_puts_requirements_first(case):
    q, answers = case
    result = score(q, answers)
    scores = item_scores(q, answers)
    ids = [e.recommendation.id for e in result.roadmap]
    assert len(ids) == len(set(ids))
    for n, entry in enumerate(result.roadmap):
        rec = entry.recommendation
        assert not in_place(q, rec, scores), rec.id
        for other in rec.requires:
            # Every requirement is either in place or chosen earlier.
            assert in_place(q, q_rec(q, other), scores) or other in ids[:n], (rec.id, other)
    horizons = [HORIZONS.index(e.horizon) for e in result.roadmap]
    assert horizons == sorted(horizons)
    assert sum(e.horizon == "now" for e in result.roadmap) <= q.thresholds.max_now


def q_rec(q: Questionnaire, rec_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in q.recommendations if r.id == rec_id)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(POOL)), st.data())
def test_most_social_answers_give_no_weaknesses_and_nothing_to_do_at_the_top(name, data):
    q = POOL[name]
    # Leave a random few unanswered: the rest are at the social end.
    skip = data.draw(st.sets(st.sampled_from([i.id for i in q.items]), max_size=2))
    result = score(q, {i.id: best(i) for i in q.items if i.id not in skip})
    assert result.weaknesses == ()
    top = q.stages[-1].id
    at_top = {d.id for d in result.dimensions if d.stage is not None and d.stage.id == top}
    if all(r.addresses for r in q.recommendations):  # 1.0 has no addresses: rule 8's choice stays
        for e in result.roadmap:
            if e.dimension in at_top:
                # Only a step whose practices were all left unanswered can remain.
                assert set(e.recommendation.addresses) <= skip, e.recommendation.id
        if not skip and len(at_top) == len(q.dimensions):
            assert result.roadmap == ()


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(POOL)), st.data())
def test_least_social_answers_give_no_strengths(name, data):
    q = POOL[name]
    skip = data.draw(st.sets(st.sampled_from([i.id for i in q.items]), max_size=2))
    result = score(q, {i.id: worst(i) for i in q.items if i.id not in skip})
    assert result.strengths == ()
    assert len(result.weaknesses) == len(q.items) - len(skip)
