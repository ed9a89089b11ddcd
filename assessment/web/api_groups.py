"""JSON API v1 for facilitators' groups (Bearer token): create a workshop, read its live
summary (SCORING.md rule 9), download its report. Another facilitator's group is a 404, the
same as a group that does not exist; no token, or a wrong one, is a 401.

Participants submit with ``POST /api/v1/assessments`` and ``"group_code"`` (api.py).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request, url_for

from .. import services
from ..db.models import Group
from ..services import cohorts, workshops
from ..services.questionnaires import current_version, questionnaire_of
from . import db, pdf_response
from .auth import token_required
from .extensions import csrf
from .facilitate import join_url

bp = Blueprint("api_groups", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # Bearer tokens only, never cookies: nothing a cross-site form could forge

FIELDS = {
    "name",
    "questionnaire",
    "kind",
    "organisation",
    "roles",
    "leadership_roles",
    "min_group_size",
    "consultant",
    "is_open",
    "version",
    "waves",
}


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def _invalid(problems: list[dict[str, str]]) -> tuple[Response, int]:
    return jsonify({"errors": problems}), 422


def _owned(group_id: str) -> Group | None:
    try:
        return workshops.owned_group(db(), g.api_user.id, group_id)
    except services.NotFound:
        return None


def _problem(item: str, message: str) -> dict[str, str]:
    return {"item": item, "message": message}


def _str_list(body: dict[str, Any], key: str, problems: list[dict[str, str]]) -> list[str] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(_problem(key, "must be a list of role ids"))
        return None
    return value


@bp.post("/groups")
@token_required
def create_group() -> tuple[Response, int]:
    try:
        body = json.loads(request.get_data(cache=False) or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, f"the request body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        return _error(400, "the request body must be a JSON object")
    problems = [_problem(k, "unknown field") for k in body if k not in FIELDS]
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(_problem("name", "required: a non-empty string"))
    elif len(name) > 200:
        problems.append(_problem("name", "must be at most 200 characters"))
    kind = body.get("kind", "workshop")
    if kind not in ("workshop", "cohort"):
        problems.append(_problem("kind", 'must be "workshop" or "cohort"'))
    waves = None
    if "waves" in body:
        if kind != "cohort":
            problems.append(_problem("waves", 'only a "cohort" answers in waves'))
        else:
            try:
                waves = cohorts.check_waves(body["waves"])
            except cohorts.CohortError as exc:
                problems.append(_problem(exc.field, str(exc)))
    wanted_version = body.get("version")
    if wanted_version is not None and not isinstance(wanted_version, str):
        problems.append(_problem("version", 'must be a string, e.g. "1.0"'))
        wanted_version = None
    for key in ("organisation", "consultant"):
        if key in body and (not isinstance(body[key], str) or len(body[key]) > 200):
            problems.append(_problem(key, "must be a string of at most 200 characters"))
    size = body.get("min_group_size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int)):
        problems.append(_problem("min_group_size", "must be a whole number (at least 3)"))
        size = None
    is_open = body.get("is_open", True)
    if not isinstance(is_open, bool):
        problems.append(_problem("is_open", "must be true or false"))
    roles = _str_list(body, "roles", problems)
    leadership = _str_list(body, "leadership_roles", problems)
    s = db()
    questionnaire_id = body.get("questionnaire")
    version = None
    if not isinstance(questionnaire_id, str):
        problems.append(_problem("questionnaire", "required: the id of a questionnaire"))
    else:
        try:
            version = current_version(s, questionnaire_id)
        except services.NotFound:
            problems.append(_problem("questionnaire", f"no questionnaire {questionnaire_id!r}"))
        if version is not None and wanted_version is not None:
            try:
                version = cohorts.find_version(s, questionnaire_id, wanted_version)
            except services.NotFound as exc:
                problems.append(_problem("version", str(exc)))
                version = None
    settings = None
    if version is not None:
        try:
            settings = workshops.check_settings(
                questionnaire_of(version),
                roles,
                leadership,
                size,
                body.get("consultant") or "",
            )
        except workshops.WorkshopError as exc:
            problems.append(_problem(exc.field, str(exc)))
    if problems or version is None:
        return _invalid(problems)
    if kind == "cohort":
        group = cohorts.create_cohort(
            s,
            g.api_user.id,
            version,
            name=name,  # type: ignore[arg-type]
            organisation=body.get("organisation") or "",
            waves=waves,
            min_group_size=size,
            trainer=body.get("consultant") or "",
            is_open=is_open,
        )
    else:
        group = workshops.create_workshop(
            s,
            g.api_user.id,
            version,
            name=name,  # type: ignore[arg-type]
            organisation=body.get("organisation") or "",
            settings=settings,
            is_open=is_open,
        )
    s.commit()
    response = jsonify(
        {
            "id": group.id,
            "name": group.name,
            "kind": group.kind,
            "questionnaire": version.questionnaire_id,
            "join_code": group.join_code,
            "join_url": join_url(group),
            "summary_url": url_for("api_groups.summary", group_id=group.id, _external=True),
            "report_url": url_for("api_groups.report", group_id=group.id, _external=True),
        }
    )
    response.headers["Location"] = url_for("api_groups.summary", group_id=group.id, _external=True)
    return response, 201


@bp.get("/groups/<group_id>/summary")
@token_required
def summary(group_id: str) -> Response | tuple[Response, int]:
    group = _owned(group_id)
    if group is None:
        return _error(404, "no group with this id in your account")
    response = jsonify(workshops.summary_dict(workshops.workshop_view(db(), group)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/groups/<group_id>/report.pdf")
@token_required
def report(group_id: str) -> Response | tuple[Response, int]:
    from ..services.exports import filename
    from ..services.reports import render_group_pdf

    group = _owned(group_id)
    if group is None:
        return _error(404, "no group with this id in your account")
    return pdf_response(render_group_pdf(db(), group), filename(group, "pdf"))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
