"""flask commands: init, questionnaire validate, score, report (and demo, user, token later)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from ..domain.questionnaire import (
    QuestionnaireError,
    load_questionnaire,
    load_translation,
    load_translations,
    sidecar_language,
    translated_file,
)
from ..domain.result import score
from ..domain.roadmap import Profile
from ..domain.scoring import InvalidAnswers

questionnaire_cli = AppGroup("questionnaire", help="Work with questionnaire files.")


@questionnaire_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_command(files: tuple[str, ...]) -> None:
    """Check questionnaire FILES and their translations (or translation files themselves)
    against the schema and the rules; print OK or every error as file:line: reason."""
    failed = False
    for name in files:
        language = sidecar_language(name)
        questionnaire_file = translated_file(name) if language else Path(name)
        try:
            q = load_questionnaire(questionnaire_file)
            if language:
                translations = [load_translation(name, q)]
            else:
                click.echo(
                    f"OK {name}: {q.id} {q.version}, {len(q.dimensions)} dimensions, "
                    f"{len(q.items)} items, {len(q.recommendations)} recommendations"
                )
                translations = load_translations(name, q)
        except QuestionnaireError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            continue
        for translation in translations:
            click.echo(f"OK {translation.source}: {q.id} {q.version} in {translation.language}, complete")
    if failed:
        sys.exit(1)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database and register the questionnaire files (safe to run twice)."""
    from sqlalchemy.exc import OperationalError

    db = current_app.extensions["database"]
    try:
        db.upgrade()
    except OperationalError as exc:
        # A wrong DATABASE_URL (no such database, server down, a folder that does not exist)
        # deserves its reason in one line, not a traceback.
        # The driver's message can run over lines (psycopg: the failure, then a hint); all of it.
        reason = " ".join(str(exc.orig).split())
        raise click.ClickException(f"cannot open the database {_safe_url(db.url)}: {reason}") from None
    with db.session() as session, session.begin():
        try:
            registered = current_app.extensions["questionnaires"].register_all(session)
        except QuestionnaireError as exc:
            raise click.ClickException(f"a questionnaire file is broken:\n{exc}") from None
        for row, added in registered:
            state = "registered" if added else "already registered"
            click.echo(f"{row.questionnaire_id} {row.version} ({row.content_hash[:12]}): {state}")
    click.echo(f"Database ready: {_safe_url(db.url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.command("score")
@with_appcontext
@click.argument("file", type=click.File("r", encoding="utf-8"))
def score_command(file) -> None:  # type: ignore[no-untyped-def]
    """Score FILE.json ({"questionnaire": id, "answers": {...}}) and print the result JSON."""
    try:
        request = json.load(file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{file.name} is not valid JSON: {exc}") from None
    if not isinstance(request, dict) or "questionnaire" not in request:
        raise click.ClickException('expected {"questionnaire": id, "answers": {item_id: value}}')
    registry = current_app.extensions["questionnaires"]
    files = registry.files()
    by_id = {q.id: q for q in files}  # oldest first, so each id keeps its newest version
    q = by_id.get(request["questionnaire"])
    if q is None:
        raise click.ClickException(
            f"unknown questionnaire {request['questionnaire']!r} (known: {', '.join(sorted(by_id))})"
        )
    wanted = request.get("version")
    if wanted is not None:
        versions = {f.version: f for f in files if f.id == q.id}
        if wanted not in versions:
            raise click.ClickException(f"unknown version {wanted!r} (known: {', '.join(versions)})")
        q = versions[wanted]
    try:
        profile = Profile(
            size_band=str(request.get("size_band") or ""), sector=str(request.get("sector") or "")
        )
        result = score(q, request.get("answers", {}), profile)
    except InvalidAnswers as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem.item}: {problem.message}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))


def register(app: Flask) -> None:
    app.cli.add_command(questionnaire_cli)
    app.cli.add_command(init_command)
    app.cli.add_command(score_command)
