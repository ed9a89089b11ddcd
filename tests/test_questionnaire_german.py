"""The shipped German text of questionnaire 1.2 (questionnaires/social-organisation.de.yaml) keeps
the authoring rules of the English file: the loader only checks a translation for completeness, so
these tests hold the German to what a respondent would notice, the same rules as the source
(FORMAT.md, "Checks of a format 2 file"): each question states its period, options of comparable
length that read differently, one-sentence reasons, no step naming another's German short name
without requiring it, and help texts that quote answers the respondent can actually see."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from assessment.domain.questionnaire import (
    QuestionnaireError,
    load_questionnaire,
    load_translation,
    parse_questionnaire,
)
from tests.conftest import REPO

SOURCE = REPO / "questionnaires" / "social-organisation.yaml"
GERMAN = REPO / "questionnaires" / "social-organisation.de.yaml"
# The answers the pages add to items (assessment/web/forms.py), as the German pages label them.
NOT_APPLICABLE = "Trifft nicht zu"
QUOTED = re.compile(r"„([^“]+)“")


@pytest.fixture(scope="module")
def german_data() -> dict:
    """The source file's data with every text replaced by the German one."""
    questionnaire = load_questionnaire(SOURCE)
    translation = load_translation(GERMAN, questionnaire)
    data = copy.deepcopy(dict(questionnaire.data))
    for path, value in translation.texts.items():
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return data


def test_german_text_meets_the_format_2_authoring_rules(german_data):
    try:
        text = yaml.safe_dump(german_data, allow_unicode=True, sort_keys=False)
        # Lines in a failure are those of this merged text; the message names the item.
        parse_questionnaire(text, f"German text of {SOURCE.name}")
    except QuestionnaireError as exc:
        pytest.fail("\n".join(str(p) for p in exc.problems))


def test_help_texts_quote_only_answers_the_item_shows(german_data):
    scale = set(german_data["scale"]["labels"])
    wrong = []
    for item in german_data["items"]:
        shown = {o["label"].rstrip(".") for o in item.get("options", ())} or scale
        if item.get("allow_not_applicable"):
            shown = shown | {NOT_APPLICABLE}
        for quoted in QUOTED.findall(item.get("help") or ""):
            if quoted.rstrip(".") not in shown:
                wrong.append((item["id"], quoted))
    assert wrong == []


def test_dimension_and_stage_names_are_the_ones_the_description_uses(german_data):
    # The description names the five areas; a renamed dimension must be renamed there too.
    for dimension in german_data["dimensions"]:
        assert dimension["label"] in german_data["description"], dimension["id"]
