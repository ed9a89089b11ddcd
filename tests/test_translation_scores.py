"""Same answers, same scores in every language (issue 22, item 5): a translated questionnaire
changes only the words, so a result in German equals the result in English apart from its texts,
in the domain and through the API; and the assessment's language is chosen, checked and stored."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.questionnaire import load_questionnaire, parse_translation, translation_template
from assessment.domain.result import score
from assessment.domain.roadmap import Profile
from assessment.domain.scoring import NOT_APPLICABLE, UNSURE
from assessment.services import workshops
from tests.conftest import V1, V11
from tests.pseudo_locale import write_translations
from tests.test_api import _group, post
from tests.web_helpers import answers, api_join, load, start

# The fields of a result that hold words; everything else is a figure, an id or a flag.
TEXT_FIELDS = frozenset({"label", "title", "why", "actions", "text", "answer", "dimension_label", "owner"})


def german(text: str) -> str:
    """The tests' stand-in for German (not the real translation, which may change)."""
    return "DE " + text


def neutral(value: Any) -> Any:
    """A result's JSON without its words."""
    if isinstance(value, dict):
        return {k: neutral(v) for k, v in value.items() if k not in TEXT_FIELDS}
    if isinstance(value, list):
        return [neutral(v) for v in value]
    return value


def in_german(path):
    q = load_questionnaire(path)
    text = yaml.dump(
        translation_template(q, "de", german), Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    )
    return q, parse_translation(text, "test.de.yaml", q, "de").apply(q)


PAIRS = {"1.2": in_german(V1), "1.1": in_german(V11)}


@st.composite
def cases(draw):  # type: ignore[no-untyped-def]
    en, de = PAIRS[draw(st.sampled_from(sorted(PAIRS)))]
    given_answers = {}
    for item in en.items:
        choices = [st.none(), st.integers(item.lo, item.hi)]
        if item.allow_unsure:
            choices.append(st.just(UNSURE))
        if item.allow_not_applicable:
            choices.append(st.just(NOT_APPLICABLE))
        value = draw(st.one_of(choices))
        if value is not None:
            given_answers[item.id] = value
    profile = Profile(
        size_band=draw(st.sampled_from(["", "1-9", "10-49", "250+"])),
        sector=draw(st.sampled_from(["", "Public sector", "Charity / non-profit"])),
    )
    return en, de, given_answers, profile


@settings(max_examples=60, deadline=None)
@given(cases())
def test_a_translation_changes_the_words_of_a_result_and_nothing_else(case):
    en, de, given_answers, profile = case
    english, translated = (
        score(en, given_answers, profile).to_dict(),
        score(de, given_answers, profile).to_dict(),
    )
    assert neutral(translated) == neutral(english)
    # Not vacuous: the words did change, wherever the result has any.
    if english["stage"] is not None:
        assert translated["stage"]["label"] == german(english["stage"]["label"])
    for a, b in zip(english["roadmap"], translated["roadmap"], strict=True):
        assert b["title"] == german(a["title"])


# --------------------------------------------------------------------------- through the API


def with_german(app, questionnaire_dir) -> None:
    write_translations(questionnaire_dir, "de", german)


def without_translations(questionnaire_dir) -> None:
    """The shipped folder without its translations (the app reads the folder as it is now)."""
    for path in questionnaire_dir.glob("*.*.yaml"):
        path.unlink()


def scored(definition: dict[str, Any]) -> Any:
    """What the scoring reads from a questionnaire's JSON: no words."""
    return (
        definition["content_hash"],
        definition["scale"],
        definition["thresholds"],
        [(s["id"], s["min"]) for s in definition["stages"]],
        [(d["id"], d["weight"]) for d in definition["dimensions"]],
        [
            (
                i["id"],
                i["dimension"],
                i["type"],
                i["reverse"],
                i["weight"],
                [o["value"] for o in i["options"]],
            )
            for i in definition["items"]
        ],
        [
            (r["id"], r["stage"], r["effort"], r["impact"], r["addresses"], r["requires"])
            for r in definition["recommendations"]
        ],
    )


def test_the_api_answers_in_the_language_asked_and_scores_the_same(app, client, questionnaire_dir, v1):
    with_german(app, questionnaire_dir)
    listed = client.get("/api/v1/questionnaires").json["questionnaires"][0]
    assert listed["languages"] == ["en", "de"]
    body = client.get("/api/v1/questionnaires/social-organisation").json
    assert body["languages"] == ["en", "de"] and body["language"] == "en-GB"
    de = client.get("/api/v1/questionnaires/social-organisation?lang=de").json
    assert de["language"] == "de" and de["title"] == german(body["title"])
    assert de["items"][0]["options"][0]["label"] == german(body["items"][0]["options"][0]["label"])
    # The same ids, values, weights, thresholds and scoring identity in both.
    assert scored(de) == scored(body)

    given_answers = answers(v1, low=["dialogue", "policy"])
    given_answers[v1.items[0].id] = "unsure" if v1.items[0].allow_unsure else given_answers[v1.items[0].id]
    results = {}
    for language in ("en", "de"):
        response = post(
            client,
            {"questionnaire": v1.id, "answers": given_answers, "language": language, "size_band": "1-9"},
        )
        assert response.status_code == 201, response.json
        results[language] = response.json
        assert response.json["language"] == language
    assert results["de"]["stage"]["label"] == german(results["en"]["stage"]["label"])
    assert results["de"]["roadmap"][0]["title"] == german(results["en"]["roadmap"][0]["title"])
    # Identical apart from the words, the language and what makes each assessment itself.
    own = ("id", "language", "report_url", "created_at", "completed_at")
    assert {k: v for k, v in neutral(results["de"]).items() if k not in own} == {
        k: v for k, v in neutral(results["en"]).items() if k not in own
    }
    stored = {row.id: row.language for row in load(app)}
    assert stored == {results["en"]["id"]: "en", results["de"]["id"]: "de"}
    # The stored language is the result's language when read back.
    again = client.get(f"/api/v1/assessments/{results['de']['id']}").json
    assert again["language"] == "de" and again["stage"] == results["de"]["stage"]


def test_a_language_the_questionnaire_lacks_is_named(app, client, questionnaire_dir, v1):
    with_german(app, questionnaire_dir)
    response = client.get("/api/v1/questionnaires/social-organisation?lang=fr")
    assert response.status_code == 422
    assert response.json == {
        "errors": [
            {"item": "lang", "message": "no 'fr' text of 'social-organisation' (its languages: en, de)"}
        ]
    }
    response = post(client, {"questionnaire": v1.id, "answers": answers(v1), "language": "fr"})
    assert response.status_code == 422
    assert response.json == {
        "errors": [
            {
                "item": "language",
                "message": "'social-organisation' 1.2 has no 'fr' translation (its languages: en, de)",
            }
        ]
    }


def test_the_default_language_is_the_installations(app, client, questionnaire_dir, v1):
    without_translations(questionnaire_dir)
    response = post(client, {"questionnaire": v1.id, "answers": answers(v1)})
    assert response.status_code == 201 and response.json["language"] == "en"
    # "de-AT" is German, where the questionnaire has German; without it, refused.
    response = post(client, {"questionnaire": v1.id, "answers": answers(v1), "language": "de-AT"})
    assert response.status_code == 422 and response.json["errors"][0]["item"] == "language"


def test_a_workshop_answered_in_two_languages_is_one_group(app, client, questionnaire_dir, v1):
    with_german(app, questionnaire_dir)
    group_id = _group(app, is_open=True)
    ids = []
    # Three, the fewest a room shows figures for (rule 9).
    for language, low in (("de", ["dialogue"]), ("en", ["policy"]), ("de", ["dialogue", "engagement"])):
        body = {
            "questionnaire": v1.id,
            "answers": answers(v1, low=low),
            "participant_token": api_join(client, "K7Q2PX"),
            "language": language,
        }
        response = post(client, body)
        assert response.status_code == 201 and response.json["language"] == language
        ids.append(response.json["scores"]["dimensions"])
    db = app.extensions["database"]
    with db.session() as session:
        from assessment.db.models import Group

        means = workshops.room_means(session, session.get(Group, group_id))
    assert means == {d: pytest.approx(sum(one[d] for one in ids) / 3) for d in ids[0]}


# --------------------------------------------------------------------------- the pages


def test_a_self_assessment_started_in_german_is_german(app, client, questionnaire_dir):
    with_german(app, questionnaire_dir)
    start(client, organisation="Kestrel")
    german_client = app.test_client()
    german_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-DE,de;q=0.9"
    start(german_client, organisation="Adler")
    languages = {row.organisation: row.language for row in load(app)}
    assert languages == {"Kestrel": "en", "Adler": "de"}


def test_without_a_translation_the_respondent_answers_in_the_questionnaires_language(app, questionnaire_dir):
    without_translations(questionnaire_dir)
    german_client = app.test_client()
    german_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de"
    start(german_client, organisation="Adler")
    assert [row.language for row in load(app)] == ["en"]
