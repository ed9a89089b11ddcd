"""Wrong join codes are limited to 60 a minute per address across every worker and machine
(shared storage: the database, or Redis), only wrong codes count, a right code always gets in,
and client addresses come from X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import os

import pytest
import redis

from assessment import create_app

from .test_workshop import create, facilitator, group_row

# The SQLite and PostgreSQL runs of the suite may run at the same time (scripts/test): each
# flushes a Redis database of its own.
REDIS_TEST_URL = f"redis://127.0.0.1:6379/{14 if os.environ.get('TEST_DATABASE_URL') else 15}"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def _second_app(app, **config):
    """Another worker (or machine) on the same database."""
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": app.config["DATABASE_URL"],
            "QUESTIONNAIRE_DIR": app.config["QUESTIONNAIRE_DIR"],
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )
    return other


def _guess(client, n, wrong="ABCDEF", **kwargs):
    return [client.get(f"/join/{wrong}", **kwargs).status_code for _ in range(n)]


def test_the_limit_is_shared_by_workers_on_the_same_database(app):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    wrong = "ABCDEF" if code != "ABCDEF" else "ABCDEG"
    other = _second_app(app)
    try:
        # 30 wrong codes on each of two workers: together they reach the limit.
        assert _guess(app.test_client(), 30, wrong) == [404] * 30
        assert _guess(other.test_client(), 30, wrong) == [404] * 30
        assert _guess(app.test_client(), 1, wrong) == [429]
        assert _guess(other.test_client(), 1, wrong) == [429]
        # The right code is never refused for someone else's wrong guesses, on either worker.
        assert app.test_client().get(f"/join/{code}").status_code == 200
        assert other.test_client().post(f"/join/{code}", data={"role": "staff"}).status_code == 302
        # Another address is not affected.
        assert _guess(other.test_client(), 1, wrong, environ_base={"REMOTE_ADDR": "10.0.0.9"}) == [404]
    finally:
        other.extensions["database"].engine.dispose()


def test_right_codes_are_not_counted(app):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    room = app.test_client()
    for _ in range(100):
        assert room.get(f"/join/{code}").status_code == 200
    assert _guess(room, 1, "ABCDEF" if code != "ABCDEF" else "ABCDEG") == [404]


def test_the_join_form_counts_wrong_codes_too(app):
    client = app.test_client()
    statuses = [client.post("/join", data={"code": "ZZZZZZ"}).status_code for _ in range(61)]
    assert statuses == [404] * 60 + [429]
    assert "Please wait" in client.post("/join", data={"code": "ZZZZZY"}).get_data(as_text=True)


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app):
    proxied = _second_app(app, TRUSTED_PROXIES=1)
    try:
        client = proxied.test_client()
        first = {"X-Forwarded-For": "198.51.100.1"}
        assert _guess(client, 61, headers=first)[-1] == 429
        assert _guess(client, 1, headers={"X-Forwarded-For": "198.51.100.2"}) == [404]
    finally:
        proxied.extensions["database"].engine.dispose()


def test_without_a_trusted_proxy_the_header_is_ignored(app):
    client = app.test_client()
    for n in range(61):  # a guesser cannot escape the limit by inventing addresses
        status = client.get("/join/ABCDEF", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
    assert status == 429


@pytest.mark.redis
@pytest.mark.skipif(not _redis_up(), reason=f"no Redis at {REDIS_TEST_URL}")
def test_redis_storage_is_shared_by_workers(app):
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    one = _second_app(app, REDIS_URL=REDIS_TEST_URL)
    two = _second_app(app, REDIS_URL=REDIS_TEST_URL)
    try:
        assert _guess(one.test_client(), 40) == [404] * 40
        assert _guess(two.test_client(), 20) == [404] * 20
        assert _guess(two.test_client(), 1) == [429]
        assert _guess(app.test_client(), 1) == [404]  # the database-backed app counts apart
        assert redis.Redis.from_url(REDIS_TEST_URL).keys("*wrong-join-code*")
    finally:
        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
        for a in (one, two):
            a.extensions["database"].engine.dispose()
