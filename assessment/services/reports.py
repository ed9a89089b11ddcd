"""One assessment's PDF report: reads the assessment (database), scores it (domain) and hands
plain values to ``reports``; likewise a workshop's report from its group summary. No Flask here,
so the web routes and the CLI share it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlalchemy.orm import Session

from reports import ReportContext, build_context, render_pdf

from ..db.models import Assessment, Group
from .questionnaires import questionnaire_of
from .self_assessment import result_of
from .workshops import WorkshopView, settings_of, workshop_view


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


# --------------------------------------------------------------------------- workshop report


def group_report_context(view: WorkshopView, *, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    from reports import Branding, build_context, group_data_from_summary

    group = view.group
    settings = settings_of(group)
    n = view.summary.n
    data = group_data_from_summary(
        view.summary, view.questionnaire, answer_sets=[m.answers for m in view.members], name=group.name
    )
    curation = group.settings or {}
    people = "participant" if n == 1 else "participants"
    label = f"Workshop “{group.name}”, {n} {people}"
    if not view.snapshot.shows_numbers:
        # Rule 13: below k nothing numeric is published, in the report as on the pages.
        label = f"Workshop “{group.name}”: no figures yet, fewer than {view.snapshot.k} complete responses"
    elif view.snapshot.unpublished:
        label += f" (of {view.snapshot.complete} finished; the rest appear with the next snapshot)"
    return build_context(
        view.summary.result,
        organisation=group.organisation or group.name,
        date=today or dt.date.today(),
        prepared_by=settings.consultant or None,
        respondent_label=label,
        group=data,
        commentary=group.commentary or None,
        hidden_recommendations=curation.get("hidden") or (),
        recommendation_order=curation.get("order") or None,
        # The consultant appears once, as "prepared by"; the branding carries the logo.
        branding=Branding(logo=group.logo, logo_mime=group.logo_mime),
    )


def render_group_pdf(session: Session, group: Group) -> bytes:
    from reports import render_pdf

    return render_pdf(group_report_context(workshop_view(session, group)))
