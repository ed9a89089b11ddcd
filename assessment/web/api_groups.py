"""JSON API v1 for facilitators' groups (Bearer token): create a workshop, read its live
summary (SCORING.md rule 9), download its report. Another facilitator's group is a 404, the
same as a group that does not exist; no token, or a wrong one, is a 401.

Participants join with ``POST /api/v1/groups/join`` (no token: the code is the key) and submit
their answers with the participant token it returns to ``POST /api/v1/assessments`` (api.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from .. import services
from ..db.models import Group
from ..domain.scoring import AnswerProblem, InvalidAnswers
from ..services import cohorts, participants, plans, retention, workshops
from ..services.questionnaires import current_version, questionnaire_of
from . import db, jobs, pdf_response
from .auth import token_required
from .editions import EDITION_QUERY, method_url, requested_edition
from .extensions import csrf
from .facilitate import join_url
from .openapi import PDF, Error, ValidationErrors, body_problems, operation
from .room import external_url
from .schemas_groups import GroupCreate, GroupCreated, GroupInfo, GroupJoin, GroupJoined, GroupSummary
from .throttle import throttle

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
    description="Refused with 422 although the schema allows it (every problem named at once, "
    "nothing saved): a questionnaire or version that is not registered; roles or leadership roles "
    "the questionnaire does not have, or a leadership role not among the roles; waves for a "
    "workshop, or waves with a repeated or malformed id; an expected_headcount for a cohort.",
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
    predecessor = checked("predecessor")
    if predecessor is not None:
        problem = (
            "only a workshop has a predecessor"
            if kind == "cohort"
            else plans.predecessor_problem(s, g.api_user.id, body.get("organisation") or "", predecessor)
        )
        if problem:
            problems.append(AnswerProblem("predecessor", problem))
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
        group.predecessor_id = predecessor
    s.commit()
    response = jsonify(
        {
            "id": group.id,
            "name": group.name,
            "kind": group.kind,
            "questionnaire": version.questionnaire_id,
            "join_code": group.join_code,
            "join_url": join_url(group),
            "summary_url": external_url("api_groups.summary", group_id=group.id),
            "report_url": external_url("api_groups.report", group_id=group.id),
        }
    )
    response.headers["Location"] = external_url("api_groups.summary", group_id=group.id)
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
    body = workshops.summary_dict(view)
    body.update(plans.review_payload(plans.group_review(db(), group, view.members)))
    response = jsonify(body)
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
    # ?lang=de: the facilitator's choice of language; else the request's locale.
    language = request.args.get("lang") or None
    body = render_group_pdf(
        db(), group, edition, method_url(), language, jobs()
    )  # commits the snapshot's move (rule 13)
    return pdf_response(body, group_report_filename(group, edition))


@bp.post("/groups/join")
@operation(
    "joinGroup",
    "Join a workshop as one participant: a participant token for one complete response",
    body=GroupJoin,
    description="Refused with 422 although the schema allows it: a role the workshop does not "
    "offer, or the code of a cohort. A code no group has is a 404 (wrong codes are limited per "
    "address: 429). Each join starts one response and is not otherwise limited: the workshop's "
    "expected_headcount caps how many complete.",
    responses={
        201: ("Joined: send participant_token with the answers to POST /api/v1/assessments", GroupJoined),
        400: ("The body is not a JSON object", Error),
        404: ("No workshop has this code", Error),
        409: ("The workshop is closed, or it already has its expected number of complete responses", Error),
        422: (
            "Invalid fields, every one named: a role the workshop does not offer, or the code of a "
            "cohort (cohorts answer with group_code and respondent_code instead)",
            ValidationErrors,
        ),
        429: ("Too many wrong codes from this address; see Retry-After", Error),
    },
)
def join() -> tuple[Response, int]:
    """The API's join page: one in-progress response with the chosen role, and the same signed
    token the join page keeps in its cookie (services/participants.py)."""
    try:
        body = json.loads(request.get_data(cache=False) or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, f"the request body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        return _error(400, "the request body must be a JSON object")
    problems = body_problems(GroupJoin, body)
    if problems:
        return _invalid(problems)
    s = db()
    try:
        group = workshops.group_by_code(s, body["code"])
    except services.NotFound:
        # Only wrong codes count, as on the join page (throttle.py): a right one always gets in.
        wait = throttle().wrong_code()
        if wait:
            response, status = _error(429, f"too many wrong codes; try again in {wait} seconds")
            response.headers["Retry-After"] = str(wait)
            return response, status
        return _error(404, "no workshop has this code")
    if group.kind != "workshop":
        return _invalid([AnswerProblem("code", COHORT_CODE)])
    try:
        assessment = participants.join(s, group, body["role"])
    except services.GroupClosed as exc:
        s.rollback()
        return _error(409, str(exc))
    except participants.HeadcountReached as exc:
        s.rollback()
        return _error(409, str(exc))
    except InvalidAnswers as exc:
        s.rollback()
        return _invalid(exc.problems)
    s.commit()
    settings = workshops.settings_of(group)
    return jsonify(
        {
            "participant_token": participants.token_for(current_app.secret_key, assessment),
            "group": group.id,
            "name": group.name,
            "questionnaire": group.questionnaire.questionnaire_id,
            "version": group.questionnaire.version,
            "role": assessment.role,
            "roles": list(settings.roles),
        }
    ), 201


# --------------------------------------------------------------------------- the group's life


def group_info(group: Group) -> dict[str, Any]:
    """The GroupInfo body: what its owner manages (open, waves, addresses)."""
    cohort = group.kind == "cohort"
    return {
        "id": group.id,
        "name": group.name,
        "kind": group.kind,
        "questionnaire": group.questionnaire.questionnaire_id,
        "version": group.questionnaire.version,
        "is_open": group.is_open,
        "join_code": group.join_code,
        "join_url": join_url(group),
        "summary_url": external_url("api_groups.summary", group_id=group.id),
        "report_url": external_url("api_groups.report", group_id=group.id),
        "waves": [{"id": w.id, "label": w.label} for w in cohorts.waves_of(group)] if cohort else None,
        "open_wave": cohorts.open_wave(group).id if cohort else None,
    }


@bp.post("/groups/<group_id>/waves/<wave_id>/open")
@operation(
    "openGroupWave",
    "Open one of a cohort's waves: from now on new answers count in it",
    params={**GROUP_ID, "wave_id": "One of the cohort's wave ids, e.g. pre or post."},
    bearer=True,
    responses={200: ("The cohort, with the wave open", GroupInfo), 404: ("No such cohort or wave", Error)},
    description="Opening a wave also opens the cohort for answers if it was closed. A workshop has "
    "no waves: its id is a 404 here, as is a wave the cohort does not have.",
)
@token_required
def open_group_wave(group_id: str, wave_id: str) -> Response | tuple[Response, int]:
    group = _owned(group_id)
    if group is None or group.kind != "cohort":
        return _error(404, "no cohort with this id in your account")
    try:
        cohorts.set_open_wave(group, wave_id)
    except services.NotFound as exc:
        return _error(404, str(exc))
    group.is_open = True
    db().commit()
    return jsonify(group_info(group))


@bp.post("/groups/<group_id>/close")
@operation(
    "closeGroup",
    "Close a workshop or cohort: no new answers; a workshop's figures then include every response",
    params=GROUP_ID,
    bearer=True,
    responses={200: ("The group, closed", GroupInfo), 404: NO_GROUP},
    description="Closing publishes every complete response of a workshop (SCORING.md rule 13); "
    "closing a closed group changes nothing.",
)
@token_required
def close_group(group_id: str) -> Response | tuple[Response, int]:
    group = _owned(group_id)
    if group is None:
        return _error(404, "no group with this id in your account")
    workshops.set_open(db(), group, False)
    db().commit()
    return jsonify(group_info(group))


@bp.delete("/groups/<group_id>")
@operation(
    "deleteGroup",
    "Delete a workshop or cohort and every response in it, at once and for good",
    params=GROUP_ID,
    bearer=True,
    responses={204: ("Deleted", None), 404: NO_GROUP},
)
@token_required
def delete_group(group_id: str) -> Response | tuple[Response, int]:
    group = _owned(group_id)
    if group is None:
        return _error(404, "no group with this id in your account")
    retention.delete_workshop(db(), group)
    db().commit()
    return Response(status=204)


COHORT_CODE = (
    "this is a cohort's code: a cohort's participants answer with group_code and respondent_code "
    "in POST /api/v1/assessments"
)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
