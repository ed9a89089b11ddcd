"""GET /api/v1/assessments/<id>/report.pdf: one assessment's PDF report.

- 200 ``application/pdf``, downloaded as ``<organisation>-social-organisation-report-<date>.pdf``;
- 404 ``{"error": ...}`` for an unknown id;
- 422 ``{"errors": [{"field": "edition", ...}]}`` for an unknown ``?edition=`` (``core``, the
  default, or ``full``);
- 409 ``{"error": ...}`` while the assessment is still in progress (there is nothing finished
  to report on). A complete assessment with too few answers in some dimension is reported,
  honestly: those dimensions read "not enough answers" and the verdict is marked provisional;
- 503 ``{"error": ...}`` when a worker has not made it within the render bound (with
  ``Retry-After``: ask again then) or could not make it (the message says why).

A report not rendered yet is rendered by a worker of the job queue; the request waits for it.
"""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from werkzeug.wrappers import Response

from .. import services
from ..services import self_assessment
from ..services.reports import ReportNotReady, assessment_report_filename, assessment_report_pdf
from . import db, jobs, pdf_response
from .api import ASSESSMENT_ID, NO_ASSESSMENT
from .editions import EDITION_QUERY, method_url, requested_edition
from .extensions import csrf
from .openapi import PDF, Error, ValidationErrors, operation

bp = Blueprint("report", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # GET only; no cookies are needed


def _error(status: int, message: str) -> tuple[Response, int]:
    return jsonify({"error": message}), status


@bp.get("/assessments/<assessment_id>/report.pdf")
@operation(
    "getAssessmentReport",
    "The assessment's report as a PDF",
    params=ASSESSMENT_ID,
    query=EDITION_QUERY,
    responses={
        200: ("The report", PDF),
        404: NO_ASSESSMENT,
        409: ("Still in progress: finish it first", Error),
        422: ("An unknown edition (named)", ValidationErrors),
        503: ("Not made within the render bound (Retry-After), or the worker failed", Error),
    },
)
def assessment_report(assessment_id: str) -> Response | tuple[Response, int]:
    edition = requested_edition()
    if not isinstance(edition, str):
        return edition
    session = db()
    try:
        assessment = self_assessment.get_assessment(session, assessment_id)
    except services.NotFound:
        return _error(404, "no assessment with this id")
    try:
        pdf = assessment_report_pdf(session, assessment, edition, method_url(), jobs())
    except ReportNotReady as exc:
        return _error(409, str(exc))
    return pdf_response(pdf, assessment_report_filename(assessment, edition), attachment=True)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
