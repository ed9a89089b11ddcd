"""One assessment's PDF report: reads the assessment (database), scores it (domain) and hands
plain values to ``reports``; likewise a workshop's report from its group summary. No Flask here,
so the web routes and the CLI share it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, object_session

from reports import HistoryPoint, ReportContext, build_context, date_display
from reports.context import METHOD_URL, self_assessment_label
from reports.sections import CORE, FULL, check_edition

from ..db.models import Assessment, Group
from ..domain.result import Result
from ..i18n import in_language, report_locale
from ..i18n import report_language as _report_language
from . import benchmarks
from .jobs import Runner
from .questionnaires import questionnaire_of, translated
from .report_cache import cached_pdf
from .self_assessment import series_history
from .workshops import WorkshopView, settings_of, workshop_view


def assessment_language(assessment: Assessment) -> str:
    """Item 4: an individual report is written in the language its assessment was answered in
    (``assessment.language``), else in the installation's default language. The one place that
    decides it: the download, the prerender and the Word file all ask here."""
    return report_locale(assessment.language)


class ReportNotReady(Exception):
    """The assessment is still in progress: there is no finished set of answers to report on."""

    @classmethod
    def in_progress(cls) -> ReportNotReady:
        return cls("this assessment is not finished yet; complete it first, then download the report")


def _date_of(assessment: Assessment) -> dt.date:
    moment = assessment.completed_at or assessment.updated_at or assessment.created_at
    return moment.date() if moment else dt.date.today()


def assessment_report_context(
    assessment: Assessment, edition: str = CORE, method_url: str = METHOD_URL
) -> ReportContext:
    """The report's context for one complete assessment (raises ReportNotReady otherwise), in
    the ``core`` edition (the default) or the ``full`` one.

    A complete assessment whose answers leave a dimension below the coverage threshold is still
    reported: those dimensions say "not enough answers" and the verdict is marked provisional,
    which is the honest account of what was answered.
    """
    if assessment.status != "complete":
        raise ReportNotReady.in_progress()
    from ..domain.result import score
    from ..domain.roadmap import Profile

    # The questionnaire's own text in the report's language; the scores do not depend on it.
    questionnaire = translated(questionnaire_of(assessment.questionnaire), _report_language())
    roles = {r.id: r.label for r in questionnaire.roles}
    role = roles.get(assessment.role or "", assessment.role or "")
    label = self_assessment_label(role)
    profile = Profile(size_band=assessment.size_band or "", sector=assessment.sector or "")
    result = score(questionnaire, assessment.answers or {}, profile)
    context = build_context(
        result,
        organisation=assessment.organisation or "",
        date=_date_of(assessment),
        respondent_label=label,
        history=_earlier_in_series(assessment),
        edition=check_edition(edition),
        method_url=method_url,
    )
    context = _with_comparison(context, assessment, result)
    session = object_session(assessment)
    if session is None or assessment.group_id is not None:
        return context
    from .plan_reports import assessment_with_plan

    return assessment_with_plan(session, assessment, context)


def _with_comparison(context: ReportContext, assessment: Assessment, result: Result) -> ReportContext:
    """Rule 18's section: the assessment against the comparison group it falls in."""
    from reports.benchmark_section import benchmark_section, with_benchmark

    session = object_session(assessment)
    if session is None:
        return context
    found = benchmarks.assessment_figures(session, assessment, result)
    own = {"overall": result.overall, **{d.id: d.score for d in result.dimensions}}
    section, assets = benchmark_section(
        result.questionnaire, found, own, own_sector=assessment.sector, own_size_band=assessment.size_band
    )
    return with_benchmark(context, section, assets)


def _earlier_in_series(assessment: Assessment) -> list[HistoryPoint]:
    """The complete assessments of the same series made before this one, oldest first, with the
    scores stored for them (each on its own questionnaire version), as the results page shows."""
    session = object_session(assessment)
    if session is None or not assessment.series:
        return []
    history = series_history(session, assessment)
    mine = next((n for n, a in enumerate(history) if a.id == assessment.id), len(history))
    return [
        HistoryPoint(
            label=date_display(_date_of(a)),
            overall=a.overall,
            dimensions={row.dimension: row.score for row in a.scores},
        )
        for a in history[:mine]
    ]


def assessment_report_pdf(
    session: Session,
    assessment: Assessment,
    edition: str = CORE,
    method_url: str = METHOD_URL,
    runner: Runner | None = None,
) -> bytes:
    """The PDF bytes of one complete assessment's report (raises ReportNotReady otherwise).

    ``session`` is the session ``assessment`` belongs to; the report reads the questionnaire
    version through it; the rendered bytes are kept in the report cache (its own transaction, see
    ``report_cache``), so an unchanged report is not rendered twice. With ``runner`` a worker of
    the job queue renders it.
    """
    if assessment not in session:
        raise ValueError("the assessment does not belong to this session")
    with in_language(assessment_language(assessment)):
        context = assessment_report_context(assessment, edition, method_url)
        payload = {"assessment": assessment.id, "edition": edition, "method_url": method_url}
        return cached_pdf(session, context, (runner, "assessment_pdf", payload) if runner else None)


def report_filename(organisation: str, date: dt.date, edition: str = CORE) -> str:
    """A download name like ``acme-housing-social-organisation-report-2026-11-22.pdf``. Letters
    of any script are kept (the web response also sends an ASCII fallback); anything that could
    mean something to a file system or a header is not."""
    slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", organisation).lower()).strip("-")
    slug = slug[:60].strip("-")
    full = "full-" if edition == FULL else ""
    return f"{slug + '-' if slug else ''}social-organisation-report-{full}{date.isoformat()}.pdf"


def assessment_report_filename(assessment: Assessment, edition: str = CORE) -> str:
    return report_filename(assessment.organisation or "", _date_of(assessment), edition)


def group_report_filename(group: Group, edition: str = CORE) -> str:
    """The workshop's download name; the full edition says so."""
    from .exports import filename

    return filename(group, "full.pdf" if edition == FULL else "pdf")


# --------------------------------------------------------------------------- workshop report


def group_report_context(  # type: ignore[no-untyped-def]
    view: WorkshopView, *, today: dt.date | None = None, edition: str = CORE, method_url: str = METHOD_URL
):
    from reports import Branding, build_context, group_data_from_summary

    group = view.group
    settings = settings_of(group)
    n = view.summary.n
    data = group_data_from_summary(
        view.summary, view.questionnaire, answer_sets=[m.answers for m in view.members], name=group.name
    )
    curation = group.settings or {}
    from reports.context import workshop_label

    # Rule 13: below k nothing numeric is published, in the report as on the pages.
    label = workshop_label(
        group.name,
        n,
        view.snapshot.k,
        view.snapshot.shows_numbers,
        view.snapshot.unpublished,
        view.snapshot.complete,
    )
    context = build_context(
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
        withheld=None if view.snapshot.shows_numbers else view.snapshot.note,
        edition=check_edition(edition),
        method_url=method_url,
    )
    if view.snapshot.shows_numbers:
        context = _group_comparison(context, view)
    session = object_session(group)
    if session is None:
        return context
    from .plan_reports import group_with_plan

    return group_with_plan(session, group, view, context)


def _group_comparison(context: ReportContext, view: WorkshopView) -> ReportContext:
    """Rule 18 for a workshop: the group's means against its comparison group, the same way."""
    from sqlalchemy.orm import object_session as session_of

    from reports.benchmark_section import benchmark_section, with_benchmark

    session = session_of(view.group)
    if session is None:
        return context
    result = view.summary.result
    chosen = (view.group.settings or {}).get("benchmark") or {}
    sector, size_band = chosen.get("sector") or None, chosen.get("size_band") or None
    own = {"overall": result.overall, **{d.id: d.score for d in result.dimensions}}
    found = benchmarks.figures_for(
        session, view.questionnaire, sector, size_band, own=own, own_link=benchmarks.group_link(view.group.id)
    )
    section, assets = benchmark_section(
        view.questionnaire, found, own, own_sector=sector, own_size_band=size_band, is_group=True
    )
    return with_benchmark(context, section, assets)


def render_group_pdf(
    session: Session,
    group: Group,
    edition: str = CORE,
    method_url: str = METHOD_URL,
    language: str | None = None,
    runner: Runner | None = None,
) -> bytes:
    """The workshop's PDF, with its discussion rounds: rendered again only when something it shows
    has changed (by a worker of the job queue with ``runner``). Commits ``session`` (the snapshot
    may move on, rule 13) before rendering. ``language``: the facilitator's choice ("de"); None
    keeps the caller's locale (the request's). Respondents who answered in different languages
    are one group: the aggregation reads values."""
    from reports.rounds import round_sections, with_rounds

    from .rounds import rounds_of

    with chosen_language(language):
        view = workshop_view(session, group)
        # May move a predecessor's snapshot on too (its plan review).
        context = group_report_context(view, edition=edition, method_url=method_url)
        # The snapshots' moves are committed before the render: rendering takes seconds, and the
        # report cache keeps the bytes in a transaction of its own, which on SQLite would wait on this
        # one (one writer at a time) until its busy timeout and then fail the download.
        session.commit()
        payload = {"group": group.id, "edition": edition, "method_url": method_url, "language": language}
        job = (runner, "group_pdf", payload) if runner else None
        return cached_pdf(session, with_rounds(context, round_sections(rounds_of(session, group))), job)


@contextmanager
def chosen_language(language: str | None) -> Iterator[None]:
    """A workshop's files in the facilitator's choice (``?lang=de``); None: the request's locale."""
    if language is None:
        yield
        return
    with in_language(report_locale(language)):
        yield


def full_group_context(session: Session, group: Group, language: str | None = None) -> ReportContext:
    """The workshop report's whole context, as its PDF shows it (snapshot committed first): the
    Word file and the slides are built from it, never from the database. Build the file from it
    inside ``in_language`` too when a ``language`` is chosen (the files' own text is gettext)."""
    from reports.rounds import round_sections, with_rounds

    from .rounds import rounds_of

    with chosen_language(language):
        view = workshop_view(session, group)
        context = group_report_context(view)
        session.commit()
        return with_rounds(context, round_sections(rounds_of(session, group)))
