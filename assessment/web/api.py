"""JSON API v1: questionnaires and assessments (DESIGN.md). Described by /api/v1/openapi.json.

Errors: ``422 {"errors": [{"item", "message"}]}`` for input that parses but is wrong (every bad
field and answer named at once, nothing saved); ``{"error": message}`` with 400/404/405/409/413
otherwise.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Request, current_app, jsonify, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from .. import services
from ..domain.scoring import AnswerProblem, InvalidAnswers
from ..services import cohorts, self_assessment
from ..services.questionnaires import current_version, current_versions, questionnaire_of
from . import db
from .extensions import csrf
from .facilitate import code_throttle
from .openapi import build_spec

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are used for these endpoints, so there is no session to forge

# Optional text fields of a submission and their longest allowed length.
TEXT_FIELDS = {"organisation": 200, "sector": 100, "size_band": 50, "role": 50, "group_code": 20}
COHORT_FIELDS = {"respondent_code": 100, "wave": 40}  # only with the group_code of a cohort
FIELDS = {"questionnaire", "answers", *TEXT_FIELDS, *COHORT_FIELDS}


def error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def invalid(problems: list[AnswerProblem]) -> tuple[Response, int]:
    return jsonify({"errors": [p.to_dict() for p in problems]}), 422


def report_url(assessment_id: str) -> str:
    # The PDF route is another blueprint's; its address is part of this API's contract.
    return url_for("api.get_assessment", assessment_id=assessment_id, _external=True) + "/report.pdf"


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_spec(request.url_root.rstrip("/") + bp.url_prefix))


@bp.get("/questionnaires")
def list_questionnaires() -> Response:
    out = []
    for version in current_versions(db()):
        q = questionnaire_of(version)
        out.append(
            {
                "id": q.id,
                "version": q.version,
                "title": q.title,
                "description": q.description,
                "language": q.language,
                "estimated_minutes": q.estimated_minutes,
                "dimensions": len(q.dimensions),
                "items": len(q.items),
                "url": url_for("api.get_questionnaire", questionnaire_id=q.id, _external=True),
            }
        )
    return jsonify({"questionnaires": out})


@bp.get("/questionnaires/<questionnaire_id>")
def get_questionnaire(questionnaire_id: str) -> Response | tuple[Response, int]:
    try:
        version = current_version(db(), questionnaire_id)
    except services.NotFound:
        return error(404, f"no questionnaire {questionnaire_id!r}")
    return jsonify(questionnaire_of(version).to_dict())


def _json_body(req: Request) -> Any:
    raw = req.get_data(cache=False, as_text=False)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJSON(str(exc)) from None


class MalformedJSON(ValueError):
    pass


def _field_problems(body: dict[str, Any]) -> list[AnswerProblem]:
    problems = [AnswerProblem(key, "unknown field") for key in body if key not in FIELDS]
    questionnaire = body.get("questionnaire")
    if questionnaire is None:
        problems.append(AnswerProblem("questionnaire", "required: the id of a questionnaire"))
    elif not isinstance(questionnaire, str):
        problems.append(AnswerProblem("questionnaire", "must be a string"))
    if "answers" not in body:
        problems.append(AnswerProblem("answers", "required: an object mapping item ids to answers"))
    for name, longest in (TEXT_FIELDS | COHORT_FIELDS).items():
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(AnswerProblem(name, "must be a string"))
        elif len(value) > longest:
            problems.append(AnswerProblem(name, f"must be at most {longest} characters"))
    return problems


@bp.post("/assessments")
def create_assessment() -> tuple[Response, int]:
    """One complete submission: validated as a whole, scored, saved in one transaction."""
    try:
        body = _json_body(request)
    except MalformedJSON as exc:
        return error(400, f"the request body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        return error(400, "the request body must be a JSON object")
    problems = _field_problems(body)
    s = db()
    group = None
    code = body.get("group_code")
    if isinstance(code, str) and code.strip():
        # Wrong codes are throttled per address, as on the join page.
        address = request.remote_addr or "unknown"
        wait = code_throttle().blocked(address)
        if wait:
            response, status = error(429, f"too many wrong group codes; try again in {int(wait) + 1} seconds")
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response, status
        try:
            group = self_assessment.group_by_join_code(s, code)
        except services.NotFound:
            code_throttle().failed(address)
            problems.append(AnswerProblem("group_code", "no workshop or cohort has this code"))
    questionnaire_id = body.get("questionnaire")
    if isinstance(questionnaire_id, str):
        if group is not None and group.questionnaire.questionnaire_id != questionnaire_id:
            problems.append(
                AnswerProblem(
                    "questionnaire",
                    f"this group answers {group.questionnaire.questionnaire_id!r}, not {questionnaire_id!r}",
                )
            )
        elif group is None and problems:  # otherwise submit() finds out, with one query fewer
            try:
                current_version(s, questionnaire_id)
            except services.NotFound:
                problems.append(AnswerProblem("questionnaire", f"no questionnaire {questionnaire_id!r}"))
    entry = _cohort_entry(s, group, body, problems)
    if isinstance(entry, tuple) and isinstance(entry[0], Response):
        return entry
    if problems:
        # Still check the answers when the questionnaire is known, so one reply names everything.
        if isinstance(questionnaire_id, str) and not any(p.item == "questionnaire" for p in problems):
            problems.extend(_answer_problems(questionnaire_id, body, group))
        return invalid(problems)
    text = {k: body.get(k) or "" for k in ("organisation", "sector", "size_band", "role")}
    wave, code_hash = entry if isinstance(entry, tuple) else (None, None)
    try:
        assessment, result = self_assessment.submit(
            s, questionnaire_id, body["answers"], group=group, wave=wave, respondent_hash=code_hash, **text
        )
        if code_hash is not None:
            s.flush()  # the unique index catches a same-code answer that raced this one
    except IntegrityError:
        s.rollback()
        return error(409, str(cohorts.DuplicateResponse(wave or "")))
    except InvalidAnswers as exc:
        s.rollback()
        return invalid(exc.problems)
    except services.NotFound:
        s.rollback()
        return invalid([AnswerProblem("questionnaire", f"no questionnaire {questionnaire_id!r}")])
    except services.GroupClosed as exc:
        s.rollback()
        return error(409, str(exc))
    s.commit()
    response = jsonify(self_assessment.payload(assessment, result, report_url(assessment.id)))
    response.headers["Location"] = url_for("api.get_assessment", assessment_id=assessment.id, _external=True)
    return response, 201


def _cohort_entry(
    s: Any, group: Any, body: dict[str, Any], problems: list[AnswerProblem]
) -> tuple[str, str] | tuple[Response, int] | None:
    """For a cohort: (wave, code hash) of a new answer, a 409 response, or None with problems
    added. Outside a cohort the cohort fields are refused."""
    if group is None or group.kind != "cohort":
        for name in COHORT_FIELDS:
            if name in body:
                problems.append(AnswerProblem(name, "only for a cohort's group_code"))
        return None
    if not group.is_open:
        return error(409, str(services.GroupClosed(group)))
    try:
        return cohorts.entry_for(
            s, group, current_app.config["SECRET_KEY"], body.get("respondent_code"), body.get("wave")
        )
    except cohorts.CohortError as exc:
        problems.append(AnswerProblem(exc.field, str(exc)))
    except (cohorts.WaveNotOpen, cohorts.DuplicateResponse) as exc:
        return error(409, str(exc))
    return None


def _answer_problems(questionnaire_id: str, body: dict[str, Any], group: Any) -> list[AnswerProblem]:
    s = db()
    try:
        version = group.questionnaire if group is not None else current_version(s, questionnaire_id)
        self_assessment.validate_answers(questionnaire_of(version), body.get("answers", {}))
    except InvalidAnswers as exc:
        return [p for p in exc.problems if p.item != "answers" or "answers" in body]
    except services.NotFound:
        return []
    return []


@bp.get("/assessments/<assessment_id>")
def get_assessment(assessment_id: str) -> Response | tuple[Response, int]:
    try:
        assessment = self_assessment.get_assessment(db(), assessment_id)
    except services.NotFound:
        return error(404, "no assessment with this id")
    result = self_assessment.result_of(assessment)
    return jsonify(self_assessment.payload(assessment, result, report_url(assessment.id)))


def _http_error(exc: HTTPException) -> Response | tuple[str, int]:
    """JSON errors for any /api/ address, including ones no route matches; a page elsewhere."""
    code = exc.code or 500
    if request.path.startswith("/api/"):
        response = jsonify({"error": exc.description or exc.name})
        response.status_code = code
        for name, value in exc.get_headers():
            if name.lower() == "allow":
                response.headers[name] = value
        return response
    return render_template("error.html", error=exc), code


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    for code in (400, 403, 404, 405, 409, 413):
        app.register_error_handler(code, _http_error)
