"""Facilitator accounts in the browser: sign up, log in, log out (Flask-Login), and the Bearer
token check the group API uses. Respondents never log in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import update
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..db.models import User
from ..i18n import _, _l
from ..services import accounts
from . import db
from .extensions import login_manager

bp = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])


class Facilitator(UserMixin):
    """What Flask-Login keeps for a request: the id and a few plain values, never a live ORM
    object (the request's session closes when the request ends)."""

    def __init__(self, user: User):
        self.id = user.id
        self.email = user.email
        self.name = user.name
        self.generation = user.session_generation or 0

    def get_id(self) -> str:
        # The session generation travels with the id: logging out bumps it in the database, so
        # every copy of the old session cookie stops working at once.
        return f"{self.id}.{self.generation}"


@login_manager.user_loader
def _load_user(session_id: str) -> Facilitator | None:
    user_id, _dot, generation = session_id.partition(".")
    if not (user_id.isdigit() and generation.isdigit()):
        return None  # includes sessions from before generations existed: log in again
    user = db().get(User, int(user_id))
    if user is None or (user.session_generation or 0) != int(generation):
        return None
    return Facilitator(user)


login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see your workshops.")
login_manager.login_message_category = "info"


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(message=_l("Please enter your e-mail address."))]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Please enter your password."))]
    )


class SignupForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[Length(max=200)],
        description=_l("Optional. Shown as the consultant on reports."),
    )
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(message=_l("Please enter your e-mail address."))]
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Please choose a password.")),
            Length(
                min=accounts.MIN_PASSWORD,
                max=200,
                message=_l("Please use at least %(n)s characters.", n=accounts.MIN_PASSWORD),
            ),
        ],
        description=_l("At least %(n)s characters.", n=accounts.MIN_PASSWORD),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The two passwords are not the same."))],
    )


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("facilitate.workshops")


def _start_session(user: User) -> None:
    # Whatever the browser carried before (a half-done form, another account) is dropped, so a
    # session fixed by someone else before login is worthless after it.
    session.clear()
    login_user(Facilitator(user))


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> Any:
    form = SignupForm()
    if form.validate_on_submit():
        s = db()
        try:
            user = accounts.create_user(s, form.email.data or "", form.password.data, form.name.data or "")
        except accounts.AccountError as exc:
            text = _(exc.template, **exc.values)
            form.email.errors.append(text[0].upper() + text[1:] + ".")
        else:
            s.commit()
            _start_session(user)
            flash(_("Your account is ready. Create your first workshop below."), "success")
            return redirect(url_for("facilitate.workshops"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        s = db()
        user = accounts.authenticate(s, form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append(_("The e-mail address or the password is not right."))
        else:
            s.commit()  # a rehashed password is saved
            target = _safe_next(request.args.get("next"))
            _start_session(user)
            return redirect(target)
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    # One UPDATE, so two logouts at once both count.
    db().execute(
        update(User)
        .where(User.id == current_user_id())
        .values(session_generation=User.session_generation + 1)
    )
    db().commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


# --------------------------------------------------------------------------- API tokens


def bearer_user() -> User | None:
    """The user of an ``Authorization: Bearer TOKEN`` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return accounts.user_for_token(db(), token.strip())


def token_required(view: F) -> F:
    """API views: 401 without a valid Bearer token (cookies are not accepted, so the API is
    safe from cross-site requests without CSRF tokens); ``g.api_user`` is the facilitator."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = bearer_user()
        if user is None:
            response = jsonify(
                {
                    "error": "unauthorised",
                    "message": "send a valid API token as 'Authorization: Bearer TOKEN'",
                }
            )
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current_user_id() -> int:
    """The logged-in facilitator's id (views are behind login_required)."""
    if not current_user.is_authenticated:
        abort(401)
    return int(current_user.id)
