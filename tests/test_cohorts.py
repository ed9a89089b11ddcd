"""Cohorts through the API and the Flask test client: creation with waves and a pinned version,
respondent codes (normalised, stored only as a keyed hash, one complete answer per wave),
cohort vs cohort and before vs after with reference values, withholding under k, the pages,
the PDFs and the exports.

The reference values were computed independently with R (Debian's r-base-core), from the same
per-person dimension scores the submissions below produce (25 x the level of every item):
``t.test(B, A, var.equal = FALSE)``, ``t.test(post, pre, paired = TRUE)``,
``p.adjust(p, method = "holm")``, and Hedges' g and d_z written out by hand in R from
SCORING.md rule 14. The per-person levels are the matrices A, B and POST below.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import event, select

from assessment.db.models import Assessment, Group
from assessment.domain.questionnaire import Questionnaire, load_questionnaire
from assessment.services import exports

from .test_api_openapi import check
from .test_workshop import facilitator
from .web_helpers import api_join

REPO = Path(__file__).resolve().parent.parent
DIMS = ["dialogue", "interaction", "engagement", "leadership", "policy"]
# Levels 0..4 per dimension (score = 25 x level), one row per person.
A = [[1, 2, 1, 0, 2], [2, 2, 1, 1, 2], [2, 3, 2, 1, 1], [3, 2, 2, 0, 2], [1, 1, 1, 1, 3], [2, 2, 3, 1, 2]]
B = [
    [2, 2, 2, 1, 2],
    [3, 3, 2, 2, 2],
    [3, 2, 3, 1, 3],
    [4, 3, 2, 2, 2],
    [2, 2, 3, 2, 2],
    [3, 4, 2, 1, 3],
    [4, 3, 3, 2, 2],
]
POST = [[2, 2, 2, 1, 2], [2, 3, 1, 2, 3], [3, 3, 3, 1, 1], [4, 3, 2, 1, 2], [2, 2, 2, 1, 3], [3, 3, 3, 2, 3]]
CODES = ["MA07ln", "jo 12 kr", "SU30pa", "an01wi", "PE22st", "li15ho"]
REL = 1e-9


@pytest.fixture(scope="module")
def v1() -> Questionnaire:
    """Questionnaire 1.0: every item on a five-point scale, so a level is exactly 25 points and
    the reference values computed in R apply. Cohorts here are pinned to it."""
    return load_questionnaire(REPO / "questionnaires" / "social-organisation-1.0.yaml")


def approx(value: float) -> object:
    return pytest.approx(value, rel=REL, abs=1e-12)


def level_answers(q: Questionnaire, levels: list[int]) -> dict[str, int]:
    """Every item of dimension d at ``levels[d]`` (0 least social .. 4 most), reverse keys handled."""
    by_dim = dict(zip(DIMS, levels, strict=True))
    # The same share of each item's own scale (exactly lo + level on a five-point item).
    step = {i.id: round(by_dim[i.dimension] / 4 * (i.hi - i.lo)) for i in q.items}
    return {i.id: (i.hi - step[i.id] if i.reverse else i.lo + step[i.id]) for i in q.items}


def new_cohort(api, token: str, **fields) -> dict:
    body = {
        "name": "Spring course",
        "questionnaire": "social-organisation",
        "kind": "cohort",
        "version": "1.0",
    }
    body |= fields
    response = api.post("/api/v1/groups", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def submit(api, q, code: str, levels: list[int], respondent_code: str, wave: str | None = None):
    body = {
        "questionnaire": "social-organisation",
        "answers": level_answers(q, levels),
        "group_code": code,
        "respondent_code": respondent_code,
    }
    if wave:
        body["wave"] = wave
    return api.post("/api/v1/assessments", json=body)


def open_wave(app: Flask, group_id: str, wave: str) -> None:
    with app.extensions["database"].session() as s:
        group = s.get(Group, group_id)
        group.settings = {**group.settings, "open_wave": wave}
        s.commit()


# --------------------------------------------------------------------------- creation and codes


def test_create_cohort_with_default_waves_and_join_address(app):
    _, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    body = new_cohort(api, token)
    assert set(body) >= {"id", "join_code", "join_url"} and body["kind"] == "cohort"
    assert body["join_url"].endswith(f"/join/{body['join_code']}")
    check(
        api.get("/api/v1/openapi.json").get_json(),
        "/groups",
        "post",
        api.post(
            "/api/v1/groups",
            json={"name": "C", "questionnaire": "social-organisation", "kind": "cohort"},
            headers={"Authorization": f"Bearer {token}"},
        ),
    )
    with app.extensions["database"].session() as s:
        group = s.get(Group, body["id"])
        assert group.kind == "cohort"
        assert group.settings["waves"] == [
            {"id": "pre", "label": "Before the course"},
            {"id": "post", "label": "After the course"},
        ]
        assert group.settings["open_wave"] == "pre"
    # The shared join address sends a cohort's participants to the code page.
    joined = app.test_client().get(f"/join/{body['join_code']}")
    assert joined.status_code == 302 and joined.location.endswith(f"/cohorts/join/{body['join_code']}")


def test_default_wave_labels_are_in_the_language_of_the_request_that_creates_the_cohort(app):
    # The web form offers its defaults translated; a German API client gets the same words.
    _, token = facilitator(app, "tom@example.org")
    created = app.test_client().post(
        "/api/v1/groups",
        json={"name": "K", "questionnaire": "social-organisation", "kind": "cohort"},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "de"},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    with app.extensions["database"].session() as s:
        group = s.get(Group, created.get_json()["id"])
        assert group.settings["waves"] == [
            {"id": "pre", "label": "Vor dem Kurs"},
            {"id": "post", "label": "Nach dem Kurs"},
        ]


@pytest.mark.parametrize(
    ("fields", "item"),
    [
        ({"version": "9.9"}, "version"),
        ({"waves": []}, "waves"),
        ({"waves": [{"id": "Pre Course", "label": "x"}]}, "waves"),
        ({"waves": [{"id": "pre"}, {"id": "pre"}]}, "waves"),
        ({"kind": "seminar"}, "kind"),
        ({"kind": "workshop", "waves": [{"id": "pre"}]}, "waves"),
    ],
)
def test_bad_cohort_fields_are_named(app, fields, item):
    _, token = facilitator(app, "tina@example.org")
    body = {"name": "C", "questionnaire": "social-organisation", "kind": "cohort", **fields}
    response = app.test_client().post(
        "/api/v1/groups", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert item in [e["item"] for e in errors], errors
    with app.extensions["database"].session() as s:
        assert s.scalar(select(Group)) is None


def test_version_is_pinned_from_the_stored_versions(app, v1):
    _, token = facilitator(app, "tina@example.org")
    body = new_cohort(app.test_client(), token, version=v1.version, waves=[{"id": "t0", "label": "Start"}])
    with app.extensions["database"].session() as s:
        group = s.get(Group, body["id"])
        assert group.questionnaire.version == v1.version
        assert group.settings["waves"] == [{"id": "t0", "label": "Start"}]


def test_code_is_stored_only_as_a_keyed_hash_and_matched_loosely(app, v1):
    _, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    cohort = new_cohort(api, token)
    assert submit(api, v1, cohort["join_code"], A[0], "Ma 07 LN").status_code == 201
    with app.extensions["database"].session() as s:
        row = s.scalar(select(Assessment))
        expected = hmac.new(b"test", f"{cohort['id']}\x00ma07ln".encode(), hashlib.sha256).hexdigest()
        assert row.respondent_hash == expected and row.wave == "pre"
        dump = repr([(c.name, getattr(row, c.name)) for c in Assessment.__table__.columns]).lower()
        assert "ma07ln" not in dump and "ma 07 ln" not in dump
    # The same code typed differently is the same person: refused in the same wave, nothing replaced.
    again = submit(api, v1, cohort["join_code"], B[0], "  mA07ln ")
    assert again.status_code == 409
    assert "already" in again.get_json()["error"] and "nothing was replaced" in again.get_json()["error"]
    check(api.get("/api/v1/openapi.json").get_json(), "/assessments", "post", again)
    with app.extensions["database"].session() as s:
        rows = s.scalars(select(Assessment)).all()
        assert len(rows) == 1 and rows[0].overall == pytest.approx(25 * sum(A[0]) / 5)
    # In the next wave the same code is welcome.
    open_wave(app, cohort["id"], "post")
    assert submit(api, v1, cohort["join_code"], B[0], "ma07ln").status_code == 201


@pytest.mark.parametrize(
    ("extra", "status", "item"),
    [
        ({"respondent_code": None}, 422, "respondent_code"),
        ({"respondent_code": "ab"}, 422, "respondent_code"),
        ({"wave": "later"}, 422, "wave"),
        ({"wave": "post"}, 409, None),
    ],
)
def test_bad_codes_and_waves(app, v1, extra, status, item):
    _, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    cohort = new_cohort(api, token)
    body = {
        "questionnaire": "social-organisation",
        "answers": level_answers(v1, A[0]),
        "group_code": cohort["join_code"],
        "respondent_code": "abcd1234",
        **extra,
    }
    body = {k: v for k, v in body.items() if v is not None}
    response = api.post("/api/v1/assessments", json=body)
    assert response.status_code == status
    if item:
        assert item in [e["item"] for e in response.get_json()["errors"]]
    else:
        assert "not open" in response.get_json()["error"]
    with app.extensions["database"].session() as s:
        assert s.scalar(select(Assessment)) is None


def test_workshops_refuse_cohort_fields(app, v1):
    _, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    workshop = api.post(
        "/api/v1/groups",
        json={"name": "W", "questionnaire": "social-organisation"},
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    response = api.post(
        "/api/v1/assessments",
        json={
            "questionnaire": "social-organisation",
            "answers": level_answers(v1, A[0]),
            "participant_token": api_join(api, workshop["join_code"]),
            "respondent_code": "abcd1234",
        },
    )
    assert response.status_code == 422 and response.get_json()["errors"][0]["item"] == "respondent_code"


# --------------------------------------------------------------------------- comparisons


def _two_cohorts(app, v1):
    _, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    first = new_cohort(api, token, name="Last year")
    second = new_cohort(api, token, name="This year")
    for n, levels in enumerate(A):
        assert submit(api, v1, first["join_code"], levels, f"code{n}a").status_code == 201
    for n, levels in enumerate(B):
        assert submit(api, v1, second["join_code"], levels, f"code{n}b").status_code == 201
    return api, token, first, second


def test_cohort_vs_cohort_matches_r(app, v1):
    api, token, first, second = _two_cohorts(app, v1)
    auth = {"Authorization": f"Bearer {token}"}
    response = api.get(f"/api/v1/cohorts/compare?a={first['id']}&b={second['id']}", headers=auth)
    assert response.status_code == 200
    check(api.get("/api/v1/openapi.json").get_json(), "/cohorts/compare", "get", response)
    body = response.get_json()
    assert body["a"] == {"id": first["id"], "wave": "pre", "n": 6}
    assert body["b"] == {"id": second["id"], "wave": "pre", "n": 7}
    dialogue = body["dimensions"]["dialogue"]
    assert set(dialogue) == {
        "n_a",
        "n_b",
        "mean_a",
        "mean_b",
        "ci_a",
        "ci_b",
        "difference",
        "difference_ci",
        "t",
        "df",
        "p",
        "p_holm",
        "hedges_g",
        "hedges_g_ci",
    }
    assert (dialogue["n_a"], dialogue["n_b"]) == (6, 7)
    assert dialogue["t"] == approx(2.67875572189276)
    assert dialogue["df"] == approx(10.9172049998089)
    assert dialogue["p"] == approx(0.0215822501390563)
    assert dialogue["difference_ci"] == [approx(5.17983991892598), approx(53.1534934144074)]
    assert dialogue["hedges_g"] == approx(1.37695061638086)
    assert dialogue["hedges_g_ci"] == [approx(0.164842153952564), approx(2.58905907880916)]
    leadership = body["dimensions"]["leadership"]
    assert leadership["t"] == approx(3.09855834700385) and leadership["df"] == approx(10.8059190412132)
    assert leadership["hedges_g_ci"] == [approx(0.3472438969408), approx(2.85070736460784)]
    holm = [0.0863290005562251, 0.253874763875553, 0.253874763875553, 0.0516622571039033, 0.390434673814333]
    assert [body["dimensions"][d]["p_holm"] for d in DIMS] == [approx(p) for p in holm]
    overall = body["overall"]
    assert overall["p_holm"] is None
    assert overall["mean_a"] == approx(40.8333333333333)
    assert overall["ci_a"] == [approx(33.1096961531974), approx(48.5569705134692)]
    assert overall["t"] == approx(4.44995944222339) and overall["df"] == approx(10.9545141281875)
    assert overall["p"] == approx(0.000988674357547618)
    assert overall["difference_ci"] == [approx(9.68187686189492), approx(28.6514564714384)]
    spec = api.get("/api/v1/openapi.json").get_json()
    pdf = api.get(f"/api/v1/cohorts/compare.pdf?a={first['id']}&b={second['id']}", headers=auth)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "private, no-store"
    check(spec, "/cohorts/compare.pdf", "get", pdf)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "This year compared with Last year" in text and "Hedges" in text and "different people" in text
    check(
        spec,
        "/cohorts/compare.pdf",
        "get",
        api.get(f"/api/v1/cohorts/compare.pdf?a={first['id']}&b=x", headers=auth),
    )
    check(
        spec, "/cohorts/compare", "get", api.get(f"/api/v1/cohorts/compare?a={first['id']}&b={second['id']}")
    )


def test_before_vs_after_matches_r_and_reports_unmatched(app, v1):
    _, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    cohort = new_cohort(api, token)
    for levels, code in zip(A, CODES, strict=True):
        assert submit(api, v1, cohort["join_code"], levels, code).status_code == 201
    assert submit(api, v1, cohort["join_code"], [2] * 5, "zz99xx").status_code == 201  # only before
    open_wave(app, cohort["id"], "post")
    for levels, code in zip(POST, CODES, strict=True):
        # Typed differently after the course: capitals and spaces do not matter.
        assert (
            submit(api, v1, cohort["join_code"], levels, code.swapcase().replace("", " ")).status_code == 201
        )
    assert submit(api, v1, cohort["join_code"], [3] * 5, "zz98xx").status_code == 201  # mistyped: unmatched
    auth = {"Authorization": f"Bearer {token}"}
    response = api.get(f"/api/v1/groups/{cohort['id']}/change?from=pre&to=post", headers=auth)
    assert response.status_code == 200
    check(api.get("/api/v1/openapi.json").get_json(), "/groups/{group_id}/change", "get", response)
    body = response.get_json()
    assert (body["pairs"], body["unmatched_from"], body["unmatched_to"]) == (6, 1, 1)
    dialogue = body["dimensions"]["dialogue"]
    assert set(dialogue) == {
        "n",
        "mean_from",
        "mean_to",
        "mean_difference",
        "ci",
        "t",
        "df",
        "p",
        "p_holm",
        "d_z",
        "d_z_ci",
    }
    assert dialogue["n"] == 6 and dialogue["df"] == 5
    assert dialogue["mean_difference"] == approx(20.8333333333333)
    assert dialogue["t"] == approx(5.0) and dialogue["p"] == approx(0.00410471598005332)
    assert dialogue["ci"] == [approx(10.1225756848487), approx(31.544090981818)]
    assert dialogue["d_z"] == approx(2.04124145231931)
    assert dialogue["d_z_ci"] == [approx(0.636194992035686), approx(3.44628791260294)]
    policy = body["dimensions"]["policy"]
    assert policy["t"] == approx(1.58113883008419) and policy["d_z_ci"] == [
        approx(-0.234079694130733),
        approx(1.52507414286654),
    ]
    holm = [0.0205235799002666, 0.100124063273812, 0.151173636843225, 0.100124063273812, 0.174687814264119]
    assert [body["dimensions"][d]["p_holm"] for d in DIMS] == [approx(p) for p in holm]
    assert body["overall"]["p_holm"] is None
    assert body["overall"]["t"] == approx(11.6189500386223) and body["overall"]["p"] == approx(
        8.29096342019426e-05
    )
    assert body["overall"]["d_z"] == approx(4.74341649025257)
    assert body["overall"]["ci"] == [approx(11.6813931201724), approx(18.3186068798276)]
    # The PDF for a sponsor, and the web page with its download button.
    pdf = api.get(f"/api/v1/groups/{cohort['id']}/change.pdf?from=pre&to=post", headers=auth)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Regression to the mean" in text and "6 people gave the same code" in text
    assert "Holm" in text and "small sample" in text


def test_a_third_wave_and_any_two_waves(app, v1):
    owner, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    cohort = new_cohort(
        api,
        token,
        waves=[
            {"id": "pre", "label": "Before"},
            {"id": "post", "label": "After"},
            {"id": "followup", "label": "Three months later"},
        ],
    )
    for wave, table in (("pre", A), ("post", POST), ("followup", B[:6])):
        open_wave(app, cohort["id"], wave)
        for levels, code in zip(table, CODES, strict=True):
            assert submit(api, v1, cohort["join_code"], levels, code).status_code == 201
    auth = {"Authorization": f"Bearer {token}"}
    body = api.get(f"/api/v1/groups/{cohort['id']}/change?from=post&to=followup", headers=auth).get_json()
    assert body["pairs"] == 6 and body["from"] == "post" and body["to"] == "followup"
    same = api.get(f"/api/v1/groups/{cohort['id']}/change?from=pre&to=pre", headers=auth)
    assert same.status_code == 422
    unknown = api.get(f"/api/v1/groups/{cohort['id']}/change?from=pre&to=later", headers=auth)
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["item"] == "to"
    page = owner.get(f"/cohorts/{cohort['id']}/change?from=pre&to=followup").get_data(as_text=True)
    assert "Three months later" in page and "Download PDF" in page


def test_withheld_under_k_on_either_side(app, v1):
    _, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    big = new_cohort(api, token, min_group_size=4)
    small = new_cohort(api, token)
    for n, levels in enumerate(A):
        submit(api, v1, big["join_code"], levels, f"code{n}")
    for n, levels in enumerate(A[:3]):
        submit(api, v1, small["join_code"], levels, f"code{n}")
    auth = {"Authorization": f"Bearer {token}"}
    body = api.get(f"/api/v1/cohorts/compare?a={big['id']}&b={small['id']}", headers=auth).get_json()
    # k is the larger of the two minimum sizes (4): three on one side is not enough.
    assert body["k"] == 4
    assert "B has 3" in body["overall"]["withheld"] and "at least 4" in body["overall"]["withheld"]
    assert all(set(d) == {"withheld"} for d in body["dimensions"].values())
    open_wave(app, big["id"], "post")
    for n, levels in enumerate(POST[:3]):
        submit(api, v1, big["join_code"], levels, f"code{n}")
    change = api.get(f"/api/v1/groups/{big['id']}/change", headers=auth).get_json()
    assert change["pairs"] == 3 and "3 matched pairs" in change["overall"]["withheld"]
    check(
        api.get("/api/v1/openapi.json").get_json(),
        "/groups/{group_id}/change",
        "get",
        api.get(f"/api/v1/groups/{big['id']}/change", headers=auth),
    )


def test_comparison_is_a_constant_number_of_queries(app, v1):
    api, token, first, second = _two_cohorts(app, v1)
    auth = {"Authorization": f"Bearer {token}"}
    engine = app.extensions["database"].engine
    counts: list[int] = []

    def count(*_args):
        counts[-1] += 1

    for extra in (0, 12):
        for n in range(extra):
            submit(api, v1, second["join_code"], B[n % 7], f"more{n}")
        counts.append(0)
        event.listen(engine, "before_cursor_execute", count)
        try:
            url = f"/api/v1/cohorts/compare?a={first['id']}&b={second['id']}"
            assert api.get(url, headers=auth).get_json()["b"]["n"] == 7 + extra
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert counts[0] == counts[1] and counts[0] <= 8


def test_compare_needs_both_ids_and_the_same_questionnaire(app, v1):
    api, token, first, _ = _two_cohorts(app, v1)
    auth = {"Authorization": f"Bearer {token}"}
    missing = api.get(f"/api/v1/cohorts/compare?a={first['id']}", headers=auth)
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["item"] == "b"
    check(api.get("/api/v1/openapi.json").get_json(), "/cohorts/compare", "get", missing)
    same = api.get(f"/api/v1/cohorts/compare?a={first['id']}&b={first['id']}", headers=auth)
    assert same.status_code == 422


# --------------------------------------------------------------------------- pages, PDF and exports


def test_trainer_pages_create_open_next_wave_and_compare(app):
    # The new-cohort page pins the current version (1.1), so its answers are 1.1's.
    v1 = load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml")
    owner, _ = facilitator(app, "tina@example.org")
    assert "No cohorts yet" in owner.get("/cohorts").get_data(as_text=True)
    created = owner.post(
        "/cohorts/new",
        data={
            "name": "Autumn course",
            "questionnaire": "social-organisation",
            "waves": "pre: Before the course\npost: After the course\nfollowup: Three months on",
            "min_group_size": "3",
            "trainer": "Tina Trainer",
            "is_open": "y",
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)
    group_id = created.location.rsplit("/", 1)[1]
    with app.extensions["database"].session() as s:
        code = s.get(Group, group_id).join_code
    page = owner.get(f"/cohorts/{group_id}").get_data(as_text=True)
    assert code in page and "<svg" in page and "Open the next wave: After the course" in page
    api = app.test_client()
    for levels, rc in zip(A, CODES, strict=True):
        submit(api, v1, code, levels, rc)
    assert owner.post(f"/cohorts/{group_id}/wave", data={"wave": "post"}).status_code == 302
    for levels, rc in zip(POST[:4], CODES[:4], strict=True):
        submit(api, v1, code, levels, rc)
    submit(api, v1, code, POST[4], "typo1")
    page = owner.get(f"/cohorts/{group_id}").get_data(as_text=True)
    assert "Matching is low" in page and "<strong>4</strong> matched pairs" in page
    change = owner.get(f"/cohorts/{group_id}/change?from=pre&to=post")
    html = change.get_data(as_text=True)
    assert change.status_code == 200 and 'type="application/json" id="comparison-data"' in html
    assert "small sample" in html and "Holm" in html and "improvement" in html
    assert "<script>" not in html  # no inline script: the data block and a static file only
    pdf = owner.get(f"/cohorts/{group_id}/change.pdf?from=pre&to=post")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    bad = owner.post(f"/cohorts/{group_id}/waves", data={"wave_id": "Follow Up!", "label": "x"})
    assert bad.status_code == 302
    with app.extensions["database"].session() as s:
        assert len(s.get(Group, group_id).settings["waves"]) == 3  # nothing added, nothing lost
    assert (
        owner.post(f"/cohorts/{group_id}/waves", data={"wave_id": "year", "label": "A year on"}).status_code
        == 302
    )
    with app.extensions["database"].session() as s:
        assert s.get(Group, group_id).settings["waves"][-1] == {"id": "year", "label": "A year on"}


def test_join_page_makes_a_code_and_refuses_a_second_answer_in_the_wave(app, v1):
    from .web_helpers import finish

    _, token = facilitator(app, "tina@example.org")
    cohort = new_cohort(app.test_client(), token)
    phone = app.test_client()
    page = phone.get(f"/cohorts/join/{cohort['join_code']}").get_data(as_text=True)
    assert "parent's first name" in page and "Never use your name, e-mail" in page
    differ = phone.post(
        f"/cohorts/join/{cohort['join_code']}", data={"respondent_code": "abcd", "confirm": "abce"}
    )
    assert differ.status_code == 422 and "The two codes differ" in differ.get_data(as_text=True)
    joined = phone.post(
        f"/cohorts/join/{cohort['join_code']}", data={"respondent_code": "Ab Cd 12", "confirm": "abcd12"}
    )
    assert joined.status_code == 302
    token_ = joined.location.split("/")[2]
    finish(phone, v1, token_, level_answers(v1, A[0]))
    other = app.test_client()
    again = other.post(
        f"/cohorts/join/{cohort['join_code']}", data={"respondent_code": "ABCD12", "confirm": "ABCD12"}
    )
    assert again.status_code == 409 and "already answered" in again.get_data(as_text=True)
    with app.extensions["database"].session() as s:
        rows = s.scalars(select(Assessment)).all()
        assert [(r.status, r.wave) for r in rows] == [("complete", "pre")]


def test_exports_have_question_texts_pairs_and_scores_never_codes(app, v1):
    owner, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    cohort = new_cohort(api, token)
    for levels, code in zip(A, CODES, strict=True):
        submit(api, v1, cohort["join_code"], levels, code)
    open_wave(app, cohort["id"], "post")
    for levels, code in zip(POST[:2], CODES[:2], strict=True):
        submit(api, v1, cohort["join_code"], levels, code)
    response = owner.get(f"/cohorts/{cohort['id']}/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, texts = rows[0], rows[1]
    item = v1.items[0]
    assert header[:3] == ["response", "wave", "pair"] and item.id in header
    assert texts[header.index(item.id)] == item.text
    assert header[-1] == "overall" and "score_dialogue" in header
    data = rows[2:]
    pre = [r for r in data if r[1] == "pre"]
    assert len(pre) == 6 and sorted(r[2] for r in pre if r[2]) == ["1", "2"]
    # Two answers after the course: fewer than k, withheld as a whole (rule 13).
    post = [r for r in data if r[1] == "post"]
    assert len(post) == 1 and post[0][0] == "withheld"
    body = response.data.decode("utf-8-sig").lower()
    assert all(code.lower().replace(" ", "") not in body for code in CODES)
    first = next(r for r in pre if r[2] == "")
    assert float(first[header.index("overall")]) in {25 * sum(x) / 5 for x in A}
    xlsx = owner.get(f"/cohorts/{cohort['id']}/export.xlsx")
    assert xlsx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and item.text.replace("'", "&apos;")[:20] in sheet.replace("&#39;", "'")
    # Read back by a second reader: scores are number cells a spreadsheet can sum, not texts.
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    cells = list(book.iter_rows())
    assert cells[1][header.index(item.id)].value == item.text
    read = [r for r in cells[2:] if r[1].value == "pre"]
    score_columns = [i for i, h in enumerate(header) if h.startswith("score_") or h == "overall"]
    assert all(r[i].data_type == "n" for r in read for i in score_columns)
    assert sorted(r[header.index("overall")].value for r in read) == pytest.approx(
        sorted(float(r[header.index("overall")]) for r in pre)
    )
    assert all(r[header.index(item.id)].data_type == "n" for r in read)


def test_export_writes_decimal_scores_as_numbers():
    """A score such as 62.5 (rounded to 2 places by the export) is a number in both formats."""
    table = exports.Table(["response", "overall"], [["Overall index", None], [1, 62.5], [2, 41.67]])
    assert exports.to_csv(table).splitlines()[2:] == ["1,62.5", "2,41.67"]
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table))).active
    assert [sheet.cell(r, 2).value for r in (3, 4)] == [62.5, 41.67]
    assert sheet.cell(3, 2).data_type == "n" and sheet.cell(2, 1).data_type == "s"


def test_export_neutralises_formula_like_text(app, runner, questionnaire_dir, v1):
    """A question text beginning with "=" (a later questionnaire version, pinned by the cohort)
    is written as text in both formats, never as a formula."""
    path = questionnaire_dir / "social-organisation-1.0.yaml"
    source = path.read_text(encoding="utf-8")
    path.write_text(
        source.replace('version: "1.0"', 'version: "1.0.1"').replace(
            "When a customer or member of the public", "=HYPERLINK(1) When a customer", 1
        ),
        encoding="utf-8",
    )
    assert runner.invoke(args=["init"]).exit_code == 0
    owner, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    cohort = new_cohort(api, token, version="1.0.1")
    for levels, code in zip(A, CODES, strict=True):
        assert submit(api, v1, cohort["join_code"], levels, code).status_code == 201
    rows = list(
        csv.reader(io.StringIO(owner.get(f"/cohorts/{cohort['id']}/export.csv").data.decode("utf-8-sig")))
    )
    assert rows[1][rows[0].index("dl_public_criticism")].startswith("'=HYPERLINK(1)")
    xlsx = owner.get(f"/cohorts/{cohort['id']}/export.xlsx").data
    with zipfile.ZipFile(io.BytesIO(xlsx)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "'=HYPERLINK(1)" in sheet
    cell = openpyxl.load_workbook(io.BytesIO(xlsx)).active.cell(2, rows[0].index("dl_public_criticism") + 1)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK(1)")


def test_demo_cohort_fills_two_cohorts_to_look_at(app, runner):
    result = runner.invoke(args=["demo-cohort"])
    assert result.exit_code == 0, result.output
    with app.extensions["database"].session() as s:
        groups = {g.name: g for g in s.scalars(select(Group).where(Group.kind == "cohort"))}
        this = groups["Social leadership course 2026"]
        from assessment.services import cohorts

        report = cohorts.match_report(s, this, "pre", "post")
        assert (report.pairs, report.unmatched_from, report.unmatched_to) == (28, 2, 2)
        body = cohorts.change(s, this, "pre", "post")
        assert body["overall"]["mean_difference"] > 0 and body["overall"]["d_z"] > 0.8


def test_two_phones_with_one_code_only_the_first_to_finish_counts(app, v1):
    from .web_helpers import finish, page_data

    _, token = facilitator(app, "tina@example.org")
    cohort = new_cohort(app.test_client(), token)
    tokens = []
    for _ in range(2):
        phone = app.test_client()
        joined = phone.post(
            f"/cohorts/join/{cohort['join_code']}", data={"respondent_code": "same1", "confirm": "SAME1"}
        )
        assert joined.status_code == 302
        tokens.append((phone, joined.location.split("/")[2]))
    (first, first_token), (second, second_token) = tokens
    finish(first, v1, first_token, level_answers(v1, A[0]))
    given = level_answers(v1, B[0])
    for number in range(1, len(v1.dimensions)):
        assert (
            second.post(f"/a/{second_token}/{number}", data=page_data(v1, number, given)).status_code == 302
        )
    last = len(v1.dimensions)
    refused = second.post(f"/a/{second_token}/{last}", data=page_data(v1, last, given, "finish"))
    assert refused.status_code == 409 and "already finished this wave" in refused.get_data(as_text=True)
    with app.extensions["database"].session() as s:
        rows = {r.token: r for r in s.scalars(select(Assessment))}
        assert rows[first_token].status == "complete"
        assert rows[second_token].status == "in_progress" and len(rows[second_token].answers) == len(v1.items)
