"""Idempotency keys for ``POST /api/v1/assessments``: a client that retries a submission (a
dropped connection, a double tap) with the same ``Idempotency-Key`` gets the first answer back
and nothing new is stored. Kept in the database, so it holds across workers and restarts.

Keys are scoped by who sent them (a hash of the API token when one is sent, else of the
address), so two clients that happen to pick the same key never see each other's response; a
key reused with a different body is refused rather than answered with someone else's result.
Only successful submissions are remembered: a request refused as invalid may be corrected and
sent again with the same key. ``flask purge`` removes keys older than its cut-off.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import IdempotencyKey

MAX_KEY_LENGTH = 200


class KeyReused(ValueError):
    """The key was first used with a different request body."""


def check_key(key: str) -> str | None:
    """Why ``key`` is unusable, or None when it is fine (1-200 visible ASCII characters)."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return f"the Idempotency-Key header must be 1 to {MAX_KEY_LENGTH} characters"
    if not all(33 <= ord(c) <= 126 for c in key):
        return "the Idempotency-Key header may hold only visible ASCII characters (a UUID is ideal)"
    return None


def scope_of(bearer_token: str | None, address: str) -> str:
    who = f"token:{bearer_token}" if bearer_token else f"address:{address}"
    return hashlib.sha256(who.encode()).hexdigest()


def request_hash(body: Any) -> str:
    """The same JSON value gives the same hash whatever its key order or spacing."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Stored:
    status: int
    body: dict[str, Any]
    assessment_id: str | None


def replay(session: Session, scope: str, key: str, body_hash: str) -> Stored | None:
    """The first response to this key, or None if it is new; KeyReused for another body."""
    row = session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    )
    if row is None:
        return None
    if row.request_hash != body_hash:
        raise KeyReused(
            "this Idempotency-Key was already used with a different request body; "
            "use a new key for a new submission"
        )
    return Stored(row.status, dict(row.body), row.assessment_id)


def remember(
    session: Session,
    scope: str,
    key: str,
    body_hash: str,
    status: int,
    body: dict[str, Any],
    assessment_id: str | None,
) -> None:
    """Record the response in the caller's transaction; a concurrent first use of the same key
    makes the flush fail with IntegrityError (the caller rolls back and replays)."""
    session.add(
        IdempotencyKey(
            scope=scope,
            key=key,
            request_hash=body_hash,
            status=status,
            body=body,
            assessment_id=assessment_id,
        )
    )
    session.flush()
