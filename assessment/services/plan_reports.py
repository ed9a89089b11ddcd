"""The plan in the report: a report context with the client's plan and the earlier plan's review
added (``reports.plan_section``), for the PDF, the Word file and the slides alike. No Flask."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from reports import ReportContext
from reports.plan_section import plan_section, with_plan

from ..db.models import Assessment, Group
from . import plans


def assessment_with_plan(session: Session, assessment: Assessment, context: ReportContext) -> ReportContext:
    """``context`` plus the self-assessment's plan (when edited) and its series' review."""
    state = plans.assessment_plan(session, assessment)
    review = plans.assessment_review(session, assessment)
    return _with(state, review, context)


def group_with_plan(session: Session, group: Group, view: Any, context: ReportContext) -> ReportContext:
    """``context`` plus the workshop's plan and its predecessor's review (both rule 13 safe: the
    roadmap and the review come from published snapshots)."""
    state = plans.group_plan(session, group, view.roadmap)
    review = plans.group_review(session, group, view.members)
    return _with(state, review, context)


def _with(state: plans.PlanState, review: plans.Review | None, context: ReportContext) -> ReportContext:
    section = plan_section(
        state.plan if state.edited else None,
        state.questionnaire,
        agreed_on=state.updated_at.date() if state.updated_at else None,
        roadmap=state.roadmap,
        review=review.steps if review else (),
        review_date=review.earlier_date if review else None,
    )
    return with_plan(context, section)
