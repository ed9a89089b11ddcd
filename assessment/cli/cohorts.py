"""``flask --app app demo-cohort``: two example cohorts to look at (a course answered before and
after, with a few mistyped codes, and last year's cohort to compare with)."""

from __future__ import annotations

import random
import secrets

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from ..db.models import Group
from ..domain.questionnaire import Questionnaire
from ..services import accounts, cohorts, self_assessment
from ..services.questionnaires import current_version, questionnaire_of
from .facilitators import DEMO_EMAIL, _session

# Where the course starts per dimension (0..1) and what it adds on average.
START = {"dialogue": 0.4, "interaction": 0.45, "engagement": 0.35, "leadership": 0.3, "policy": 0.5}
GAIN = {"dialogue": 0.12, "interaction": 0.06, "engagement": 0.1, "leadership": 0.16, "policy": 0.02}


def course_answers(q: Questionnaire, base: dict[str, float], rng: random.Random) -> dict[str, int | str]:
    answers: dict[str, int | str] = {}
    for item in q.items:
        level = min(1.0, max(0.0, base.get(item.dimension, 0.4) + rng.gauss(0, 0.15)))
        if item.reverse:
            level = 1.0 - level
        values = sorted(o.value for o in item.options)
        answers[item.id] = values[round(level * (len(values) - 1))]
    return answers


def build_demo_cohorts(
    session: Session, version_id: str, secret: str | bytes, *, seed: int = 11, size: int = 30
) -> tuple[Group, Group]:
    """This year's cohort (``size`` before; after: all but two matched, two mistyped codes) and
    last year's (before only). Returns (this year, last year)."""
    owner = accounts.user_by_email(session, DEMO_EMAIL)
    if owner is None:
        password = secrets.token_urlsafe(10)
        owner = accounts.create_user(session, DEMO_EMAIL, password, "Demo Consulting")
    version = current_version(session, version_id)
    q = questionnaire_of(version)
    rng = random.Random(seed)
    last = cohorts.create_cohort(
        session, owner.id, version, name="Social leadership course 2025", trainer="Demo"
    )
    this = cohorts.create_cohort(
        session,
        owner.id,
        version,
        name="Social leadership course 2026",
        organisation="Managers of five client organisations",
        waves=cohorts.check_waves(
            [
                {"id": "pre", "label": "Before the course"},
                {"id": "post", "label": "After the course"},
                {"id": "followup", "label": "Three months later"},
            ]
        ),
        trainer="Demo Consulting",
    )
    session.flush()
    for n in range(size - 6):
        base = {d: v - 0.03 + rng.gauss(0, 0.1) for d, v in START.items()}
        wave, code_hash = cohorts.entry_for(session, last, secret, f"last{n:03d}")
        self_assessment.submit(
            session, q.id, course_answers(q, base, rng), group=last, wave=wave, respondent_hash=code_hash
        )
    people = [({d: v + rng.gauss(0, 0.1) for d, v in START.items()}, f"code{n:03d}") for n in range(size)]
    for base, code in people:
        wave, code_hash = cohorts.entry_for(session, this, secret, code)
        self_assessment.submit(
            session, q.id, course_answers(q, base, rng), group=this, wave=wave, respondent_hash=code_hash
        )
    cohorts.set_open_wave(this, "post")
    for n, (base, code) in enumerate(people):
        after = {d: v + GAIN[d] + rng.gauss(0, 0.06) for d, v in base.items()}
        typed = f"cdoe{n:03d}" if n >= size - 2 else code.upper()  # two people mistype their code
        wave, code_hash = cohorts.entry_for(session, this, secret, typed)
        self_assessment.submit(
            session, q.id, course_answers(q, after, rng), group=this, wave=wave, respondent_hash=code_hash
        )
    session.flush()
    return this, last


@click.command("demo-cohort")
@with_appcontext
def demo_cohort_command() -> None:
    """Two example cohorts: this year's before and after the course, and last year's."""
    database = current_app.extensions["database"]
    database.upgrade()
    with _session() as session:
        current_app.extensions["questionnaires"].register_all(session)
        session.commit()
        password = secrets.token_urlsafe(10)
        user = accounts.user_by_email(session, DEMO_EMAIL)
        if user is None:
            user = accounts.create_user(session, DEMO_EMAIL, password, "Demo Consulting")
        else:
            accounts.set_password(user, password)
        this, last = build_demo_cohorts(
            session, current_app.config["DEFAULT_QUESTIONNAIRE"], current_app.config["SECRET_KEY"]
        )
        session.commit()
        click.echo(
            f"Demo cohorts “{this.name}” (30 before, 30 after, 2 codes mistyped) and “{last.name}” (24)."
        )
        click.echo("Start the app with `flask --app app run`, open http://127.0.0.1:5000/login and log in as")
        click.echo(f"  e-mail:   {user.email}")
        click.echo(f"  password: {password}")
        click.echo(f"The cohort is at /cohorts/{this.id}; before vs after at /cohorts/{this.id}/change.")


def register(app) -> None:  # type: ignore[no-untyped-def]
    app.cli.add_command(demo_cohort_command)
