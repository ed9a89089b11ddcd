"""Questionnaire 1.1: the authoring rules of issue 8 checked mechanically on the shipped file and
on the seven-point test file, and the published 1.0 kept answerable beside it."""

from __future__ import annotations

import pytest
import yaml

from assessment.domain.questionnaire import Questionnaire, load_all, load_questionnaire
from assessment.domain.result import score
from tests.conftest import DATA, REPO

V11 = load_questionnaire(REPO / "questionnaires" / "social-organisation-1.1.yaml")
V10 = load_questionnaire(REPO / "questionnaires" / "social-organisation-1.0.yaml")
SEVEN = load_questionnaire(DATA / "seven-point.yaml")
FILES = {"1.1": V11, "seven": SEVEN}


@pytest.fixture(params=sorted(FILES))
def q(request) -> Questionnaire:
    return FILES[request.param]


def test_versions_and_ids():
    assert (V11.id, V11.version) == ("social-organisation", "1.1")
    assert (V10.id, V10.version) == ("social-organisation", "1.0")


def test_choice_options_are_comparable_in_length(q):
    for item in q.items:
        if item.type == "choice":
            lengths = [len(o.label) for o in item.options]
            assert max(lengths) <= 2 * min(lengths), (item.id, lengths)


def test_choice_options_run_from_the_unsocial_to_the_social_end(q):
    for item in q.items:
        if item.type == "choice":
            values = [o.value for o in item.options]
            assert values == sorted(values), item.id  # listed lowest value (least social) first


def test_every_item_names_its_practice_in_its_own_words(q):
    for item in q.items:
        assert item.practice.strip(), item.id
        assert item.practice != item.text, item.id  # written for the report, not the question


def test_every_recommendation_addresses_items_and_requires_known_recommendations(q):
    item_ids = {i.id for i in q.items}
    rec_ids = {r.id for r in q.recommendations}
    for rec in q.recommendations:
        assert rec.addresses, rec.id
        assert set(rec.addresses) <= item_ids, rec.id
        assert set(rec.requires) <= rec_ids - {rec.id}, rec.id


def test_every_dimension_and_stage_has_a_step_that_can_start_now(q):
    for d in q.dimensions:
        for s in q.stages:
            horizons = {r.horizon for r in q.recommendations_for(d.id, s.id)}
            assert "now" in horizons, (d.id, s.id)


def test_impact_uses_the_whole_range(q):
    assert {r.impact for r in q.recommendations} == {1, 2, 3}


def test_every_item_is_addressed_by_some_recommendation(q):
    addressed = {i for r in q.recommendations for i in r.addresses}
    assert {i.id for i in q.items} <= addressed


def test_v11_has_unsure_and_not_applicable_where_they_belong():
    assert sum(i.allow_unsure for i in V11.items) >= 30
    not_applicable = {i.id for i in V11.items if i.allow_not_applicable}
    # Things a small organisation may simply not have: an internal network, middle managers,
    # someone who checks what is published, written guidance, numeric targets.
    assert {
        "in_internal_network",
        "ld_middle_managers",
        "po_advisers_say_yes",
        "po_guidance_reviewed",
        "en_targets_basis",
    } <= not_applicable


def test_v11_asks_about_goals_before_tools_and_middle_managers():
    assert V11.item("ld_goals_before_tools").type == "choice"
    assert "goals" in V11.item("ld_goals_before_tools").practice
    assert "Middle managers" in V11.item("ld_middle_managers").text


def test_v11_never_reuses_a_published_id_for_a_changed_question():
    """An id kept from 1.0 keeps its question; a reworded question got a new id."""
    old = {i.id: i for i in V10.items}
    for item in V11.items:
        if item.id in old:
            assert item.type == old[item.id].type, item.id
            assert item.reverse == old[item.id].reverse, item.id
            assert " ".join(item.text.split()) == " ".join(old[item.id].text.split()), item.id


def test_frequency_scales_only_for_repeated_things():
    """A likert item is answered Never..Always, so its text must describe something that recurs;
    one-off states (targets, guidance, who replies) are choice items. Checked by the verbs the
    one-off items would use."""
    one_off_words = ("is set", "targets", "policy", "guidance")
    for item in V11.items:
        if item.type == "likert":
            assert not any(w in item.text.lower() for w in one_off_words), item.id


def test_both_versions_are_registered_newest_last(tmp_path):
    files = load_all(REPO / "questionnaires")
    assert [(f.id, f.version) for f in files] == [
        ("social-organisation", "1.0"),
        ("social-organisation", "1.1"),
        ("social-organisation", "1.2"),
    ]


def test_a_repeated_id_and_version_is_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(
            (DATA / "seven-point.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    from assessment.domain.questionnaire import QuestionnaireError

    with pytest.raises(QuestionnaireError, match="is also used by"):
        load_all(tmp_path)


def test_the_1_0_file_is_the_published_content():
    data = yaml.safe_load(
        (REPO / "questionnaires" / "social-organisation-1.0.yaml").read_text(encoding="utf-8")
    )
    assert data["version"] == "1.0"
    assert len(data["items"]) == 35 and len(data["recommendations"]) == 50
    assert all("addresses" not in r for r in data["recommendations"])


def test_1_0_scores_exactly_as_before():
    """Hand-computed on 1.0: every dialogue item at its top value except the reverse-keyed
    dl_self_announcements at 5 (s = 0); the rest of the file at its middle value."""
    answers = {}
    for item in V10.items:
        answers[item.id] = (item.lo + item.hi) // 2
    for item in V10.items_of("dialogue"):
        answers[item.id] = item.hi
    result = score(V10, answers)
    # dialogue: 7 items, dl_public_criticism of weight 2, the rest 1; all at s = 1 except
    # dl_self_announcements (reverse, answered 5: s = 0): 100 * 7 / 8 = 87.5.
    assert result.dimension("dialogue").score == 87.5
    # Every other item sits at the middle of a 1..5 scale: s = 0.5, D = 50.
    for d in ("interaction", "engagement", "leadership", "policy"):
        assert result.dimension(d).score == 50.0
    assert result.overall == pytest.approx((87.5 + 200) / 5)
    assert result.stage.id == "participating"
    assert result.classification.id == "using_social_media"
    assert result.classification.bottleneck == "interaction"  # ties go to the earlier dimension


# Things one recommendation sets up and others refer back to, by the words they are named with.
MADE_BY = {
    "listening log": "dl_broadcasting_listening_rota",
    "critics panel": "dl_conversing_critics_panel",
    "experts from the list": "in_broadcasting_expert_list",
}


def test_a_step_names_what_an_earlier_step_made_only_if_it_builds_on_that_step():
    """The roadmap brings a required step forward (rule 12), so a recommendation may say "from
    the listening log" only if it requires, directly or not, the one that starts the log:
    otherwise a client is sent to something nobody told them to make."""
    recs = {r.id: r for r in V11.recommendations}
    assert all(maker in recs for maker in MADE_BY.values())

    def builds_on(rec_id: str) -> set[str]:
        out: set[str] = set()
        todo = list(recs[rec_id].requires)
        while todo:
            r = todo.pop()
            if r not in out:
                out.add(r)
                todo.extend(recs[r].requires)
        return out

    for rec in V11.recommendations:
        words = " ".join((rec.why, *rec.actions)).lower()
        for name, maker in MADE_BY.items():
            if name in words and rec.id != maker:
                assert maker in builds_on(rec.id), f"{rec.id} mentions the {name} without requiring {maker}"


def test_the_1_1_file_is_the_published_content():
    """1.1 moved to its own file when 1.2 became current: what was published, plus the
    prerequisites its actions name and did not declare, and two actions reworded so they name no
    step they do not need (roadmap text and order only: no item, option, value or weight changed,
    and the next test shows the scores are exactly as before)."""
    import hashlib

    text = (REPO / "questionnaires" / "social-organisation-1.1.yaml").read_bytes()
    assert (
        hashlib.sha256(text).hexdigest() == "49fb5cdad2baaa448d8bb6892637b9cc5771edef714a2c850350d7e6aeece4b2"
    )
    assert V11.version == "1.1" and len(V11.items) == 41 and len(V11.recommendations) == 54


def test_1_1_scores_exactly_as_before():
    """Hand-computed on 1.1: every item at its lowest value (s = 0, or s = 1 where reverse-keyed),
    the internal network not applicable. Reverse-keyed per dimension: dialogue 1 of 9,
    interaction 1 of 7 (6 once the network leaves coverage), engagement 1 of 8, leadership 1 of
    9, policy 2 of 8; every weight 1."""
    answers = {item.id: item.lo for item in V11.items}
    answers["in_internal_network"] = "not_applicable"
    result = score(V11, answers)
    expected = {
        "dialogue": 100 / 9,
        "interaction": 100 / 6,
        "engagement": 12.5,
        "leadership": 100 / 9,
        "policy": 25.0,
    }
    for d, value in expected.items():
        assert result.dimension(d).score == pytest.approx(value)
    assert result.overall == pytest.approx(sum(expected.values()) / 5)
    assert result.stage.id == "broadcasting"
    assert result.classification.bottleneck == "dialogue"  # ties go to the earlier dimension
