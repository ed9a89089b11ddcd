"""Benchmarks on the pages (SCORING.md rule 18): the comparison panel of the results page (a
partial, ``results/_benchmark.html``, fed by the template global ``benchmark_panel``), the
respondent's opt-in and withdrawal, and a facilitator adding a closed workshop's means.

Every figure is shown through ``domain.figures`` (rule 17); the chart places marks at full
precision and labels them with the figures as shown."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import services
from ..db.models import Assessment
from ..domain import benchmark as rule
from ..domain.figures import score_text, shown_number
from ..domain.questionnaire import Questionnaire
from ..domain.result import Result
from ..i18n import _, _l
from ..services import benchmarks, self_assessment, workshops
from . import charts, db, local
from .forms import SECTORS, SIZE_BANDS

bp = Blueprint("benchmarks", __name__)

SIZE_LABELS = dict(SIZE_BANDS)
OPTED_IN = (
    "Thank you: your anonymous scores will join the comparison when it is next updated (after "
    "every 5 new organisations), so no one can pick them out."
)
WITHDRAWN = (
    "Your scores are withdrawn from the comparison. They leave it when it is next updated, so no "
    "one can tell them apart by comparing two views."
)
NEEDS_DETAILS = "Choose your sector and number of employees: the comparison is with organisations like yours."
NOT_OWNER = "Only the holder of this assessment's private link can change this. Open your private link first."
NOT_ELIGIBLE = (
    "These results cannot be added: every area needs a score (answer more questions in the areas "
    "marked \u201cnot enough answers\u201d)."
)
WORKSHOP_ADDED = _l("The workshop's mean scores will join the comparison when it is next updated.")


def _rank_text(value: float | None) -> str:
    return "" if value is None else shown_number(value).text


def comparison_rows(
    q: Questionnaire, found: rule.Figures, own: dict[str, float | None]
) -> list[dict[str, Any]]:
    """Per dimension, then overall: the organisation's score, the group's median and middle half,
    and its percentile rank, every figure as shown (rule 17), with full-precision values for the
    chart."""
    body = found.to_dict()
    rows = []
    keys = [(d.id, d.label) for d in q.dimensions if d.id in body["dimensions"]] + [
        ("overall", "Overall index")
    ]
    for key, label in keys:
        block = body["overall"] if key == "overall" else body["dimensions"][key]
        mine = own.get(key)
        rank = block.get("percentile")
        rows.append(
            {
                "id": key,
                "label": label,
                "score": mine,
                "median": block["median"],
                "q1": block["q1"],
                "q3": block["q3"],
                "score_text": score_text(mine, q),
                "median_text": score_text(block["median"], q),
                "q1_text": score_text(block["q1"], q),
                "q3_text": score_text(block["q3"], q),
                "percentile": rank,
                "percentile_text": _rank_text(rank),
                "position": rule.standing(mine, block["q1"], block["median"], block["q3"]),
            }
        )
    return rows


def comparison_figure(rows: list[dict[str, Any]], *, own_name: str = "Your score") -> dict[str, Any]:
    """A Plotly figure: per row, the group's middle half as a bar from q1 to q3, its median as a
    tick and the organisation's score as a diamond (the first row at the top)."""
    ordered = list(reversed(rows))
    labels = [charts.wrap_label(r["label"], 16) for r in ordered]
    own = [r for r in ordered if r["score"] is not None]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "base": [r["q1"] for r in ordered],
                "x": [r["q3"] - r["q1"] for r in ordered],
                "name": "Middle half of the group",
                "marker": {"color": "rgba(91, 107, 127, 0.28)", "line": {"color": charts.TARGET, "width": 1}},
                "customdata": [[r["q1_text"], r["q3_text"]] for r in ordered],
                "hovertemplate": "%{y}: middle half %{customdata[0]} to %{customdata[1]}<extra></extra>",
                "width": 0.55,
            },
            {
                "type": "scatter",
                "mode": "markers",
                "y": labels,
                "x": [r["median"] for r in ordered],
                "name": "Group median",
                "marker": {"symbol": "line-ns", "size": 22, "line": {"color": charts.INK, "width": 3}},
                "customdata": [r["median_text"] for r in ordered],
                "hovertemplate": "%{y}: median %{customdata}<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "markers",
                "y": [charts.wrap_label(r["label"], 16) for r in own],
                "x": [r["score"] for r in own],
                "name": own_name,
                "marker": {
                    "symbol": "diamond",
                    "size": 13,
                    "color": charts.ACCENT,
                    "line": {"color": "#fff", "width": 1},
                },
                "customdata": [r["score_text"] for r in own],
                "hovertemplate": "%{y}: yours %{customdata}<extra></extra>",
            },
        ],
        # No legend: the hint above the chart says what bar, tick and diamond are, and a legend
        # wraps over the table on a phone.
        "layout": charts._layout(
            showlegend=False,
            xaxis={
                "range": [0, 100],
                "gridcolor": charts.GRID,
                "dtick": 20,
                "title": {"text": "Score (0-100)"},
            },
            yaxis={"automargin": True, "gridcolor": "rgba(0,0,0,0)"},
            barmode="overlay",
            margin={"l": 8, "r": 16, "t": 8, "b": 44},
        ),
    }


def benchmark_panel(assessment: Assessment, result: Result) -> dict[str, Any]:
    """Everything the results page's comparison panel shows, as plain values."""
    s = db()
    q = result.questionnaire
    found = benchmarks.assessment_figures(s, assessment, result)
    entry = (
        benchmarks.current_entry(s, benchmarks.series_link(assessment.series))
        if assessment.group_id is None
        else None
    )
    panel: dict[str, Any] = {
        "self_assessment": assessment.group_id is None,
        "opted_in": entry is not None,
        "shown": entry is not None and entry.published_in is not None,
        "chosen": bool(assessment.benchmark),
        "sector": assessment.sector,
        "size_band": assessment.size_band,
        "sectors": SECTORS,
        "size_bands": SIZE_BANDS,
        "eligible_scores": result.overall is not None,
        "minimum": q.thresholds.benchmark_min,
    }
    if isinstance(found, rule.Withheld):
        panel.update(withheld=found.reason, needed=found.needed)
        return panel
    own = {"overall": result.overall, **{d.id: d.score for d in result.dimensions}}
    rows = comparison_rows(q, found, own)
    panel.update(
        withheld=None,
        group=rule.group_label(found.group),
        fallback=(found.group.sector, found.group.size_band)
        != (assessment.sector or None, assessment.size_band or None),
        n=found.group.n,
        demo=found.demo,
        rows=rows,
        figure=comparison_figure(rows),
    )
    return panel


def _owned_assessment(assessment_id: str) -> Assessment:
    from .respond import owned_token

    try:
        assessment = self_assessment.get_assessment(db(), assessment_id)
    except services.NotFound:
        abort(404, description="There are no results at this address.")
    if assessment.status != "complete" or assessment.group_id is not None:
        abort(404, description="Only a finished self-assessment can be added to the comparison.")
    if owned_token(assessment.id) is None:
        abort(403, description=NOT_OWNER)
    return assessment


def details_problem(sector: str, size_band: str) -> str | None:
    if sector not in SECTORS or size_band not in SIZE_LABELS:
        return NEEDS_DETAILS
    return None


@bp.post("/results/<assessment_id>/benchmark")
def choose(assessment_id: str) -> Response:
    """Opt in (``choice=in``, with sector and size band when the assessment lacks them) or
    withdraw (``choice=out``) this assessment's series."""
    assessment = _owned_assessment(assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400, description="The form had expired. Please try again.")
    back = url_for("results.show", assessment_id=assessment.id) + "#benchmark"
    s = db()
    if request.form.get("choice") == "out":
        benchmarks.set_opt_in(s, assessment, False)
        s.commit()
        flash(WITHDRAWN, "success")
        return redirect(back)
    sector = request.form.get("sector") or assessment.sector
    size_band = request.form.get("size_band") or assessment.size_band
    problem = details_problem(sector, size_band)
    if problem:
        flash(problem, "error")
        return redirect(back)
    if assessment.overall is None:
        flash(NOT_ELIGIBLE, "error")
        return redirect(back)
    benchmarks.set_opt_in(s, assessment, True, sector=sector, size_band=size_band)
    s.commit()
    flash(OPTED_IN, "success")
    return redirect(back)


def end_choice(assessment: Assessment, form: MultiDict[str, str]) -> str | None:
    """The last page's opt-in: stored on the assessment before it is completed. Returns a
    problem to show (the choice needs a sector and size band), or None."""
    wanted = form.get("benchmark") == "1"
    if wanted:
        sector = form.get("sector") or assessment.sector
        size_band = form.get("size_band") or assessment.size_band
        problem = details_problem(sector, size_band)
        if problem:
            return problem
        assessment.sector, assessment.size_band = sector, size_band
    assessment.benchmark = wanted
    return None


# --------------------------------------------------------------------------- workshops


@bp.post("/workshops/<group_id>/benchmark")
@login_required
def add_workshop(group_id: str) -> Response:
    """A closed workshop's means into the comparison, once (the facilitator's choice)."""
    from .facilitate import _owned

    group = _owned(group_id)
    if not FlaskForm().validate_on_submit():
        abort(400, description=_("The form had expired. Please try again."))
    back = url_for("facilitate.dashboard", group_id=group.id)
    sector, size_band = request.form.get("sector", ""), request.form.get("size_band", "")
    problem = details_problem(sector, size_band)
    if problem:
        flash(_(str(problem)), "error")
        return redirect(back)
    s = db()
    view = workshops.workshop_view(s, group)
    means = {d.id: view.summary.stats[d.id].mean for d in view.questionnaire.dimensions}
    try:
        if not view.snapshot.shows_numbers:
            raise benchmarks.BenchmarkError("benchmark", local.translated(view.snapshot.note_message) or "")
        benchmarks.add_workshop(
            s, group, means, view.summary.result.overall, sector=sector, size_band=size_band
        )
    except (benchmarks.BenchmarkError, benchmarks.AlreadyAdded) as exc:
        s.rollback()
        message = _(str(exc))
        flash(message[:1].upper() + message[1:] + ".", "error")
        return redirect(back)
    s.commit()
    flash(str(WORKSHOP_ADDED), "success")
    return redirect(back)


def workshop_panel(group: Any) -> dict[str, Any]:
    """The dashboard's control: offered once the workshop is closed, until it has been used."""
    return {
        "closed": not group.is_open,
        "added": bool((group.settings or {}).get("benchmark_added")),
        "sectors": SECTORS,
        "size_bands": SIZE_BANDS,
    }


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(benchmark_panel, "benchmark_panel")
    app.add_template_global(workshop_panel, "benchmark_workshop_panel")
    app.add_template_global(SECTORS, "benchmark_sectors")
    app.add_template_global(SIZE_BANDS, "benchmark_size_bands")
