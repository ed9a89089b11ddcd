"""JSON API v1 for plans and the files built from a report: a self-assessment's plan (its
unguessable id is the capability, as for the assessment itself) and a workshop's (the
facilitator's Bearer token), each with ``version``; the plan's dated steps as iCalendar; the
report as a Word file; a workshop's slides.

- ``PUT`` with bad input: 422 ``{"errors": [{"item", "message"}]}`` naming each field
  (``steps[2].due``), nothing saved; a ``version`` older than the stored one: 409 with the stored
  plan as ``current``, nothing saved.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request, send_file

from .. import services
from ..db.models import Assessment, Group
from ..domain.plan import InvalidPlan
from ..services import plans, self_assessment, workshops
from ..services.reports import ReportNotReady, assessment_language, assessment_report_filename, in_language
from . import db, jobs
from .api import ASSESSMENT_ID, NO_ASSESSMENT
from .auth import token_required
from .extensions import csrf
from .openapi import Error, ValidationErrors, operation
from .schemas_plans import PlanBody, PlanConflict, PlanOut

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ICS = "text/calendar"
GROUP_ID = {"group_id": "A group of your account."}
NO_GROUP = ("No such group in your account", Error)
NO_PLAN = "A workshop member's assessment (the workshop has the plan), or one not finished yet"

bp = Blueprint("api_plans", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # the id or a Bearer token is the capability; no cookies are used


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def file_response(body: bytes, filename: str, mime: str) -> Response:
    """A download kept out of shared caches (the addresses are capabilities)."""
    response = send_file(
        io.BytesIO(body), mimetype=mime, as_attachment=True, download_name=filename, max_age=0
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _body() -> Any:
    try:
        return json.loads(request.get_data(cache=False) or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        raise _BadJSON(f"the request body is not valid JSON: {exc}") from None


class _BadJSON(ValueError):
    pass


def _saved(save: Callable[[Any], plans.PlanState]) -> Response | tuple[Response, int]:
    """Check and store a PUT body; the same answers for both kinds of plan."""
    try:
        body = _body()
    except _BadJSON as exc:
        return _error(400, str(exc))
    if not isinstance(body, dict):
        return _error(400, "the request body must be a JSON object")
    try:
        state = save(body)
    except InvalidPlan as exc:
        db().rollback()
        return jsonify({"errors": [p.to_dict() for p in exc.problems]}), 422
    except plans.StalePlan as exc:
        db().rollback()
        return jsonify({"error": str(exc), "current": exc.current.to_dict()}), 409
    db().commit()
    return jsonify(state.to_dict())


# --------------------------------------------------------------------------- self-assessments


def _assessment(assessment_id: str) -> Assessment | None:
    try:
        return self_assessment.get_assessment(db(), assessment_id)
    except services.NotFound:
        return None


PLAN_RESPONSES: dict[int, tuple[str, Any]] = {
    200: ("The plan", PlanOut),
    404: NO_ASSESSMENT,
    409: (NO_PLAN, Error),
}


@bp.get("/assessments/<assessment_id>/plan")
@operation(
    "getAssessmentPlan",
    "The self-assessment's plan (its roadmap until edited)",
    params=ASSESSMENT_ID,
    responses=PLAN_RESPONSES,
)
def assessment_plan(assessment_id: str) -> Response | tuple[Response, int]:
    assessment = _assessment(assessment_id)
    if assessment is None:
        return _error(404, "no assessment with this id")
    try:
        return jsonify(plans.assessment_plan(db(), assessment).to_dict())
    except plans.NoPlan as exc:
        return _error(409, str(exc))


@bp.put("/assessments/<assessment_id>/plan")
@operation(
    "putAssessmentPlan",
    "Save the self-assessment's plan",
    params=ASSESSMENT_ID,
    body=PlanBody,
    responses={
        200: ("Saved", PlanOut),
        400: ("The body is not a JSON object", Error),
        404: NO_ASSESSMENT,
        409: (
            "Saved by someone else since it was read (nothing changed; current is the stored plan), "
            "or " + NO_PLAN[0].lower() + NO_PLAN[1:],
            PlanConflict,
        ),
        422: ("Invalid fields, each named; nothing saved", ValidationErrors),
    },
)
def put_assessment_plan(assessment_id: str) -> Response | tuple[Response, int]:
    s = db()
    assessment = _assessment(assessment_id)
    if assessment is None:
        return _error(404, "no assessment with this id")
    if assessment.group_id is not None or assessment.status != "complete":
        try:
            plans.assessment_plan(s, assessment)
        except plans.NoPlan as exc:
            return jsonify({"error": str(exc), "current": _empty_plan()}), 409
    return _saved(lambda body: plans.save_assessment_plan(s, assessment, body))


def _empty_plan() -> dict[str, Any]:
    return {
        "version": 0,
        "edited": False,
        "updated_at": None,
        "introduction": "",
        "notes": {},
        "steps": [],
        "agreed_by": "",
        "dropped": [],
    }


@bp.get("/assessments/<assessment_id>/plan.ics")
@operation(
    "getAssessmentPlanCalendar",
    "The plan's dated steps as an iCalendar file",
    params=ASSESSMENT_ID,
    responses={200: ("The calendar", ICS), 404: NO_ASSESSMENT, 409: (NO_PLAN, Error)},
)
def assessment_plan_ics(assessment_id: str) -> Response | tuple[Response, int]:
    from reports.calendar import plan_calendar

    assessment = _assessment(assessment_id)
    if assessment is None:
        return _error(404, "no assessment with this id")
    try:
        state = plans.assessment_plan(db(), assessment)
    except plans.NoPlan as exc:
        return _error(409, str(exc))
    with in_language(assessment_language(assessment)):
        body = plan_calendar(
            state.plan, organisation=assessment.organisation or "", uid_base=f"assessment-{assessment.id}"
        )
    return file_response(body, _name(assessment_report_filename(assessment), "plan", "ics"), ICS)


@bp.get("/assessments/<assessment_id>/report.docx")
@operation(
    "getAssessmentReportDocx",
    "The assessment's report as a Word document (the same content as the PDF, editable)",
    params=ASSESSMENT_ID,
    responses={
        200: ("The report", DOCX),
        404: NO_ASSESSMENT,
        409: ("Still in progress: finish it first", Error),
    },
)
def assessment_docx(assessment_id: str) -> Response | tuple[Response, int]:
    assessment = _assessment(assessment_id)
    if assessment is None:
        return _error(404, "no assessment with this id")
    if assessment.status != "complete":
        return _error(409, str(ReportNotReady.in_progress()))
    # Made by a worker of the job queue, within the render bounds; the request waits for it.
    body = jobs().result_of("assessment_docx", {"assessment": assessment.id})
    return file_response(body, _name(assessment_report_filename(assessment), "report", "docx"), DOCX)


def _name(pdf_name: str, what: str, ext: str) -> str:
    stem = pdf_name.removesuffix(".pdf")
    if what == "plan":
        stem = stem.replace("social-organisation-report", "social-organisation-plan")
    return f"{stem}.{ext}"


# --------------------------------------------------------------------------- workshops


def _owned_group(view: Callable[[Group], Any]) -> Callable[[str], Any]:
    @wraps(view)
    def with_group(group_id: str) -> Any:
        try:
            group = workshops.owned_group(db(), g.api_user.id, group_id)
        except services.NotFound:
            return _error(404, "no group with this id in your account")
        if group.kind != "workshop":
            return _error(404, "plans, Word reports and slides are for workshops; this group is a cohort")
        return view(group)

    return token_required(with_group)


@bp.get("/groups/<group_id>/plan")
@operation(
    "getGroupPlan",
    "The workshop's plan (its curated roadmap until edited)",
    params=GROUP_ID,
    bearer=True,
    responses={200: ("The plan", PlanOut), 404: NO_GROUP},
)
@_owned_group
def group_plan(group: Group) -> Response:
    state = plans.group_plan(db(), group)
    db().commit()  # the snapshot may have moved on (rule 13)
    return jsonify(state.to_dict())


@bp.put("/groups/<group_id>/plan")
@operation(
    "putGroupPlan",
    "Save the workshop's plan",
    params=GROUP_ID,
    bearer=True,
    body=PlanBody,
    responses={
        200: ("Saved", PlanOut),
        400: ("The body is not a JSON object", Error),
        404: NO_GROUP,
        409: (
            "Saved by someone else since it was read: nothing changed; current is the stored plan",
            PlanConflict,
        ),
        422: ("Invalid fields, each named; nothing saved", ValidationErrors),
    },
)
@_owned_group
def put_group_plan(group: Group) -> Response | tuple[Response, int]:
    s = db()
    return _saved(lambda body: plans.save_group_plan(s, group, body))


@bp.get("/groups/<group_id>/plan.ics")
@operation(
    "getGroupPlanCalendar",
    "The workshop plan's dated steps as an iCalendar file",
    params=GROUP_ID,
    bearer=True,
    responses={200: ("The calendar", ICS), 404: NO_GROUP},
)
@_owned_group
def group_plan_ics(group: Group) -> Response:
    return group_calendar_response(group)


def group_calendar_response(group: Group) -> Response:
    from reports.calendar import plan_calendar

    from ..services.exports import filename

    state = plans.group_plan(db(), group)
    db().commit()
    from ..services.reports import chosen_language

    with chosen_language(request.args.get("lang") or None):
        body = plan_calendar(
            state.plan, organisation=group.organisation or group.name, uid_base=f"workshop-{group.id}"
        )
    return file_response(body, filename(group, "ics").replace(".ics", "-plan.ics"), ICS)


@bp.get("/groups/<group_id>/report.docx")
@operation(
    "getGroupReportDocx",
    "The workshop report as a Word document",
    params=GROUP_ID,
    bearer=True,
    responses={200: ("The report", DOCX), 404: NO_GROUP},
)
@_owned_group
def group_docx(group: Group) -> Response:
    return group_docx_response(group)


def _group_document(group: Group, kind: str, name: str, mimetype: str) -> Response:
    """A file built by a worker from the workshop report's whole context (the snapshot committed
    first, rule 13), within the render bounds; the request waits for it. ``?lang=de``: the
    facilitator's choice of language; else the request's locale (which the job keeps)."""
    payload = {"group": group.id, "language": request.args.get("lang") or None}
    return file_response(jobs().result_of(kind, payload), name, mimetype)


def group_docx_response(group: Group) -> Response:
    from ..services.exports import filename

    return _group_document(group, "group_docx", filename(group, "docx"), DOCX)


@bp.get("/groups/<group_id>/slides.pptx")
@operation(
    "getGroupSlides",
    "The workshop as PowerPoint slides: native charts per dimension, disputed items, rounds, the plan",
    params=GROUP_ID,
    bearer=True,
    responses={200: ("The slides", PPTX), 404: NO_GROUP},
)
@_owned_group
def group_slides(group: Group) -> Response:
    return group_slides_response(group)


def group_slides_response(group: Group) -> Response:
    from ..services.exports import filename

    name = filename(group, "pptx").replace(".pptx", "-slides.pptx")
    return _group_document(group, "group_pptx", name, PPTX)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
