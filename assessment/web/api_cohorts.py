"""JSON API v1 for trainers' cohorts (Bearer token): cohort vs cohort, and before vs after
within one cohort (SCORING.md rule 14), as JSON and as a PDF for a training sponsor.

The facilitator's own cohorts only: another facilitator's cohort is a 404, the same as one that
does not exist; no token, or a wrong one, is a 401. Cohorts are created with
``POST /api/v1/groups`` and ``"kind": "cohort"`` (api_groups.py); participants answer with
``POST /api/v1/assessments`` and ``"group_code"``, ``"respondent_code"`` (api.py).
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, g, jsonify, request

from .. import services
from ..db.models import Group
from ..services import cohorts
from . import db, jobs, pdf_response
from .auth import token_required
from .extensions import csrf
from .openapi import PDF, Error, ValidationErrors, operation
from .schemas_cohorts import CohortChange, CohortComparison

bp = Blueprint("api_cohorts", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # Bearer tokens only, never cookies


GROUP_ID = {"group_id": "One of your cohorts."}
COMPARE_QUERY = {
    "a": {
        "required": True,
        "schema": {"type": "string", "minLength": 1},
        "description": "Cohort A's id (the reference).",
    },
    "b": {
        "required": True,
        "schema": {"type": "string", "minLength": 1},
        "description": "Cohort B's id (compared against A).",
    },
    "wave_a": {
        "schema": {"type": "string", "minLength": 1},
        "description": "Cohort A's wave; default its latest wave with complete answers.",
    },
    "wave_b": {
        "schema": {"type": "string", "minLength": 1},
        "description": "Cohort B's wave; default its latest wave with complete answers.",
    },
}
CHANGE_QUERY = {
    "from": {
        "schema": {"type": "string", "minLength": 1},
        "description": "The earlier wave id; default the cohort's first wave.",
    },
    "to": {
        "schema": {"type": "string", "minLength": 1},
        "description": "The later wave id; default the cohort's second wave.",
    },
}
COMPARE_RULES = (
    "Refused with 422 although the schema allows it: a wave the cohort does not have, or the same "
    "cohort and wave on both sides. An id that is not one of your cohorts is a 404. Fewer than "
    "min_group_size respondents (or pairs) on a side is not an error: that comparison is withheld "
    "with its reason."
)
ERRORS = {
    404: ("No such cohort in your account", Error),
    422: ("A missing id, an unknown wave, or two things that cannot be compared", ValidationErrors),
}


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def _cohort(group_id: str | None) -> Group | None:
    if not group_id:
        return None
    try:
        return cohorts.owned_cohort(db(), g.api_user.id, group_id)
    except services.NotFound:
        return None


def _pair() -> tuple[Group, Group] | tuple[Response, int]:
    missing = [p for p in ("a", "b") if not request.args.get(p)]
    if missing:
        return jsonify(
            {"errors": [{"item": p, "message": "required: the id of one of your cohorts"} for p in missing]}
        ), 422
    a, b = _cohort(request.args["a"]), _cohort(request.args["b"])
    if a is None or b is None:
        return _error(404, "no cohort with this id in your account")
    return a, b


def _compare_body() -> dict | tuple[Response, int]:  # type: ignore[type-arg]
    pair = _pair()
    if not isinstance(pair[0], Group):
        return pair  # type: ignore[return-value]
    a, b = pair  # type: ignore[misc]
    try:
        return cohorts.compare_cohorts(db(), a, b, request.args.get("wave_a"), request.args.get("wave_b"))
    except cohorts.CompareError as exc:
        return jsonify({"errors": [{"item": exc.item, "message": str(exc)}]}), 422


@bp.get("/cohorts/compare")
@operation(
    "compareCohorts",
    "Cohort B vs cohort A (Welch, Hedges' g, Holm; SCORING.md rule 14)",
    description=COMPARE_RULES,
    bearer=True,
    query=COMPARE_QUERY,
    responses={200: ("The comparison", CohortComparison), **ERRORS},
)
@token_required
def compare() -> Response | tuple[Response, int]:
    body = _compare_body()
    if isinstance(body, tuple):
        return body
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cohorts/compare.pdf")
@operation(
    "compareCohortsReport",
    "The cohort comparison as a PDF for a training sponsor",
    description=COMPARE_RULES,
    bearer=True,
    query=COMPARE_QUERY,
    responses={200: ("The comparison report", PDF), **ERRORS},
)
@token_required
def compare_pdf() -> Response | tuple[Response, int]:
    from ..services.comparison_report import compare_pdf as render

    pair = _pair()
    if not isinstance(pair[0], Group):
        return pair  # type: ignore[return-value]
    a, b = pair  # type: ignore[misc]
    try:
        pdf, name = render(db(), a, b, request.args.get("wave_a"), request.args.get("wave_b"), jobs())
    except cohorts.CompareError as exc:
        return jsonify({"errors": [{"item": exc.item, "message": str(exc)}]}), 422
    return pdf_response(pdf, name)


def _change_args(group: Group) -> tuple[str, str]:
    waves = cohorts.waves_of(group)
    first = waves[0].id
    second = waves[1].id if len(waves) > 1 else first
    return request.args.get("from") or first, request.args.get("to") or second


@bp.get("/groups/<group_id>/change")
@operation(
    "getCohortChange",
    "Before vs after in a cohort, paired by respondent code (paired t, d_z, Holm)",
    description=COMPARE_RULES,
    bearer=True,
    params=GROUP_ID,
    query=CHANGE_QUERY,
    tag="cohorts",
    responses={200: ("The change", CohortChange), **ERRORS},
)
@token_required
def change(group_id: str) -> Response | tuple[Response, int]:
    group = _cohort(group_id)
    if group is None:
        return _error(404, "no cohort with this id in your account")
    wave_from, wave_to = _change_args(group)
    try:
        body = cohorts.change(db(), group, wave_from, wave_to)
    except cohorts.CompareError as exc:
        return jsonify({"errors": [{"item": exc.item, "message": str(exc)}]}), 422
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/groups/<group_id>/change.pdf")
@operation(
    "getCohortChangeReport",
    "The before/after comparison as a PDF for a training sponsor",
    description=COMPARE_RULES,
    bearer=True,
    params=GROUP_ID,
    query=CHANGE_QUERY,
    tag="cohorts",
    responses={200: ("The comparison report", PDF), **ERRORS},
)
@token_required
def change_pdf(group_id: str) -> Response | tuple[Response, int]:
    from ..services.comparison_report import change_pdf as render

    group = _cohort(group_id)
    if group is None:
        return _error(404, "no cohort with this id in your account")
    wave_from, wave_to = _change_args(group)
    try:
        pdf, name = render(db(), group, wave_from, wave_to, jobs())
    except cohorts.CompareError as exc:
        return jsonify({"errors": [{"item": exc.item, "message": str(exc)}]}), 422
    return pdf_response(pdf, name)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
