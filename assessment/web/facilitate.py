"""Workshops in the browser: the facilitator's list, creation, live dashboard, present mode,
commentary, exports and report; and the participants' join pages.

Every facilitator view looks the group up with the logged-in owner's id: someone else's group
is a 404, the same as a group that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from ..domain import limits, snapshot
from ..domain.groups import MIN_GROUP_SIZE
from ..domain.scoring import UNSURE
from ..i18n import _, _l, current_language, get_locale, ngettext, pgettext
from ..services import cohorts, exports, participants, plans, retention, self_assessment, snapshots, workshops
from ..services.questionnaires import current_versions, questionnaire_of, translated
from . import db, jobs, local, pdf_response, room, table_response
from .auth import current_user_id
from .respond import remember
from .throttle import throttle

bp = Blueprint("facilitate", __name__)
# The pages' figures with the locale's decimal separator (the "lnum" filter), for every template.
bp.record_once(lambda state: local.register(state.app))


# --------------------------------------------------------------------------- forms


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _within(limit: limits.TextLimit, label: Any):  # type: ignore[no-untyped-def]
    """A WTForms validator refusing text beyond ``limit``, naming the limit (in the page's
    language: ``label`` is lazy, the sentence is built here rather than by limits.TextLimit)."""

    def check(form: FlaskForm, field: Any) -> None:
        text = field.data or ""
        if not limit.problem(text, str(label)):
            return
        if len(text) > limit.max_chars:
            raise ValidationError(
                _(
                    "%(label)s is %(length)s characters long; the limit is %(limit)s characters.",
                    label=str(label),
                    length=local.format_count(len(text)),
                    limit=local.format_count(limit.max_chars),
                )
            )
        raise ValidationError(
            _(
                "%(label)s has %(count)s paragraphs; the limit is %(limit)s paragraphs.",
                label=str(label),
                count=local.format_count(limits.paragraph_count(text)),
                limit=local.format_count(limit.max_paragraphs or 0),
            )
        )

    return check


class WorkshopForm(FlaskForm):
    name = StringField(
        _l("Workshop name"),
        validators=[
            DataRequired(message=_l("Please give the workshop a name.")),
            _within(limits.NAME, _l("The workshop's name")),
        ],
        description=_l("For you and on the report, e.g. “Leadership team away day, March”."),
    )
    organisation = StringField(
        _l("Client organisation"),
        validators=[_within(limits.NAME, _l("The client organisation"))],
        description=_l("Shown on the report cover."),
    )
    questionnaire = SelectField(_l("Questionnaire"))
    roles = MultiCheckboxField(_l("Roles participants can choose"))
    leadership_roles = MultiCheckboxField(_l("Which of these count as leadership"))
    min_group_size = IntegerField(
        _l("Minimum subgroup size"),
        default=MIN_GROUP_SIZE,
        validators=[
            InputRequired(message=_l("Please give a minimum subgroup size.")),
            NumberRange(
                min=MIN_GROUP_SIZE, max=1000, message=_l("It can never be below %(k)s.", k=MIN_GROUP_SIZE)
            ),
        ],
        description=_l(
            "Leaders and others are compared only when each side has at least this many people, "
            "so no one can be singled out. Never below %(k)s.",
            k=MIN_GROUP_SIZE,
        ),
    )
    expected_headcount = IntegerField(
        _l("Expected number of participants"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=10000,
                message=_l("Please give a whole number from 1 to 10,000, or leave it empty."),
            ),
        ],
        description=_l("Optional. The dashboard warns when more complete answers arrive than this."),
    )
    consultant = StringField(
        _l("Consultant or firm name"),
        validators=[Length(max=200, message=_l("Please keep it to %(max)s characters.", max=200))],
        description=_l("Shown as “prepared by” on the report."),
    )
    logo = FileField(
        _l("Logo"), description=_l("PNG, JPEG or SVG, at most 512 KB. Shown on the report cover.")
    )
    is_open = BooleanField(_l("Open for answers now"), default=True)


class CommentaryForm(FlaskForm):
    commentary = TextAreaField(
        _l("Executive commentary"),
        validators=[_within(limits.COMMENTARY, _l("The commentary"))],
        description=_l(
            "Your own reading of the results; it opens the report. Blank lines start new paragraphs."
        ),
        render_kw={"rows": 10},
    )


class JoinForm(FlaskForm):
    code = StringField(
        _l("Workshop code"),
        validators=[DataRequired(message=_l("Please type the code shown on the screen."))],
        description=_l("Six letters and digits, as shown on the screen."),
    )


class RoleForm(FlaskForm):
    role = RadioField(
        _l("Your role"), validators=[InputRequired(message=_l("Please choose the role closest to yours."))]
    )


# --------------------------------------------------------------------------- helpers


def _owned(group_id: str) -> Group:
    try:
        return workshops.owned_group(db(), current_user_id(), group_id)
    except services.NotFound:
        abort(404, description=_("There is no such workshop in your account."))


def join_url(group: Group) -> str:
    """Built from PUBLIC_URL or a trusted host only (room.base_url), never a stranger's Host."""
    return room.absolute(url_for("facilitate.join_code", code=group.join_code))


def qr_svg(url: str, *, scale: int = 8) -> str:
    """A QR code as inline SVG; medium error correction survives a smudged projector."""
    # omitsize: a viewBox instead of a fixed width and height, so CSS can scale it to the screen.
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=scale,
        dark="#000",
        light="#fff",
        title=_("QR code for %(url)s", url=url),
        border=2,
        omitsize=True,
    )


def _role_labels(group: Group) -> list[tuple[str, str]]:
    """The workshop's roles as (id, label), the labels in the page's language."""
    q = translated(questionnaire_of(group.questionnaire), current_language())
    labels = {r.id: r.label for r in q.roles}
    return [(r, labels.get(r, r)) for r in workshops.settings_of(group).roles]


def _form_choices(form: WorkshopForm, group: Group | None = None) -> list[Any]:
    s = db()
    versions = current_versions(s)
    form.questionnaire.choices = [
        (v.questionnaire_id, _("%(title)s (version %(version)s)", title=v.title, version=v.version))
        for v in versions
    ]
    default = current_app.config["DEFAULT_QUESTIONNAIRE"]
    chosen = form.questionnaire.data or (group.questionnaire.questionnaire_id if group else default)
    version = next((v for v in versions if v.questionnaire_id == chosen), versions[0] if versions else None)
    if version is None:
        abort(503, description=_("No questionnaire is registered yet: run `flask --app app init`."))
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
            getattr(form, exc.field).errors.append(local.workshop_error(exc))
        else:
            s.commit()
            flash(
                _("Workshop created. Participants join with the code %(code)s.", code=group.join_code),
                "success",
            )
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
    summary = _page_summary(view)
    return render_template(
        "facilitate/dashboard.html",
        group=group,
        view=view,
        summary=summary,
        join_url=join_url(group),
        plotly_src=url_for("results.plotly_js", v=plotly.__version__),
        role_labels=dict(_role_labels(group)),
        plan_review=plans.group_review(db(), group, view.members),  # the predecessor's plan
        published_note=local.translated(view.snapshot.note_message),
        close_warning=_close_warning(view),
        gap_reason=local.translated(view.summary.gap.reason_message),
        decimal_symbol=local.decimal_symbol(),
        live_text=_live_text(view),
    )


def _close_warning(view: workshops.WorkshopView) -> str | None:
    """The close control's warning in the page's language, its figures named as the page shows
    them: each dimension figure by its label, the questions counted per dimension (the API's
    warning lists every figure by id, for developers)."""
    q = translated(view.questionnaire, current_language())
    labels = {d.id: d.label for d in q.dimensions}
    waves = {w.id: w.label for w in cohorts.waves_of(view.group)} if view.group.kind == "cohort" else {}
    # As the page shows them: the questionnaire's dimensions in order, each one's whole-group
    # figure first (no subgroup), then its leaders, the others, and its waves in their order.
    # Question cells are counted per dimension below, so their place here does not matter.
    position = {d.id: n for n, d in enumerate(q.dimensions)}
    subgroups = {"": 0, snapshot.LEADERS: 1, snapshot.OTHERS: 2} | {w: 3 + n for n, w in enumerate(waves)}

    def shown_order(cell: snapshot.Cell) -> tuple[int, int]:
        return position.get(cell.key, len(position)), subgroups.get(cell.subgroup, len(subgroups))

    def describe(cells: Sequence[snapshot.Cell]) -> str:
        names: list[str] = []
        questions: dict[str, set[str]] = {}
        for cell in sorted(cells, key=shown_order):
            if cell.kind in (snapshot.ITEM, snapshot.ITEM_ANSWERS):
                questions.setdefault(q.item(cell.key).dimension, set()).add(cell.key)
                continue
            label = labels.get(cell.key, cell.key)
            if cell.kind == snapshot.ROLE and cell.subgroup == snapshot.LEADERS:
                names.append(_("%(dimension)s among leaders", dimension=label))
            elif cell.kind == snapshot.ROLE:
                names.append(_("%(dimension)s among the others", dimension=label))
            elif cell.kind == snapshot.WAVE:
                wave = waves.get(cell.subgroup, cell.subgroup)
                names.append(_("%(dimension)s in “%(wave)s”", dimension=label, wave=wave))
            else:
                names.append(label)
        for dimension in (d for d in q.dimensions if d.id in questions):
            n = len(questions[dimension.id])
            names.append(
                ngettext(
                    "the answers to %(num)s question in %(dimension)s",
                    "the answers to %(num)s questions in %(dimension)s",
                    n,
                    dimension=dimension.label,
                )
            )
        return ", ".join(names)

    return local.translated(view.snapshot.close_warning_naming(describe, counted=False))


def _live_text(view: workshops.WorkshopView) -> dict[str, Any]:
    """What facilitate.js writes as the figures refresh, in the page's language (the script has
    no English of its own): the same sentences the page renders, with %(name)s placeholders."""
    k = view.settings.min_group_size
    return {
        "no_answers": _("No complete answers yet."),
        "held_back": _("the group index clears the threshold, but %(area)s holds the group back."),
        "weakest": _("Weakest area: %(area)s."),
        "provisional": _("(Provisional: an area has no score yet.)"),
        "area": _("Area"),
        "leadership": _("Leadership (%(n)s)"),
        "others": _("Others (%(n)s)"),
        "gap": _("Gap"),
        "withheld": _("withheld"),
        "gap_hint": _(
            "A positive gap means leadership sees the organisation as more social than everyone else does."
        ),
        "no_prompts": _(
            "Prompts appear once at least two people have answered the same questions differently."
        ),
        "prompt_figures": _("%(area)s, SD %(sd)s, n %(n)s"),
        "answers_to": _("Answers to: %(question)s"),
        "range": _("Range: lowest to highest"),
        "hover_highest": _("%(area)s: highest %(value)s"),
        "hover_lowest": _("%(area)s: lowest %(value)s"),
        "hover_mean": _("%(area)s: mean %(value)s"),
        "locale": str(get_locale() or "en_GB").replace("_", "-"),
        "lowest": _("Lowest"),
        "mean": _("Group mean"),
        "score_axis": _("Score (0–100)"),
        "updated": _("Live: updated %(time)s"),
        "paused": _("Live updates paused (connection problem); retrying."),
        "fewer": _("fewer than %(k)s", k=k),
        "role_count": _("%(role)s: %(count)s"),
        "agreement": {
            "high": pgettext("agreement", "high"),
            "moderate": pgettext("agreement", "moderate"),
            "low": pgettext("agreement", "low"),
        },
    }


def _page_summary(view: workshops.WorkshopView) -> dict[str, Any]:
    """The summary as the dashboard and its refresh show it: the API's body (summary_dict, whose
    sentences stay English for developers) with its sentences in the page's language."""
    body = workshops.summary_dict(view)
    body["published"]["note"] = local.translated(view.snapshot.note_message)
    body["published"]["close_warning"] = _close_warning(view)
    if view.summary.gap.reason_message is not None:
        body["perception_gap"]["reason"] = local.translated(view.summary.gap.reason_message)
    for dimension in body["dimensions"].values():
        if dimension.get("agreement_reason"):
            dimension["agreement_reason"] = _(dimension["agreement_reason"])
    for prompt in body["prompts"]:
        for option in prompt["distribution"]:
            if option.get("value") == UNSURE:  # the app's word; the options' labels are the questionnaire's
                option["label"] = _(option["label"])
    return body


@bp.get("/workshops/<group_id>/summary.json")
@login_required
def summary_json(group_id: str) -> Response:
    group = _owned(group_id)
    view = workshops.workshop_view(db(), group)
    db().commit()  # the snapshot may have moved on (rule 13)
    response = jsonify(_page_summary(view))
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
        published_note=local.translated(state.note_message),
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
        abort(400, description=_("The form expired; please try again."))
    want_open = request.form.get("open") == "1"
    workshops.set_open(db(), group, want_open)
    db().commit()
    flash(
        _("The workshop is open for answers.")
        if want_open
        else _("The workshop is closed: no new answers are accepted."),
        "success",
    )
    back = "facilitate.present" if request.form.get("back") == "present" else "facilitate.dashboard"
    return redirect(url_for(back, group_id=group.id))


@bp.route("/workshops/<group_id>/settings", methods=["GET", "POST"])
@login_required
def settings(group_id: str) -> Any:
    group = _owned(group_id)
    form = WorkshopForm(obj=None)
    _version, q = _form_choices(form, group)
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
            getattr(form, exc.field).errors.append(local.workshop_error(exc))
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
            flash(_("Settings saved."), "success")
            return redirect(url_for("facilitate.dashboard", group_id=group.id))
    return render_template("facilitate/settings.html", form=form, group=group), 422


@bp.get("/workshops/<group_id>/logo")
@login_required
def logo(group_id: str) -> Response:
    group = _owned(group_id)
    if not group.logo:
        abort(404, description=_("This workshop has no logo."))
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
                problems.append(
                    _(
                        "Position “%(value)s” is not a number; please use whole numbers like 1, 2, 3.",
                        value=raw,
                    )
                )
                value = float(n + 1)
            positions.append((value, n, rec_id))
        if problems:
            for p in problems:
                form.commentary.errors.append(p)
        else:
            order = [rec_id for _, _, rec_id in sorted(positions)]
            workshops.save_commentary(group, form.commentary.data or "", hidden, order)
            db().commit()
            flash(_("Commentary and roadmap saved; the report uses them."), "success")
            return redirect(url_for("facilitate.commentary", group_id=group.id))
    hidden = set((group.settings or {}).get("hidden") or [])
    shown = workshops.curated_roadmap(group, full)
    entries = shown + [e for e in full if e.recommendation.id in hidden]
    status = 422 if form.errors else 200
    return render_template(
        "facilitate/commentary.html",
        group=group,
        form=form,
        entries=entries,
        hidden=hidden,
        horizons=horizon_labels(),
    ), status


def horizon_labels() -> dict[str, str]:
    """A recommendation's horizon id as the page says it (the ids stay English)."""
    return {
        "now": pgettext("horizon", "Now"),
        "next": pgettext("horizon", "Next"),
        "later": pgettext("horizon", "Later"),
    }


@bp.get("/workshops/<group_id>/export.<fmt>")
@login_required
def export(group_id: str, fmt: str) -> Response:
    group = _owned(group_id)
    if fmt not in ("csv", "xlsx"):
        abort(404, description=_("Exports are available as .csv and .xlsx."))
    table = exports.response_table(
        db(), group, translate=_, language=current_language(), sheets=fmt == "xlsx"
    )  # a CSV has one sheet
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
    language = request.args.get("lang") or None
    body = render_group_pdf(
        db(), group, edition, method_url(), language, jobs()
    )  # commits the snapshot's move (rule 13)
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
            flash(_("The form expired; please confirm again."), "error")
            return render_template("facilitate/delete.html", group=group, count=count, form=form), 400
        name = group.name
        gone = retention.delete_workshop(s, group)
        s.commit()
        flash(
            ngettext(
                "“%(name)s” and its %(num)d response were deleted.",
                "“%(name)s” and its %(num)d responses were deleted.",
                gone,
                name=name,
            ),
            "success",
        )
        return redirect(url_for("facilitate.workshops"))
    return render_template("facilitate/delete.html", group=group, count=count, form=form)


# --------------------------------------------------------------------------- participants


def _too_many(wait: int) -> tuple[str, int, dict[str, str]]:
    form = JoinForm()
    form.code.errors = [
        _("Too many wrong codes from this network. Please wait %(n)s seconds and try again.", n=wait)
    ]
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
                _("There is no workshop with this code. Check the code on the screen and try again.")
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
            _("There is no workshop with this code. Check the code on the screen and try again.")
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
            assessment = participants.join(s, group, form.role.data or "", current_language())
        except self_assessment.InvalidAnswers:
            s.rollback()
            form.role.errors = [_("Please choose the role closest to yours.")]
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
