"""JSON API v1: questionnaires and assessments (DESIGN.md). Described by /api/v1/openapi.json.

Errors: ``422 {"errors": [{"item", "message"}]}`` for input that parses but is wrong (every bad
field and answer named at once, nothing saved); ``{"error": message}`` with 400/404/405/409/413
otherwise.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import (
    Blueprint,
    Flask,
    Request,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from .. import services
from ..domain.scoring import AnswerProblem, InvalidAnswers
from ..i18n import in_language, report_locale
from ..services import cohorts, idempotency, participants, plans, self_assessment
from ..services.questionnaires import (
    current_ref,
    current_version,
    current_versions,
    language_for,
    languages,
    questionnaire_of,
    registered_versions,
    translated,
    version_named,
)
from . import api_benchmarks, db
from .auth import bearer_user
from .extensions import csrf
from .hardening import parsed_body
from .openapi import HTML, Error, ValidationErrors, body_problems, build_spec, operation
from .room import external_url
from .schemas import Assessment, Questionnaire, QuestionnaireList, Submission
from .throttle import throttle

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are used for these endpoints, so there is no session to forge

COHORT_FIELDS = ("respondent_code", "wave")  # only with the group_code of a cohort


def error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


def invalid(problems: list[AnswerProblem]) -> tuple[Response, int]:
    return jsonify({"errors": [p.to_dict() for p in problems]}), 422


def report_url(assessment_id: str) -> str:
    # The PDF route is another blueprint's; its address is part of this API's contract.
    return external_url("api.get_assessment", assessment_id=assessment_id) + "/report.pdf"


# Shared by the assessment's routes here and its report's (report_routes.py).
ASSESSMENT_ID = {"assessment_id": "The assessment's public id (not the private resume token)."}
NO_ASSESSMENT = ("No such assessment", Error)


@bp.get("/openapi.json")
@operation(
    "getOpenAPI", "This document", tag="reference", responses={200: ("The OpenAPI 3.1 document", dict)}
)
def openapi() -> Response:
    server = external_url("api.openapi").removesuffix("/openapi.json")
    return jsonify(build_spec(current_app, server))


# The reference page's own policy (scripts and styles from this app only, no inline script);
# an app-wide policy, when there is one, takes precedence.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@bp.get("/docs")
@operation(
    "getApiReference",
    "This document as a browsable page",
    tag="reference",
    responses={200: ("The page", HTML)},
)
def docs() -> Response:
    response = make_response(render_template("api_docs.html", spec_url=url_for("api.openapi")))
    response.headers.setdefault("Content-Security-Policy", DOCS_CSP)
    return response


@bp.get("/questionnaires")
@operation(
    "listQuestionnaires",
    "The questionnaires that can be answered now (their current versions)",
    responses={200: ("The questionnaires", QuestionnaireList)},
)
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
                "languages": languages(q),
                "url": external_url("api.get_questionnaire", questionnaire_id=q.id),
            }
        )
    return jsonify({"questionnaires": out})


LANG_QUERY = {
    "lang": {
        "schema": {"type": "string", "examples": ["de"]},
        "description": "One of the questionnaire's languages: every text (titles, items, options, "
        "stages, dimensions, recommendations) in it, ids, values and weights unchanged. Default: "
        "the questionnaire's own.",
    }
}


@bp.get("/questionnaires/<questionnaire_id>")
@operation(
    "getQuestionnaire",
    "A questionnaire's definition: dimensions, items, stages, scale and thresholds",
    query=LANG_QUERY,
    description="Its languages are listed in `languages`. Refused with 422 although the schema allows "
    "it: a lang the questionnaire has no complete translation into (the 422 names its languages).",
    responses={
        200: ("The definition", Questionnaire),
        404: ("No such questionnaire", Error),
        422: ("lang is not one of the questionnaire's languages (named)", ValidationErrors),
    },
)
def get_questionnaire(questionnaire_id: str) -> Response | tuple[Response, int]:
    try:
        version = current_version(db(), questionnaire_id)
    except services.NotFound:
        return error(404, f"no questionnaire {questionnaire_id!r}")
    q = questionnaire_of(version)
    offered = languages(q)
    wanted = request.args.get("lang")
    if wanted is not None and wanted not in offered:
        return invalid(
            [AnswerProblem("lang", f"no {wanted!r} text of {q.id!r} (its languages: {', '.join(offered)})")]
        )
    body = translated(q, wanted).to_dict()
    body["languages"] = offered
    return jsonify(body)


def _json_body(req: Request) -> Any:
    try:
        return parsed_body()  # the input check before the view parsed it already
    except AttributeError:
        pass
    raw = req.get_data(cache=False, as_text=False)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJSON(str(exc)) from None


class MalformedJSON(ValueError):
    pass


@bp.post("/assessments")
@operation(
    "createAssessment",
    "Submit a complete set of answers; returns the scored result",
    body=Submission,
    description="Refused with 422 although the schema allows it (every problem named at once, "
    "nothing saved): a questionnaire or version that is not registered; an answer that is not "
    "an item of it, off the item's scale, or 'unsure' where the item does not allow it; a language "
    "the questionnaire has no translation into (GET /api/v1/questionnaires/{id} lists its languages); a role "
    "the questionnaire (or group) does not offer; a group_code no workshop or cohort has; a "
    "workshop's answers without the participant_token of POST /api/v1/groups/join (or the "
    "facilitator's Bearer token), or with a role other than the one chosen at join; a cohort's "
    "answers without a respondent_code of at least 4 letters or digits, or respondent_code or wave "
    "outside a cohort. Optional fields sent as null count as not sent. Refused with 409: see below.",
    responses={
        201: ("Saved and scored", Assessment),
        400: ("The body is not a JSON object", Error),
        409: (
            "The group is closed, the Idempotency-Key was used with another body, the cohort's wave "
            "is not open, this respondent code already has a complete answer in this wave, this "
            "participant token already has its complete response, or the workshop already has its "
            "expected_headcount of complete responses (nothing replaced)",
            Error,
        ),
        413: ("The body is too large", Error),
        422: ("Invalid fields or answers, every one named; nothing saved", ValidationErrors),
        429: ("Too many wrong group codes from this address; see Retry-After", Error),
    },
    headers={
        201: {
            "Location": "The new assessment",
            "Idempotent-Replayed": '"true" when this is the stored reply to an earlier request '
            "with the same Idempotency-Key",
        }
    },
    request_headers={
        "Idempotency-Key": {
            "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
            "description": "A key unique to this submission (a UUID is ideal). Sent again with the same "
            "body, the first successful response is returned (same status, id, body and Location, plus "
            "Idempotent-Replayed: true) and nothing new is stored; sent with a different body it is "
            "refused with 409. Keys are scoped to the sender (API token if sent, else address) and kept "
            "in the database, so a retry to another worker is recognised. Refused (4xx) submissions "
            "are not remembered, so a corrected one may reuse the key. A malformed key is a 422 naming "
            "Idempotency-Key.",
        }
    },
)
def create_assessment() -> tuple[Response, int]:
    """One complete submission: validated as a whole, scored, saved in one transaction.
    With an ``Idempotency-Key`` header a retry returns the first response and stores nothing."""
    try:
        body = _json_body(request)
    except MalformedJSON as exc:
        return error(400, f"the request body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        return error(400, "the request body must be a JSON object")
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return _submit(body, None)
    problem = idempotency.check_key(key)
    if problem:
        return invalid([AnswerProblem("Idempotency-Key", problem)])
    auth = request.headers.get("Authorization", "")
    bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
    scope = idempotency.scope_of(bearer, request.remote_addr or "unknown")
    ticket = (scope, key, idempotency.request_hash(body))
    replayed = _replay(*ticket)
    if replayed is not None:
        return replayed
    return _submit(body, ticket)


def _replay(scope: str, key: str, body_hash: str) -> tuple[Response, int] | None:
    try:
        stored = idempotency.replay(db(), scope, key, body_hash)
    except idempotency.KeyReused as exc:
        return error(409, str(exc))
    if stored is None:
        return None
    response = jsonify(stored.body)
    if stored.assessment_id:
        response.headers["Location"] = external_url("api.get_assessment", assessment_id=stored.assessment_id)
    response.headers["Idempotent-Replayed"] = "true"
    return response, stored.status


def _submit(body: dict[str, Any], ticket: tuple[str, str, str] | None) -> tuple[Response, int]:
    # The answers themselves are the domain's to check, against the questionnaire (below).
    problems = body_problems(Submission, body, skip=("answers",))
    bad = {p.item for p in problems}
    problems.extend(api_benchmarks.submission_problems(body, bad))
    s = db()
    group = None
    code = body.get("group_code")
    if "group_code" not in bad and isinstance(code, str) and code.strip():
        try:
            group = self_assessment.group_by_join_code(s, code)
        except services.NotFound:
            # Wrong codes are limited per address, as on the join page; right ones always pass.
            wait = throttle().wrong_code()
            if wait:
                response, status = error(429, f"too many wrong group codes; try again in {wait} seconds")
                response.headers["Retry-After"] = str(wait)
                return response, status
            problems.append(AnswerProblem("group_code", "no workshop or cohort has this code"))
    participant, group = _participant(s, body, bad, group, problems)
    questionnaire_id = body.get("questionnaire")
    if "questionnaire" not in bad:
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
    version = body.get("version")
    if isinstance(questionnaire_id, str) and isinstance(version, str):
        problems.extend(_version_problems(questionnaire_id, version, group))
    language = _language(s, body, bad, group, participant, problems)
    entry = _cohort_entry(s, group, body, problems)
    if isinstance(entry, tuple) and isinstance(entry[0], Response):
        return entry
    if problems:
        # Still check the answers when the questionnaire is known, so one reply names everything.
        if not any(p.item == "questionnaire" for p in problems):
            problems.extend(_answer_problems(questionnaire_id, body, group))
        return invalid(problems)
    # The result's own words (findings, labels) in the language it was answered in.
    with in_language(report_locale(language)):
        text = {k: body.get(k) or "" for k in ("organisation", "sector", "size_band", "role")}
        wave, code_hash = entry if isinstance(entry, tuple) else (None, None)
        try:
            if participant is not None:
                assessment = participant
                result = participants.submit(
                    s, participant, body["answers"], role=text["role"] or None, language=language
                )
            else:
                assessment, result = self_assessment.submit(
                    s,
                    questionnaire_id,
                    body["answers"],
                    group=group,
                    version=version if isinstance(version, str) else None,
                    wave=wave,
                    respondent_hash=code_hash,
                    benchmark=body.get("benchmark") is True,
                    language=language or "en",
                    **text,
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
        except (services.GroupClosed, participants.HeadcountReached, participants.AlreadyAnswered) as exc:
            s.rollback()
            return error(409, str(exc))
        location = external_url("api.get_assessment", assessment_id=assessment.id)
        payload = _with_benchmark(
            self_assessment.payload(assessment, result, location + "/report.pdf"), assessment, result
        )
        if ticket is not None:
            try:
                idempotency.remember(s, *ticket, 201, payload, assessment.id)
            except IntegrityError:
                # The same key arrived twice at once and the other request won: answer as it did.
                s.rollback()
                return _replay(*ticket) or error(409, "this Idempotency-Key is being used by another request")
        s.commit()
        response = _json(payload)
        response.headers["Location"] = location
        return response, 201


def _json(payload: dict[str, Any]) -> Response:
    """``jsonify`` (keys sorted) through orjson: the scored result is about 28 KB of JSON, and the
    json module took a tenth of a submission's time writing it."""
    return current_app.response_class(
        orjson.dumps(payload, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS),
        mimetype="application/json",
    )


def _participant(
    s: Any, body: dict[str, Any], bad: set[str], group: Any, problems: list[AnswerProblem]
) -> tuple[Any, Any]:
    """(the participant's response or None, the group): a workshop's answers come with a
    participant token from POST /api/v1/groups/join, one complete response per token, or from
    the workshop's own facilitator (Bearer token). Problems are added to ``problems``."""
    token = body.get("participant_token")
    if "participant_token" in bad:
        return None, group
    if isinstance(token, str) and token:
        participant = participants.response_for(s, current_app.secret_key, token, for_update=True)
        if participant is None or participant.group is None or participant.group.kind != "workshop":
            problems.append(AnswerProblem("participant_token", participants.NO_SUCH_PARTICIPANT))
            return None, group
        if group is not None and group.id != participant.group_id:
            problems.append(AnswerProblem("participant_token", WRONG_WORKSHOP))
            return None, group
        return participant, participant.group
    if group is not None and group.kind == "workshop" and group.is_open:  # a closed one is a 409
        user = bearer_user()
        if user is None or user.id != group.owner_id:
            problems.append(AnswerProblem("participant_token", JOIN_FIRST))
    return None, group


def _language(
    s: Any, body: dict[str, Any], bad: set[str], group: Any, participant: Any, problems: list[AnswerProblem]
) -> str | None:
    """The language the answers are in: the body's, when the questionnaire has it (else a problem
    naming it), or by default the installation's where the questionnaire has it; None for a
    participant who sends none (they keep the language they joined in), or when the
    questionnaire is unknown (reported on its own)."""
    wanted = body.get("language")
    if "language" in bad or (participant is not None and not wanted):
        return None
    try:
        if participant is not None:
            q = questionnaire_of(participant.questionnaire)
        elif group is not None:
            q = questionnaire_of(group.questionnaire)
        elif isinstance(body.get("version"), str):
            q = questionnaire_of(version_named(s, body.get("questionnaire"), body["version"]))
        elif isinstance(body.get("questionnaire"), str):
            q = current_ref(s, body["questionnaire"])[1]
        else:
            return None
    except services.NotFound:
        return None
    if not wanted:
        return language_for(q, current_app.config["DEFAULT_LOCALE"])
    offered = languages(q)
    chosen = language_for(q, wanted)
    if chosen.split("-")[0] != wanted.replace("_", "-").split("-")[0].lower():
        problems.append(
            AnswerProblem(
                "language",
                f"{q.id!r} {q.version} has no {wanted!r} translation (its languages: {', '.join(offered)})",
            )
        )
        return None
    return chosen


WRONG_WORKSHOP = "this participant token is for another workshop than group_code's"
JOIN_FIRST = (
    "a workshop's answers need the participant_token from POST /api/v1/groups/join (one complete "
    "response per participant), or the workshop facilitator's Bearer token"
)


def _version_problems(questionnaire_id: str, version: str, group: Any) -> list[AnswerProblem]:
    """A version must be registered; a group answers the version it was created on."""
    if group is not None:
        if group.questionnaire.version != version:
            return [
                AnswerProblem(
                    "version", f"this group answers version {group.questionnaire.version!r}, not {version!r}"
                )
            ]
        return []
    try:
        version_named(db(), questionnaire_id, version)
    except services.NotFound:
        known = registered_versions(db(), questionnaire_id)
        if not known:
            return []  # the unknown questionnaire is reported on its own
        return [AnswerProblem("version", f"no version {version!r} (registered: {', '.join(known)})")]
    return []


def _cohort_entry(
    s: Any, group: Any, body: dict[str, Any], problems: list[AnswerProblem]
) -> tuple[str, str] | tuple[Response, int] | None:
    """For a cohort: (wave, code hash) of a new answer, a 409 response, or None with problems
    added. Outside a cohort the cohort fields are refused."""
    named = {p.item for p in problems}
    if group is None or group.kind != "cohort":
        for name in COHORT_FIELDS:
            if body.get(name) is not None and name not in named:  # null: not sent
                problems.append(AnswerProblem(name, "only for a cohort's group_code"))
        return None
    if not group.is_open:
        return error(409, str(services.GroupClosed(group)))
    if named & set(COHORT_FIELDS):
        return None  # the schema already named what is wrong with the code or the wave
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
        if group is not None:
            version = group.questionnaire
        elif isinstance(body.get("version"), str):
            version = version_named(s, questionnaire_id, body["version"])
        else:
            version = current_version(s, questionnaire_id)
        self_assessment.validate_answers(questionnaire_of(version), body.get("answers", {}))
    except InvalidAnswers as exc:
        return [p for p in exc.problems if p.item != "answers" or "answers" in body]
    except services.NotFound:
        return []
    return []


@bp.get("/assessments/<assessment_id>")
@operation(
    "getAssessment",
    "An assessment and its result",
    params=ASSESSMENT_ID,
    responses={200: ("The assessment", Assessment), 404: NO_ASSESSMENT},
)
def get_assessment(assessment_id: str) -> Response | tuple[Response, int]:
    try:
        assessment = self_assessment.get_assessment(db(), assessment_id)
    except services.NotFound:
        return error(404, "no assessment with this id")
    with in_language(report_locale(assessment.language)):  # its words in its own language
        result = self_assessment.result_of(assessment, assessment.language)
        body = _with_benchmark(
            self_assessment.payload(assessment, result, report_url(assessment.id)), assessment, result
        )
    body.update(plans.review_payload(plans.assessment_review(db(), assessment)))  # a retake's plan_review
    return jsonify(body)


def _with_benchmark(body: dict[str, Any], assessment: Any, result: Any) -> dict[str, Any]:
    """Rule 18's comparison beside the result (it needs the database, so it is added here)."""
    body["benchmark"] = api_benchmarks.result_benchmark(db(), assessment, result)
    return body


def register(app: Flask) -> None:
    app.register_blueprint(bp)
