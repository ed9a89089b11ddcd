"""``flask --app app purge --older-than DAYS [--yes]``: remove old responses (docs/privacy.md)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..services import retention


@click.command("purge")
@with_appcontext
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    required=True,
    metavar="DAYS",
    help="Remove responses completed (or, if unfinished, last saved) more than DAYS days ago.",
)
@click.option("--yes", is_flag=True, help="Really delete; without it nothing is changed (a dry run).")
def purge_command(days: int, yes: bool) -> None:
    """Remove anonymous responses older than DAYS days: complete assessments finished before
    then and unfinished ones last saved before then, workshop responses included. Workshops
    themselves stay. A dry run by default: prints the counts and changes nothing."""
    db = current_app.extensions["database"]
    with db.session() as session:
        counts = retention.purge(session, days, apply=yes)
        if yes:
            session.commit()
    verb = "Deleted" if yes else "Would delete"
    click.echo(
        f"{verb} {counts.total} responses older than {days} days "
        f"(before {counts.cutoff:%Y-%m-%d %H:%M} UTC): "
        f"{counts.complete} complete, {counts.in_progress} unfinished, {counts.in_groups} of them in "
        f"workshops; and {counts.idempotency_keys} remembered API replies."
    )
    if not yes:
        click.echo("Dry run: nothing was deleted. Add --yes to delete.")


def register(app: Flask) -> None:
    app.cli.add_command(purge_command)
