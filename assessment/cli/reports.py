"""``flask --app app report ID -o FILE``: write one assessment's PDF report."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from reports.sections import CORE, FULL

from .. import services
from ..services import self_assessment
from ..services.reports import ReportNotReady, assessment_report_filename, assessment_report_pdf


@click.command("report")
@with_appcontext
@click.argument("assessment_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the PDF (default: a name from the organisation and date, here).",
)
@click.option(
    "--full",
    is_flag=True,
    help="The full edition: adds every answer, the coverage and the method (default: the core).",
)
def report_command(assessment_id: str, output: Path | None, full: bool) -> None:
    """Write the PDF report of assessment ASSESSMENT_ID (the core edition unless --full)."""
    edition = FULL if full else CORE
    db = current_app.extensions["database"]
    with db.session() as session:
        try:
            assessment = self_assessment.get_assessment(session, assessment_id)
        except services.NotFound:
            raise click.ClickException(f"no assessment with id {assessment_id!r}") from None
        try:
            pdf = assessment_report_pdf(session, assessment, edition)
        except ReportNotReady as exc:
            raise click.ClickException(str(exc)) from None
        target = output or Path(assessment_report_filename(assessment, edition))
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {target} ({len(pdf) // 1024} KB)")


def register(app: Flask) -> None:
    app.cli.add_command(report_command)
