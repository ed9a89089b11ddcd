"""The workshop report: a group's rule-9 summary, the consultant's commentary and curation and
branding, handed to the reports package as plain values (never ORM objects)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from .db.models import Group
from .workshops import WorkshopView, settings_of, workshop_view


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
    return build_context(
        view.summary.result,
        organisation=group.organisation or group.name,
        date=today or dt.date.today(),
        prepared_by=settings.consultant or None,
        respondent_label=f"Workshop “{group.name}”, {n} {people}",
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
