"""Cohorts in the browser: the trainer's list, creation, the cohort page (waves, join code and
QR, the match report), the before/after and cohort vs cohort comparison pages with their PDFs,
exports; and the participants' join page, where they make up their respondent code.

Every trainer view looks the cohort up with the logged-in owner's id: someone else's cohort is
a 404, the same as one that does not exist.
"""

from __future__ import annotations

from typing import Any

import plotly
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from .. import services
from ..db.models import Group
from ..domain.groups import MIN_GROUP_SIZE
from ..i18n import _, _l, current_language
from ..services import cohorts, comparison_report, exports, self_assessment
from ..services.questionnaires import current_versions, language_for, questionnaire_of
from . import db, jobs, local, pdf_response, table_response
from .auth import current_user_id
from .facilitate import join_url, qr_svg
from .respond import remember
from .throttle import throttle

bp = Blueprint("cohorts", __name__)


def default_waves() -> str:
    """The waves a new cohort starts with, as the form shows them (ids stay, labels translated)."""
    return "\n".join(f"{wave.id}: {wave.label}" for wave in cohorts.default_waves())


class CohortForm(FlaskForm):
    name = StringField(
        _l("Cohort name"),
        validators=[
            DataRequired(message=_l("Please give the cohort a name.")),
            Length(max=200, message=_l("Please keep it to %(max)s characters.", max=200)),
        ],
        description=_l("For you and on the comparison report, e.g. “Social leadership course, spring 2027”."),
    )
    organisation = StringField(
        _l("Course or client"),
        validators=[Length(max=200, message=_l("Please keep it to %(max)s characters.", max=200))],
    )
    questionnaire = SelectField(
        _l("Questionnaire"), description=_l("Pinned at creation: every wave answers the same version.")
    )
    waves = TextAreaField(
        _l("Waves"),
        default=default_waves,
        description=_l(
            "One per line, as “id: label”. Ids are short (letters, digits, - or _). "
            "The first wave opens now; you open the next one from the cohort page, and can add more later."
        ),
        render_kw={"rows": 3},
    )
    min_group_size = IntegerField(
        _l("Minimum group size"),
        default=MIN_GROUP_SIZE,
        validators=[
            InputRequired(message=_l("Please give a minimum group size.")),
            NumberRange(
                min=MIN_GROUP_SIZE, max=1000, message=_l("It can never be below %(k)s.", k=MIN_GROUP_SIZE)
            ),
        ],
        description=_l(
            "No comparison is shown with fewer people (or pairs) than this on a side. Never below %(k)s.",
            k=MIN_GROUP_SIZE,
        ),
    )
    trainer = StringField(
        _l("Trainer or firm"),
        validators=[Length(max=200, message=_l("Please keep it to %(max)s characters.", max=200))],
        description=_l("Shown on the report."),
    )
    is_open = BooleanField(_l("Open for answers now"), default=True)


class WaveForm(FlaskForm):
    wave_id = StringField(
        _l("Wave id"),
        validators=[DataRequired(message=_l("Please give the wave an id.")), Length(max=40)],
        description=_l("e.g. followup"),
    )
    label = StringField(
        _l("Label"),
        validators=[DataRequired(message=_l("Please give the wave a label.")), Length(max=100)],
        description=_l("e.g. Three months later"),
    )


class CodeForm(FlaskForm):
    respondent_code = PasswordField(
        _l("Your code"),
        validators=[DataRequired(message=_l("Please make up a code and type it here."))],
        description=_l("At least 4 letters or digits. Capitals and spaces do not matter."),
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    confirm = PasswordField(
        _l("The same code again"),
        validators=[DataRequired(message=_l("Please type your code a second time."))],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )

    def validate_confirm(self, field: Any) -> None:
        # Compared as matched later: capitals and spaces do not matter here either.
        first = cohorts.normalise_respondent_code(self.respondent_code.data or "")
        if cohorts.normalise_respondent_code(field.data or "") != first:
            raise ValidationError(_("The two codes differ; please type the same code twice."))


def _owned(group_id: str) -> Group:
    try:
        return cohorts.owned_cohort(db(), current_user_id(), group_id)
    except services.NotFound:
        abort(404, description=_("There is no such cohort in your account."))


def _plotly() -> str:
    return url_for("results.plotly_js", v=plotly.__version__)


def parse_waves(text: str) -> list[cohorts.Wave]:
    """``id: label`` lines (a bare id is its own label) into validated waves."""
    raw = []
    for line in text.splitlines():
        if not line.strip():
            continue
        wave_id, _colon, label = line.partition(":")
        raw.append({"id": wave_id.strip().lower(), "label": (label or wave_id).strip()})
    return cohorts.check_waves(raw)


# --------------------------------------------------------------------------- trainer pages


@bp.get("/cohorts")
@login_required
def list_cohorts() -> str:
    rows = cohorts.cohorts_of(db(), current_user_id())
    return render_template(
        "cohorts/list.html", rows=rows, waves_of=cohorts.waves_of, open_wave=cohorts.open_wave
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    form = CohortForm()
    versions = current_versions(db())
    if not versions:
        abort(503, description=_("No questionnaire is registered yet: run `flask --app app init`."))
    form.questionnaire.choices = [
        (v.questionnaire_id, _("%(title)s (version %(version)s)", title=v.title, version=v.version))
        for v in versions
    ]
    if request.method == "GET":
        form.questionnaire.data = current_app.config["DEFAULT_QUESTIONNAIRE"]
        return render_template("cohorts/new.html", form=form)
    if form.validate_on_submit():
        s = db()
        version = next(v for v in versions if v.questionnaire_id == form.questionnaire.data)
        try:
            waves = parse_waves(form.waves.data or "")
            group = cohorts.create_cohort(
                s,
                current_user_id(),
                version,
                name=form.name.data or "",
                organisation=form.organisation.data or "",
                waves=waves,
                min_group_size=form.min_group_size.data,
                trainer=form.trainer.data or "",
                is_open=bool(form.is_open.data),
            )
        except cohorts.CohortError as exc:
            s.rollback()
            field = {"min_group_size": form.min_group_size, "waves": form.waves, "name": form.name}.get(
                exc.field
            )
            (field or form.name).errors.append(local.workshop_error(exc))
        else:
            s.commit()
            flash(
                _("Cohort created. Participants join with the code %(code)s.", code=group.join_code),
                "success",
            )
            return redirect(url_for("cohorts.show", group_id=group.id))
    return render_template("cohorts/new.html", form=form), 422


@bp.get("/cohorts/<group_id>")
@login_required
def show(group_id: str) -> str:
    group = _owned(group_id)
    s = db()
    waves = cohorts.waves_of(group)
    counts = cohorts.wave_counts(s, group)
    current = cohorts.open_wave(group)
    index = [w.id for w in waves].index(current.id)
    matches = [cohorts.match_report(s, group, waves[0].id, w.id) for w in waves[1:]]
    if index >= 2:  # also the latest two waves, e.g. after vs follow-up
        matches.append(cohorts.match_report(s, group, waves[index - 1].id, current.id))
    others = [g for g, _ in cohorts.cohorts_of(s, current_user_id()) if g.id != group.id]
    url = join_url(group)
    return render_template(
        "cohorts/show.html",
        group=group,
        waves=waves,
        counts=counts,
        current=current,
        next_wave=waves[index + 1] if index + 1 < len(waves) else None,
        matches=matches,
        others=others,
        join_url=url,
        qr=qr_svg(url, scale=5),
        k=cohorts.min_size(group),
        wave_form=WaveForm(formdata=None),
        low_matching=cohorts.LOW_MATCHING,
    )


@bp.get("/cohorts/<group_id>/present")
@login_required
def present(group_id: str) -> str:
    group = _owned(group_id)
    url = join_url(group)
    counts = cohorts.wave_counts(db(), group)
    current = cohorts.open_wave(group)
    return render_template(
        "cohorts/present.html", group=group, join_url=url, qr=qr_svg(url), current=current, counts=counts
    )


def _chart_text() -> dict[str, str]:
    """The charts' words and decimal separator, in the page's language (cohorts.js has none)."""
    return {"axis": _("score (0-100)"), "decimal": local.decimal_symbol()}


def _chart_data(context: Any) -> dict[str, Any]:
    """What the charts draw, as JSON for the page's data block (no inline script)."""
    keys = ("id", "label", "withheld", "mean_a", "mean_b", "ci_a", "ci_b", "values_a", "values_b")

    def one(row: Any) -> dict[str, Any]:
        out = {k: getattr(row, k) for k in keys}
        if row.shown is not None:  # the labels: the figures as the table shows them
            out |= {
                "shown_a": row.shown.mean_a,
                "shown_b": row.shown.mean_b,
                "shown_ci_a": local.local_interval(row.shown.ci_a),
                "shown_ci_b": local.local_interval(row.shown.ci_b),
            }
        return out

    return {
        "label_a": context.label_a,
        "label_b": context.label_b,
        "rows": [one(row) for row in [*context.rows, context.overall]],
    }


def _checked_form() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400, description=_("The form expired; please try again."))


@bp.post("/cohorts/<group_id>/wave")
@login_required
def set_wave(group_id: str) -> Response:
    group = _owned(group_id)
    _checked_form()
    try:
        wave = cohorts.set_open_wave(group, request.form.get("wave", ""))
    except services.NotFound as exc:
        abort(400, description=str(exc))
    db().commit()
    flash(_("“%(wave)s” is now open: new answers count in this wave.", wave=wave.label), "success")
    return redirect(url_for("cohorts.show", group_id=group.id))


@bp.post("/cohorts/<group_id>/waves")
@login_required
def add_wave(group_id: str) -> Any:
    group = _owned(group_id)
    form = WaveForm()
    if form.validate_on_submit():
        try:
            wave = cohorts.add_wave(group, form.wave_id.data or "", form.label.data or "")
        except cohorts.CohortError as exc:
            flash(_("The wave was not added: %(problem)s.", problem=local.workshop_error(exc)), "error")
        else:
            db().commit()
            flash(_("Wave “%(wave)s” added. Open it when the time comes.", wave=wave.label), "success")
    else:
        flash(_("The wave was not added: give it an id and a label."), "error")
    return redirect(url_for("cohorts.show", group_id=group.id))


@bp.post("/cohorts/<group_id>/open")
@login_required
def toggle_open(group_id: str) -> Response:
    group = _owned(group_id)
    _checked_form()
    group.is_open = request.form.get("open") == "1"
    db().commit()
    flash(
        _("The cohort is open for answers.") if group.is_open else _("The cohort is closed: no new answers."),
        "success",
    )
    return redirect(url_for("cohorts.show", group_id=group.id))


def _change_waves(group: Group) -> tuple[str, str]:
    waves = cohorts.waves_of(group)
    return (
        request.args.get("from") or waves[0].id,
        request.args.get("to") or (waves[1].id if len(waves) > 1 else waves[0].id),
    )


@bp.get("/cohorts/<group_id>/change")
@login_required
def change(group_id: str) -> Any:
    group = _owned(group_id)
    wave_from, wave_to = _change_waves(group)
    try:
        body, context = comparison_report.change_comparison(db(), group, wave_from, wave_to, translate=_)
    except cohorts.CompareError as exc:
        flash(str(exc)[0].upper() + str(exc)[1:] + ".", "error")
        return redirect(url_for("cohorts.show", group_id=group.id))
    return render_template(
        "cohorts/compare.html",
        r=context,
        body=body,
        group=group,
        waves=cohorts.waves_of(group),
        pdf_url=url_for("cohorts.change_pdf", group_id=group.id, **{"from": body["from"], "to": body["to"]}),
        plotly_src=_plotly(),
        chart_data=_chart_data(context),
        chart_text=_chart_text(),
    )


@bp.get("/cohorts/<group_id>/change.pdf")
@login_required
def change_pdf(group_id: str) -> Response:
    group = _owned(group_id)
    wave_from, wave_to = _change_waves(group)
    try:
        pdf, name = comparison_report.change_pdf(db(), group, wave_from, wave_to, jobs())
    except cohorts.CompareError as exc:
        abort(400, description=str(exc))
    return pdf_response(pdf, name)


def _compare_pair() -> tuple[Group, Group] | None:
    a, b = request.args.get("a"), request.args.get("b")
    if not a or not b:
        return None
    return _owned(a), _owned(b)


@bp.get("/cohorts/compare")
@login_required
def compare() -> Any:
    pair = _compare_pair()
    if pair is None:
        flash(_("Choose two cohorts to compare."), "error")
        return redirect(url_for("cohorts.list_cohorts"))
    a, b = pair
    args = {k: request.args.get(k) for k in ("wave_a", "wave_b")}
    try:
        body, context = comparison_report.cohort_comparison(
            db(), a, b, args["wave_a"], args["wave_b"], translate=_
        )
    except cohorts.CompareError as exc:
        flash(str(exc)[0].upper() + str(exc)[1:] + ".", "error")
        return redirect(url_for("cohorts.show", group_id=a.id))
    return render_template(
        "cohorts/compare.html",
        r=context,
        body=body,
        group=a,
        other=b,
        waves=cohorts.waves_of(a),
        waves_b=cohorts.waves_of(b),
        pdf_url=url_for(
            "cohorts.compare_pdf", a=a.id, b=b.id, wave_a=body["a"]["wave"], wave_b=body["b"]["wave"]
        ),
        plotly_src=_plotly(),
        chart_data=_chart_data(context),
        chart_text=_chart_text(),
    )


@bp.get("/cohorts/compare.pdf")
@login_required
def compare_pdf() -> Response:
    pair = _compare_pair()
    if pair is None:
        abort(400, description="Choose two cohorts to compare (a and b).")
    a, b = pair
    try:
        pdf, name = comparison_report.compare_pdf(
            db(), a, b, request.args.get("wave_a"), request.args.get("wave_b"), jobs()
        )
    except cohorts.CompareError as exc:
        abort(400, description=str(exc))
    return pdf_response(pdf, name)


@bp.get("/cohorts/<group_id>/export.<fmt>")
@login_required
def export(group_id: str, fmt: str) -> Response:
    group = _owned(group_id)
    if fmt not in ("csv", "xlsx"):
        abort(404, description=_("Exports are available as .csv and .xlsx."))
    table = cohorts.export_table(db(), group, translate=_, language=current_language())
    return table_response(table, exports.filename(group, fmt), fmt)


# --------------------------------------------------------------------------- participants


@bp.route("/cohorts/join/<code>", methods=["GET", "POST"])
def join(code: str) -> Any:
    s = db()
    try:
        group = self_assessment.group_by_join_code(s, code)
    except services.NotFound:
        # Only wrong codes count, shared by every worker: a right one always gets in (throttle.py).
        wait = throttle().wrong_code()
        if wait:
            abort(
                429,
                description=_("Too many wrong codes from this network. Please wait %(n)s seconds.", n=wait),
            )
        return redirect(url_for("facilitate.join"))
    if group.kind != "cohort":
        return redirect(url_for("facilitate.join_code", code=group.join_code))
    form = CodeForm()
    wave = cohorts.open_wave(group)
    if not group.is_open:
        return render_template("cohorts/join.html", group=group, form=form, wave=wave, closed=True), 409
    status = 200
    if form.validate_on_submit():
        try:
            wave_id, code_hash = cohorts.entry_for(
                s, group, current_app.config["SECRET_KEY"], form.respondent_code.data or ""
            )
        except cohorts.CohortError:
            # The service's reason is the API's (English); the page says what a code needs.
            form.respondent_code.errors.append(
                _(
                    "Please use %(min)s to %(max)s letters or digits, so the code is hard to guess.",
                    min=cohorts.CODE_MIN,
                    max=cohorts.CODE_MAX,
                )
            )
            status = 422
        except cohorts.DuplicateResponse:
            form.respondent_code.errors.append(
                _(
                    "Someone has already answered “%(wave)s” with this code, and that answer is kept. "
                    "If it was you, there is nothing more to do. If not, please choose a different code "
                    "(and use that one in every wave).",
                    wave=wave.label,
                )
            )
            status = 409
        else:
            assessment = self_assessment.start_assessment(
                s,
                group.questionnaire,
                organisation=group.organisation,
                group=group,
                wave=wave_id,
                respondent_hash=code_hash,
                language=language_for(questionnaire_of(group.questionnaire), current_language()),
            )
            s.commit()
            remember(assessment)
            return redirect(url_for("respond.page", token=assessment.token, number=1))
    elif form.errors:
        status = 422
    return render_template("cohorts/join.html", group=group, form=form, wave=wave, closed=False), status
