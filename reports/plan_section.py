"""The report's plan: the client's edited roadmap and, at a retake, what the earlier plan's steps
addressed and how those practices changed. Kept apart from ``context.py``: ``with_plan`` returns
the report context with its ``plan`` field set, and ``_plan.html`` shows it. Unedited and with no
earlier plan, ``plan_section`` gives None and the report is exactly as without this module.

Plain values only (``assessment.domain.plan`` objects in, strings out), as everywhere in reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assessment.domain.plan import STATUS_LABELS, Plan, ReviewStep
from assessment.domain.questionnaire import Questionnaire
from assessment.domain.roadmap import RoadmapEntry
from assessment.domain.text import N_
from assessment.i18n import _

from .context import ReportContext
from .sections.common import date_display as _date_display
from .sections.common import drawable

# The plan's statuses as the reports name them (the domain's STATUS_LABELS, in this catalogue too).
STATUS_NAMES = {
    "planned": N_("Planned"),
    "started": N_("Started"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}
AGREED = N_("Plan agreed on {date}")
AGREED_BY = N_("Plan agreed on {date} by {name}")
REVIEW_CAVEAT = N_(
    "A change in these practices is not proof that the step caused it: other things changed too, "
    "and answers vary from one time to the next."
)


@dataclass(frozen=True)
class PlanStepView:
    number: int
    id: str
    title: str
    owner: str
    due: str  # "14 March 2027", or ""
    due_iso: str
    status: str
    status_label: str
    note: str
    area: str  # the dimension's label, or "" for a custom step


@dataclass(frozen=True)
class ReviewRow:
    title: str
    status_label: str
    items: int
    before: str
    after: str
    change: str


@dataclass(frozen=True)
class PlanSection:
    agreed: str  # "Plan agreed on 3 March 2027 by Dana Smith"; "" while unedited
    introduction: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]  # (area label, note)
    steps: tuple[PlanStepView, ...]  # every step but the dropped ones, in the plan's order
    closed: tuple[PlanStepView, ...]  # custom steps the plan marks dropped
    dropped: tuple[tuple[str, str], ...]  # the computed roadmap's steps left out: (title, area)
    full: bool  # the full edition lists what was dropped
    review: tuple[ReviewRow, ...]
    review_of: str  # "the plan of 3 March 2026"
    review_caveat: str

    @property
    def shows_plan(self) -> bool:
        return bool(self.agreed)


def plan_section(
    plan: Plan | None,
    questionnaire: Questionnaire,
    *,
    agreed_on: dt.date | None,
    roadmap: Sequence[RoadmapEntry] = (),
    review: Iterable[ReviewStep] = (),
    review_date: dt.date | None = None,
    full: bool = True,
) -> PlanSection | None:
    """The section from a saved plan (None: never edited) and an earlier plan's review."""
    review = tuple(review)
    if plan is None and not review:
        return None
    areas = {d.id: d.label for d in questionnaire.dimensions}
    rec_area = {r.id: areas.get(r.dimension, "") for r in questionnaire.recommendations}
    views = [
        PlanStepView(
            number=0,
            id=s.id,
            title=drawable(s.title),
            owner=drawable(s.owner),
            due=_date_display(s.due) if s.due else "",
            due_iso=s.due.isoformat() if s.due else "",
            status=s.status,
            status_label=_(STATUS_NAMES.get(s.status, STATUS_LABELS[s.status])),
            note=drawable(s.note),
            area=rec_area.get(s.id, ""),
        )
        for s in (plan.steps if plan else ())
    ]
    kept = [
        dataclasses.replace(v, number=n) for n, v in enumerate((v for v in views if v.status != "dropped"), 1)
    ]
    agreed = ""
    if plan is not None and agreed_on is not None:
        name = drawable(plan.agreed_by)
        agreed = _(AGREED_BY if name else AGREED).format(date=_date_display(agreed_on), name=name)
    planned = {s.id for s in plan.active} if plan else set()
    return PlanSection(
        agreed=agreed,
        introduction=_paragraphs(drawable(plan.introduction)) if plan else (),
        notes=tuple((areas[k], drawable(v)) for k, v in (plan.notes.items() if plan else ()) if k in areas),
        steps=tuple(kept),
        closed=tuple(v for v in views if v.status == "dropped" and v.id not in rec_area),
        dropped=tuple(
            (e.recommendation.title, areas.get(e.dimension, ""))
            for e in roadmap
            if plan is not None and e.recommendation.id not in planned
        ),
        full=full,
        review=tuple(
            ReviewRow(
                drawable(r.title),
                _(STATUS_NAMES.get(r.status, STATUS_LABELS[r.status])),
                len(r.items),
                r.before_shown.text,
                r.after_shown.text,
                r.change_shown.text,
            )
            for r in review
        ),
        review_of=_("the plan of {date}").format(date=_date_display(review_date))
        if review_date
        else _("the earlier plan"),
        review_caveat=_(REVIEW_CAVEAT),
    )


def with_plan(context: ReportContext, section: PlanSection | None) -> ReportContext:
    """The same context (any subclass, such as the workshop's with rounds) with ``plan`` set."""
    if section is None:
        return context
    if not section.shows_plan:
        return dataclasses.replace(context, plan=section)
    # The executive summary's priorities are the plan's first steps, never a dropped one.
    kept = {s.id for s in section.steps}
    priorities = tuple(p for p in context.priorities if p.id in kept)
    return dataclasses.replace(context, plan=section, priorities=priorities)


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip())
