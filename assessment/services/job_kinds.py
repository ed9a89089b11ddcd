"""What each kind of job does, given the ids it was queued with (plain JSON): the renders (every
PDF, and the Word file and slides), the background pre-render, e-mail and the periodic jobs. No
Flask here; ``assessment/queue.py`` runs these in a worker, inside an app context.

Every document is made in the bounded child (``reports/bounded.py``), so the time and memory
bounds of ``REPORT_RENDER_SECONDS`` and ``REPORT_RENDER_MEMORY_MB`` hold in the workers as they
did in the web processes. A PDF job returns nothing: its bytes are kept in the report cache,
which the waiting request reads; a Word file or slides come back as the job's result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from reports import prepare
from reports.sections import EDITIONS

from ..db import Database
from ..db.models import Group
from . import NotFound, jobs, mail, retention, self_assessment
from .report_cache import is_kept, render_job_id
from .reports import (
    assessment_language,
    assessment_report_context,
    assessment_report_pdf,
    chosen_language,
    full_group_context,
    in_language,
    render_group_pdf,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    database: Database
    config: Mapping[str, Any]
    # Queue another job (id, kind, payload): the pre-render queues the renders it finds missing.
    enqueue: Callable[[str, str, dict[str, Any]], None]


def _group(session: Session, group_id: str) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound("The workshop was deleted before its report was made.")
    return group


def assessment_pdf(ctx: JobContext, session: Session, p: dict[str, Any]) -> None:
    assessment = self_assessment.get_assessment(session, p["assessment"])
    assessment_report_pdf(session, assessment, p["edition"], p["method_url"])  # in its language


def group_pdf(ctx: JobContext, session: Session, p: dict[str, Any]) -> None:
    group = _group(session, p["group"])
    render_group_pdf(session, group, p["edition"], p["method_url"], p.get("language"))


def compare_pdf(ctx: JobContext, session: Session, p: dict[str, Any]) -> None:
    from .comparison_report import compare_pdf as make

    make(session, _group(session, p["a"]), _group(session, p["b"]), p["wave_a"], p["wave_b"])


def change_pdf(ctx: JobContext, session: Session, p: dict[str, Any]) -> None:
    from .comparison_report import change_pdf as make

    make(session, _group(session, p["group"]), p["from"], p["to"])


# The Word file and the slides write their own words (gettext) as they are built, so they are
# built here, in the worker, inside the report's language: the bounded child has no app context to
# translate in (a PDF's HTML is translated before it goes there). Their text is bounded at entry
# (domain/limits.py) and neither lays out lines, so no input makes them slow.
def assessment_docx(ctx: JobContext, session: Session, p: dict[str, Any]) -> bytes:
    from reports.docx_report import docx_report

    assessment = self_assessment.get_assessment(session, p["assessment"])
    with in_language(assessment_language(assessment)):  # the language it was answered in
        return docx_report(assessment_report_context(assessment))


def group_docx(ctx: JobContext, session: Session, p: dict[str, Any]) -> bytes:
    from reports.docx_report import docx_report

    with chosen_language(p.get("language")):
        return docx_report(full_group_context(session, _group(session, p["group"])))


def group_pptx(ctx: JobContext, session: Session, p: dict[str, Any]) -> bytes:
    from reports.slides import workshop_slides

    with chosen_language(p.get("language")):
        return workshop_slides(full_group_context(session, _group(session, p["group"])))


def prerender(ctx: JobContext, session: Session, p: dict[str, Any]) -> None:
    """Both editions of a finished self-assessment's report, queued as the render jobs a download
    would queue (same ids), so a download that comes meanwhile shares them."""
    assessment = self_assessment.get_assessment(session, p["assessment"])
    for edition in EDITIONS:  # the core first: it is what "Download PDF" gives
        with in_language(assessment_language(assessment)):  # the key depends on the words
            key = prepare(assessment_report_context(assessment, edition, p["method_url"])).key
        if not is_kept(session, key):
            payload = {"assessment": assessment.id, "edition": edition, "method_url": p["method_url"]}
            ctx.enqueue(render_job_id(key), "assessment_pdf", payload)


def send_mail(ctx: JobContext, session: Session, p: dict[str, Any]) -> None:
    server = mail.MailServer.from_url(str(ctx.config["MAIL_URL"]))
    mail.send(server, p["sender"], p["to"], p["subject"], p["body"])


def retention_purge(ctx: JobContext, session: Session, p: dict[str, Any]) -> None:
    """``flask purge --older-than RETENTION_DAYS --yes``, daily, when the setting is on."""
    days = int(ctx.config.get("RETENTION_DAYS") or 0)
    if days < 1:
        return
    counts = retention.purge(session, days, apply=True)
    session.commit()
    log.info("retention: deleted %d responses older than %d days", counts.total, days)


def clean_jobs(ctx: JobContext, session: Session, p: dict[str, Any]) -> None:
    jobs.clean(session.get_bind())


HANDLERS: dict[str, Callable[[JobContext, Session, dict[str, Any]], bytes | None]] = {
    "assessment_pdf": assessment_pdf,
    "group_pdf": group_pdf,
    "compare_pdf": compare_pdf,
    "change_pdf": change_pdf,
    "assessment_docx": assessment_docx,
    "group_docx": group_docx,
    "group_pptx": group_pptx,
    "prerender": prerender,
    "mail": send_mail,
    "retention": retention_purge,
    "clean_jobs": clean_jobs,
}
# What a job was given is dropped when it ends: a mail's address is used for the one message.
FORGET_PAYLOAD = frozenset({"mail"})
