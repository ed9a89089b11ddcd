"""Issue 21, item 5: what the pages do for a group, the API does too: open a cohort's next wave,
close a group, delete one; each owner-only (another facilitator gets a 404). A whole pre/post
cohort runs through the API alone."""

from __future__ import annotations

import pytest

from assessment.db.models import Assessment, Group
from assessment.domain.questionnaire import Questionnaire, load_questionnaire

from .test_api_openapi import check
from .test_cohorts import CODES, POST, REPO, A, approx, new_cohort, submit
from .test_workshop import facilitator
from .web_helpers import answers, workshop_body


@pytest.fixture(scope="module")
def one_point_oh() -> Questionnaire:
    """Questionnaire 1.0, which new_cohort pins (the reference values of test_cohorts apply)."""
    return load_questionnaire(REPO / "questionnaires" / "social-organisation-1.0.yaml")


def test_a_pre_post_cohort_runs_through_the_api_alone(app, one_point_oh):
    v1 = one_point_oh
    _, token = facilitator(app, "tina@example.org")
    _, stranger = facilitator(app, "mallory@example.org")
    api = app.test_client()
    spec = api.get("/api/v1/openapi.json").get_json()
    auth = {"Authorization": f"Bearer {token}"}
    theirs = {"Authorization": f"Bearer {stranger}"}
    cohort = new_cohort(api, token)
    for levels, code in zip(A, CODES, strict=True):
        assert submit(api, v1, cohort["join_code"], levels, code).status_code == 201
    base = f"/api/v1/groups/{cohort['id']}"
    # Someone else's cohort is not there at all; no token is a 401.
    assert api.post(f"{base}/waves/post/open", headers=theirs).status_code == 404
    assert api.post(f"{base}/waves/post/open").status_code == 401
    assert api.post(f"{base}/waves/later/open", headers=auth).status_code == 404
    opened = api.post(f"{base}/waves/post/open", headers=auth)
    assert opened.status_code == 200
    check(spec, "/groups/{group_id}/waves/{wave_id}/open", "post", opened)
    assert opened.get_json()["open_wave"] == "post" and opened.get_json()["is_open"] is True
    assert [w["id"] for w in opened.get_json()["waves"]] == ["pre", "post"]
    for levels, code in zip(POST, CODES, strict=True):
        assert submit(api, v1, cohort["join_code"], levels, code).status_code == 201
    change = api.get(f"{base}/change?from=pre&to=post", headers=auth).get_json()
    assert change["pairs"] == 6 and change["dimensions"]["dialogue"]["mean_difference"] == approx(
        20.8333333333333
    )
    # Close: no new answers; then delete, with every response.
    assert api.post(f"{base}/close", headers=theirs).status_code == 404
    closed = api.post(f"{base}/close", headers=auth)
    assert closed.status_code == 200 and closed.get_json()["is_open"] is False
    check(spec, "/groups/{group_id}/close", "post", closed)
    late = submit(api, v1, cohort["join_code"], A[0], "late1234")
    assert late.status_code == 409
    assert api.delete(base, headers=theirs).status_code == 404
    gone = api.delete(base, headers=auth)
    assert gone.status_code == 204 and gone.data == b""
    assert api.get(f"{base}/change", headers=auth).status_code == 404
    assert api.delete(base, headers=auth).status_code == 404
    with app.extensions["database"].session() as s:
        assert s.get(Group, cohort["id"]) is None
        assert s.query(Assessment).filter_by(group_id=cohort["id"]).count() == 0


def test_closing_a_workshop_over_the_api_publishes_everything_and_a_workshop_has_no_waves(app, v1):
    _, token = facilitator(app, "ann@example.org")
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    workshop = api.post("/api/v1/groups", json={"name": "W", "questionnaire": v1.id}, headers=auth).get_json()
    for _ in range(4):
        assert (
            api.post("/api/v1/assessments", json=workshop_body(api, v1, workshop["join_code"])).status_code
            == 201
        )
    base = f"/api/v1/groups/{workshop['id']}"
    assert api.get(f"{base}/summary", headers=auth).get_json()["n"] == 4
    assert api.post(f"{base}/waves/pre/open", headers=auth).status_code == 404
    closed = api.post(f"{base}/close", headers=auth).get_json()
    assert closed["is_open"] is False and closed["waves"] is None
    refused = api.post("/api/v1/groups/join", json={"code": workshop["join_code"], "role": "staff"})
    assert refused.status_code == 409
    body = {"questionnaire": v1.id, "answers": answers(v1), "group_code": workshop["join_code"]}
    assert api.post("/api/v1/assessments", json=body, headers=auth).status_code == 409
    assert api.delete(base, headers=auth).status_code == 204
    assert api.get(f"{base}/summary", headers=auth).status_code == 404
