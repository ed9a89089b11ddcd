"""flask commands for facilitators: ``user create``, ``token create`` and ``demo``."""

from __future__ import annotations

import random
import secrets
import sys
from datetime import UTC, datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from ..db.models import Assessment, Group, User
from ..domain.questionnaire import Questionnaire
from ..services import accounts, participants, workshops
from ..services.questionnaires import current_version, questionnaire_of

user_cli = AppGroup("user", help="Facilitator accounts.")
token_cli = AppGroup("token", help="API tokens for facilitators.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    # Piped in (scripts, CI): the first line of stdin, without its line break.
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@user_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Shown as the consultant on reports.")
def user_create(email: str, name: str) -> None:
    """Create a facilitator account for EMAIL; the password is asked for (or read from stdin)."""
    password = _read_password()
    with _session() as session:
        try:
            user = accounts.create_user(session, email, password, name)
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
        click.echo(f"Created facilitator {user.email}. Log in at /login.")


@token_cli.command("create")
@click.argument("email")
@click.option("--label", default="", help="A note to tell tokens apart.")
def token_create(email: str, label: str) -> None:
    """Print a new API token for EMAIL (creating the account if missing) as the last line."""
    with _session() as session:
        user = accounts.user_by_email(session, email)
        if user is None:
            try:
                user = accounts.create_user(session, email, None)
            except accounts.AccountError as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(f"Created facilitator {user.email} (no password yet: API use only).")
        token = accounts.create_token(session, user, label)
        session.commit()
        click.echo("Send it as 'Authorization: Bearer TOKEN'. It is shown only this once:")
        click.echo(token)


def _session() -> Session:
    return current_app.extensions["database"].session()


# --------------------------------------------------------------------------- demo

DEMO_EMAIL = "demo@example.org"
# Where each dimension stands (0..1) for the demo organisation, and how much rosier leaders see it.
DEMO_LEVELS = {"dialogue": 0.48, "interaction": 0.42, "engagement": 0.36, "leadership": 0.55, "policy": 0.3}
ROLE_SHIFT = {"leadership": 0.16, "manager": 0.05, "communications": 0.02, "staff": -0.06}
# How much people's answers scatter per dimension: leadership involvement is contested.
DEMO_NOISE = {"dialogue": 0.14, "interaction": 0.18, "engagement": 0.16, "leadership": 0.3, "policy": 0.2}
DEMO_ROLES = ["leadership"] * 5 + ["manager"] * 8 + ["communications"] * 5 + ["staff"] * 18


def demo_answers(q: Questionnaire, role: str, rng: random.Random) -> dict[str, int | str]:
    """Plausible answers: the organisation's level per dimension, shifted by role, with personal
    and per-question noise (so people disagree), and an occasional "unsure"."""
    answers: dict[str, int | str] = {}
    personal = {d.id: rng.gauss(0, 0.12) for d in q.dimensions}
    for item in q.items:
        if item.allow_unsure and rng.random() < 0.07:
            answers[item.id] = "unsure"
            continue
        shift = ROLE_SHIFT.get(role, 0.0) * (2.0 if item.dimension == "leadership" else 1.0)
        level = DEMO_LEVELS.get(item.dimension, 0.45) + shift + personal[item.dimension]
        level += rng.gauss(0, DEMO_NOISE.get(item.dimension, 0.15))
        level = min(1.0, max(0.0, level))
        if item.reverse:
            level = 1.0 - level
        values = sorted(o.value for o in item.options)
        answers[item.id] = values[round(level * (len(values) - 1))]
    return answers


def build_demo(session: Session, version_id: str, *, seed: int = 7) -> tuple[User, Group, str]:
    """A facilitator with a populated workshop; returns (user, group, password)."""
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    password = "".join(secrets.choice(alphabet) for _ in range(14))
    user = accounts.user_by_email(session, DEMO_EMAIL)
    if user is None:
        user = accounts.create_user(session, DEMO_EMAIL, password, "Demo Consulting")
    else:
        accounts.set_password(user, password)
    version = current_version(session, version_id)
    q = questionnaire_of(version)
    group = workshops.create_workshop(
        session,
        user.id,
        version,
        name="Leadership and staff workshop",
        organisation="Northwind Housing Trust",
        settings=workshops.check_settings(q, None, None, None, "Demo Consulting"),
    )
    session.flush()
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(minutes=50)
    for n, role in enumerate(DEMO_ROLES):
        # As a participant does: join (one response, with a role), then answer it once.
        assessment = participants.join(session, group, role)
        participants.submit(session, assessment, demo_answers(q, role, rng))
        assessment.created_at = start + timedelta(minutes=n * 0.6)
        assessment.completed_at = assessment.created_at + timedelta(minutes=rng.uniform(8, 16))
    # Two people still answering.
    for role in ("staff", "manager"):
        partial = participants.join(session, group, role)
        assessment_answers = demo_answers(q, role, rng)
        partial.answers = {k: v for k, v in list(assessment_answers.items())[:9]}
        partial.page = 2
    session.flush()
    return user, group, password


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Fill the database with an example workshop of 36 respondents and print how to see it."""
    database = current_app.extensions["database"]
    database.upgrade()
    with _session() as session:
        current_app.extensions["questionnaires"].register_all(session)
        session.commit()
        existing = session.query(Assessment).count()
        user, group, password = build_demo(session, current_app.config["DEFAULT_QUESTIONNAIRE"])
        session.commit()
        if existing:
            click.echo(
                f"Note: the database already held {existing} assessments; the demo was added beside them."
            )
        click.echo(
            f"Demo workshop “{group.name}” for {group.organisation}: "
            f"{len(DEMO_ROLES)} complete, 2 in progress."
        )
        click.echo("Start the app with `flask --app app run`, open http://127.0.0.1:5000/login and log in as")
        click.echo(f"  e-mail:   {user.email}")
        click.echo(f"  password: {password}")
        click.echo(
            f"The dashboard is at /workshops/{group.id}; participants can join with code {group.join_code}."
        )


def register(app) -> None:  # type: ignore[no-untyped-def]
    app.cli.add_command(user_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(demo_command)
