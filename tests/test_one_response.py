"""One response per participant: a browser back at the join link gets its own response; the
API honours Idempotency-Key; the dashboard warns when complete responses exceed the expected
headcount. Flask test client, on SQLite or PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

from assessment.db.models import IdempotencyKey

from .test_api_openapi import check
from .test_workshop import create, facilitator, group_row, join
from .web_helpers import answers, api_join, count_assessments, finish


def test_a_browser_that_opens_the_join_link_again_gets_its_own_response(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    phone = app.test_client()
    token = join(phone, code, "staff")
    for again in (f"/join/{code}", f"/join/{code.lower()}"):
        response = phone.get(again)
        assert response.status_code == 302 and response.location == f"/a/{token}"
    # Posting the role form again does not start a second response either.
    assert phone.post(f"/join/{code}", data={"role": "manager"}).location == f"/a/{token}"
    assert count_assessments(app, group_id=group_id) == 1
    finish(phone, v1, token, answers(v1))
    assert phone.get(f"/join/{code}").location == f"/a/{token}"  # and from there to its results
    # Another browser is another participant; a forged cookie is ignored.
    other = app.test_client()
    other.set_cookie(f"joined-{group_id}", "forged.value", path="/join")
    assert other.get(f"/join/{code}").status_code == 200
    assert join(other, code, "staff") != token
    assert count_assessments(app, group_id=group_id) == 2


def _body(v1, participant: str | None = None) -> dict:
    body = {"questionnaire": "social-organisation", "answers": answers(v1), "role": "staff"}
    if participant:
        body["participant_token"] = participant
    return body


def test_idempotency_key_replays_the_first_response_and_stores_nothing_new(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    api = app.test_client()
    participant, elsewhere_participant = api_join(api, code), api_join(api, code)
    spec = api.get("/api/v1/openapi.json").get_json()
    (documented,) = [p for p in spec["paths"]["/assessments"]["post"]["parameters"] if p["in"] == "header"]
    assert documented["name"] == "Idempotency-Key" and "409" in documented["description"]
    key = {"Idempotency-Key": "7f1c2a9e-4b7d-4c1e-9a55-1d3f0b2c8e61"}
    first = api.post("/api/v1/assessments", json=_body(v1, participant), headers=key)
    assert first.status_code == 201
    check(spec, "/assessments", "post", first)
    # The same body again (keys in another order): the first response, nothing stored.
    reordered = dict(reversed(list(_body(v1, participant).items())))
    replay = api.post("/api/v1/assessments", json=reordered, headers=key)
    assert replay.status_code == 201 and replay.get_json() == first.get_json()
    assert replay.headers["Location"] == first.headers["Location"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    check(spec, "/assessments", "post", replay)
    assert count_assessments(app, status="complete") == 1
    # The same key with another body: refused with a message, nothing stored.
    other = api.post("/api/v1/assessments", json=_body(v1, participant) | {"role": "manager"}, headers=key)
    assert other.status_code == 409 and "different request body" in other.get_json()["error"]
    check(spec, "/assessments", "post", other)
    assert count_assessments(app, status="complete") == 1
    # Another client (another address) with the very same key is a separate submission.
    elsewhere = app.test_client().post(
        "/api/v1/assessments",
        json=_body(v1, elsewhere_participant),
        headers=key,
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert elsewhere.status_code == 201 and elsewhere.get_json()["id"] != first.get_json()["id"]
    # Without a key, a repeat is a new submission, as before.
    assert api.post("/api/v1/assessments", json=_body(v1)).status_code == 201
    assert api.post("/api/v1/assessments", json=_body(v1)).status_code == 201
    assert count_assessments(app, status="complete") == 4
    with app.extensions["database"].session() as s:
        assert s.query(IdempotencyKey).count() == 2


def test_a_refused_submission_is_not_remembered_and_a_bad_key_is_named(app, v1):
    api = app.test_client()
    key = {"Idempotency-Key": "retry-me-1"}
    bad = api.post("/api/v1/assessments", json=_body(v1) | {"role": "pilot"}, headers=key)
    assert bad.status_code == 422
    fixed = api.post("/api/v1/assessments", json=_body(v1), headers=key)
    assert fixed.status_code == 201
    for wrong in ("", "x" * 201, "has space"):
        response = api.post("/api/v1/assessments", json=_body(v1), headers={"Idempotency-Key": wrong})
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["item"] == "Idempotency-Key"
    assert count_assessments(app) == 1


def test_dashboard_says_when_complete_responses_exceed_the_expected_headcount(app, v1):
    owner, token = facilitator(app, "ann@example.org")
    group_id = create(owner, expected_headcount="3")
    settings = owner.get(f"/workshops/{group_id}/settings").get_data(as_text=True)
    assert 'name="expected_headcount"' in settings and 'value="3"' in settings
    code = group_row(app, group_id).join_code
    for n in range(3):
        phone = app.test_client()
        finish(phone, v1, join(phone, code, "staff"), answers(v1))
        page = owner.get(f"/workshops/{group_id}").get_data(as_text=True)
        assert ("All 3 expected responses are in" in page) is (n == 2)
    # The headcount caps completions, so more than expected only when it is lowered afterwards.
    lowered = owner.post(
        f"/workshops/{group_id}/settings",
        data={
            "name": "W",
            "roles": ["staff"],
            "min_group_size": "3",
            "expected_headcount": "2",
            "is_open": "y",
        },
    )
    assert lowered.status_code == 302
    assert "more than the 2 expected" in owner.get(f"/workshops/{group_id}").get_data(as_text=True)
    summary = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert summary["expected_headcount"] == 2 and summary["over_headcount"] is True
    bad = owner.post(
        f"/workshops/{group_id}/settings",
        data={"name": "W", "roles": ["staff"], "min_group_size": "3", "expected_headcount": "0"},
    )
    assert bad.status_code == 422 and "from 1 to 10,000" in bad.get_data(as_text=True)
    # Through the API too.
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    created = api.post(
        "/api/v1/groups",
        json={"name": "API", "questionnaire": "social-organisation", "expected_headcount": 12},
        headers=auth,
    )
    assert created.status_code == 201
    summary = api.get(f"/api/v1/groups/{created.get_json()['id']}/summary", headers=auth)
    check(api.get("/api/v1/openapi.json").get_json(), "/groups/{group_id}/summary", "get", summary)
    assert summary.get_json()["expected_headcount"] == 12 and summary.get_json()["over_headcount"] is False
    refused = api.post(
        "/api/v1/groups",
        json={"name": "API", "questionnaire": "social-organisation", "expected_headcount": 0},
        headers=auth,
    )
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["item"] == "expected_headcount"


def test_two_requests_with_one_key_at_once_store_one_assessment(app, v1, monkeypatch):
    """The race: another worker stores the same key between our look-up and our insert. The
    unique constraint catches it; this request is rolled back and answers with the stored reply."""
    from assessment.services import idempotency

    api = app.test_client()
    key = {"Idempotency-Key": "race-1"}
    first = api.post("/api/v1/assessments", json=_body(v1), headers=key)
    assert first.status_code == 201
    real = idempotency.replay
    calls = []

    def late(*args, **kwargs):  # the first look-up happens before the other request commits
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(idempotency, "replay", late)
    second = api.post("/api/v1/assessments", json=_body(v1), headers=key)
    assert len(calls) == 2
    assert second.status_code == 201 and second.get_json() == first.get_json()
    assert count_assessments(app) == 1
