"""Instrument health (SCORING.md rule 19) for facilitators: the JSON endpoint (Bearer token, as
the other facilitator endpoints) and a page that explains each figure in plain words.

The figures are aggregates over every complete response to one questionnaire version in this
installation, so any facilitator may read them; no response, group or organisation is named.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from .. import services
from ..domain import health as rules
from ..domain.figures import shown_number
from ..services.health import health_of, health_with_definition
from ..services.questionnaires import registered_versions
from . import db
from .auth import token_required
from .extensions import csrf
from .local import local_figure
from .openapi import Error, operation
from .schemas_health import InstrumentHealth

api_bp = Blueprint("api_health", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)  # Bearer tokens only, never cookies
bp = Blueprint("health", __name__)

HEALTH_QUERY = {
    "version": {
        "schema": {"type": "string"},
        "description": "The questionnaire version, e.g. 1.0; default the current version.",
    }
}


@api_bp.get("/questionnaires/<questionnaire_id>/health")
@operation(
    "getQuestionnaireHealth",
    "Instrument health of a questionnaire version from this installation's complete responses "
    "(alpha, item-rest correlations, floor and ceiling shares, flags; SCORING.md rule 19)",
    bearer=True,
    params={"questionnaire_id": "The questionnaire's id."},
    query=HEALTH_QUERY,
    tag="questionnaires",
    responses={200: ("The figures", InstrumentHealth), 404: ("No such questionnaire or version", Error)},
)
@token_required
def health_json(questionnaire_id: str) -> Response | tuple[Response, int]:
    try:
        result = health_of(db(), questionnaire_id, request.args.get("version") or None)
    except services.NotFound as exc:
        return jsonify({"error": str(exc)}), 404
    response = jsonify(result.to_dict())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/questionnaires/health")
@login_required
def health_default() -> Response:
    """The workshop list links here: the installation's default questionnaire, current version."""
    return redirect(
        url_for("health.health_page", questionnaire_id=current_app.config["DEFAULT_QUESTIONNAIRE"])
    )


@bp.get("/questionnaires/<questionnaire_id>/health")
@login_required
def health_page(questionnaire_id: str) -> str:
    session = db()
    try:
        q, result = health_with_definition(session, questionnaire_id, request.args.get("version") or None)
    except services.NotFound:
        abort(404)
    # Items and dimensions apart: a file may give an item the id of a dimension.
    flagged_items: dict[str, list[str]] = {}
    flagged_dimensions: dict[str, list[str]] = {}
    for flag in result.flags:
        if flag.item is not None:
            flagged_items.setdefault(flag.item, []).append(flag.problem)
        else:
            flagged_dimensions.setdefault(flag.dimension or "", []).append(flag.problem)
    return render_template(
        "health/show.html",
        q=q,
        health=result,
        flagged_items=flagged_items,
        flagged_dimensions=flagged_dimensions,
        versions=registered_versions(session, questionnaire_id),
        rules=rules,
        fig=_fig,
    )


def _fig(value: float | None, digits: int) -> str:
    """Rule 17's digits, with the locale's decimal separator."""
    return local_figure(shown_number(value, digits).text)


def register(app: Flask) -> None:
    app.register_blueprint(api_bp)
    app.register_blueprint(bp)
