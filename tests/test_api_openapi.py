"""The OpenAPI 3.1 document matches the implementation: every /api/v1 route is described, and
real responses (success and error) validate against the schemas the document gives for them."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .web_helpers import answers

SPEC_URI = "urn:openapi"


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def _validator(spec, schema):
    registry = Registry().with_resource(SPEC_URI, Resource(contents=spec, specification=DRAFT202012))
    rebased = json.loads(json.dumps(schema).replace('"#/components/', f'"{SPEC_URI}#/components/'))
    return jsonschema.Draft202012Validator(
        rebased, registry=registry, format_checker=jsonschema.FormatChecker()
    )


def check(spec, path, method, response):
    """Validate a real response against the document's schema for its path, method and status."""
    operation = spec["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method.upper()} {path} -> {status} is not documented"
    documented = operation["responses"][status]
    if "content" not in documented:
        return
    (media_type,) = documented["content"]
    assert response.mimetype == media_type
    if media_type == "application/json":
        _validator(spec, documented["content"][media_type]["schema"]).validate(response.json)


def test_the_document_is_openapi_3_1_with_valid_schemas(spec):
    assert spec["openapi"].startswith("3.1")
    assert spec["servers"] == [{"url": "http://localhost/api/v1"}]
    for schema in spec["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    operation_ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_api_route_is_documented_with_its_methods(app, spec):
    documented = {path: {m.upper() for m in item} for path, item in spec["paths"].items()}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1") :])
        methods = rule.methods - {"HEAD", "OPTIONS"}
        missing += [f"{m} {path}" for m in sorted(methods - documented.get(path, set()))]
    assert not missing, f"declare these with @operation (assessment/web/openapi.py): {missing}"


def test_report_pdf_is_documented(spec):
    operation = spec["paths"]["/assessments/{assessment_id}/report.pdf"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"]


def test_real_responses_match_the_document(client, spec, v1):
    check(spec, "/questionnaires", "get", client.get("/api/v1/questionnaires"))
    check(
        spec,
        "/questionnaires/{questionnaire_id}",
        "get",
        client.get("/api/v1/questionnaires/social-organisation"),
    )
    check(spec, "/questionnaires/{questionnaire_id}", "get", client.get("/api/v1/questionnaires/nope"))

    def post(body):
        data = body if isinstance(body, str) else json.dumps(body)
        return client.post("/api/v1/assessments", data=data, content_type="application/json")

    submission = {
        "questionnaire": "social-organisation",
        "answers": answers(v1, low=["engagement"]),
        "organisation": "Acme",
        "role": "staff",
    }
    _validator(
        spec, spec["paths"]["/assessments"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    ).validate(submission)
    created = post(submission)
    assert created.status_code == 201
    check(spec, "/assessments", "post", created)

    thin = answers(v1)
    for item in v1.items_of("dialogue"):
        thin[item.id] = "unsure" if item.allow_unsure else None
    provisional = post({"questionnaire": "social-organisation", "answers": thin})
    assert provisional.status_code == 201 and provisional.json["scores"]["overall"] is None
    check(spec, "/assessments", "post", provisional)

    check(spec, "/assessments", "post", post({"questionnaire": "social-organisation", "answers": {"x": 1}}))
    check(spec, "/assessments", "post", post("{not json"))
    check(
        spec, "/assessments/{assessment_id}", "get", client.get(f"/api/v1/assessments/{created.json['id']}")
    )
    check(spec, "/assessments/{assessment_id}", "get", client.get("/api/v1/assessments/nope"))
    check(spec, "/openapi.json", "get", client.get("/api/v1/openapi.json"))


def test_an_undocumented_field_in_a_response_would_fail(spec, client, v1):
    """The Assessment schema is closed, so a field added to the payload without the document fails."""
    body = client.post(
        "/api/v1/assessments",
        data=json.dumps({"questionnaire": "social-organisation", "answers": answers(v1)}),
        content_type="application/json",
    ).json
    body["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        _validator(spec, {"$ref": "#/components/schemas/Assessment"}).validate(body)


@pytest.mark.parametrize(
    ("extra", "refused"),
    [
        ({"questionnaire": ""}, "questionnaire"),
        ({"questionnaire": 7}, "questionnaire"),
        ({"organisation": "x" * 201}, "organisation"),
        ({"organisation": None, "role": None, "group_code": ""}, None),
        ({"sector": ["a"]}, "sector"),
        ({"colour": "red"}, "colour"),
        ({"size_band": "x" * 50}, "size_band"),  # not one of the start page's size bands
        ({"size_band": "50-249", "sector": "Education", "benchmark": True}, None),
    ],
)
def test_the_document_and_the_api_agree_on_request_bodies(client, spec, v1, extra, refused):
    """The request schema in the document is the one the API validates with: a body the document
    refuses is a 422 naming that field, and one it accepts is saved."""
    body = {"questionnaire": "social-organisation", "answers": answers(v1), **extra}
    schema = spec["paths"]["/assessments"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    errors = list(_validator(spec, schema).iter_errors(body))
    response = client.post("/api/v1/assessments", json=body)
    if refused is None:
        assert not errors and response.status_code == 201
    else:
        assert errors and response.status_code == 422
        assert refused in [e["item"] for e in response.json["errors"]]
