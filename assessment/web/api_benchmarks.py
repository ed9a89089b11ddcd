"""JSON API v1: benchmarks (SCORING.md rule 18). ``GET /api/v1/benchmarks`` needs no token: it
shows only the published snapshot's aggregate, and nothing for a group under benchmark_min.

Also the checks ``POST /api/v1/assessments`` makes of ``benchmark``, ``sector`` and
``size_band`` (api.py calls ``submission_problems``), and the ``benchmark`` block each result
JSON gains (``result_benchmark``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from sqlalchemy.orm import Session

from .. import services
from ..db.models import Assessment
from ..domain.result import Result
from ..domain.scoring import AnswerProblem
from ..services import benchmarks
from ..services.questionnaires import current_version, questionnaire_of, registered_versions, version_named
from . import db
from .extensions import csrf
from .forms import SECTORS, SIZE_BANDS
from .openapi import ValidationErrors, operation
from .schemas_benchmarks import BenchmarkReply

bp = Blueprint("api_benchmarks", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies, nothing changes

SIZE_BAND_IDS = tuple(v for v, _ in SIZE_BANDS)
SECTOR_REQUIRED = "required with benchmark: the comparison is by sector and size band"
SIZE_REQUIRED = "required with benchmark: the comparison is by sector and size band"
GROUP_BENCHMARK = (
    "only for a self-assessment: a workshop's facilitator adds the group's means when closing it"
)

QUERY = {
    "questionnaire": {
        "schema": {"type": "string"},
        "description": "A questionnaire id; default the app's default questionnaire.",
    },
    "version": {
        "schema": {"type": "string"},
        "description": "A registered version; default the current one.",
    },
    "sector": {
        "schema": {"type": "string", "enum": list(SECTORS)},
        "description": "The organisation's sector.",
    },
    "size_band": {
        "schema": {"type": "string", "enum": list(SIZE_BAND_IDS)},
        "description": "The organisation's size band (number of employees).",
    },
}


def unknown(field: str, value: object, allowed: tuple[str, ...]) -> AnswerProblem:
    return AnswerProblem(field, f"unknown {field.replace('_', ' ')} {value!r} (one of: {', '.join(allowed)})")


def organisation_problems(sector: object, size_band: object) -> list[AnswerProblem]:
    """Sector and size band must come from the start page's lists (empty: not given)."""
    problems = []
    if isinstance(sector, str) and sector and sector not in SECTORS:
        problems.append(unknown("sector", sector, SECTORS))
    if isinstance(size_band, str) and size_band and size_band not in SIZE_BAND_IDS:
        problems.append(unknown("size_band", size_band, SIZE_BAND_IDS))
    return problems


def submission_problems(body: dict[str, Any], named: set[str]) -> list[AnswerProblem]:
    """What ``POST /api/v1/assessments`` says about ``benchmark``, ``sector`` and ``size_band``
    beyond the schema (``named``: fields the schema already reported)."""
    problems = [
        p for p in organisation_problems(body.get("sector"), body.get("size_band")) if p.item not in named
    ]
    if body.get("benchmark") is True:
        if body.get("group_code") and "benchmark" not in named:
            problems.append(AnswerProblem("benchmark", GROUP_BENCHMARK))
        if not body.get("sector") and "sector" not in named:
            problems.append(AnswerProblem("sector", SECTOR_REQUIRED))
        if not body.get("size_band") and "size_band" not in named:
            problems.append(AnswerProblem("size_band", SIZE_REQUIRED))
    return problems


def result_benchmark(session: Session, assessment: Assessment, result: Result) -> dict[str, Any]:
    """The ``benchmark`` block of a result JSON."""
    return benchmarks.assessment_figures(session, assessment, result).to_dict()


@bp.get("/benchmarks")
@operation(
    "getBenchmark",
    "How organisations like this one score: median and quartiles of a comparison group (rule 18)",
    query=QUERY,
    description="Refused with 422 although the schema allows it: a questionnaire id or version that "
    "is not registered, or a sector or size band outside the start page's lists (each named).",
    responses={
        200: (
            "The group used and its figures, from the published snapshot; or, when even everyone "
            "is fewer than the questionnaire's benchmark_min, why not and how many more are needed",
            BenchmarkReply,
        ),
        422: ("An unknown questionnaire, version, sector or size band, named", ValidationErrors),
    },
)
def get_benchmark() -> tuple[Response, int] | Response:
    s = db()
    args = request.args
    problems = organisation_problems(args.get("sector"), args.get("size_band"))
    qid = args.get("questionnaire") or current_app.config["DEFAULT_QUESTIONNAIRE"]
    version = args.get("version")
    q = None
    try:
        row = version_named(s, qid, version) if version else current_version(s, qid)
        q = questionnaire_of(row)
    except services.NotFound:
        known = registered_versions(s, qid)
        if not known:
            problems.append(AnswerProblem("questionnaire", f"no questionnaire {qid!r}"))
        else:
            problems.append(
                AnswerProblem("version", f"no version {version!r} (registered: {', '.join(known)})")
            )
    if problems or q is None:
        return jsonify({"errors": [p.to_dict() for p in problems]}), 422
    found = benchmarks.figures_for(s, q, args.get("sector") or None, args.get("size_band") or None)
    return jsonify(found.to_dict())


def register(app: Flask) -> None:
    app.register_blueprint(bp)
