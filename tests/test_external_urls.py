"""Issue 21, item 3: every address the API hands out (bodies and Location headers) and every page
link to another device comes from PUBLIC_URL when set, else from a trusted host, never from the
request's Host header."""

from __future__ import annotations

from assessment.web import room

from .test_workshop import facilitator
from .web_helpers import answers

EVIL = {"Host": "evil.example"}


def _urls(app, token: str, v1) -> list[str]:
    client = app.test_client()
    auth = {**EVIL, "Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/groups", json={"name": "Links", "questionnaire": "social-organisation"}, headers=auth
    )
    assert created.status_code == 201
    body = created.get_json()
    submitted = client.post(
        "/api/v1/assessments",
        json={"questionnaire": "social-organisation", "answers": answers(v1)},
        headers=EVIL,
    )
    assert submitted.status_code == 201
    listed = client.get("/api/v1/questionnaires", headers=EVIL).get_json()["questionnaires"]
    spec = client.get("/api/v1/openapi.json", headers=EVIL).get_json()
    return [
        body["join_url"],
        body["summary_url"],
        body["report_url"],
        created.headers["Location"],
        submitted.get_json()["report_url"],
        submitted.headers["Location"],
        *(q["url"] for q in listed),
        *(s["url"] for s in spec["servers"]),
    ]


def test_public_url_is_used_for_every_api_address(app, v1):
    app.config["PUBLIC_URL"] = "https://workshops.example.org/"
    _, token = facilitator(app, "ann@example.org")
    urls = _urls(app, token, v1)
    assert len(urls) >= 8
    for url in urls:
        assert url.startswith("https://workshops.example.org/"), url


def test_without_public_url_a_strangers_host_is_never_copied(app, v1, monkeypatch):
    monkeypatch.setattr(room, "lan_addresses", lambda: ["192.168.1.20"])
    _, token = facilitator(app, "ann@example.org")
    for url in _urls(app, token, v1):
        assert "evil.example" not in url
        assert url.startswith("http://192.168.1.20/"), url


def test_the_private_link_on_a_page_comes_from_public_url(app, v1):
    app.config["PUBLIC_URL"] = "https://workshops.example.org"
    client = app.test_client()
    started = client.post("/start", data={"questionnaire": "social-organisation"}, headers=EVIL)
    token = started.location.split("/")[2]
    page = client.get(f"/a/{token}/1", headers=EVIL).get_data(as_text=True)
    assert f"https://workshops.example.org/a/{token}" in page
    assert "evil.example" not in page
