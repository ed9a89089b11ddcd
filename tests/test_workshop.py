"""Workshops through the Flask test client: create, join by code, answer anonymously, the live
summary, commentary, closing, throttling, the group API, isolation between facilitators and a
simulated workshop of 60 participants."""

from __future__ import annotations

import io
import random
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from assessment.db.models import Assessment, Group
from assessment.domain.groups import Member, summarise
from assessment.domain.result import score
from assessment.services import accounts
from assessment.services.workshops import CODE_ALPHABET

from .test_api_openapi import check
from .web_helpers import answers, api_join, finish, load

PASSWORD = "a long enough password"
# A PNG signature and header (64 x 32 pixels): enough for the upload checks, which never decode.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (64).to_bytes(4, "big") + (32).to_bytes(4, "big") + b"\x00" * 64
)


def facilitator(app: Flask, email: str) -> tuple[FlaskClient, str]:
    """A logged-in browser for a new facilitator, and an API token of theirs."""
    with app.extensions["database"].session() as s:
        user = accounts.create_user(s, email, PASSWORD)
        token = accounts.create_token(s, user)
        s.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client, token


def create(client: FlaskClient, **fields) -> str:
    data = {
        "name": "Board away-day",
        "organisation": "Acme Housing",
        "questionnaire": "social-organisation",
        "roles": ["leadership", "manager", "staff", "communications"],
        "leadership_roles": ["leadership"],
        "min_group_size": "3",
        "consultant": "Clear View Consulting",
        "is_open": "y",
    }
    data.update(fields)
    response = client.post("/workshops/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location.rsplit("/", 1)[1]


def group_row(app: Flask, group_id: str) -> Group:
    with app.extensions["database"].session() as s:
        group = s.get(Group, group_id)
        _ = group.questionnaire
        return group


def join(client: FlaskClient, code: str, role: str) -> str:
    """Join with the code and a role; returns the private token of the new assessment."""
    response = client.post(f"/join/{code}", data={"role": role})
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.fullmatch(r"/a/([\w-]+)/1", response.location)
    assert match, response.location
    return match.group(1)


# --------------------------------------------------------------------------- creating


def test_create_workshop_with_defaults_gives_a_readable_code(app, v1):
    client, _ = facilitator(app, "ann@example.org")
    page = client.get("/workshops/new").get_data(as_text=True)
    for role in ("leadership", "manager", "staff", "communications"):
        assert f'value="{role}"' in page
    group_id = create(client)
    group = group_row(app, group_id)
    assert len(group.join_code) == 6 and set(group.join_code) <= set(CODE_ALPHABET)
    assert not set(group.join_code) & set("0O1IL")
    assert group.settings["roles"] == ["leadership", "manager", "staff", "communications"]
    assert group.settings["leadership_roles"] == ["leadership"]
    assert group.settings["min_group_size"] == 3
    dashboard = client.get(f"/workshops/{group_id}").get_data(as_text=True)
    assert group.join_code in dashboard and f"/join/{group.join_code}" in dashboard
    listing = client.get("/workshops").get_data(as_text=True)
    assert "Board away-day" in listing and group.join_code in listing


def test_min_group_size_never_below_three(app):
    client, _ = facilitator(app, "ann@example.org")
    response = client.post(
        "/workshops/new",
        data={"name": "W", "questionnaire": "social-organisation", "roles": ["staff"], "min_group_size": "2"},
    )
    assert response.status_code == 422
    assert "never be below 3" in response.get_data(as_text=True)
    with app.extensions["database"].session() as s:
        assert s.scalar(select(Group)) is None


def test_leadership_roles_must_be_offered(app):
    client, _ = facilitator(app, "ann@example.org")
    response = client.post(
        "/workshops/new",
        data={
            "name": "W",
            "questionnaire": "social-organisation",
            "roles": ["staff", "manager"],
            "leadership_roles": ["leadership"],
            "min_group_size": "3",
        },
    )
    assert response.status_code == 422
    assert "must also be among the roles offered" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a" + b"\x00" * 10, "must be a PNG, JPEG or SVG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (512 * 1024), "at most 512 KB"),
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "could not be read"),
    ],
    ids=["gif", "too-big", "svg-entities", "svg-broken"],
)
def test_logo_must_be_a_small_png_jpeg_or_clean_svg(app, data, message):
    client, _ = facilitator(app, "ann@example.org")
    response = client.post(
        "/workshops/new",
        data={
            "name": "W",
            "questionnaire": "social-organisation",
            "roles": ["staff"],
            "leadership_roles": [],
            "min_group_size": "3",
            "logo": (io.BytesIO(data), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_png_logo_is_kept_and_served_only_to_the_owner(app):
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client, logo=(io.BytesIO(PNG), "logo.png"))
    response = client.get(f"/workshops/{group_id}/logo")
    assert response.status_code == 200 and response.data == PNG and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    other, _ = facilitator(app, "bob@example.org")
    assert other.get(f"/workshops/{group_id}/logo").status_code == 404


HOSTILE_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 viewBox="0 0 10 10" onload="alert(1)">
  <script>alert(2)</script>
  <style>.a{fill:#123456} .b{background:url(http://evil.example/x.png)}</style>
  <rect class="a" width="10" height="10" style="fill:url(https://evil.example/y)"/>
  <circle cx="5" cy="5" r="3" fill="#abcdef" onclick="alert(3)"/>
  <image href="file:///etc/passwd" width="1" height="1"/>
  <use xlink:href="https://evil.example/z.svg#a"/>
  <use href="#keep"/>
  <foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="x"/></body></foreignObject>
  <a href="javascript:alert(4)"><text>Acme</text></a>
</svg>"""


def test_svg_logo_is_kept_without_anything_that_could_run_or_fetch(app):
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client, logo=(io.BytesIO(HOSTILE_SVG), "logo.svg"))
    response = client.get(f"/workshops/{group_id}/logo")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    kept = response.get_data(as_text=True)
    for gone in (
        "alert",
        "script",
        "onload",
        "onclick",
        "evil.example",
        "/etc/passwd",
        "foreignObject",
        "iframe",
        "javascript",
        "<image",
        "<a ",
    ):
        assert gone not in kept, gone
    # The drawing itself survives: shapes, their colours, internal references.
    assert 'fill="#abcdef"' in kept and "<rect" in kept and 'href="#keep"' in kept
    assert 'viewBox="0 0 10 10"' in kept
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    # And the cleaned logo goes on the workshop report's cover.
    pdf = client.get(f"/workshops/{group_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "private, no-store"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"


def test_present_page_shows_code_link_and_an_svg_qr_code(app):
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    html = client.get(f"/workshops/{group_id}/present").get_data(as_text=True)
    assert code in html and f"http://localhost/join/{code}" in html
    assert "<svg" in html and "viewBox" in html
    qr = client.get(f"/workshops/{group_id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and qr.data.startswith(b"<?xml")


# --------------------------------------------------------------------------- joining and answering


def test_participant_joins_by_code_answers_anonymously_and_finishes(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    phone = app.test_client()
    form = phone.get(f"/join/{code.lower()}")  # case forgiven
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "anonymous" in html
    assert 'type="text"' not in html and 'name="name"' not in html  # nothing to type: no names
    token = join(phone, code, "staff")
    finish(phone, v1, token, answers(v1))
    (row,) = load(app, group_id=group_id)
    assert (row.role, row.status, row.organisation) == ("staff", "complete", "Acme Housing")
    # Nothing about the participant's network or browser is stored with the answers.
    stored = " ".join(str(getattr(row, c.key)) for c in Assessment.__table__.columns)
    assert "127.0.0.1" not in stored and "werkzeug" not in stored.lower() and "localhost" not in stored
    summary = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    # Rule 13: one person's scores are never the group's; nothing numeric below k = 3.
    assert (summary["started"], summary["complete"], summary["n"]) == (1, 1, 0)
    assert summary["published"]["shows_numbers"] is False and summary["scores"]["overall"] is None


def test_join_page_by_typing_the_code(app):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    phone = app.test_client()
    response = phone.post("/join", data={"code": f" {code[:3].lower()} {code[3:]} "})
    assert response.status_code == 302 and response.location == f"/join/{code}"


def test_role_is_required_and_must_be_offered(app):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner, roles=["staff", "leadership"])).join_code
    phone = app.test_client()
    assert "choose the role" in phone.post(f"/join/{code}", data={}).get_data(as_text=True)
    assert phone.post(f"/join/{code}", data={"role": "manager"}).status_code == 422
    with app.extensions["database"].session() as s:
        assert s.scalar(select(Assessment)) is None


def test_closed_workshop_refuses_new_answers(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    early = app.test_client()
    token = join(early, code, "staff")
    early.post(
        f"/a/{token}/1", data={i.id: "3" for i in v1.items_of(v1.dimensions[0].id)} | {"action": "next"}
    )
    assert owner.post(f"/workshops/{group_id}/open", data={"open": "0"}).status_code == 302
    late = app.test_client()
    refused = late.post(f"/join/{code}", data={"role": "staff"})
    assert refused.status_code == 409 and "closed" in refused.get_data(as_text=True)
    # Someone half-way through cannot save more, and keeps what was saved.
    second_page = {i.id: "3" for i in v1.items_of(v1.dimensions[1].id)} | {"action": "next"}
    assert early.post(f"/a/{token}/2", data=second_page).status_code == 409
    api = app.test_client().post(
        "/api/v1/assessments",
        json={
            "questionnaire": "social-organisation",
            "answers": answers(v1),
            "group_code": code,
            "role": "staff",
        },
    )
    assert api.status_code == 409 and "closed" in api.get_json()["error"]
    (row,) = load(app, group_id=group_id)
    assert len(row.answers) == len(v1.items_of(v1.dimensions[0].id))
    assert owner.post(f"/workshops/{group_id}/open", data={"open": "1"}).status_code == 302
    assert app.test_client().post(f"/join/{code}", data={"role": "staff"}).status_code == 302


def test_wrong_codes_are_throttled_per_address(app):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    guesser = app.test_client()
    wrong = "ABCDEF" if code != "ABCDEF" else "ABCDEG"
    for _ in range(60):
        assert guesser.get(f"/join/{wrong}").status_code == 404
    blocked = guesser.get(f"/join/{wrong}")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Too many wrong codes" in blocked.get_data(as_text=True)
    # Only wrong codes are refused: the right code still gets in from the same address.
    assert guesser.get(f"/join/{code}").status_code == 200
    # Another address is not affected.
    other = app.test_client()
    assert other.get(f"/join/{code}", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_wrong_codes_through_the_api_count_too(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    api = app.test_client()
    body = {"questionnaire": "social-organisation", "answers": answers(v1), "role": "staff"}
    for _ in range(60):
        response = api.post("/api/v1/assessments", json=body | {"group_code": "WRONG2"})
        assert response.status_code == 422
    blocked = api.post("/api/v1/assessments", json=body | {"group_code": "WRONG3"})
    assert blocked.status_code == 429 and "too many wrong group codes" in blocked.get_json()["error"]
    assert app.test_client().get("/join/WRONG4").status_code == 429  # the same address
    assert (
        api.post("/api/v1/assessments", json=body | {"participant_token": api_join(api, code)}).status_code
        == 201
    )


def test_sixty_joins_a_minute_from_one_address_all_succeed(app):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    room = [app.test_client() for _ in range(60)]
    for n, phone in enumerate(room):
        assert phone.get(f"/join/{code}").status_code == 200
        join(phone, code, ["leadership", "manager", "staff", "communications"][n % 4])
    assert owner.get(f"/workshops/{group_id}/summary.json").get_json()["started"] == 60


# --------------------------------------------------------------------------- the simulated workshop


def plausible(v1, role: str, rng: random.Random) -> dict[str, object]:
    lift = 0.2 if role == "leadership" else 0.0
    out: dict[str, object] = {}
    for item in v1.items:
        if item.allow_unsure and rng.random() < 0.05:
            out[item.id] = "unsure"
            continue
        level = min(1.0, max(0.0, 0.45 + lift + rng.gauss(0, 0.2)))
        if item.reverse:
            level = 1 - level
        values = sorted(o.value for o in item.options)
        out[item.id] = values[round(level * (len(values) - 1))]
    return out


def test_a_workshop_of_sixty_participants(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    rng = random.Random(60)
    roles = ["leadership"] * 8 + ["manager"] * 12 + ["staff"] * 32 + ["communications"] * 8
    given = []
    for role in roles:
        phone = app.test_client()
        token = join(phone, code, role)
        mine = plausible(v1, role, rng)
        finish(phone, v1, token, mine)
        given.append((role, mine))

    summary = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert (summary["started"], summary["complete"], summary["n"]) == (60, 60, 60)
    # The same figures straight from the domain, from the answers the participants gave.
    members = []
    for role, mine in given:
        result = score(v1, mine)
        members.append(Member(role, {d.id: d.score for d in result.dimensions}, mine))
    expected = summarise(v1, members, {"leadership"}, 3)
    assert summary["scores"]["overall"] == pytest.approx(expected.result.overall)
    for d in v1.dimensions:
        got = summary["dimensions"][d.id]
        assert got["mean"] == pytest.approx(expected.stats[d.id].mean)
        assert got["sd"] == pytest.approx(expected.stats[d.id].sd)
        assert got["n"] == expected.stats[d.id].n
        assert got["rwg"] == pytest.approx(expected.agreement[d.id].rwg)
        assert summary["perception_gap"]["dimensions"][d.id]["gap"] == pytest.approx(
            expected.gap.dimensions[d.id]["gap"]
        )
    assert summary["perception_gap"]["withheld"] is False
    assert summary["perception_gap"]["subgroups"] == {"leaders": 8, "others": 52}
    assert [p["item"] for p in summary["prompts"]] == [p.item for p in expected.prompts]
    assert len(summary["prompts"]) == 5
    assert all(sum(o["count"] for o in p["distribution"]) == 60 for p in summary["prompts"])
    assert summary["classification"]["id"] == expected.result.classification.id
    # Leaders were made rosier: the gap shows it.
    assert all(summary["perception_gap"]["dimensions"][d.id]["gap"] > 0 for d in v1.dimensions)

    page = owner.get(f"/workshops/{group_id}").get_data(as_text=True)
    assert '60</span><span class="count-label">complete' in page.replace("\n", "")
    assert f"{expected.result.overall:.0f}" in page
    pdf = owner.get(f"/workshops/{group_id}/report.pdf")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Acme Housing" in text and "Clear View Consulting" in text


def test_perception_gap_withheld_on_the_dashboard_until_both_sides_have_three(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    for role in ["leadership", "leadership", "staff", "staff", "staff"]:
        phone = app.test_client()
        finish(phone, v1, join(phone, code, role), answers(v1))
    summary = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    gap = summary["perception_gap"]
    assert gap["withheld"] is True and gap["dimensions"] == {}
    assert "fewer than 3 leaders" in gap["reason"]
    page = owner.get(f"/workshops/{group_id}").get_data(as_text=True)
    assert "fewer than 3 leaders" in page
    phone = app.test_client()
    finish(phone, v1, join(phone, code, "leadership"), answers(v1))
    # Rule 13: one more response does not move the published snapshot, so the gap stays withheld
    # and the close control says what closing would publish.
    later = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert later["perception_gap"]["withheld"] is True and later["n"] == 5
    assert later["published"]["unpublished"] == 1
    assert "Closing now publishes 1 response not yet shown" in owner.get(f"/workshops/{group_id}").get_data(
        as_text=True
    )
    assert owner.post(f"/workshops/{group_id}/open", data={"open": "0"}).status_code == 302
    closed = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert closed["perception_gap"]["withheld"] is False and closed["n"] == 6
    assert closed["perception_gap"]["subgroups"] == {"leaders": 3, "others": 3}


# --------------------------------------------------------------------------- commentary


def test_commentary_hides_and_reorders_recommendations_in_the_report(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    for role in ["leadership", "staff", "staff"]:
        phone = app.test_client()
        finish(phone, v1, join(phone, code, role), answers(v1, low=["policy", "dialogue"]))
    roadmap = owner.get(f"/workshops/{group_id}/summary.json").get_json()["roadmap"]
    assert len(roadmap) >= 3
    ids = [r["id"] for r in roadmap]
    hidden, last, first = ids[0], ids[1], ids[2]
    data = {"commentary": "The board should read this first.\n\nSecond paragraph.", "listed": ids}
    data["shown"] = [i for i in ids if i != hidden]
    for n, rec_id in enumerate(ids, start=1):
        data[f"position-{rec_id}"] = str(n)
    data[f"position-{last}"] = "99"
    data[f"position-{first}"] = "0"
    assert owner.post(f"/workshops/{group_id}/commentary", data=data).status_code == 302
    after = [r["id"] for r in owner.get(f"/workshops/{group_id}/summary.json").get_json()["roadmap"]]
    assert hidden not in after and after[0] == first and after[-1] == last
    page = owner.get(f"/workshops/{group_id}/commentary").get_data(as_text=True)
    assert "The board should read this first." in page
    pdf = owner.get(f"/workshops/{group_id}/report.pdf").data
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "The board should read this first." in text
    titles = {r["id"]: r["title"] for r in roadmap}
    assert titles[hidden] not in text
    bad = owner.post(f"/workshops/{group_id}/commentary", data=data | {f"position-{first}": "soon"})
    assert bad.status_code == 422 and "not a number" in bad.get_data(as_text=True)


# --------------------------------------------------------------------------- the API


def test_group_api_create_submit_summary_report(app, v1):
    _, token = facilitator(app, "ann@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    created = api.post(
        "/api/v1/groups",
        json={"name": "API workshop", "questionnaire": "social-organisation", "kind": "workshop"},
        headers=auth,
    )
    assert created.status_code == 201
    spec = api.get("/api/v1/openapi.json").get_json()
    check(spec, "/groups", "post", created)
    body = created.get_json()
    assert set(body) >= {"id", "join_code", "join_url"}
    assert body["join_url"].endswith(f"/join/{body['join_code']}")
    empty = api.get(f"/api/v1/groups/{body['id']}/summary", headers=auth)
    check(spec, "/groups/{group_id}/summary", "get", empty)  # nulls everywhere, still as documented
    assert empty.get_json()["n"] == 0 and empty.get_json()["scores"]["overall"] is None
    for role in ["leadership", "staff", "staff"]:
        submitted = api.post(
            "/api/v1/assessments",
            json={
                "questionnaire": "social-organisation",
                "answers": answers(v1),
                "participant_token": api_join(api, body["join_code"], role),
            },
        )
        assert submitted.status_code == 201
    response = api.get(f"/api/v1/groups/{body['id']}/summary", headers=auth)
    check(spec, "/groups/{group_id}/summary", "get", response)
    summary = response.get_json()
    assert summary["n"] == 3
    assert summary["scores"]["overall"] == pytest.approx(100.0)
    assert set(summary["dimensions"]["dialogue"]) >= {"mean", "median", "sd", "min", "max", "n", "rwg"}
    assert summary["dimensions"]["dialogue"]["rwg"] == pytest.approx(1.0)  # everyone answered alike
    assert summary["stage"]["id"] == v1.stages[-1].id
    assert summary["classification"]["id"] == "social_organisation"
    assert summary["perception_gap"]["withheld"] is True and summary["perception_gap"]["reason"]
    assert summary["prompts"] == []  # no disagreement at all
    pdf = api.get(f"/api/v1/groups/{body['id']}/report.pdf", headers=auth)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "private, no-store"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    check(spec, "/groups/{group_id}/report.pdf", "get", pdf)
    for path in ("/groups/{group_id}/summary", "/groups/{group_id}/report.pdf"):
        url = "/api/v1" + path.replace("{group_id}", body["id"])
        check(spec, path, "get", api.get(url))  # 401
        check(spec, path, "get", api.get(url.replace(body["id"], "nope"), headers=auth))  # 404
    check(spec, "/groups", "post", api.post("/api/v1/groups", json={}, headers=auth))  # 422


@pytest.mark.parametrize(
    ("body", "item"),
    [
        ({"questionnaire": "social-organisation"}, "name"),
        ({"name": "W", "questionnaire": "nope"}, "questionnaire"),
        ({"name": "W", "questionnaire": "social-organisation", "kind": "seminar"}, "kind"),
        ({"name": "W", "questionnaire": "social-organisation", "min_group_size": 2}, "min_group_size"),
        ({"name": "W", "questionnaire": "social-organisation", "roles": ["pilot"]}, "roles"),
        ({"name": "W", "questionnaire": "social-organisation", "colour": "red"}, "colour"),
    ],
)
def test_group_api_names_bad_fields(app, body, item):
    _, token = facilitator(app, "ann@example.org")
    response = app.test_client().post(
        "/api/v1/groups", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert item in [e["item"] for e in response.get_json()["errors"]]
    with app.extensions["database"].session() as s:
        assert s.scalar(select(Group)) is None


def test_group_api_malformed_json_is_400(app):
    _, token = facilitator(app, "ann@example.org")
    response = app.test_client().post(
        "/api/v1/groups",
        data=b"{nope",
        headers={"Authorization": f"Bearer {token}"},
        content_type="application/json",
    )
    assert response.status_code == 400


# --------------------------------------------------------------------------- isolation


def _routes(app: Flask, blueprint: str) -> list[tuple[str, str, set[str]]]:
    return [
        (rule.endpoint, rule.rule, set(rule.methods or ()) - {"HEAD", "OPTIONS"})
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(blueprint + ".") and "group_id" in rule.arguments
    ]


def test_another_facilitator_gets_nothing_from_any_route(app, v1):
    owner, owner_token = facilitator(app, "ann@example.org")
    group_id = create(owner, logo=(io.BytesIO(PNG), "logo.png"))
    code = group_row(app, group_id).join_code
    for role in ["leadership"] * 3 + ["staff"] * 3:
        phone = app.test_client()
        finish(phone, v1, join(phone, code, role), answers(v1))
    before = owner.get(f"/workshops/{group_id}/summary.json").get_json()

    intruder, intruder_token = facilitator(app, "mallory@example.org")
    pages = _routes(app, "facilitate")
    api_routes = _routes(app, "api_groups")
    assert len(pages) >= 10 and len(api_routes) >= 2  # every route with a group id, found from the app
    walked = 0
    for endpoint, rule, methods in pages:
        for method in methods:
            path = rule.replace("<group_id>", group_id).replace("<fmt>", "csv")
            data = {
                "open": "0",
                "name": "Hijacked",
                "commentary": "mine now",
                "roles": ["staff"],
                "min_group_size": "3",
            }
            response = intruder.open(path, method=method, data=data if method == "POST" else None)
            assert response.status_code == 404, (endpoint, method, response.status_code)
            assert b"Board away-day" not in response.data and code.encode() not in response.data
            walked += 1
    for fmt in ("csv", "xlsx", "pdf", "json"):
        assert intruder.get(f"/workshops/{group_id}/export.{fmt}").status_code == 404
    for endpoint, rule, methods in api_routes:
        for method in methods:
            path = rule.replace("<group_id>", group_id)
            mine = app.test_client().open(
                path, method=method, headers={"Authorization": f"Bearer {intruder_token}"}
            )
            assert mine.status_code == 404, endpoint
            assert b"Board away-day" not in mine.data
            anonymous = app.test_client().open(path, method=method)
            assert anonymous.status_code == 401, endpoint
            walked += 1
    assert walked >= 12
    # The intruder's own list does not show it either, and nothing changed for the owner.
    assert "Board away-day" not in intruder.get("/workshops").get_data(as_text=True)
    after = owner.get(f"/workshops/{group_id}/summary.json").get_json()
    assert after == before and after["name"] == "Board away-day" and after["is_open"] is True
    owned = app.test_client().get(
        f"/api/v1/groups/{group_id}/summary", headers={"Authorization": f"Bearer {owner_token}"}
    )
    assert owned.status_code == 200
    # Someone not logged in is sent to the login page, never shown the group.
    stranger = app.test_client()
    for _, rule, methods in pages:
        if "GET" in methods:
            response = stranger.get(rule.replace("<group_id>", group_id).replace("<fmt>", "csv"))
            assert response.status_code == 302 and response.location.startswith("/login")


def test_another_facilitator_gets_nothing_from_any_cohort_route(app, v1):
    """The same walk over every cohort page and API route, including the comparison routes
    whose cohort ids come in the query string."""
    _, owner_token = facilitator(app, "ann@example.org")
    api = app.test_client()
    auth = {"Authorization": f"Bearer {owner_token}"}
    ids = []
    for name in ("Spring course", "Autumn course"):
        created = api.post(
            "/api/v1/groups",
            json={"name": name, "questionnaire": "social-organisation", "kind": "cohort"},
            headers=auth,
        )
        ids.append(created.get_json()["id"])
    group_id, other_id = ids
    code = group_row(app, group_id).join_code
    for n in range(3):
        body = {
            "questionnaire": "social-organisation",
            "answers": answers(v1),
            "group_code": code,
            "respondent_code": f"code{n}x",
        }
        assert api.post("/api/v1/assessments", json=body).status_code == 201
    before = api.get(f"/api/v1/groups/{group_id}/change", headers=auth).get_json()

    intruder, intruder_token = facilitator(app, "mallory@example.org")
    pages = _routes(app, "cohorts")
    api_routes = _routes(app, "api_cohorts")
    assert len(pages) >= 8 and len(api_routes) >= 2
    query = f"?a={group_id}&b={other_id}&from=pre&to=post"
    walked = 0
    for endpoint, rule, methods in pages:
        for method in methods:
            path = rule.replace("<group_id>", group_id).replace("<fmt>", "csv") + query
            data = {"open": "0", "wave": "post", "wave_id": "mine", "label": "Mine"}
            response = intruder.open(path, method=method, data=data if method == "POST" else None)
            assert response.status_code == 404, (endpoint, method, response.status_code)
            assert b"Spring course" not in response.data and code.encode() not in response.data
            walked += 1
    # The comparison routes take the ids in the query: either id being someone else's is a 404.
    comparisons = [
        ("/cohorts/compare", "/cohorts/compare.pdf"),
        ("/api/v1/cohorts/compare", "/api/v1/cohorts/compare.pdf"),
    ]
    for own_a, own_b in ((group_id, other_id), (other_id, group_id)):
        for path in comparisons[0]:
            assert intruder.get(f"{path}?a={own_a}&b={own_b}").status_code == 404, path
            walked += 1
        for path in comparisons[1]:
            mine = app.test_client().get(
                f"{path}?a={own_a}&b={own_b}", headers={"Authorization": f"Bearer {intruder_token}"}
            )
            assert mine.status_code == 404 and b"Spring course" not in mine.data, path
            assert app.test_client().get(f"{path}?a={own_a}&b={own_b}").status_code == 401, path
            walked += 1
    for endpoint, rule, methods in api_routes:
        for method in methods:
            path = rule.replace("<group_id>", group_id) + query
            mine = app.test_client().open(
                path, method=method, headers={"Authorization": f"Bearer {intruder_token}"}
            )
            assert mine.status_code == 404, endpoint
            assert b"Spring course" not in mine.data
            anonymous = app.test_client().open(path, method=method)
            assert anonymous.status_code == 401, endpoint
            walked += 1
    assert walked >= 18
    assert "Spring course" not in intruder.get("/cohorts").get_data(as_text=True)
    # The workshop pages do not list cohorts, and a cohort id is no workshop API back door.
    assert "Spring course" not in intruder.get("/workshops").get_data(as_text=True)
    after = api.get(f"/api/v1/groups/{group_id}/change", headers=auth).get_json()
    assert after == before
    with app.extensions["database"].session() as s:
        group = s.get(Group, group_id)
        assert group.is_open and group.settings["open_wave"] == "pre" and len(group.settings["waves"]) == 2
    stranger = app.test_client()
    for _, rule, methods in pages:
        if "GET" in methods:
            response = stranger.get(rule.replace("<group_id>", group_id).replace("<fmt>", "csv") + query)
            assert response.status_code == 302 and response.location.startswith("/login")
    for path in ("/cohorts/compare", "/cohorts/compare.pdf"):
        response = stranger.get(f"{path}?a={group_id}&b={other_id}")
        assert response.status_code == 302 and response.location.startswith("/login")


# --------------------------------------------------------------------------- settings and the demo


def test_settings_change_roles_size_and_logo(app):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner, logo=(io.BytesIO(PNG), "logo.png"))
    page = owner.get(f"/workshops/{group_id}/settings").get_data(as_text=True)
    assert 'value="Board away-day"' in page and "Remove the current logo" in page
    data = {
        "name": "Board away-day (afternoon)",
        "organisation": "Acme Housing",
        "roles": ["leadership", "staff"],
        "leadership_roles": ["leadership"],
        "min_group_size": "5",
        "consultant": "Clear View",
        "remove_logo": "1",
    }
    assert owner.post(f"/workshops/{group_id}/settings", data=data).status_code == 302
    group = group_row(app, group_id)
    assert group.name == "Board away-day (afternoon)" and group.is_open is False  # unticked: closed
    assert group.settings["roles"] == ["leadership", "staff"] and group.settings["min_group_size"] == 5
    assert group.logo is None
    too_small = owner.post(f"/workshops/{group_id}/settings", data=data | {"min_group_size": "1"})
    assert too_small.status_code == 422 and "never be below 3" in too_small.get_data(as_text=True)
    assert group_row(app, group_id).settings["min_group_size"] == 5  # nothing lost


def test_demo_fills_a_workshop_to_look_at(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    password = re.search(r"password: (\S+)", result.output).group(1)
    dashboard = re.search(r"(/workshops/\S+);", result.output).group(1)
    client = app.test_client()
    assert client.post("/login", data={"email": "demo@example.org", "password": password}).status_code == 302
    summary = client.get(dashboard + "/summary.json").get_json()
    assert (summary["complete"], summary["started"]) == (36, 38)
    assert summary["perception_gap"]["withheld"] is False
    gaps = summary["perception_gap"]["dimensions"]
    assert all(row["gap"] > 0 for row in gaps.values())  # leaders see it rosier
    assert {d["agreement"] for d in summary["dimensions"].values()} >= {"high", "moderate"}
    assert len(summary["prompts"]) == 5
