"""Published versions stay answerable through the API, and the results page shows rule 11's
strengths and weaknesses by their practice, with honest empty states."""

from __future__ import annotations

import json

from assessment.domain.questionnaire import load_questionnaire
from tests.conftest import REPO

from .web_helpers import answers, finish, start

V10 = load_questionnaire(REPO / "questionnaires" / "social-organisation-1.0.yaml")


def _start_on(app, version: str) -> str:
    """A self-assessment begun on a published version; returns its private token."""
    from assessment.services.questionnaires import version_named
    from assessment.services.self_assessment import start_assessment

    with app.extensions["database"].session() as session, session.begin():
        return start_assessment(session, version_named(session, "social-organisation", version)).token


def post(client, body):
    return client.post("/api/v1/assessments", data=json.dumps(body), content_type="application/json")


def test_without_a_version_the_newest_is_used(client, v1):
    response = post(client, {"questionnaire": "social-organisation", "answers": answers(v1)})
    assert response.status_code == 201
    assert response.json["version"] == "1.2"


def test_version_1_0_is_still_answerable_and_scored_on_1_0(client):
    body = {"questionnaire": "social-organisation", "version": "1.0", "answers": answers(V10)}
    response = post(client, body)
    assert response.status_code == 201, response.json
    assert response.json["version"] == "1.0"
    assert response.json["scores"]["overall"] == 100.0
    # Read back later, still on 1.0: 1.0's own item ids, scored by 1.0.
    again = client.get(f"/api/v1/assessments/{response.json['id']}").json
    assert again["version"] == "1.0"
    assert "dl_public_criticism" in again["answers"]


def test_an_unknown_version_is_a_422_naming_version(app, client, v1):
    body = {"questionnaire": "social-organisation", "version": "9.9", "answers": answers(v1)}
    response = post(client, body)
    assert response.status_code == 422
    (problem,) = response.json["errors"]
    assert problem["item"] == "version"
    assert "9.9" in problem["message"] and "1.0" in problem["message"] and "1.1" in problem["message"]


def test_a_1_1_item_is_unknown_on_1_0(client):
    body = {"questionnaire": "social-organisation", "version": "1.0", "answers": {"ld_middle_managers": 3}}
    response = post(client, body)
    assert response.status_code == 422
    assert response.json["errors"][0]["item"] == "ld_middle_managers"


def test_not_applicable_through_the_api_is_kept_and_leaves_coverage(client, v11):
    given = answers(v11)
    given["in_internal_network"] = "not_applicable"  # a 1.1 item id
    response = post(client, {"questionnaire": "social-organisation", "version": "1.1", "answers": given})
    assert response.status_code == 201, response.json
    assert response.json["answers"]["in_internal_network"] == "not_applicable"
    assert response.json["coverage"]["interaction"] == 1.0
    assert response.json["scores"]["dimensions"]["interaction"] == 100.0


def test_strengths_and_weaknesses_in_the_api(client, v1):
    body = {"questionnaire": "social-organisation", "answers": answers(v1, low=["policy"])}
    result = post(client, body).json
    assert {f["dimension"] for f in result["weaknesses"]} == {"policy"}
    assert all(f["score"] == 0.0 for f in result["weaknesses"])
    assert all(f["score"] == 1.0 and f["dimension"] != "policy" for f in result["strengths"])
    # Policy's practices are all weaknesses, so nothing in place there: its roadmap remains.
    assert any(e["dimension"] == "policy" for e in result["roadmap"])
    assert all("addresses" in e and "requires" in e for e in result["roadmap"])


def test_results_page_lists_practices_not_reversed_wording(app, client, v11):
    token = _start_on(app, "1.1")  # the practices quoted below are 1.1's
    html = client.get(finish(client, v11, token, answers(v11, low=["policy"]))).get_data(as_text=True)
    section = html[html.index('id="practices-heading"') : html.index('id="roadmap-heading"')]
    strengths = section[section.index("practice-strengths") : section.index("Weaknesses")]
    weaknesses = section[section.index("practice-weaknesses") :]
    # dl_self_announcements is reverse-keyed: shown by the practice, not "Our social posts are announcements"
    assert "Posts that invite and answer others rather than announce ourselves." in strengths
    assert "announcements about ourselves" not in section
    # A weakness quotes the answer given (rule 15), a reverse-keyed one with its question.
    assert (
        "Posts and replies need sign-off from more than one level of management before they can be "
        "published: \u201cAlways\u201d." in weaknesses
    )
    assert "Leaders back staff publicly after an honest mistake." in strengths


def test_results_page_says_so_when_nothing_is_at_the_social_end(client, v1):
    token = start(client)
    low = [d.id for d in v1.dimensions]
    html = client.get(finish(client, v1, token, answers(v1, low=low))).get_data(as_text=True)
    section = html[html.index('id="practices-heading"') : html.index('id="roadmap-heading"')]
    assert "None yet: none of your answers reaches 75." in section
    assert "practice-strengths" not in section
    assert "practice-weaknesses" in section


def test_question_page_offers_not_applicable_only_where_allowed(client, v1):
    token = start(client)
    page = client.get(f"/a/{token}/2").get_data(as_text=True)
    assert 'value="not_applicable"' in page
    assert page.count('value="not_applicable"') == sum(
        1 for i in v1.items_of("interaction") if i.allow_not_applicable
    )


def test_an_assessment_begun_on_1_0_finishes_and_reports_on_1_0(app, client):
    from assessment.services.questionnaires import version_named
    from assessment.services.self_assessment import start_assessment

    with app.extensions["database"].session() as session, session.begin():
        old = start_assessment(session, version_named(session, "social-organisation", "1.0"))
        token = old.token
    page = client.get(f"/a/{token}/1").get_data(as_text=True)
    assert 'name="dl_public_criticism"' in page  # 1.0's own question
    assert "dl_criticism_reply" not in page  # 1.1's rewording of it
    location = finish(client, V10, token, answers(V10))
    public_id = location.rsplit("/", 1)[1]
    body = client.get(f"/api/v1/assessments/{public_id}").json
    assert body["version"] == "1.0"
    assert body["scores"]["overall"] == 100.0
    assert body["strengths"] and body["weaknesses"] == []
