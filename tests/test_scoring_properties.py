"""General rules of the scoring engine, checked with hypothesis over both questionnaires."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.questionnaire import Option, Questionnaire, load_questionnaire
from assessment.domain.result import dimension_results, score
from assessment.domain.scoring import UNSURE, display_score
from tests.conftest import DATA, V1

QUESTIONNAIRES = {"v1": load_questionnaire(V1), "seven": load_questionnaire(DATA / "seven-point.yaml")}


def all_likert(q: Questionnaire) -> Questionnaire:
    """The same questionnaire with every choice item turned into a likert item on its scale."""
    points = tuple(Option(v, str(v)) for v in range(q.scale_min, q.scale_max + 1))
    return replace(q, items=tuple(replace(i, type="likert", options=points) for i in q.items))


LIKERT_ONLY = {name: all_likert(q) for name, q in QUESTIONNAIRES.items()}


def answer_sets(
    q: Questionnaire, unsure: bool = True, missing: bool = True
) -> st.SearchStrategy[dict[str, Any]]:
    def one(item):  # type: ignore[no-untyped-def]
        choices = st.integers(item.lo, item.hi)
        if unsure and item.allow_unsure:
            choices = choices | st.just(UNSURE)
        if missing:
            choices = choices | st.none()
        return choices

    return st.fixed_dictionaries({item.id: one(item) for item in q.items}).map(
        lambda answers: {k: v for k, v in answers.items() if v is not None}
    )


@st.composite
def questionnaire_and_answers(draw, pool=QUESTIONNAIRES, **kwargs):  # type: ignore[no-untyped-def]
    q = pool[draw(st.sampled_from(sorted(pool)))]
    return q, draw(answer_sets(q, **kwargs))


@settings(max_examples=150, deadline=None)
@given(questionnaire_and_answers())
def test_all_scores_lie_between_0_and_100(case):
    q, answers = case
    result = score(q, answers)
    for d in result.dimensions:
        assert 0.0 <= d.coverage <= 1.0
        if d.score is not None:
            assert 0.0 <= d.score <= 100.0
            assert d.coverage >= q.thresholds.min_coverage
    if result.overall is not None:
        assert 0.0 <= result.overall <= 100.0
        assert result.stage is not None


@settings(max_examples=100, deadline=None)
@given(questionnaire_and_answers())
def test_rule_3_alone_gives_the_full_results_dimensions(case):
    # A group report's coverage table reads every member's rule-3 figures without the roadmap.
    q, answers = case
    assert dimension_results(q, answers) == score(q, answers).dimensions


@settings(max_examples=150, deadline=None)
@given(questionnaire_and_answers(unsure=False, missing=False), st.data())
def test_raising_a_non_reverse_answer_never_lowers_its_dimension(case, data):
    q, answers = case
    candidates = [i for i in q.items if not i.reverse and answers[i.id] < i.hi]
    if not candidates:
        return
    item = data.draw(st.sampled_from(candidates))
    raised = dict(answers, **{item.id: data.draw(st.integers(answers[item.id] + 1, item.hi))})
    before = score(q, answers).dimension(item.dimension).score
    after = score(q, raised).dimension(item.dimension).score
    assert after >= before


@settings(max_examples=150, deadline=None)
@given(questionnaire_and_answers(pool=LIKERT_ONLY))
def test_with_all_items_likert_mirroring_every_answer_maps_d_to_100_minus_d(case):
    q, answers = case
    mirrored = {k: (q.item(k).lo + q.item(k).hi - v if isinstance(v, int) else v) for k, v in answers.items()}
    before, after = score(q, answers), score(q, mirrored)
    for d in q.dimensions:
        b, a = before.dimension(d.id).score, after.dimension(d.id).score
        assert (b is None) == (a is None)
        if b is not None:
            assert abs(a - (100.0 - b)) < 1e-9


@pytest.mark.parametrize(
    ("value", "shown"),
    [(39.6, "39.6"), (39.96, "39.9"), (40.0, "40"), (40.4, "40"), (39.4, "39"), (59.5, "59.5"),
     (99.7, "99.7"), (0.2, "0"), (19.5, "19.5"), (None, "–")],
)  # fmt: skip
def test_display_score_by_hand(value, shown):
    assert display_score(value, (0, 20, 40, 60, 80, 100)) == shown


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_a_displayed_score_never_reaches_a_bound_the_score_has_not(value):
    """ "40" beside "below the floor of 40" is what this prevents: whatever is printed lies on
    the same side of every stage bound, the floor and the threshold as the score itself."""
    bounds = (0, 20, 40, 60, 80, 100)
    printed = float(display_score(value, bounds))
    for b in bounds:
        assert (printed >= b) == (value >= b)
    assert abs(printed - value) <= 0.5


WEIGHTS = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 0.1])


@st.composite
def weighted_questionnaire_and_answers(draw):  # type: ignore[no-untyped-def]
    """Either questionnaire with item and dimension weights redrawn (0.1 is not a binary
    fraction, so the float weight itself is what the exact sums must use)."""
    q = QUESTIONNAIRES[draw(st.sampled_from(sorted(QUESTIONNAIRES)))]
    items = tuple(replace(i, weight=draw(WEIGHTS)) for i in q.items)
    dimensions = tuple(replace(d, weight=draw(WEIGHTS)) for d in q.dimensions)
    q = replace(q, items=items, dimensions=dimensions)
    return q, draw(answer_sets(q))


def exact_stage(q: Questionnaire, value: Fraction):  # type: ignore[no-untyped-def]
    return [s for s in q.stages if Fraction(s.min) <= value][-1]


@settings(max_examples=200, deadline=None)
@given(weighted_questionnaire_and_answers())
def test_scores_are_the_exact_rules_rounded_once_so_a_bound_is_reached_exactly(case):
    """Rules 3-5 in rational arithmetic, term by term as SCORING.md writes them: every score is
    the float nearest the exact value, so a score exactly on a bound is on it, never a hair under."""
    q, answers = case
    result = score(q, answers)
    exact: dict[str, Fraction] = {}
    for d in q.dimensions:
        shown = result.dimension(d.id)
        scored = [i for i in q.items_of(d.id) if isinstance(answers.get(i.id), int)]
        if shown.score is None:
            continue
        weights = sum(Fraction(i.weight) for i in scored)
        s = {i.id: Fraction(answers[i.id] - i.lo, i.hi - i.lo) for i in scored}
        s = {k: (1 - v if q.item(k).reverse else v) for k, v in s.items()}
        exact[d.id] = 100 * sum(Fraction(i.weight) * s[i.id] for i in scored) / weights
        assert shown.score == float(exact[d.id])
        assert shown.stage == exact_stage(q, exact[d.id])
    if result.overall is None:
        assert len(exact) < len(q.dimensions)
        return
    overall = sum(Fraction(d.weight) * exact[d.id] for d in q.dimensions) / sum(
        Fraction(d.weight) for d in q.dimensions
    )
    assert result.overall == float(overall)
    assert result.stage == exact_stage(q, overall)
    social = overall >= q.thresholds.social and min(exact.values()) >= q.thresholds.floor
    assert (result.classification.id == "social_organisation") == social
