"""JSON API v1 for facilitators' groups (Bearer token): create a workshop, read its live
summary (SCORING.md rule 9), download its report. Another facilitator's group is a 404, the
same as a group that does not exist; no token, or a wrong one, is a 401.

Participants submit with ``POST /api/v1/assessments`` and ``"group_code"`` (api.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, g, jsonify, request, url_for

from .. import services
from ..db.models import Group
from ..domain.scoring import AnswerProblem
from ..services import cohorts, workshops
from ..services.questionnaires import current_version, questionnaire_of
from . import db, pdf_response
from .auth import token_required
from .editions import EDITION_QUERY, method_url, requested_edition
from .extensions import csrf
from .facilitate import join_url
from .openapi import PDF, Error, ValidationErrors, body_problems, operation
from .schemas_groups import GroupCreate, GroupCreated, GroupSummary

GROUP_ID = {"group_id": "A group of your account."}
NO_GROUP = ("No such group in your account", Error)
F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("api_groups", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # Bearer tokens only, never cookies: nothing a cross-site form could forge


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def _invalid(problems: list[AnswerProblem]) -> tuple[Response, int]:
    return jsonify({"errors": [p.to_dict() for p in problems]}), 422


def _owned(group_id: str) -> Group | None:
    try:
        return workshops.owned_group(db(), g.api_user.id, group_id)
    except services.NotFound:
        return None


@bp.post("/groups")
@operation(
    "createGroup",
    'Create a workshop, or a cohort with "kind": "cohort"; returns its join code and join URL',
    body=GroupCreate,
    bearer=True,
    responses={
        201: ("Created", GroupCreated),
        400: ("The body is not a JSON object", Error),
        422: ("Invalid fields, every one named; nothing saved", ValidationErrors),
    },
    headers={201: {"Location": "Its summary"}},
)
@token_required
def create_group() -> tuple[Response, int]:
    try:
        body = json.loads(request.get_data(cache=False) or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, f"the request body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        return _error(400, "the request body must be a JSON object")
    # The waves are check_waves' to name (which wave, and ids given twice), like the answers in api.py.
    problems = body_problems(GroupCreate, body, skip=("waves",))
    bad = {p.item for p in problems}
    name = body.get("name")

    def checked(key: str) -> Any:
        # A field the schema refused is not checked again by the questionnaire's rules.
        return None if key in bad else body.get(key)

    kind = body.get("kind", "workshop")
    waves = None
    if "waves" in body:
        if kind != "cohort":
            problems.append(AnswerProblem("waves", 'only a "cohort" answers in waves'))
        else:
            try:
                waves = cohorts.check_waves(body["waves"])
            except cohorts.CohortError as exc:
                problems.append(AnswerProblem(exc.field, str(exc)))
    if kind == "cohort" and body.get("expected_headcount") is not None:
        problems.append(AnswerProblem("expected_headcount", "only a workshop has an expected headcount"))
    wanted_version = checked("version")
    is_open = body.get("is_open", True)

    s = db()
    questionnaire_id = body.get("questionnaire")
    version = None
    if "questionnaire" not in bad:
        try:
            version = current_version(s, questionnaire_id)
        except services.NotFound:
            problems.append(AnswerProblem("questionnaire", f"no questionnaire {questionnaire_id!r}"))
        if version is not None and wanted_version is not None:
            try:
                version = cohorts.find_version(s, questionnaire_id, wanted_version)
            except services.NotFound as exc:
                problems.append(AnswerProblem("version", str(exc)))
                version = None
    settings = None
    if version is not None:
        try:
            settings = workshops.check_settings(
                questionnaire_of(version),
                checked("roles"),
                checked("leadership_roles"),
                checked("min_group_size"),
                checked("consultant") or "",
                checked("expected_headcount"),
            )
        except workshops.WorkshopError as exc:
            problems.append(AnswerProblem(exc.field, str(exc)))
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
            min_group_size=checked("min_group_size"),
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


def _group_view(
    path: str, operation_id: str, summary: str, ok: tuple[str, Any], query: Any = None
) -> Callable[[F], F]:
    """A GET route of one of the caller's groups: token checked, group looked up (another
    facilitator's group is a 404, like one that does not exist), the view given the group."""

    def register(view: F) -> F:
        @wraps(view)
        def with_group(group_id: str) -> Any:
            group = _owned(group_id)
            if group is None:
                return _error(404, "no group with this id in your account")
            return view(group)

        responses: dict[int, tuple[str, Any]] = {200: ok, 404: NO_GROUP}
        if query:
            responses[422] = ("A query parameter is not one of its values (named)", ValidationErrors)
        declared = operation(
            operation_id, summary, params=GROUP_ID, bearer=True, responses=responses, query=query
        )
        bp.get(path)(declared(token_required(with_group)))
        return view

    return register


@_group_view(
    "/groups/<group_id>/summary",
    "getGroupSummary",
    "The group's published results (SCORING.md rules 9 and 13)",
    ("The summary", GroupSummary),
)
def summary(group: Group) -> Response:
    view = workshops.workshop_view(db(), group)
    db().commit()  # the snapshot may have moved on (rule 13)
    response = jsonify(workshops.summary_dict(view))
    response.headers["Cache-Control"] = "no-store"
    return response


@_group_view(
    "/groups/<group_id>/report.pdf",
    "getGroupReport",
    "The workshop report as a PDF (commentary, curation and branding included)",
    ("The report", PDF),
    query=EDITION_QUERY,
)
def report(group: Group) -> Response | tuple[Response, int]:
    from ..services.reports import group_report_filename, render_group_pdf

    edition = requested_edition()
    if not isinstance(edition, str):
        return edition
    body = render_group_pdf(db(), group, edition, method_url())  # commits the snapshot's move (rule 13)
    return pdf_response(body, group_report_filename(group, edition))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
