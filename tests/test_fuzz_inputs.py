"""Issue 21, item 7: a bounded fuzz run (hypothesis, a fixed seed and example count, so CI runs the
same cases every time, in seconds) of what strangers' input reaches: the questionnaire loader
(files consultants upload) and the answers validator. Any input gets the loader's error with a
line, or the 422 naming the answers: never another exception."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from assessment.domain.questionnaire import QuestionnaireError, parse_questionnaire
from assessment.domain.scoring import InvalidAnswers, validate_answers

REPO = Path(__file__).resolve().parent.parent
SOURCE = (REPO / "questionnaires" / "social-organisation.yaml").read_text(encoding="utf-8")
LINES = SOURCE.splitlines(keepends=True)
DOCUMENT = yaml.load(SOURCE, Loader=yaml.CSafeLoader)

FUZZ = settings(
    max_examples=150,
    derandomize=True,  # a fixed seed: the same examples on every run
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded
    suppress_health_check=list(HealthCheck),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def _loads_or_explains(text: str) -> None:
    try:
        parse_questionnaire(text, "upload.yaml")
    except QuestionnaireError as exc:
        assert exc.problems, "an error names at least one problem"
        for problem in exc.problems:
            assert problem.file == "upload.yaml" and problem.message
            assert problem.line is None or 1 <= problem.line <= max(1, text.count("\n") + 1)


@FUZZ
@given(st.text(max_size=400))
def test_any_text_gets_a_questionnaire_or_the_loaders_error(text):
    _loads_or_explains(text)


@settings(FUZZ, max_examples=30)  # each example parses the whole real file
@given(
    cut=st.integers(0, len(LINES)),
    drop=st.integers(0, len(LINES) - 1),
    insert=st.text(alphabet=st.sampled_from(list(" :-\n\t[]{}'\"#&*!|>%@`ab1")), max_size=40),
)
def test_a_real_questionnaire_damaged_anywhere_gets_an_error_with_a_line(cut, drop, insert):
    """The real file truncated, a line dropped, YAML punctuation inserted: the loader explains."""
    lines = LINES[:cut] + [insert] + LINES[cut:]
    del lines[min(drop, len(lines) - 1)]
    text = "".join(lines)
    try:
        parse_questionnaire(text, "upload.yaml")
    except QuestionnaireError as exc:
        assert exc.problems
        assert any(p.line is not None for p in exc.problems), [str(p) for p in exc.problems]


PLACES = [
    ("items", 0),
    ("items", 0, "options"),
    ("items", 0, "dimension"),
    ("items", 0, "allow_unsure"),
    ("items", 0, "text"),
    ("dimensions", 0),
    ("dimensions", 0, "weight"),
    ("stages",),
    ("stages", 0, "min"),
    ("thresholds",),
    ("scale",),
    ("recommendations", 0),
    ("roles", 0),
]


@settings(FUZZ, max_examples=30)
@given(place=st.sampled_from(PLACES), data=json_values)
def test_any_value_anywhere_in_the_files_shape_gets_an_error_not_a_crash(place, data):
    document = copy.deepcopy(DOCUMENT)
    target = document
    for key in place[:-1]:
        target = target[key]
    target[place[-1]] = data
    _loads_or_explains(yaml.dump(document, Dumper=yaml.CSafeDumper, allow_unicode=True))


@FUZZ
@given(answers=json_values)
def test_any_answers_get_the_validators_problems(v1, answers):
    try:
        clean = validate_answers(v1, answers)
    except InvalidAnswers as exc:
        assert exc.problems and all(isinstance(p.item, str) and p.message for p in exc.problems)
    else:
        assert set(clean) <= {i.id for i in v1.items}


@settings(FUZZ, max_examples=25)
@given(
    answers=st.dictionaries(st.sampled_from(["dl1", "pol2", "zz", ""]), json_values, max_size=4) | json_values
)
def test_any_answers_through_the_api_get_a_422_or_a_result(app, answers):
    response = app.test_client().post(
        "/api/v1/assessments", json={"questionnaire": "social-organisation", "answers": answers}
    )
    assert response.status_code in (201, 422), response.get_data(as_text=True)
    if response.status_code == 422:
        assert response.get_json()["errors"]
