"""Loading questionnaire files: every shipped file validates, and each kind of broken file gives
its own message naming the file and the line."""

from __future__ import annotations

import pytest

from assessment.domain.questionnaire import (
    QuestionnaireError,
    load_questionnaire,
    load_translations,
    parse_questionnaire,
    questionnaire_files,
)
from tests.conftest import DATA, REPO

SEVEN = (DATA / "seven-point.yaml").read_text(encoding="utf-8")
SHIPPED = questionnaire_files(REPO / "questionnaires")


def line_of(text: str, fragment: str) -> int:
    """The last line holding ``fragment`` (the edited copy, where a fragment now appears twice)."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line][-1]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_questionnaire_validates(path):
    q = load_questionnaire(path)
    assert q.items and q.dimensions
    load_translations(path, q)  # and so does every translation beside it (questionnaires/FORMAT.md)


def test_v1_meets_the_content_brief(v1):
    assert v1.id == "social-organisation"
    assert [d.id for d in v1.dimensions] == ["dialogue", "interaction", "engagement", "leadership", "policy"]
    assert [(s.id, s.min) for s in v1.stages] == [
        ("broadcasting", 0),
        ("experimenting", 20),
        ("participating", 40),
        ("conversing", 60),
        ("networked", 80),
    ]
    t = v1.thresholds
    assert (t.social, t.floor, t.min_coverage) == (60, 40, 0.6)
    assert len(v1.items) >= 30
    for d in v1.dimensions:
        items = v1.items_of(d.id)
        assert len(items) >= 6, d.id
        assert {i.type for i in items} == {"likert", "choice"}, d.id
        assert any(i.reverse for i in items), d.id
        assert d.social and d.broadcast and d.description
        for stage in v1.stages:
            recs = v1.recommendations_for(d.id, stage.id)
            assert len(recs) >= 2, (d.id, stage.id)
            assert all(r.actions and r.why for r in recs)
            assert d.stage_descriptions.get(stage.id), (d.id, stage.id)
    assert any(i.allow_unsure for i in v1.items)
    # Choice options describe distinct behaviours, each with its own wording and value.
    for item in (i for i in v1.items if i.type == "choice"):
        labels = [o.label for o in item.options]
        assert len(set(labels)) == len(labels) >= 3, item.id
        assert [o.value for o in item.options] == sorted(o.value for o in item.options), item.id


def test_seven_point_file_reads_its_own_scale_and_thresholds(seven):
    assert (seven.scale_min, seven.scale_max) == (1, 7)
    assert seven.item("a1").options[-1].label == "Always"
    assert (seven.thresholds.social, seven.thresholds.floor, seven.thresholds.min_coverage) == (70, 50, 0.5)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  - {id: a2, dimension: alpha,", "  - {id: a1, dimension: alpha,", "id 'a1' is used twice"),
        ("{id: b1, dimension: beta,", "{id: b1, dimension: delta,", "item 'b1': unknown dimension 'delta'"),
        (
            "      - {value: 2, label: Partly}",
            "      - {value: two, label: Partly}",
            "'two' is not of type 'integer'",
        ),
        (
            "      - {value: 2, label: Partly}",
            "      - {value: 2.5, label: Partly}",
            "2.5 is not of type 'integer'",
        ),
        (
            "  - {id: high, label: High, min: 75}",
            "  - {id: high, label: High, min: 40}",
            "stages must ascend",
        ),
        ("  - {id: low, label: Low, min: 0}", "  - {id: low, label: Low, min: 5}", "must start at 0"),
        ("  social: 70", "  social: 170", "170 is greater than the maximum of 100"),
        ("  min_coverage: 0.5", "  min_coverage: 1.5", "1.5 is greater than the maximum of 1"),
        (
            "{id: alpha, label: Alpha, weight: 2,",
            "{id: alpha, label: Alpha, weight: 0,",
            "0 is less than or equal",
        ),
        ("text: Alpha one,", "text: Alpha one, weight: -1,", "-1 is less than or equal to the minimum of 0"),
        ("type: likert, text: Alpha one,", "type: scale, text: Alpha one,", "'scale' is not one of"),
        (
            "  - {id: g_mid, dimension: gamma, stage: mid,",
            "  - {id: g_mid, dimension: gamma, stage: low,",
            "dimension 'gamma' has no recommendations for stage(s): mid",
        ),
        ("stage: mid, title: Beta from middle", "stage: top, title: Beta from middle", "unknown stage 'top'"),
        (
            "effort: medium, impact: 2",
            "effort: huge, impact: 2",
            "'huge' is not one of ['low', 'medium', 'high']",
        ),
        ("labels: [Never, Very rarely,", "labels: [Very rarely,", "6 labels for 7 points"),
        (
            "{id: a1, dimension: alpha, type: likert, text: Alpha one,",
            "{id: a1, dimension: alpha, type: likert,",
            "'text' is a required property",
        ),
        ("  - {id: a1,", "  - {id: A-1,", "'A-1' is not a valid id"),
        (
            "title: Seven-point test questionnaire",
            "title: Seven-point test questionnaire\ntitle: Again",
            "duplicate key 'title'",
        ),
        ("  floor: 50", "  floor: 90", "floor is above the social threshold"),
    ],
)
def test_each_broken_file_names_its_line_and_reason(old, new, message):
    assert old in SEVEN, old
    text = SEVEN.replace(old, new, 1)
    # Where the problem lies: the edited line, except for a dimension that lacks something.
    at = "{id: gamma, label: Gamma" if "has no recommendations" in message else new.splitlines()[-1]
    line = line_of(text, at)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "broken.yaml")
    matching = [p for p in caught.value.problems if message in p.message]
    assert matching, [str(p) for p in caught.value.problems]
    assert matching[0].file == "broken.yaml"
    assert matching[0].line is not None
    # The reported line points at (or just above, for a whole entry) the broken text.
    assert line - 3 <= matching[0].line <= line, (matching[0].line, line)
    assert str(matching[0]).startswith(f"broken.yaml:{matching[0].line}: ")


def test_invalid_yaml_reports_the_parser_line():
    text = SEVEN.replace("  social: 70", "  social: [70", 1)
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "broken.yaml")
    (problem,) = caught.value.problems
    assert "not valid YAML" in problem.message
    assert problem.line is not None and problem.line >= line_of(text, "social: [70")


def test_a_likert_item_with_options_is_refused():
    text = SEVEN.replace(
        "  - {id: b1, dimension: beta, type: likert, text: Beta one,",
        "  - {id: b1, dimension: beta, type: likert, text: Beta one, options: [{value: 1, label: x}, "
        "{value: 2, label: y}],",
    )
    with pytest.raises(QuestionnaireError, match="a likert item takes no 'options'"):
        parse_questionnaire(text, "broken.yaml")


def test_unknown_key_is_named():
    text = SEVEN.replace('version: "2.3"', 'version: "2.3"\nversoin: typo', 1)
    with pytest.raises(QuestionnaireError, match="'versoin' was unexpected"):
        parse_questionnaire(text, "broken.yaml")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(QuestionnaireError, match="cannot read the file"):
        load_questionnaire(tmp_path / "nope.yaml")


def test_every_problem_is_reported_at_once():
    text = SEVEN.replace("{id: b1, dimension: beta,", "{id: b1, dimension: delta,").replace(
        "stage: mid, title: Beta from middle", "stage: top, title: Beta from middle"
    )
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "broken.yaml")
    assert len(caught.value.problems) >= 2


def test_content_hash_changes_with_the_text(seven):
    edited = parse_questionnaire(SEVEN.replace("Alpha one", "Alpha first"), "x.yaml")
    assert edited.content_hash != seven.content_hash
    assert parse_questionnaire(SEVEN, "y.yaml").content_hash == seven.content_hash
