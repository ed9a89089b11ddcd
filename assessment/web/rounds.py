"""The room's projector pages and discussion rounds: the present page's results mode (group
spectrum and radar, then the most disputed items one at a time, without admin controls), the
re-vote of one disputed item, and the participant's end-screen additions ("you and the room",
the open round's question)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from .. import services
from ..db.models import Assessment
from ..domain.figures import score_text
from ..i18n import _, current_language
from ..services import rounds, self_assessment, workshops
from ..services.questionnaires import questionnaire_of, translated
from . import charts, db, local
from .facilitate import _owned
from .respond import owned_token
from .results import plotly_url

bp = Blueprint("rounds", __name__)


@bp.get("/workshops/<group_id>/present/results")
@login_required
def results_mode(group_id: str) -> str:
    group = _owned(group_id)
    s = db()
    view = workshops.workshop_view(s, group)
    s.commit()  # the snapshot may have moved on
    q = view.questionnaire
    summary = view.summary
    shown = view.snapshot.shows_numbers
    labels = [d.label for d in q.dimensions]
    means = [summary.stats[d.id].mean for d in q.dimensions]
    return render_template(
        "facilitate/present_results.html",
        group=group,
        q=q,
        view=view,
        shown=shown,
        spectrum=charts.spectrum(
            summary.result.overall, q.thresholds.social, list(zip(labels, means, strict=True)), width=620
        )
        if shown
        else None,
        radar=_projector_radar(labels, means, [summary.result.dimension(d.id).target for d in q.dimensions])
        if shown
        else None,
        prompts=list(summary.prompts) if shown else [],
        dimension_labels={d.id: d.label for d in q.dimensions},
        open_round=rounds.open_round_of(s, group.id),
        published_note=local.translated(view.snapshot.note_message),
        form=FlaskForm(),
        plotly_src=plotly_url(),
    )


@bp.post("/workshops/<group_id>/rounds")
@login_required
def open_round(group_id: str) -> Response:
    group = _owned(group_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400, description=_("The form expired; please try again."))
    from flask import request

    s = db()
    try:
        round_ = rounds.open_round(s, group, request.form.get("item", ""))
    except rounds.RoundError as exc:
        s.rollback()
        flash(local.workshop_error(exc), "error")
        return redirect(url_for("rounds.results_mode", group_id=group.id))
    s.commit()
    return redirect(url_for("rounds.round_page", group_id=group.id, round_id=round_.id))


@bp.get("/workshops/<group_id>/rounds/<int:round_id>")
@login_required
def round_page(group_id: str, round_id: int) -> str:
    group = _owned(group_id)
    s = db()
    try:
        round_ = rounds.round_of(s, group, round_id)
    except services.NotFound:
        abort(404, description=_("There is no such round in this workshop."))
    view = rounds.round_view(s, group, round_)
    return render_template(
        "facilitate/round.html",
        group=group,
        round=view,
        form=FlaskForm(),
        note=_(rounds.domain.AGREEMENT_NOTE),
    )


@bp.post("/workshops/<group_id>/rounds/<int:round_id>/close")
@login_required
def close_round(group_id: str, round_id: int) -> Response:
    group = _owned(group_id)
    if not FlaskForm().validate_on_submit():
        abort(400, description=_("The form expired; please try again."))
    s = db()
    try:
        rounds.close_round(rounds.round_of(s, group, round_id))
    except services.NotFound:
        abort(404, description=_("There is no such round in this workshop."))
    s.commit()
    return redirect(url_for("rounds.round_page", group_id=group.id, round_id=round_id))


@bp.post("/a/<token>/rounds/<int:round_id>")
def vote(token: str, round_id: int) -> Response:
    """A participant's answer in the open round, from their end screen; one each (a second
    replaces the first)."""
    from flask import request

    s = db()
    try:
        assessment = self_assessment.assessment_by_token(s, token, for_update=True)
    except services.NotFound:
        abort(404, description=_("This private link does not match any assessment."))
    round_ = s.get(rounds.DiscussionRound, round_id)
    if round_ is None or round_.group_id != assessment.group_id:
        abort(404, description=_("There is no such round in your workshop."))
    if not FlaskForm().validate_on_submit():
        flash(_("The page had expired, so your answer was not saved. Please choose it again."), "warning")
        return redirect(url_for("results.show", assessment_id=assessment.id) + "#round")
    try:
        rounds.vote(s, round_, assessment, request.form.get("answer", ""))
    except rounds.RoundError as exc:
        s.rollback()
        flash(local.workshop_error(exc), "error")
    else:
        # No flash: the round's own panel says the answer is in, and goes (with what it says)
        # when the round closes; a flash above the page would go on inviting a change.
        s.commit()
    return redirect(url_for("results.show", assessment_id=assessment.id) + "#round")


def end_screen(assessment: Assessment) -> dict[str, Any] | None:
    """A participant's end screen: the workshop's or cohort's name, "you and the room" (a cohort:
    "you and your wave", only that wave) once the published snapshot allows it, and a workshop's
    open round for whoever holds the link. The page keeps itself up to date from the room's
    stream (``events_url``), fetching ``part_url``."""
    group = assessment.group
    if group is None:
        return None
    s = db()
    cohort = group.kind == "cohort"
    wave_label = None
    if cohort:
        from ..services.cohorts import wave_of

        room, _counts = workshops.wave_means(s, group, assessment.wave or "")
        try:
            wave_label = wave_of(group, assessment.wave or "").label
        except services.NotFound:
            wave_label = assessment.wave or ""
    else:
        room = workshops.room_means(s, group)
    s.commit()
    q = translated(questionnaire_of(assessment.questionnaire), current_language())
    mine = {row.dimension: row.score for row in assessment.scores}
    token = owned_token(assessment.id)
    round_ = rounds.open_round_of(s, group.id) if token and not cohort else None
    return {
        "group": group,
        "cohort": cohort,
        "wave_label": wave_label,
        "k": workshops.settings_of(group).min_group_size,
        "rows": [
            (d.label, score_text(mine.get(d.id), q), None if room is None else score_text(room.get(d.id), q))
            for d in q.dimensions
        ],
        "room_shown": room is not None,
        "round": round_,
        "round_item": q.item(round_.item_id) if round_ else None,
        "round_mine": rounds.my_vote(s, round_, assessment.id) if round_ else None,
        "vote_url": url_for("rounds.vote", token=token, round_id=round_.id) if round_ and token else None,
        "form": FlaskForm(),
        "events_url": url_for("push.room_events", code=group.join_code),
        "part_url": url_for("push.room_part", assessment_id=assessment.id),
    }


def _projector_radar(
    labels: list[str], means: list[float | None], targets: list[float | None]
) -> dict[str, Any]:
    """The results slide's radar with its legend and hover words in the page's language
    (charts.radar_figure is shared with the results page, which names its own traces)."""
    figure = charts.radar_figure(labels, means, targets, name=_("Group mean"))
    target, group = figure["data"][0], figure["data"][1]
    target["name"] = _("Next-stage target")
    target["hovertemplate"] = _("%(area)s: target %(value)s") % {"area": "%{theta}", "value": "%{r:.0f}"} + (
        "<extra></extra>"
    )
    group["name"] = _("Group mean")
    return figure
