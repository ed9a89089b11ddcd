"""The parts of a submission's cost, for ``bench_submit.py --decompose``: two instruments that
gunicorn serves beside the bare endpoint and the real application.

- ``hooks_app()``: the application itself (its middleware, before- and after-request hooks,
  session and security headers) with one extra route, ``POST /api/v1/bench-insert``, that does
  exactly the bare endpoint's work. Its cost over the bare endpoint is the application's own
  frame around every request.
- ``precomputed_scoring_app()``: the application with ``score`` (rules 3 to 16) answered from a
  result computed once per distinct set of answers. The benchmark sends one body, so every
  request after the first skips the scoring and does everything else for real: parsing, checks,
  look-ups, the two INSERTs, the commit and the whole reply. Its cost is the submission's cost
  without the scoring.

These are measuring instruments, never served by the product: the result cache would be wrong in
production (a repeated answer set is rare and would not be worth remembering), and here it only
makes the scoring's share measurable.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Flask, jsonify, request
from sqlalchemy import Column, MetaData, String, Table, Text, insert

from assessment import create_app
from assessment.web.extensions import csrf

HOOKS_PATH = "/api/v1/bench-insert"
HOOKS_TABLE = "bench_hook_rows"


def rows_table(name: str, metadata: MetaData | None = None) -> Table:
    """The one-row-per-request table of the bare endpoint (and of ``hooks_app``)."""
    return Table(
        name, metadata or MetaData(), Column("id", String(64), primary_key=True), Column("body", Text)
    )


def insert_one_row(engine: Any, table: Table) -> Callable[[], Any]:
    """The bare endpoint's view: parse the JSON body, insert one row, answer 201."""

    def submit() -> Any:
        body = request.get_json()
        row_id = uuid.uuid4().hex
        with engine.begin() as connection:
            connection.execute(insert(table).values(id=row_id, body=json.dumps(body)))
        return jsonify({"id": row_id}), 201

    return submit


def hooks_app() -> Flask:
    """The application with the bare endpoint's work at ``HOOKS_PATH``: under /api/, so the JSON
    body check runs on it as on a submission."""
    app = create_app()  # DATABASE_URL and SECRET_KEY from the environment, as app.py's
    engine = app.extensions["database"].engine  # the application's own pool
    bp = Blueprint("bench", __name__)
    csrf.exempt(bp)  # as every API blueprint is: no cookies, no session to forge
    bp.add_url_rule(HOOKS_PATH, "insert", insert_one_row(engine, rows_table(HOOKS_TABLE)), methods=["POST"])
    app.register_blueprint(bp)
    return app


def precomputed_scoring_app() -> Flask:
    """The application with its scoring answered from a result computed once per answer set."""
    from assessment.services import self_assessment

    real_score = self_assessment.score
    computed: dict[tuple[int, tuple[tuple[str, Any], ...], Any], Any] = {}

    def score(questionnaire: Any, answers: Mapping[str, Any], profile: Any = None) -> Any:
        key = (id(questionnaire), tuple(sorted(answers.items())), profile)
        if key not in computed:
            computed[key] = real_score(questionnaire, answers, profile)
        return computed[key]

    self_assessment.score = score  # type: ignore[assignment]
    return create_app()
