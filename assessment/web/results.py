"""The results page (at the public id), retakes, and plotly.js served from the Python package."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly
from babel.numbers import get_decimal_symbol
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from reports import charts as print_charts
from reports import prose

from .. import services
from ..db.models import Assessment
from ..domain.figures import change_text, score_bounds, shown_change, shown_score
from ..domain.findings import STRENGTH_KINDS, WEAK, Finding
from ..domain.questionnaire import HORIZON_LABELS, Questionnaire
from ..domain.result import Result
from ..domain.scoring import display_score, score_boundaries
from ..domain.text import N_
from ..i18n import _, current_language, format_date, format_percent, format_time, get_locale
from ..services import plans, self_assessment
from ..services.questionnaires import questionnaire_of, translated
from . import charts, db, jobs
from .editions import method_url
from .forms import RetakeForm
from .respond import owned_token, remember

bp = Blueprint("results", __name__)

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
ROADMAP_PREVIEW = 6
PRACTICE_PREVIEW = 6  # the rest of a long list folds away behind a disclosure (no script needed)
HISTORY_FROM = 3  # a line needs at least three points to say anything


@bp.get("/assets/plotly.min.js")
def plotly_js() -> Response:
    """plotly.js from the installed plotly package: no CDN, so an offline laptop works."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=365 * 24 * 3600)


def plotly_url() -> str:
    """Versioned, so the long cache lifetime never serves a stale file after an upgrade."""
    return url_for("results.plotly_js", v=plotly.__version__)


@dataclass(frozen=True)
class Point:
    """One complete assessment of a series, as stored (scores of its own questionnaire version)."""

    id: str
    date: str
    day: str  # the date alone, as the history chart's axis shows it
    overall: float | None
    dimensions: dict[str, float | None]


def _point(assessment: Assessment) -> Point:
    moment = assessment.completed_at or assessment.created_at
    day = format_date(moment, "medium")
    return Point(
        id=assessment.id,
        # A workshop participant's time is stored to the day only: no made-up "00:00".
        date=day
        if assessment.group_id
        else _("%(date)s, %(time)s", date=day, time=format_time(moment, "short")),
        day=day,
        overall=assessment.overall,
        dimensions={row.dimension: row.score for row in assessment.scores},
    )


def _change(now: float | None, before: float | None, q: Questionnaire) -> str | None:
    """Rule 17: the change as the difference of the two figures shown ("+14", "−3", "±0")."""
    if now is None or before is None:
        return None
    return decimal_text(change_text(before, now, score_bounds(q))[2])


def _to_go(score: float | None, target: float | None, q: Questionnaire) -> str:
    """The gap to the next stage as the difference of the two figures shown (45 to 60: 15)."""
    bounds = score_bounds(q)
    return decimal_text(
        shown_change(shown_score(score, bounds), shown_score(target, bounds)).text.lstrip("+")
    )


def _finding_rows(result: Result, findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Rule 15's findings as the page lists them: the sentence and its area."""
    q = result.questionnaire
    return [{"text": f.text, "dimension": q.dimension(f.dimension).label} for f in findings]


def results_context(assessment: Assessment, result: Result, history: list[Assessment]) -> dict[str, Any]:
    """Everything the results template shows, as plain values."""
    q = result.questionnaire
    points = [_point(a) for a in history]
    mine = next((n for n, p in enumerate(points) if p.id == assessment.id), len(points) - 1)
    previous = points[mine - 1] if mine > 0 else None
    series_so_far = points[: mine + 1]
    labels = [d.label for d in result.dimensions]
    history_chart = None
    if len(series_so_far) >= HISTORY_FROM:
        history_chart = charts.history_figure(
            # Numbered, so two assessments in the same minute stay two points.
            [f"{n}. {p.day}" for n, p in enumerate(series_so_far, start=1)],
            [p.overall for p in series_so_far],
            {d.label: [p.dimensions.get(d.id) for p in series_so_far] for d in q.dimensions},
        )
    bottleneck = (
        result.dimension(result.classification.bottleneck) if result.classification.bottleneck else None
    )
    return {
        "q": q,
        "assessment": assessment,
        "result": result,
        "classification": result.classification,
        "bottleneck": bottleneck,
        "thresholds": q.thresholds,
        "previous": previous,
        "overall_change": _change(result.overall, previous.overall, q) if previous else None,
        "changes": {
            d.id: (_change(d.score, previous.dimensions.get(d.id), q) if previous else None)
            for d in result.dimensions
        },
        "to_go": {d.id: _to_go(d.score, d.target, q) for d in result.dimensions},
        "series": series_so_far,
        "radar": charts.radar_figure(
            labels, [d.score for d in result.dimensions], [d.target for d in result.dimensions]
        ),
        "history_chart": history_chart,
        # Phones draw these server-made SVGs (the PDF's own charts) instead of loading plotly.js.
        "radar_svg": print_charts.radar_svg(
            marks=[print_charts.Mark(d.id, d.label, d.score, d.target) for d in result.dimensions],
            rings=[*(s.min for s in q.stages[1:]), 100.0],
            score_label=_("Score"),
            target_label=_("Next-stage target"),
        ),
        "history_svg": print_charts.history_svg(
            [f"{n}. {p.day}" for n, p in enumerate(series_so_far, start=1)],
            [p.overall for p in series_so_far],
            [(d.id, d.label, [p.dimensions.get(d.id) for p in series_so_far]) for d in q.dimensions],
        )
        if history_chart
        else None,
        "spectrum": charts.spectrum(
            result.overall, q.thresholds.social, [(d.label, d.score) for d in result.dimensions]
        ),
        # A phone gets its own layout: the wide one scaled down would make the text unreadable.
        "spectrum_narrow": charts.spectrum(
            result.overall, q.thresholds.social, [(d.label, d.score) for d in result.dimensions], width=340
        ),
        # Rule 15: what the page says about the organisation comes from its findings only.
        "verdict": prose.verdict(
            result,
            result.findings,
            result.strongest,
            assessment.organisation or _(DEFAULT_ORGANISATION),
            _first_step(result),
        ),
        "strengths": _finding_rows(
            result,
            sorted((f for f in result.findings if f.kind in STRENGTH_KINDS), key=lambda f: -(f.score or 0.0)),
        ),
        "weaknesses": _finding_rows(
            result, sorted((f for f in result.findings if f.kind == WEAK), key=lambda f: f.score or 0.0)
        ),
        "practice_preview": PRACTICE_PREVIEW,
        "roadmap": result.roadmap[:ROADMAP_PREVIEW],
        "roadmap_total": len(result.roadmap),
        "horizon_labels": {h: _(label) for h, label in HORIZON_LABELS.items()},
        "dimension_labels": {d.id: d.label for d in q.dimensions},
    }


DEFAULT_ORGANISATION = N_("Your organisation")


def _first_step(result: Result) -> tuple[str, str, str] | None:
    if not result.roadmap:
        return None
    entry = result.roadmap[0]
    rec = entry.recommendation
    shown = vocabulary_text(rec.owner)
    owner = shown[:1].upper() + shown[1:] if shown and not shown.isupper() else shown
    horizon = entry.horizon or rec.horizon
    return rec.title, _(HORIZON_LABELS[horizon]) if horizon in HORIZON_LABELS else horizon, owner


@bp.app_template_filter("score")
def score_filter(value: float | None, q: Questionnaire) -> str:
    """A score rounded for the page, never up onto a bound of ``q`` it has not reached (as in
    the PDF): ``{{ d.score|score(q) }}``."""
    return decimal_text(display_score(value, score_boundaries(q)))


# The roadmap's words for effort and owner (domain.questionnaire.EFFORTS and OWNERS): the file's
# vocabulary, shown in the reader's language. A free-text owner (``owner_small``) is the
# questionnaire's own text and comes translated with it.
VOCABULARY = (
    N_("low"),
    N_("medium"),
    N_("high"),
    N_("leadership"),
    N_("communications"),
    N_("team leaders"),
    N_("customer service"),
    N_("operations"),
    N_("community manager"),
    N_("HR"),
    N_("IT"),
    N_("legal"),
    N_("compliance"),
    N_("finance"),
)


@bp.app_template_filter("vocabulary")
def vocabulary_text(word: str | None) -> str:
    """An effort or owner word in the reader's language (others as they are)."""
    return _(word) if word in VOCABULARY else (word or "")


@bp.app_template_filter("percent")
def percent_text(share: float | None) -> str:
    """A share (0.8) as a whole percentage in the locale's way ("80%", German "80 %")."""
    return "–" if share is None else format_percent(share)


@bp.app_template_filter("decimal")
def decimal_text(text: str) -> str:
    """A figure as rule 17 writes it ("45.5", "−3.4") with the locale's decimal sign ("45,5"):
    figures.py decides the digits, the language only the separator."""
    locale = get_locale()
    return text.replace(".", get_decimal_symbol(locale)) if locale else text


def _complete(assessment_id: str) -> Assessment:
    try:
        assessment = self_assessment.get_assessment(db(), assessment_id)
    except services.NotFound:
        abort(404, description=_("There are no results at this address. Check the link was copied whole."))
    if assessment.status != "complete":
        abort(404, description=_("These results are not ready: the assessment has not been finished yet."))
    return assessment


@bp.get("/results/<assessment_id>")
def show(assessment_id: str) -> str:
    assessment = _complete(assessment_id)
    words = translated(questionnaire_of(assessment.questionnaire), current_language())
    result = self_assessment.result_of(assessment, questionnaire=words)
    context = results_context(assessment, result, self_assessment.series_history(db(), assessment))
    if assessment.group_id is None and current_app.config["REPORT_PRERENDER"]:
        # A job of its own (one per assessment at a time): the worker queues the renders.
        jobs().enqueue(
            f"prerender:{assessment.id}",
            "prerender",
            {"assessment": assessment.id, "method_url": method_url()},
        )
    token = owned_token(assessment.id)
    from .rounds import end_screen  # rounds imports this module

    return render_template(
        "results/show.html",
        **context,
        workshop=end_screen(assessment),
        plotly_src=plotly_url(),
        report_url=url_for("api.get_assessment", assessment_id=assessment.id) + "/report.pdf",
        owner_token=token,
        can_retake=token is not None and assessment.group_id is None,
        retake_form=RetakeForm(),
        plan_review=plans.assessment_review(db(), assessment),  # a retake: the earlier plan's effect
    )


def _proves_link(assessment: Assessment, pasted: str) -> bool:
    """A private link pasted on another device (the whole address or its token): when it is this
    assessment's, this browser now holds it, as if it had opened the link."""
    token = pasted.strip().rstrip("/").rsplit("/a/", 1)[-1].split("/", 1)[0]
    if not token or token != assessment.token:
        return False
    remember(assessment)
    return True


@bp.post("/results/<assessment_id>/retake")
def retake(assessment_id: str) -> Response | tuple[str, int]:
    """A new assessment in the same private series. Only the browser that holds the private link
    may start one, so a shared results link cannot add to someone else's history."""
    assessment = _complete(assessment_id)
    form = RetakeForm()
    if not form.validate():
        abort(400, description=_("The form had expired. Please try again."))
    if owned_token(assessment.id) is None and not _proves_link(
        assessment, request.form.get("private_link", "")
    ):
        flash(_("To retake, open your private link first: only its holder can add to this series."), "error")
        return redirect(url_for("results.show", assessment_id=assessment.id))
    if assessment.group_id is not None:
        abort(403, description=_("Workshop assessments are retaken in a new workshop."))
    s = db()
    new = self_assessment.retake(s, assessment)
    s.commit()
    remember(new)
    flash(_("A new assessment has started. Your earlier results stay as they were."), "info")
    return redirect(url_for("respond.page", token=new.token, number=1))
