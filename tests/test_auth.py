"""Facilitator accounts: sign up, log in and out, the CLI commands and API tokens."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from assessment import create_app
from assessment.db.models import ApiToken, User
from assessment.services import accounts

PASSWORD = "correct horse battery"


def signup(client, email="ann@example.org", password=PASSWORD, **extra):
    return client.post(
        "/signup", data={"email": email, "password": password, "confirm": password, "name": "Ann", **extra}
    )


def login(client, email="ann@example.org", password=PASSWORD, next_url=None):
    path = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={"email": email, "password": password})


def user_row(app, email="ann@example.org") -> User | None:
    with app.extensions["database"].session() as s:
        return s.scalar(select(User).where(User.email == email))


def test_signup_logs_in_and_stores_an_argon2_hash(app, client):
    response = signup(client)
    assert response.status_code == 302 and response.location == "/workshops"
    assert client.get("/workshops").status_code == 200
    user = user_row(app)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_signup_refuses_a_taken_address_a_short_password_and_a_mismatch(client):
    assert signup(client).status_code == 302
    client.post("/logout")
    taken = signup(client, email="ANN@example.org")
    assert taken.status_code == 422
    assert "already exists" in taken.get_data(as_text=True)
    short = signup(client, email="bob@example.org", password="short")
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    mismatch = client.post(
        "/signup", data={"email": "cy@example.org", "password": PASSWORD, "confirm": PASSWORD + "x"}
    )
    assert "not the same" in mismatch.get_data(as_text=True)


def test_login_logout_and_protected_pages(app, client):
    with app.app_context():
        s = app.extensions["database"].session()
        accounts.create_user(s, "ann@example.org", PASSWORD)
        s.commit()
        s.close()
    anonymous = client.get("/workshops")
    assert anonymous.status_code == 302 and anonymous.location.startswith("/login")
    wrong = login(client, password="not the password")
    assert wrong.status_code == 422
    assert "not right" in wrong.get_data(as_text=True)
    assert login(client).location == "/workshops"
    assert client.get("/workshops").status_code == 200
    assert client.post("/logout").location == "/login"
    assert client.get("/workshops").status_code == 302


def test_login_clears_the_session_and_never_redirects_off_site(app, client):
    signup(client)
    client.post("/logout")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = login(client, next_url="//evil.example/steal")
    assert response.location == "/workshops"
    with client.session_transaction() as session:
        assert "planted" not in session
    client.post("/logout")
    assert login(client, next_url="/workshops/new").location == "/workshops/new"


def test_forms_need_csrf_tokens(database_url, questionnaire_dir):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "DATABASE_URL": database_url,
            "QUESTIONNAIRE_DIR": str(questionnaire_dir),
        }
    )
    app.test_cli_runner().invoke(args=["init"])
    client = app.test_client()
    response = signup(client)
    assert response.status_code == 400  # no CSRF token: refused before anything is saved
    assert user_row(app) is None
    app.extensions["database"].engine.dispose()


def test_user_create_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(args=["user", "create", "Dee@Example.org"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with app.extensions["database"].session() as s:
        assert accounts.authenticate(s, "dee@example.org", PASSWORD) is not None
        assert accounts.authenticate(s, "dee@example.org", "wrong password!") is None
    again = runner.invoke(args=["user", "create", "dee@example.org"], input=PASSWORD + "\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["user", "create", "eve@example.org"], input="short\n")
    assert short.exit_code != 0 and "at least 10" in short.output


def test_token_create_makes_the_user_and_stores_only_a_hash(app, runner, client):
    result = runner.invoke(args=["token", "create", "api@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert len(token) >= 40
    with app.extensions["database"].session() as s:
        rows = list(s.scalars(select(ApiToken)))
        assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
        assert user_row(app, "api@example.org") is not None
    second = runner.invoke(args=["token", "create", "api@example.org"]).output.strip().splitlines()[-1]
    assert second != token  # a second token for the same user, the first still valid
    for good in (token, second):
        response = client.post(
            "/api/v1/groups",
            json={"name": "W", "questionnaire": "social-organisation", "kind": "workshop"},
            headers={"Authorization": f"Bearer {good}"},
        )
        assert response.status_code == 201


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "bearer  "], ids=str
)
def test_api_without_a_valid_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.post(
        "/api/v1/groups", json={"name": "W", "questionnaire": "social-organisation"}, headers=headers
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.get_json()["message"]


def test_api_ignores_a_logged_in_browser_session(client):
    # Cookies are not credentials for the API, so a cross-site request cannot ride on them.
    signup(client)
    response = client.post("/api/v1/groups", json={"name": "W", "questionnaire": "social-organisation"})
    assert response.status_code == 401
