"""``flask questionnaire health [--version V] [--json]``: SCORING.md rule 19 from this
installation's complete responses, as a table to read or as the API's JSON."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import services
from ..domain.figures import shown_number
from ..domain.health import InstrumentHealth
from ..domain.questionnaire import Questionnaire
from ..services.health import health_with_definition
from ..services.questionnaires import current_versions
from .questionnaires import questionnaire_cli

PROBLEM_WORDS = {
    "alpha": "alpha under 0.7: the area's items do not hang together",
    "item_rest": "item-rest under 0.3: the item agrees little with the rest of its area",
    "floor": "more than 80% chose the lowest answer",
    "ceiling": "more than 80% chose the highest answer",
    "unsure": "more than 30% answered unsure",
}
COLUMNS = ("item", "item-rest", "lowest", "highest", "unsure", "n/a", "missing")


@questionnaire_cli.command("health")
@click.option("--version", "version", default=None, help="The version to read; default the current one.")
@click.option(
    "--questionnaire",
    "questionnaire_id",
    default=None,
    help="The questionnaire id; default the only (or first) one registered.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON instead of a table.")
@with_appcontext
def health_command(version: str | None, questionnaire_id: str | None, as_json: bool) -> None:
    """Instrument health (alpha, item-rest, floor and ceiling shares, flags) of a questionnaire
    version, from every complete response in the database."""
    db = current_app.extensions["database"]
    with db.session() as session:
        if questionnaire_id is None:
            current = current_versions(session)
            if not current:
                raise click.ClickException("no questionnaire is registered: run `flask init` first")
            questionnaire_id = current[0].questionnaire_id
        try:
            q, health = health_with_definition(session, questionnaire_id, version)
        except services.NotFound as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(health.to_dict(), indent=2))
    else:
        click.echo(health_table(q, health))


def _r(value: float | None) -> str:
    return shown_number(value, 2).text


def _pct(value: float | None) -> str:
    return "-" if value is None else shown_number(value * 100, 0).text + "%"


def health_table(q: Questionnaire, health: InstrumentHealth) -> str:
    """The figures as plain text: one block per dimension, then the flags in words."""
    lines = [f"{q.id} {health.version}: {health.n_responses} complete responses", ""]
    width = max([len(i.id) for i in q.items] + [len(COLUMNS[0])])
    for d in q.dimensions:
        dh = health.dimensions[d.id]
        alpha = _r(dh.alpha) if dh.alpha is not None else "not shown (needs n >= 30 and 2 items)"
        lines.append(f"{d.label} ({d.id}): n = {dh.n} complete sets, alpha {alpha}")
        lines.append("  " + COLUMNS[0].ljust(width) + "".join(c.rjust(10) for c in COLUMNS[1:]))
        for item in q.items_of(d.id):
            h = dh.items[item.id]
            cells = [_r(h.item_rest), *map(_pct, (h.floor, h.ceiling, h.unsure, h.not_applicable, h.missing))]
            lines.append("  " + item.id.ljust(width) + "".join(c.rjust(10) for c in cells))
        lines.append("")
    if health.flags:
        lines.append("Flags:")
        for f in health.flags:
            lines.append(f"  {f.item or f.dimension}: {PROBLEM_WORDS[f.problem]}")
    else:
        lines.append("No flags.")
    return "\n".join(lines)
