"""Workshops in the browser: the facilitator's list, creation, live dashboard, present mode,
commentary, exports and report; and the participants' join pages.

Every facilitator view looks the group up with the logged-in owner's id: someone else's group
is a 404, the same as a group that does not exist.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import plotly
import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from .. import services
from ..db.models import Assessment, Group
from ..domain import limits
from ..domain.groups import MIN_GROUP_SIZE
from ..services import exports, participants, plans, retention, self_assessment, snapshots, workshops
from ..services.questionnaires import current_versions, questionnaire_of
from . import db, pdf_response, room, table_response
from .auth import current_user_id
from .respond import remember
from .throttle import throttle

bp = Blueprint("facilitate", __name__)


# --------------------------------------------------------------------------- forms


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _within(limit: limits.TextLimit, label: str):  # type: ignore[no-untyped-def]
    """A WTForms validator refusing text beyond ``limit``, naming the limit."""

    def check(form: FlaskForm, field: Any) -> None:
        problem = limit.problem(field.data or "", label)
        if problem:
            raise ValidationError(problem)

    return check


class WorkshopForm(FlaskForm):
    name = StringField(
        "Workshop name",
        validators=[
            DataRequired(message="Please give the workshop a name."),
            _within(limits.NAME, "The workshop's name"),
        ],
        description="For you and on the report, e.g. “Leadership team away day, March”.",
    )
    organisation = StringField(
        "Client organisation",
        validators=[_within(limits.NAME, "The client organisation")],
        description="Shown on the report cover.",
    )
    questionnaire = SelectField("Questionnaire")
    roles = MultiCheckboxField("Roles participants can choose")
    leadership_roles = MultiCheckboxField("Which of these count as leadership")
    min_group_size = IntegerField(
        "Minimum subgroup size",
        default=MIN_GROUP_SIZE,
        validators=[
            InputRequired(message="Please give a minimum subgroup size."),
            NumberRange(min=MIN_GROUP_SIZE, max=1000, message=f"It can never be below {MIN_GROUP_SIZE}."),
        ],
        description=(
            "Leaders and others are compared only when each side has at least this many people, "
            f"so no one can be singled out. Never below {MIN_GROUP_SIZE}."
        ),
    )
    expected_headcount = IntegerField(
        "Expected number of participants",
        validators=[
            Optional(),
            NumberRange(
                min=1, max=10000, message="Please give a whole number from 1 to 10,000, or leave it empty."
            ),
        ],
        description="Optional. The dashboard warns when more complete answers arrive than this.",
    )
    consultant = StringField(
        "Consultant or firm name",
        validators=[Length(max=200)],
        description="Shown as “prepared by” on the report.",
    )
    logo = FileField("Logo", description="PNG, JPEG or SVG, at most 512 KB. Shown on the report cover.")
    is_open = BooleanField("Open for answers now", default=True)


class CommentaryForm(FlaskForm):
    commentary = TextAreaField(
        "Executive commentary",
        validators=[_within(limits.COMMENTARY, "The commentary")],
        description="Your own reading of the results; it opens the report. Blank lines start new paragraphs.",
        render_kw={"rows": 10},
    )


class JoinForm(FlaskForm):
    code = StringField(
        "Workshop code",
        validators=[DataRequired(message="Please type the code shown on the screen.")],
        description="Six letters and digits, as shown on the screen.",
    )


class RoleForm(FlaskForm):
    role = RadioField(
        "Your role", validators=[InputRequired(message="Please choose the role closest to yours.")]
    )


# --------------------------------------------------------------------------- helpers


def _owned(group_id: str) -> Group:
    try:
        return workshops.owned_group(db(), current_user_id(), group_id)
    except services.NotFound:
        abort(404, description="There is no such workshop in your account.")


def join_url(group: Group) -> str:
    """Built from PUBLIC_URL or a trusted host only (room.base_url), never a stranger's Host."""
    return room.absolute(url_for("facilitate.join_code", code=group.join_code))


def qr_svg(url: str, *, scale: int = 8) -> str:
    """A QR code as inline SVG; medium error correction survives a smudged projector."""
    # omitsize: a viewBox instead of a fixed width and height, so CSS can scale it to the screen.
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=scale, dark="#000", light="#fff", title=f"QR code for {url}", border=2, omitsize=True
    )


def _role_labels(group: Group) -> list[tuple[str, str]]:
    q = questionnaire_of(group.questionnaire)
    labels = {r.id: r.label for r in q.roles}
    return [(r, labels.get(r, r)) for r in workshops.settings_of(group).roles]


def _form_choices(form: WorkshopForm, group: Group | None = None) -> list[Any]:
    s = db()
    versions = current_versions(s)
    form.questionnaire.choices = [(v.questionnaire_id, f"{v.title} (version {v.version})") for v in versions]
    default = current_app.config["DEFAULT_QUESTIONNAIRE"]
    chosen = form.questionnaire.data or (group.questionnaire.questionnaire_id if group else default)
    version = next((v for v in versions if v.questionnaire_id == chosen), versions[0] if versions else None)
    if version is None:
        abort(503, description="No questionnaire is registered yet: run `flask --app app init`.")
    q = questionnaire_of(version)
    form.roles.choices = [(r.id, r.label) for r in q.roles]
    form.leadership_roles.choices = [(r.id, r.label) for r in q.roles]
    return [version, q]


# --------------------------------------------------------------------------- facilitator pages


@bp.get("/workshops", endpoint="workshops")
@login_required
def workshops_list() -> str:
    rows = workshops.groups_of(db(), current_user_id())
    return render_template("facilitate/list.html", rows=rows)


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    form = WorkshopForm()
    version, q = _form_choices(form)
    if request.method == "GET":
        form.questionnaire.data = version.questionnaire_id
        form.roles.data = [r for r in workshops.DEFAULT_ROLES if any(x.id == r for x in q.roles)]
        form.leadership_roles.data = [
            r for r in workshops.DEFAULT_LEADERSHIP if any(x.id == r for x in q.roles)
        ]
        return render_template("facilitate/new.html", form=form)
    if form.validate_on_submit():
        s = db()
        logo = _uploaded_logo(form)
        try:
            settings = workshops.check_settings(
                q,
                form.roles.data or [],
                form.leadership_roles.data or [],
                form.min_group_size.data,
                form.consultant.data or "",
                form.expected_headcount.data,
            )
            group = workshops.create_workshop(
                s,
                current_user_id(),
                version,
                name=form.name.data or "",
                organisation=form.organisation.data or "",
                settings=settings,
                logo=logo,
                is_open=bool(form.is_open.data),
            )
        except workshops.WorkshopError as exc:
            s.rollback()
            getattr(form, exc.field).errors.append(str(exc))
        else:
            s.commit()
            flash(f"Workshop created. Participants join with the code {group.join_code}.", "success")
            return redirect(url_for("facilitate.dashboard", group_id=group.id))
    return render_template("facilitate/new.html", form=form), 422


def _uploaded_logo(form: WorkshopForm) -> bytes | None:
    upload = form.logo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    # Read one byte more than allowed: enough to know it is too big without reading a huge file.
    return upload.read(workshops.LOGO_MAX_BYTES + 1) or None


@bp.get("/workshops/<group_id>")
@login_required
def dashboard(group_id: str) -> str:
    group = _owned(group_id)
    view = workshops.workshop_view(db(), group)
    db().commit()  # the snapshot may have moved on (rule 13)
    summary = workshops.summary_dict(view)
    return render_template(
        "facilitate/dashboard.html",
        group=group,
        view=view,
        summary=summary,
        join_url=join_url(group),
        plotly_src=url_for("results.plotly_js", v=plotly.__version__),
        role_labels=dict(_role_labels(group)),
        plan_review=plans.group_review(db(), group, view.members),  # the predecessor's plan
    )


@bp.get("/workshops/<group_id>/summary.json")
@login_required
def summary_json(group_id: str) -> Response:
    group = _owned(group_id)
    view = workshops.workshop_view(db(), group)
    db().commit()  # the snapshot may have moved on (rule 13)
    response = jsonify(workshops.summary_dict(view))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/workshops/<group_id>/present")
@login_required
def present(group_id: str) -> str:
    group = _owned(group_id)
    url = join_url(group)
    state = snapshots.refresh(db(), group)
    db().commit()
    started, complete = state.started, state.complete
    minutes = questionnaire_of(group.questionnaire).estimated_minutes
    return render_template(
        "facilitate/present.html",
        minutes=minutes,
        group=group,
        join_url=url,
        loopback=room.is_loopback(urlsplit(url).netloc),
        lan_join_urls=room.lan_alternatives(url),
        lan_present_urls=room.lan_alternatives(room.absolute(request.path)),
        qr=qr_svg(url),
        started=started,
        complete=complete,
        snapshot=state,
    )


@bp.get("/workshops/<group_id>/qr.svg")
@login_required
def qr(group_id: str) -> Response:
    group = _owned(group_id)
    svg = segno.make(join_url(group), error="m", micro=False).svg_inline(scale=10, border=2)
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1),
        mimetype="image/svg+xml",
    )


@bp.post("/workshops/<group_id>/open")
@login_required
def toggle_open(group_id: str) -> Response:
    group = _owned(group_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400, description="The form expired; please try again.")
    want_open = request.form.get("open") == "1"
    workshops.set_open(db(), group, want_open)
    db().commit()
    flash(
        "The workshop is open for answers."
        if want_open
        else "The workshop is closed: no new answers are accepted.",
        "success",
    )
    back = "facilitate.present" if request.form.get("back") == "present" else "facilitate.dashboard"
    return redirect(url_for(back, group_id=group.id))


@bp.route("/workshops/<group_id>/settings", methods=["GET", "POST"])
@login_required
def settings(group_id: str) -> Any:
    group = _owned(group_id)
    form = WorkshopForm(obj=None)
    _, q = _form_choices(form, group)
    current = workshops.settings_of(group)
    if request.method == "GET":
        form.name.data = group.name
        form.organisation.data = group.organisation
        form.questionnaire.data = group.questionnaire.questionnaire_id
        form.roles.data = list(current.roles)
        form.leadership_roles.data = list(current.leadership_roles)
        form.min_group_size.data = current.min_group_size
        form.consultant.data = current.consultant
        form.expected_headcount.data = current.expected_headcount
        form.is_open.data = group.is_open
        return render_template("facilitate/settings.html", form=form, group=group)
    # The questionnaire of a workshop is fixed once created: its answers belong to that version.
    form.questionnaire.data = group.questionnaire.questionnaire_id
    if form.validate_on_submit():
        s = db()
        try:
            new_settings = workshops.check_settings(
                q,
                form.roles.data or [],
                form.leadership_roles.data or [],
                form.min_group_size.data,
                form.consultant.data or "",
                form.expected_headcount.data,
            )
            logo, mime = workshops.prepare_logo(upload) if (upload := _uploaded_logo(form)) else (None, None)
        except workshops.WorkshopError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        else:
            group.name = (form.name.data or group.name).strip()[:200]
            group.organisation = (form.organisation.data or "").strip()[:200]
            workshops.update_settings(group, new_settings)
            group.is_open = bool(form.is_open.data)
            if logo:
                group.logo, group.logo_mime = logo, mime
            elif request.form.get("remove_logo"):
                group.logo, group.logo_mime = None, None
            s.commit()
            flash("Settings saved.", "success")
            return redirect(url_for("facilitate.dashboard", group_id=group.id))
    return render_template("facilitate/settings.html", form=form, group=group), 422


@bp.get("/workshops/<group_id>/logo")
@login_required
def logo(group_id: str) -> Response:
    group = _owned(group_id)
    if not group.logo:
        abort(404, description="This workshop has no logo.")
    response = Response(group.logo, mimetype=group.logo_mime or "application/octet-stream")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


@bp.route("/workshops/<group_id>/commentary", methods=["GET", "POST"])
@login_required
def commentary(group_id: str) -> Any:
    group = _owned(group_id)
    view = workshops.workshop_view(db(), group)
    db().commit()
    full = list(view.summary.result.roadmap) if view.members else []
    form = CommentaryForm()
    if request.method == "GET":
        form.commentary.data = group.commentary
    elif form.validate_on_submit():
        ids = {e.recommendation.id for e in full}
        shown = set(request.form.getlist("shown"))
        hidden = [r for r in request.form.getlist("listed") if r in ids and r not in shown]
        positions: list[tuple[float, int, str]] = []
        problems = []
        for n, rec_id in enumerate(request.form.getlist("listed")):
            if rec_id not in ids:
                continue
            raw = request.form.get(f"position-{rec_id}", "").strip()
            try:
                value = float(raw) if raw else float(n + 1)
            except ValueError:
                problems.append(f"Position “{raw}” is not a number; please use whole numbers like 1, 2, 3.")
                value = float(n + 1)
            positions.append((value, n, rec_id))
        if problems:
            for p in problems:
                form.commentary.errors.append(p)
        else:
            order = [rec_id for _, _, rec_id in sorted(positions)]
            workshops.save_commentary(group, form.commentary.data or "", hidden, order)
            db().commit()
            flash("Commentary and roadmap saved; the report uses them.", "success")
            return redirect(url_for("facilitate.commentary", group_id=group.id))
    hidden = set((group.settings or {}).get("hidden") or [])
    shown = workshops.curated_roadmap(group, full)
    entries = shown + [e for e in full if e.recommendation.id in hidden]
    status = 422 if form.errors else 200
    return render_template(
        "facilitate/commentary.html", group=group, form=form, entries=entries, hidden=hidden
    ), status


@bp.get("/workshops/<group_id>/export.<fmt>")
@login_required
def export(group_id: str, fmt: str) -> Response:
    group = _owned(group_id)
    if fmt not in ("csv", "xlsx"):
        abort(404, description="Exports are available as .csv and .xlsx.")
    table = exports.response_table(db(), group)
    db().commit()
    return table_response(table, exports.filename(group, fmt), fmt)


@bp.get("/workshops/<group_id>/report.pdf")
@login_required
def report_pdf(group_id: str) -> Response | tuple[Response, int]:
    from ..services.reports import group_report_filename, render_group_pdf
    from .editions import method_url, requested_edition

    group = _owned(group_id)
    edition = requested_edition()  # ?edition=full adds the coverage and the method
    if not isinstance(edition, str):
        return edition
    # ?lang=de: the facilitator's choice of language; else the request's locale.
    body = render_group_pdf(db(), group, edition, method_url(), request.args.get("lang") or None)
    return pdf_response(body, group_report_filename(group, edition))


@bp.route("/workshops/<group_id>/delete", methods=["GET", "POST"])
@login_required
def delete(group_id: str) -> Any:
    """A confirmation page naming how many responses will go, then (POST + CSRF) the deletion."""
    group = _owned(group_id)
    s = db()
    count = retention.group_response_count(s, group)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("The form expired; please confirm again.", "error")
            return render_template("facilitate/delete.html", group=group, count=count, form=form), 400
        name = group.name
        gone = retention.delete_workshop(s, group)
        s.commit()
        flash(f"“{name}” and its {gone} {'response' if gone == 1 else 'responses'} were deleted.", "success")
        return redirect(url_for("facilitate.workshops"))
    return render_template("facilitate/delete.html", group=group, count=count, form=form)


# --------------------------------------------------------------------------- participants


def _too_many(wait: int) -> tuple[str, int, dict[str, str]]:
    form = JoinForm()
    form.code.errors = [f"Too many wrong codes from this network. Please wait {wait} seconds and try again."]
    return render_template("facilitate/join.html", form=form), 429, {"Retry-After": str(wait)}


# One response per browser: the join link sets a signed cookie per workshop holding the
# participant token of the response it started (services/participants.py, the same token an API
# client gets from POST /api/v1/groups/join), sent back only to /join pages. A cookie that does
# not verify or names a response no longer there (deleted) is ignored.
JOIN_COOKIE_PREFIX = "joined-"
JOIN_COOKIE_DAYS = 30


def _own_response(group: Group) -> Assessment | None:
    raw = request.cookies.get(JOIN_COOKIE_PREFIX + group.id)
    if not raw:
        return None
    return participants.response_for(db(), current_app.secret_key, raw, group)


def _keep_response(response: Response, group: Group, assessment: Assessment) -> None:
    response.set_cookie(
        JOIN_COOKIE_PREFIX + group.id,
        participants.token_for(current_app.secret_key, assessment),
        max_age=JOIN_COOKIE_DAYS * 24 * 3600,
        path="/join",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )


@bp.route("/join", methods=["GET", "POST"])
def join() -> Any:
    form = JoinForm()
    if request.method == "POST" and form.validate():
        try:
            group = workshops.group_by_code(db(), form.code.data or "")
        except services.NotFound:
            # Only wrong codes count: a right one always gets in (throttle.py).
            wait = throttle().wrong_code()
            if wait:
                return _too_many(wait)
            form.code.errors.append(
                "There is no workshop with this code. Check the code on the screen and try again."
            )
            return render_template("facilitate/join.html", form=form), 404
        return redirect(url_for("facilitate.join_code", code=group.join_code))
    status = 422 if form.errors else 200
    return render_template("facilitate/join.html", form=form), status


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_code(code: str) -> Any:
    s = db()
    try:
        group = workshops.group_by_code(s, code)
    except services.NotFound:
        wait = throttle().wrong_code()
        if wait:
            return _too_many(wait)
        form = JoinForm()
        form.code.data = code[:20]
        form.code.errors = [
            "There is no workshop with this code. Check the code on the screen and try again."
        ]
        return render_template("facilitate/join.html", form=form), 404
    if group.kind == "cohort":  # one join address and QR code for both kinds of group
        return redirect(url_for("cohorts.join", code=group.join_code))
    mine = _own_response(group)
    if mine is not None:
        # The same browser back at the join link: its own response, never a second one.
        return redirect(url_for("respond.resume", token=mine.token))
    form = RoleForm()
    form.role.choices = _role_labels(group)
    if not group.is_open:
        return render_template("facilitate/join_role.html", group=group, form=form, closed=True), 409
    if participants.is_full(s, group):
        return render_template("facilitate/join_role.html", group=group, form=form, full=True), 409
    if form.validate_on_submit():
        try:
            assessment = participants.join(s, group, form.role.data or "")
        except self_assessment.InvalidAnswers as exc:
            s.rollback()
            form.role.errors = [p.message for p in exc.problems]
            return render_template("facilitate/join_role.html", group=group, form=form, closed=False), 422
        except participants.HeadcountReached:
            s.rollback()
            return render_template("facilitate/join_role.html", group=group, form=form, full=True), 409
        s.commit()
        remember(assessment)
        response = redirect(url_for("respond.page", token=assessment.token, number=1))
        _keep_response(response, group, assessment)
        return response
    status = 422 if form.errors else 200
    return render_template("facilitate/join_role.html", group=group, form=form, closed=False), status
