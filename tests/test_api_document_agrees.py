"""Issue 21, item 6: the document says what the API accepts. Optional fields take null as "not
sent"; required non-empty values are declared minLength 1; business rules that refuse a
schema-valid request are in the operation's description (the schemathesis run checks the rest)."""

from __future__ import annotations

from .test_cohorts import new_cohort
from .test_workshop import facilitator
from .web_helpers import answers


def test_null_optional_fields_count_as_not_sent(app, v1):
    api = app.test_client()
    body = {"questionnaire": v1.id, "answers": answers(v1), "respondent_code": None, "wave": None}
    body |= {"group_code": None, "participant_token": None, "organisation": None, "version": None}
    response = api.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.get_json()
    _, token = facilitator(app, "tina@example.org")
    cohort = new_cohort(api, token, version=None)
    member = {"questionnaire": v1.id, "answers": answers(v1), "group_code": cohort["join_code"]}
    joined = api.post("/api/v1/assessments", json=member | {"respondent_code": "ab12cd", "wave": None})
    assert joined.status_code == 201, joined.get_json()


def test_the_document_declares_non_empty_values_and_business_rules(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    compare = spec["paths"]["/cohorts/compare"]["get"]
    for parameter in compare["parameters"]:
        if parameter["in"] == "query":
            assert parameter["schema"].get("minLength") == 1, parameter["name"]
    for path, method in [
        ("/assessments", "post"),
        ("/groups", "post"),
        ("/groups/join", "post"),
        ("/cohorts/compare", "get"),
        ("/groups/{group_id}/change", "get"),
    ]:
        assert "Refused with 422" in spec["paths"][path][method]["description"], path
    described = spec["paths"]["/assessments"]["post"]["description"]
    assert "participant_token" in described and "null count as not sent" in described
