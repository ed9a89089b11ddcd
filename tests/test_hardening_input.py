"""No input gives a 500: NUL characters, lone surrogates, over-deep or over-large JSON and odd
path segments are refused with a 400, 413 or 422 naming the problem, on SQLite and PostgreSQL;
every error under /api/ is JSON in the documented shape."""

from __future__ import annotations

import pytest

from assessment.services import self_assessment

from .test_api_openapi import check
from .test_workshop import create, facilitator
from .web_helpers import answers, count_assessments, start


def _submission(v1, **fields):
    return {"questionnaire": "social-organisation", "answers": answers(v1), **fields}


def _is_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    return body["error"]


def test_deeply_nested_json_is_a_400_naming_the_depth(app):
    _, token = facilitator(app, "ann@example.org")
    client = app.test_client()
    for path, headers in (
        ("/api/v1/assessments", {}),
        ("/api/v1/groups", {"Authorization": f"Bearer {token}"}),
    ):
        response = client.post(path, data="[" * 100_000, content_type="application/json", headers=headers)
        assert "nested" in _is_error(response, 400)


def test_json_nested_within_the_limit_is_judged_by_the_view(app):
    response = app.test_client().post("/api/v1/assessments", json=[[[[1]]]])
    assert _is_error(response, 400) == "the request body must be a JSON object"


def test_over_large_json_is_a_413(app):
    body = b'{"organisation": "' + b"x" * (300 * 1024) + b'"}'
    response = app.test_client().post("/api/v1/assessments", data=body, content_type="application/json")
    assert "larger than" in _is_error(response, 413)


@pytest.mark.parametrize("field", ["organisation", "sector", "role"])
@pytest.mark.parametrize("bad", ["\ud800", "Acme\udfff", "Ac\x00me"])
def test_unusable_text_in_a_submission_is_a_422_naming_the_field(app, v1, field, bad):
    response = app.test_client().post("/api/v1/assessments", json=_submission(v1, **{field: bad}))
    assert response.status_code == 422
    (problem,) = response.get_json()["errors"]
    assert problem["item"] == field
    assert ("NUL" if "\x00" in bad else "surrogate") in problem["message"]
    assert count_assessments(app) == 0


def test_unusable_text_in_an_answer_key_is_named(app, v1):
    body = _submission(v1)
    body["answers"]["bad\ud800"] = 1
    response = app.test_client().post("/api/v1/assessments", json=body)
    assert response.status_code == 422
    (problem,) = response.get_json()["errors"]
    assert problem["item"].startswith("answers.bad") and "surrogate" in problem["message"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32-le"])
def test_unusable_text_in_a_wide_encoding_is_still_refused(app, v1, encoding):
    # UTF-16 and UTF-32 bodies are checked like UTF-8 ones (the quick pass over UTF-8 bytes
    # looks for a backslash-u escape, which these encodings spell differently).
    import json

    raw = json.dumps(_submission(v1, organisation="Ac\x00me")).encode(encoding)
    response = app.test_client().post("/api/v1/assessments", data=raw, content_type="application/json")
    assert response.status_code == 422
    (problem,) = response.get_json()["errors"]
    assert problem["item"] == "organisation" and "NUL" in problem["message"]
    assert count_assessments(app) == 0


@pytest.mark.parametrize("name", ["Away day \ud800", "Away\x00day"])
def test_unusable_group_name_is_a_422(app, name):
    _, token = facilitator(app, "ann@example.org")
    response = app.test_client().post(
        "/api/v1/groups",
        json={"name": name, "questionnaire": "social-organisation"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["item"] == "name"


@pytest.mark.parametrize(
    "path",
    ["/a/%00/1", "/a/%00", "/results/%00", "/workshops/%00", "/join/%00", "/?questionnaire=%00", "/%00"],
)
def test_nul_in_an_address_is_a_400_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/api/v1/assessments/%00", "/api/v1/questionnaires/%00", "/api/v1/assessments/%00/report.pdf"]
)
def test_nul_in_an_api_address_is_a_json_400(client, path):
    assert "NUL" in _is_error(client.get(path), 400)


def test_nul_in_a_form_field_is_a_400_and_nothing_is_saved(app):
    client = app.test_client()
    response = client.post(
        "/start", data={"questionnaire": "social-organisation", "organisation": "Ac\x00me"}
    )
    assert response.status_code == 400
    assert "organisation" in response.get_data(as_text=True)
    assert count_assessments(app) == 0


def test_nul_in_a_workshop_form_is_a_400(app):
    owner, _ = facilitator(app, "ann@example.org")
    response = owner.post(
        "/workshops/new",
        data={"name": "Away\x00day", "questionnaire": "social-organisation", "min_group_size": "3"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    create(owner)  # the account still works


@pytest.mark.parametrize(
    "path",
    [
        "/a/x/99999999999999999999999999",
        "/results/" + "x" * 5000,
        "/api/v1/assessments/" + "é" * 300,
        "/a/%ED%A0%80/1",
        "/join/" + "A" * 500,
    ],
)
def test_odd_path_segments_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_odd_resume_page_number_redirects_or_is_not_found(client):
    token = start(client)
    assert client.get(f"/a/{token}/99999999999999999999999").status_code in (302, 404)


def test_unknown_api_path_and_wrong_method_are_json(client):
    assert _is_error(client.get("/api/v1/no-such-thing"), 404)
    assert _is_error(client.get("/api/nothing"), 404)
    response = client.delete("/api/v1/questionnaires")
    _is_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_unexpected_failure_under_api_is_a_json_500(app, v1, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(self_assessment, "submit", broken)
    response = app.test_client().post("/api/v1/assessments", json=_submission(v1))
    message = _is_error(response, 500)
    assert "fire" not in message  # no internals leak out
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    check(spec, "/assessments", "post", response)
