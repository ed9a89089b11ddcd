"""One assessment's PDF report: reads the assessment (database), scores it (domain) and hands
plain values to ``reports``. No Flask here, so the web route and the CLI share it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlalchemy.orm import Session

from reports import ReportContext, build_context, render_pdf

from .db.models import Assessment
from .services import questionnaire_of, result_of


class ReportNotReady(Exception):
    """The assessment is still in progress: there is no finished set of answers to report on."""


def _date_of(assessment: Assessment) -> dt.date:
    moment = assessment.completed_at or assessment.updated_at or assessment.created_at
    return moment.date() if moment else dt.date.today()


def assessment_report_context(assessment: Assessment) -> ReportContext:
    """The report's context for one complete assessment (raises ReportNotReady otherwise).

    A complete assessment whose answers leave a dimension below the coverage threshold is still
    reported: those dimensions say "not enough answers" and the verdict is marked provisional,
    which is the honest account of what was answered.
    """
    if assessment.status != "complete":
        raise ReportNotReady(
            "this assessment is not finished yet; complete it first, then download the report"
        )
    questionnaire = questionnaire_of(assessment.questionnaire)
    roles = {r.id: r.label for r in questionnaire.roles}
    role = roles.get(assessment.role or "", assessment.role or "")
    label = f"Self-assessment ({role})" if role else "Self-assessment"
    return build_context(
        result_of(assessment),
        organisation=assessment.organisation or "",
        date=_date_of(assessment),
        respondent_label=label,
    )


def assessment_report_pdf(session: Session, assessment: Assessment) -> bytes:
    """The PDF bytes of one complete assessment's report (raises ReportNotReady otherwise).

    ``session`` is the session ``assessment`` belongs to; the report reads the questionnaire
    version through it and writes nothing.
    """
    if assessment not in session:
        raise ValueError("the assessment does not belong to this session")
    return render_pdf(assessment_report_context(assessment))


def report_filename(organisation: str, date: dt.date) -> str:
    """A download name like ``acme-housing-social-organisation-report-2026-11-22.pdf``. Letters
    of any script are kept (the web response also sends an ASCII fallback); anything that could
    mean something to a file system or a header is not."""
    slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", organisation).lower()).strip("-")
    slug = slug[:60].strip("-")
    return f"{slug + '-' if slug else ''}social-organisation-report-{date.isoformat()}.pdf"


def assessment_report_filename(assessment: Assessment) -> str:
    return report_filename(assessment.organisation or "", _date_of(assessment))
