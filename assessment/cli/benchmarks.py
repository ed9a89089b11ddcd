"""Benchmark commands (SCORING.md rule 18):

    flask --app app benchmark export FILE [--questionnaire ID] [--version V]
    flask --app app benchmark import FILE
    flask --app app benchmark status [--questionnaire ID]
    flask --app app demo-benchmark [--remove]

Export writes the pool's anonymous entries (JSON, with the questionnaire version and a hash of
its scoring); import adds another installation's, refusing a file whose questionnaire or scoring
differs and skipping entries imported before."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .. import services
from ..domain.organisation import SECTORS, SIZE_BANDS
from ..domain.questionnaire import Questionnaire
from ..services import benchmarks
from ..services.questionnaires import current_version, questionnaire_of, version_named

group = AppGroup("benchmark", help="Share the anonymous comparison pool between installations.")

DEMO_LABEL = (
    "a DEMO pool of {n} made-up organisations ({q} {v}): pages and reports label it as demo data; "
    "remove it with `flask demo-benchmark --remove` before real use"
)


def _questionnaire(session, questionnaire_id: str | None, version: str | None) -> Questionnaire:  # type: ignore[no-untyped-def]
    qid = questionnaire_id or current_app.config["DEFAULT_QUESTIONNAIRE"]
    try:
        row = version_named(session, qid, version) if version else current_version(session, qid)
    except services.NotFound:
        raise click.ClickException(
            f"no questionnaire {qid!r}{f' version {version!r}' if version else ''} is registered here"
        ) from None
    return questionnaire_of(row)


def _session():  # type: ignore[no-untyped-def]
    return current_app.extensions["database"].session()


def _status_line(session, q: Questionnaire) -> str:  # type: ignore[no-untyped-def]
    status = benchmarks.status(session, q)
    minimum = q.thresholds.benchmark_min
    line = f"{q.id} {q.version}: {status.published} organisations shown, {status.pending} waiting"
    line += " for the next update"
    if status.published < minimum:
        line += f"; {minimum - status.published} more needed before any comparison shows"
    if status.demo:
        line += f" ({status.demo} of them demo entries)"
    return line


@group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--questionnaire", "questionnaire_id", help="Questionnaire id (default: the app's default).")
@click.option("--version", help="Questionnaire version (default: the current one).")
@with_appcontext
def export_command(file: Path, questionnaire_id: str | None, version: str | None) -> None:
    """Write the anonymous entries of one questionnaire version to FILE (JSON)."""
    with _session() as s:
        q = _questionnaire(s, questionnaire_id, version)
        data = benchmarks.export_pool(s, q)
    file.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    click.echo(f"Wrote {len(data['entries'])} anonymous entries of {q.id} {q.version} to {file}.")


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Add another installation's exported entries from FILE (marked as imported)."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{file}: not a JSON file ({exc})") from None
    with _session() as s:
        try:
            outcome = benchmarks.import_pool(s, data, sectors=SECTORS, size_bands=[v for v, _ in SIZE_BANDS])
        except benchmarks.BenchmarkError as exc:
            s.rollback()
            raise click.ClickException(f"{file}: {exc}; nothing was imported") from None
        s.commit()
        q = _questionnaire(s, outcome.questionnaire, outcome.version)
        status = _status_line(s, q)
    if outcome.added == 0:
        click.echo(
            f"Nothing new in {file}: its {outcome.skipped} entries were imported before (or came from here)."
        )
    else:
        skipped = f"; {outcome.skipped} imported before were skipped" if outcome.skipped else ""
        click.echo(f"Imported {outcome.added} entries of {outcome.questionnaire} {outcome.version}{skipped}.")
    click.echo(status)


@group.command("status")
@click.option("--questionnaire", "questionnaire_id", help="Questionnaire id (default: the app's default).")
@click.option("--version", help="Questionnaire version (default: the current one).")
@with_appcontext
def status_command(questionnaire_id: str | None, version: str | None) -> None:
    """How many organisations the comparison shows, and how many more it needs."""
    with _session() as s:
        click.echo(_status_line(s, _questionnaire(s, questionnaire_id, version)))


@click.command("demo-benchmark")
@click.option("--remove", is_flag=True, help="Remove the demo pool instead.")
@click.option("--size", default=80, show_default=True, help="How many made-up organisations.")
@with_appcontext
def demo_benchmark_command(remove: bool, size: int) -> None:
    """Fill the comparison with a clearly labelled demo pool, so a new user sees the feature."""
    with _session() as s:
        q = _questionnaire(s, None, None)
        if remove:
            n = benchmarks.remove_demo_pool(s, q)
            s.commit()
            benchmarks.forget()
            click.echo(f"Removed {n} demo entries.")
            click.echo(_status_line(s, q))
            return
        if benchmarks.status(s, q).demo:
            raise click.ClickException("a demo pool is already there (remove it with --remove first)")
        n = benchmarks.add_demo_pool(s, q, SECTORS, [v for v, _ in SIZE_BANDS], size=size)
        s.commit()
        click.echo("Added " + DEMO_LABEL.format(n=n, q=q.id, v=q.version) + ".")
        click.echo(_status_line(s, q))


def register(app) -> None:  # type: ignore[no-untyped-def]
    app.cli.add_command(group)
    app.cli.add_command(demo_benchmark_command)
