"""A plan's dated steps as an iCalendar file (RFC 5545, with the ``icalendar`` library): one
all-day event per step that has a date and is not dropped, so owners put them in their diaries."""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from assessment.domain.plan import STATUS_LABELS, Plan
from assessment.domain.text import N_
from assessment.i18n import _

from .plan_section import STATUS_NAMES
from .prose import lower_word

PRODID = "-//Social organisation self-assessment//plan//EN"
SUMMARY = "{title} ({organisation})"
DESCRIPTION = N_("Owner: {owner}. Status: {status}.")  # translated in the caller's locale


def plan_calendar(plan: Plan, *, organisation: str, uid_base: str, stamp: dt.datetime | None = None) -> bytes:
    """The calendar's bytes. ``uid_base`` makes each event's UID stable across downloads, so a
    calendar that imports the file again updates the events instead of doubling them."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add(
        "x-wr-calname", _("Plan: {organisation}").format(organisation=organisation or _("the organisation"))
    )
    moment = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    for step in plan.active:
        if step.due is None:
            continue
        event = Event()
        digest = hashlib.sha256(f"{uid_base}/{step.id}".encode()).hexdigest()[:32]
        event.add("uid", f"{digest}@plan")
        event.add("dtstamp", moment)
        event.add("dtstart", step.due)
        event.add("dtend", step.due + dt.timedelta(days=1))
        event.add("summary", SUMMARY.format(title=step.title, organisation=organisation or _("plan")))
        event.add(
            "description",
            _(DESCRIPTION).format(
                owner=step.owner or _("not named"),
                status=lower_word(_(STATUS_NAMES.get(step.status, STATUS_LABELS[step.status]))),
            )
            + (f"\n\n{step.note}" if step.note else ""),
        )
        calendar.add_component(event)
    return calendar.to_ical()
