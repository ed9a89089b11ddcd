"""Issue 21, item 2: one vote per participant over the API too. POST /api/v1/groups/join hands out
a participant token (the same signed token the join page keeps in its cookie); a workshop
submission needs it, or the facilitator's Bearer token; one complete response per token; the
expected headcount caps completions, in the browser and over the API."""

from __future__ import annotations

from assessment.db.models import Assessment

from .test_api_openapi import check
from .test_workshop import create, facilitator, group_row, join
from .web_helpers import answers, api_join, count_assessments, finish, page_data, workshop_body


def _workshop(app, **fields) -> tuple[object, str, str, str]:
    owner, token = facilitator(app, "ann@example.org")
    group_id = create(owner, **fields)
    return owner, token, group_id, group_row(app, group_id).join_code


def test_twenty_posts_with_one_code_store_nothing_without_a_participant_token(app, v1):
    _, _, group_id, code = _workshop(app)
    api = app.test_client()
    body = {"questionnaire": v1.id, "answers": answers(v1), "group_code": code, "role": "staff"}
    for _ in range(20):
        refused = api.post("/api/v1/assessments", json=body)
        assert refused.status_code == 422
        (problem,) = refused.get_json()["errors"]
        assert problem["item"] == "participant_token" and "/api/v1/groups/join" in problem["message"]
    assert count_assessments(app, group_id=group_id) == 0


def test_a_participant_token_counts_one_complete_response(app, v1):
    _, _, group_id, code = _workshop(app)
    api = app.test_client()
    spec = api.get("/api/v1/openapi.json").get_json()
    joined = api.post("/api/v1/groups/join", json={"code": code.lower(), "role": "manager"})
    assert joined.status_code == 201
    check(spec, "/groups/join", "post", joined)
    body = joined.get_json()
    assert body["group"] == group_id and body["questionnaire"] == v1.id and body["version"] == v1.version
    submission = {
        "questionnaire": v1.id,
        "answers": answers(v1),
        "participant_token": body["participant_token"],
    }
    first = api.post("/api/v1/assessments", json=submission)
    assert first.status_code == 201, first.get_json()
    check(spec, "/assessments", "post", first)
    assert first.get_json()["group"] == group_id and first.get_json()["role"] == "manager"
    for _ in range(3):
        again = api.post("/api/v1/assessments", json=submission | {"group_code": code})
        assert again.status_code == 409 and "already" in again.get_json()["error"]
    assert count_assessments(app, group_id=group_id) == 1
    assert count_assessments(app, group_id=group_id, status="complete") == 1
    # A role other than the one chosen at join, a forged token, another workshop's token: 422.
    fresh = api_join(api, code, "staff")
    other = api.post("/api/v1/assessments", json=submission | {"participant_token": fresh, "role": "manager"})
    assert other.status_code == 422 and other.get_json()["errors"][0]["item"] == "role"
    forged = api.post("/api/v1/assessments", json=submission | {"participant_token": "x.y"})
    assert forged.status_code == 422 and forged.get_json()["errors"][0]["item"] == "participant_token"
    owner2, _ = facilitator(app, "bob@example.org")
    code2 = group_row(app, create(owner2)).join_code
    crossed = api.post(
        "/api/v1/assessments", json=submission | {"participant_token": fresh, "group_code": code2}
    )
    assert crossed.status_code == 422 and "another workshop" in crossed.get_json()["errors"][0]["message"]
    assert count_assessments(app, status="complete") == 1


def test_the_api_token_and_the_join_cookie_are_one_mechanism(app, v1):
    _, _, group_id, code = _workshop(app)
    phone = app.test_client()
    token = api_join(phone, code)
    # The same value as the join page's cookie: the browser that holds it is back at its response.
    phone.set_cookie(f"joined-{group_id}", token, path="/join")
    back = phone.get(f"/join/{code}")
    assert back.status_code == 302 and back.location.startswith("/a/")
    private = back.location.split("/")[2]
    # And the other way round: a browser's own response, finished on its pages, is spent over the API.
    browser = app.test_client()
    mine = join(browser, code, "staff")
    cookie = browser.get_cookie(f"joined-{group_id}", path="/join").value
    finish(browser, v1, mine, answers(v1))
    spent = browser.post(
        "/api/v1/assessments",
        json={"questionnaire": v1.id, "answers": answers(v1), "participant_token": cookie},
    )
    assert spent.status_code == 409
    with app.extensions["database"].session() as s:
        rows = {a.token: a.status for a in s.query(Assessment).filter_by(group_id=group_id)}
    assert rows == {private: "in_progress", mine: "complete"}


def test_the_facilitators_bearer_token_may_submit_for_their_own_workshop_only(app, v1):
    _, token, group_id, code = _workshop(app)
    _, stranger = facilitator(app, "eve@example.org")
    api = app.test_client()
    body = {"questionnaire": v1.id, "answers": answers(v1), "group_code": code, "role": "staff"}
    theirs = api.post("/api/v1/assessments", json=body, headers={"Authorization": f"Bearer {stranger}"})
    assert theirs.status_code == 422 and theirs.get_json()["errors"][0]["item"] == "participant_token"
    own = api.post("/api/v1/assessments", json=body, headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 201 and own.get_json()["group"] == group_id


def test_joining_refuses_wrong_codes_roles_cohorts_and_closed_workshops(app, v1):
    owner, token, group_id, code = _workshop(app)
    api = app.test_client()
    wrong = "ABCDEF" if code != "ABCDEF" else "ABCDEG"
    for _ in range(60):
        assert api.post("/api/v1/groups/join", json={"code": wrong, "role": "staff"}).status_code == 404
    blocked = api.post("/api/v1/groups/join", json={"code": wrong, "role": "staff"})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert api.post("/api/v1/groups/join", json={"code": code, "role": "staff"}).status_code == 201
    role = api.post("/api/v1/groups/join", json={"code": code, "role": "pilot"})
    assert role.status_code == 422 and role.get_json()["errors"][0]["item"] == "role"
    empty = api.post("/api/v1/groups/join", json={"code": "", "role": "staff"})
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["item"] == "code"
    cohort = api.post(
        "/api/v1/groups",
        json={"name": "C", "questionnaire": v1.id, "kind": "cohort"},
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    refused = api.post("/api/v1/groups/join", json={"code": cohort["join_code"], "role": "staff"})
    assert refused.status_code == 422 and "cohort" in refused.get_json()["errors"][0]["message"]
    assert owner.post(f"/workshops/{group_id}/open", data={"open": "0"}).status_code == 302
    closed = api.post("/api/v1/groups/join", json={"code": code, "role": "staff"})
    assert closed.status_code == 409 and "closed" in closed.get_json()["error"]


def test_the_expected_headcount_caps_completions_everywhere(app, v1):
    owner, token, group_id, code = _workshop(app, expected_headcount="3")
    api = app.test_client()
    waiting = api_join(api, code)  # joined while there was room; completes after the cap
    browser = app.test_client()
    late_private = join(browser, code, "staff")
    for _ in range(3):
        assert api.post("/api/v1/assessments", json=workshop_body(api, v1, code)).status_code == 201
    page = owner.get(f"/workshops/{group_id}").get_data(as_text=True)
    assert 'id="headcount-reached"' in page and "All 3 expected responses are in" in page
    assert owner.get(f"/workshops/{group_id}/summary.json").get_json()["headcount_reached"] is True
    over = api.post(
        "/api/v1/assessments",
        json={"questionnaire": v1.id, "answers": answers(v1), "participant_token": waiting},
    )
    assert over.status_code == 409 and "expected 3 complete responses" in over.get_json()["error"]
    assert api.post("/api/v1/groups/join", json={"code": code, "role": "staff"}).status_code == 409
    assert app.test_client().get(f"/join/{code}").status_code == 409
    facilitator_too = api.post(
        "/api/v1/assessments",
        json={"questionnaire": v1.id, "answers": answers(v1), "group_code": code},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert facilitator_too.status_code == 409
    # The browser that joined early: its last page is kept, completing is refused.
    total = len(v1.dimensions)
    for number in range(1, total):
        assert (
            browser.post(f"/a/{late_private}/{number}", data=page_data(v1, number, answers(v1))).status_code
            == 302
        )
    last = browser.post(f"/a/{late_private}/{total}", data=page_data(v1, total, answers(v1), "finish"))
    assert last.status_code == 409 and "every answer its facilitator expected" in last.get_data(as_text=True)
    with app.extensions["database"].session() as s:
        row = s.query(Assessment).filter_by(token=late_private).one()
        assert row.status == "in_progress" and len(row.answers) == len(v1.items)
    assert count_assessments(app, group_id=group_id, status="complete") == 3
