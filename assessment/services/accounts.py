"""Facilitator accounts and API tokens (use cases; no Flask).

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile).
API tokens are 256 random bits shown once; only their SHA-256 is stored, which is enough for a
secret with that much entropy (a slow hash protects guessable passwords, not random tokens).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.models import ApiToken, User
from ..domain.text import N_

_hasher = PasswordHasher()
# A fixed hash to verify against when the e-mail is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD = 10
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A sign-up or login problem, with a message fit to show the person: in English as
    ``str()`` (the API), and as ``template`` and ``values`` for a page to translate."""

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template % values)
        self.template, self.values = template, values


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    cleaned = normalise_email(email)
    if not EMAIL.match(cleaned) or len(cleaned) > 320:
        raise AccountError(N_("%(email)r does not look like an e-mail address"), email=email.strip())
    return cleaned


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(N_("the password must have at least %(n)s characters"), n=MIN_PASSWORD)


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(session: Session, email: str, password: str | None, name: str = "") -> User:
    """A new facilitator; raises AccountError when the address is taken or the password too short.
    ``password`` None makes an account that can use API tokens but not log in until one is set."""
    address = check_email(email)
    if user_by_email(session, address) is not None:
        raise AccountError(N_("an account for %(address)s already exists"), address=address)
    user = User(email=address, name=name.strip()[:200])
    if password is not None:
        set_password(user, password)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    check_password(password)
    user.password_hash = _hasher.hash(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user whose e-mail and password match, else None (same work done either way)."""
    user = user_by_email(session, email)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, label: str = "") -> str:
    """A new API token for ``user``; the only time the token itself exists is this return value."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=token_digest(token), label=label[:200]))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    return None if row is None else row.user
