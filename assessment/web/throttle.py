"""Wrong join codes, limited per address across every worker and machine: the ``limits``
library's fixed-window strategy on shared storage, Redis when ``REDIS_URL`` is set, otherwise the app's
own database (the ``limits`` library has no SQL storage, so ``DatabaseStorage`` below is a small
one on the ``rate_limits`` table: one upserted row per address and window).

Only wrong codes are counted, and only after the code was looked up, so a right code always
gets in, even from an address over the limit (a room behind one NAT address where someone
mistyped, or guessed, sixty times). Past the limit, every wrong code from that address is a 429
with ``Retry-After`` until the window ends. The trade-off, chosen on purpose: an address over the
limit still learns that a right code is right; what the limit buys is that wrong codes stop
being answered with "no such workshop" at any rate above 60 a minute per address.

Behind a reverse proxy the address is the client's only when ``TRUSTED_PROXIES`` is set
(security.py), otherwise every participant would share the proxy's address.

The library is used directly, not through Flask-Limiter: no route carries a limit, so that
extension's before/after-request hooks found nothing to do on every request, at a tenth of a
submission's own time (bench/bench_submit.py).
"""

from __future__ import annotations

import random
import time
from typing import Any

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

WRONG_CODES = "60/minute"


class DatabaseStorage(Storage):
    """A ``limits`` storage for fixed windows in the ``rate_limits`` table (SQLite 3.35+ or
    PostgreSQL: both have INSERT ... ON CONFLICT ... RETURNING, so a hit is one statement and
    two workers can never both take the last slot)."""

    STORAGE_SCHEME = ["appdb"]  # noqa: RUF012  (the base class declares it so)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine: Engine = options["engine"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.engine.begin() as connection:
            hits = connection.execute(
                text(
                    "INSERT INTO rate_limits (key, hits, expires_at) VALUES (:key, :amount, :expires) "
                    "ON CONFLICT (key) DO UPDATE SET "
                    "hits = CASE WHEN rate_limits.expires_at <= :now THEN :amount "
                    "ELSE rate_limits.hits + :amount END, "
                    "expires_at = CASE WHEN rate_limits.expires_at <= :now THEN :expires "
                    "ELSE rate_limits.expires_at END "
                    "RETURNING hits"
                ),
                {"key": key, "amount": amount, "expires": now + expiry, "now": now},
            ).scalar_one()
            if random.random() < 0.01:
                connection.execute(text("DELETE FROM rate_limits WHERE expires_at <= :now"), {"now": now})
        return int(hits)

    def get(self, key: str) -> int:
        with self.engine.connect() as connection:
            hits = connection.execute(
                text("SELECT hits FROM rate_limits WHERE key = :key AND expires_at > :now"),
                {"key": key, "now": time.time()},
            ).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as connection:
            expires = connection.execute(
                text("SELECT expires_at FROM rate_limits WHERE key = :key"), {"key": key}
            ).scalar()
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(text("DELETE FROM rate_limits")).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(text("DELETE FROM rate_limits WHERE key = :key"), {"key": key})


def _address() -> str:
    return request.remote_addr or "unknown"


class Limits:
    """A storage and the fixed-window strategy on it (the shape the callers below use)."""

    def __init__(self, storage: Storage):
        self.storage = storage
        self.limiter = FixedWindowRateLimiter(storage)


class JoinCodeThrottle:
    """The app's limit on wrong join codes, shared by the join pages and the API."""

    def __init__(self, limiter: Limits, limit: str = WRONG_CODES):
        self.limiter = limiter
        self.item: RateLimitItem = parse(limit)

    def wrong_code(self) -> int:
        """Count one wrong code from this request's address; the seconds it must wait before
        trying again when it is now over the limit, else 0."""
        address = _address()
        if self.limiter.limiter.hit(self.item, "wrong-join-code", address):
            return 0
        reset, _ = self.limiter.limiter.get_window_stats(self.item, "wrong-join-code", address)
        return max(1, int(reset - time.time()) + 1)

    def reset(self) -> None:
        self.limiter.storage.reset()


def throttle() -> JoinCodeThrottle:
    return current_app.extensions["join_code_throttle"]


def register(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        uri, options = redis_url, {}
    else:
        uri, options = "appdb://", {"engine": app.extensions["database"].engine}
    app.extensions["join_code_throttle"] = JoinCodeThrottle(Limits(storage_from_string(uri, **options)))
