"""Security headers on every response, the session cookie's Secure flag, trusted proxies and a
logout that ends the session on the server too."""

from __future__ import annotations

import pytest

from assessment import create_app

from .test_workshop import PASSWORD, create, facilitator, group_row
from .web_helpers import answers as all_answers
from .web_helpers import finish, start


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";")}


def test_every_page_has_a_strict_csp_no_framing_and_nosniff(app, v1):
    client = app.test_client()
    token = start(client)
    results = finish(client, v1, token, all_answers(v1))
    for path in ("/", f"/a/{token}/1", results, "/login", "/join", "/no-such-page", "/api/v1/questionnaires"):
        response = client.get(path)
        csp = _csp(response)
        assert csp["script-src"] == "script-src 'self'", path  # no inline script, no eval
        assert csp["frame-ancestors"] == "frame-ancestors 'none'"
        assert csp["object-src"] == "object-src 'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff", path


def test_static_files_and_plotly_are_nosniff_and_cacheable(client):
    for path in ("/static/app.js", "/assets/plotly.min.js"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_token_pages_send_no_referrer_and_are_not_stored(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    client = app.test_client()
    token = start(client)
    results = finish(client, v1, token, all_answers(v1))
    private = [f"/a/{token}/1", results, f"/join/{code}"]
    for path in private:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert "no-store" in response.headers["Cache-Control"], path
    for path in (f"/workshops/{group_id}", f"/workshops/{group_id}/present", "/workshops"):
        response = owner.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers["Cache-Control"], path
    assert owner.get(f"/workshops/{group_id}/present").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"


START = {"questionnaire": "social-organisation"}  # starting an assessment sets the session


def test_session_cookie_is_secure_over_https_only_unless_configured(app):
    plain = app.test_client().post("/start", data=START)
    assert plain.status_code == 302
    assert "Secure" not in plain.headers["Set-Cookie"]  # a laptop on http://localhost still works
    tls = app.test_client().post("/start", data=START, base_url="https://localhost")
    assert "Secure" in tls.headers["Set-Cookie"] and "HttpOnly" in tls.headers["Set-Cookie"]


def test_session_cookie_secure_by_setting(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = app.test_client().post("/start", data=START)
    assert "Secure" in response.headers["Set-Cookie"]


def test_https_behind_a_trusted_proxy_gives_secure_cookies(database_url, questionnaire_dir, app):
    config = {"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False}
    config["QUESTIONNAIRE_DIR"] = str(questionnaire_dir)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    untrusted = create_app(config)
    response = untrusted.test_client().post("/start", data=START, headers=forwarded)
    assert "Secure" not in response.headers["Set-Cookie"]  # anyone can send that header
    trusted = create_app(config | {"TRUSTED_PROXIES": 1})
    response = trusted.test_client().post("/start", data=START, headers=forwarded)
    assert "Secure" in response.headers["Set-Cookie"]
    for a in (untrusted, trusted):
        a.extensions["database"].engine.dispose()


def test_a_copied_session_cookie_stops_working_after_logout(app):
    owner, _ = facilitator(app, "ann@example.org")
    assert owner.get("/workshops").status_code == 200
    stolen = app.test_client()
    stolen.set_cookie("session", owner.get_cookie("session").value)
    assert stolen.get("/workshops").status_code == 200  # the copy works while logged in
    assert owner.post("/logout").status_code == 302
    response = stolen.get("/workshops")
    assert response.status_code == 302 and response.location.startswith("/login")
    # Logging in again works, and gives a fresh session.
    assert owner.post("/login", data={"email": "ann@example.org", "password": PASSWORD}).status_code == 302
    assert owner.get("/workshops").status_code == 200
    assert stolen.get("/workshops").status_code == 302


@pytest.mark.parametrize("path", ["/api/v1/no-such", "/static/nothing.js"])
def test_error_responses_carry_the_headers_too(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers
