"""``flask --app app report ID -o FILE``: write one assessment's PDF report."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

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
def report_command(assessment_id: str, output: Path | None) -> None:
    """Write the PDF report of assessment ASSESSMENT_ID."""
    db = current_app.extensions["database"]
    with db.session() as session:
        try:
            assessment = self_assessment.get_assessment(session, assessment_id)
        except services.NotFound:
            raise click.ClickException(f"no assessment with id {assessment_id!r}") from None
        try:
            pdf = assessment_report_pdf(session, assessment)
        except ReportNotReady as exc:
            raise click.ClickException(str(exc)) from None
        target = output or Path(assessment_report_filename(assessment))
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        raise click.ClickException(f"cannot write {target}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {target} ({len(pdf) // 1024} KB)")


def register(app: Flask) -> None:
    app.cli.add_command(report_command)
