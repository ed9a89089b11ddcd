"""The respondent's flow: landing page, start form, one page per dimension, finish.

The flow works on the private token (``/a/<token>/...``); results live at the public id. It does
not care how an assessment was started: a workshop's join page may create one with a group and a
role and redirect the participant to ``respond.resume``.
"""

from __future__ import annotations

from babel.lists import format_list
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from .. import services
from ..db.models import Assessment, QuestionnaireVersion
from ..domain.questionnaire import Questionnaire
from ..domain.text import N_
from ..i18n import _, current_language, get_locale
from ..services import participants, self_assessment
from ..services.questionnaires import current_version, language_for, questionnaire_of, translated
from . import db
from .forms import StartForm, answers_from, initial_data, item_fields, only_missing, page_form_class
from .room import external_url

bp = Blueprint("respond", __name__)

OWNED_KEY = "owned"  # public id -> private token of the assessments this browser has worked on
OWNED_MAX = 20


def remember(assessment: Assessment) -> None:
    """Note in the (signed) session cookie that this browser holds the private link, so the
    results page can offer a retake and "change answers" without printing the token."""
    owned = dict(session.get(OWNED_KEY, {}))
    owned.pop(assessment.id, None)
    owned[assessment.id] = assessment.token
    session[OWNED_KEY] = dict(list(owned.items())[-OWNED_MAX:])


def owned_token(assessment_id: str) -> str | None:
    return session.get(OWNED_KEY, {}).get(assessment_id)


def _questionnaire_for_start(questionnaire_id: str | None) -> tuple[QuestionnaireVersion, Questionnaire]:
    wanted = questionnaire_id or current_app.config["DEFAULT_QUESTIONNAIRE"]
    try:
        version = current_version(db(), wanted)
    except services.NotFound:
        abort(404, description=_("This questionnaire is not available."))
    return version, translated(questionnaire_of(version), current_language())


@bp.app_template_filter("join_list")
def join_list(items: list[str]) -> str:
    """Names as a list in the reader's language ("A, B and C", "A, B und C")."""
    return format_list(list(items), locale=str(get_locale() or "en"))


def _start_form(q: Questionnaire) -> StartForm:
    form = StartForm()
    form.set_roles((r.id, r.label) for r in q.roles)
    if not form.questionnaire.data:
        form.questionnaire.data = q.id
    return form


@bp.get("/")
def landing() -> str:
    _version, q = _questionnaire_for_start(request.args.get("questionnaire"))
    return render_template("respond/landing.html", q=q, form=_start_form(q))


@bp.post("/start")
def start() -> Response | tuple[str, int]:
    version, q = _questionnaire_for_start(request.form.get("questionnaire"))
    form = _start_form(q)
    if not form.validate():
        return render_template("respond/landing.html", q=q, form=form), 422
    s = db()
    assessment = self_assessment.start_assessment(
        s,
        version,
        organisation=form.organisation.data or "",
        sector=form.sector.data or "",
        size_band=form.size_band.data or "",
        role=form.role.data or "",
        benchmark=bool(form.benchmark.data),
        language=language_for(q, current_language()),
    )
    s.commit()
    remember(assessment)
    return redirect(url_for("respond.page", token=assessment.token, number=1))


def _by_token(token: str, *, for_update: bool = False) -> Assessment:
    try:
        return self_assessment.assessment_by_token(db(), token, for_update=for_update)
    except services.NotFound:
        abort(
            404, description=_("This private link does not match any assessment. Check it was copied whole.")
        )


@bp.get("/a/<token>")
def resume(token: str) -> Response:
    """The private link: back to where the respondent left off, or to the results when done."""
    assessment = _by_token(token)
    remember(assessment)
    if assessment.status == "complete":
        return redirect(url_for("results.show", assessment_id=assessment.id))
    total = len(questionnaire_of(assessment.questionnaire).dimensions)
    return redirect(url_for("respond.page", token=token, number=min(max(assessment.page, 1), total)))


@bp.route("/a/<token>/<int:number>", methods=["GET", "POST"])
def page(token: str, number: int) -> Response | str | tuple[str, int]:
    s = db()
    assessment = _by_token(token, for_update=request.method == "POST")
    q = translated(questionnaire_of(assessment.questionnaire), current_language())
    total = len(q.dimensions)
    if not 1 <= number <= total:
        abort(404, description=_("This questionnaire has pages 1 to %(total)s.", total=total))
    dimension = q.dimensions[number - 1]
    form_class = page_form_class(q, dimension.id)
    remember(assessment)
    if assessment.group is not None and assessment.status == "complete":
        flash(
            _(
                "Your answers are part of the workshop's figures and can no longer be changed. "
                "You can still delete them."
            ),
            "info",
        )
        return redirect(url_for("results.show", assessment_id=assessment.id))

    if request.method == "GET":
        form = form_class(data=initial_data(assessment.answers or {}))
        return _render_page(assessment, q, number, form)

    form = form_class()
    action = request.form.get("action", "next")
    if action not in ("next", "back", "finish") or (action == "finish" and number != total):
        action = "next"
    valid = form.validate()
    if not valid and not (action == "back" and only_missing(form, q, dimension.id)):
        flash(_("Some answers on this page need your attention; see the messages below."), "error")
        return _render_page(assessment, q, number, form), 422

    target = {"next": number + 1, "back": number - 1, "finish": number}[action]
    try:
        self_assessment.save_answers(assessment, answers_from(form, q, dimension.id), page=max(target, 1))
    except services.GroupClosed as closed:
        s.rollback()
        flash(
            _(
                "%(name)s has been closed by its facilitator, so answers can no longer be saved. "
                "Everything you saved before it closed is kept.",
                name=closed.group.name,
            ),
            "error",
        )
        return _render_page(assessment, q, number, form), 409
    except self_assessment.InvalidAnswers as invalid:
        s.rollback()
        for problem in invalid.problems:
            if problem.item in form:
                # The domain's reason is for the API (English); the page says what to do.
                form[problem.item].errors = [
                    _("This answer cannot be saved: please choose one of the options.")
                ]
        return _render_page(assessment, q, number, form), 422

    if action == "finish" and assessment.group is None:
        from .benchmarks import end_choice

        problem = end_choice(assessment, request.form)  # rule 18's opt-in at the end
        if problem:
            s.commit()  # the answers stay saved; only finishing waits for the choice
            flash(_(problem), "error")
            return _render_page(assessment, q, number, form), 422
    if action == "finish":
        if _answered_with_this_code(assessment):
            s.commit()  # the answers stay saved (in progress); only completing is refused
            flash(
                _(
                    "Someone has already finished this wave with the same code, and that answer is "
                    "kept; this one cannot be counted as well. If that was you on another device, you "
                    "are done."
                ),
                "error",
            )
            return _render_page(assessment, q, number, form), 409
        if assessment.group is not None and participants.is_full(s, assessment.group, besides=assessment.id):
            s.commit()  # the answers stay saved (in progress); only completing is refused
            flash(_(WORKSHOP_FULL), "error")
            return _render_page(assessment, q, number, form), 409
        try:
            self_assessment.complete_assessment(s, assessment)
            s.commit()
        except participants.HeadcountReached:
            # Another phone took the last place at this very moment: nothing of this page is kept.
            s.rollback()
            flash(_(WORKSHOP_FULL), "error")
            return _render_page(assessment, q, number, form), 409
        except IntegrityError:
            # A second submission of the last page raced this one and already completed it.
            s.rollback()
        return redirect(url_for("results.show", assessment_id=assessment.id))
    s.commit()
    if target < 1:
        return redirect(url_for("respond.landing"))
    return redirect(url_for("respond.page", token=token, number=target))


@bp.post("/a/<token>/answer")
def autosave(token: str) -> tuple[Response, int]:
    """One answer saved the moment it is chosen (the page's script posts it), so a reload or a
    phone that drops the tab loses nothing. Form-encoded ``item`` and ``value``; the CSRF token
    travels in the X-CSRFToken header."""
    s = db()
    assessment = _by_token(token, for_update=True)
    if assessment.status == "complete":
        # A finished response changes only through its pages, which score it again.
        return jsonify({"error": _("This assessment is finished; use the page's Save button.")}), 409
    item, value = request.form.get("item", ""), request.form.get("value", "")
    answer: int | str = value
    if value.lstrip("-").isdigit():
        answer = int(value)
    try:
        self_assessment.save_answers(assessment, {item: answer})
    except services.GroupClosed as closed:
        s.rollback()
        message = closed_message(closed.group)
        return jsonify({"error": message, "closed": True}), 409
    except self_assessment.InvalidAnswers as invalid:
        s.rollback()
        errors = [{"item": p.item, "message": p.message} for p in invalid.problems]  # for the script
        return jsonify({"errors": errors}), 422
    s.commit()
    answered = sum(1 for v in (assessment.answers or {}).values() if v is not None)
    return jsonify({"saved": {item: answer}, "answered": answered}), 200


WORKSHOP_FULL = N_(
    "This workshop already has every answer its facilitator expected, so yours cannot be counted. "
    "Your answers are saved; ask your facilitator, who can raise the expected number."
)

STALE_FORM = N_(
    "This page had been open a long time or the browser was restarted, so your answers were not "
    "saved yet. They are still ticked below: check them and press the button again."
)


@bp.errorhandler(CSRFError)
def stale_form(exc: CSRFError) -> Response | tuple[str | Response, int]:
    """A form posted without a valid CSRF token: a tab restored after the browser was killed, or a
    session cookie that expired. For a valid private link, show the page again with what was
    posted (nothing is saved from a request whose origin is unproven) instead of a bare 400."""
    args = request.view_args or {}
    if request.endpoint == "respond.autosave":
        return jsonify({"error": _("The page has expired; reload it to keep saving as you go.")}), 400
    if request.endpoint == "respond.page":
        # An error handler cannot abort() into another handler: answer a 404 page itself.
        try:
            assessment = self_assessment.assessment_by_token(db(), args["token"])
        except services.NotFound:
            missing = NotFound(
                _("This private link does not match any assessment. Check it was copied whole.")
            )
            return render_template("error.html", error=missing), 404
        q = translated(questionnaire_of(assessment.questionnaire), current_language())
        number = args["number"]
        if not 1 <= number <= len(q.dimensions):
            missing = NotFound(_("This questionnaire has pages 1 to %(total)s.", total=len(q.dimensions)))
            return render_template("error.html", error=missing), 404
        form = page_form_class(q, q.dimensions[number - 1].id)()  # not validated; renders a fresh token
        remember(assessment)
        flash(_(STALE_FORM), "warning")
        # Still 400 (nothing was accepted), but a whole page that keeps the posted answers.
        return _render_page(assessment, q, number, form), 400
    if request.endpoint == "respond.start":
        _version, q = _questionnaire_for_start(request.form.get("questionnaire"))
        form = _start_form(q)
        flash(_("The page had expired, so nothing was started yet. Please press Start again."), "warning")
        return render_template("respond/landing.html", q=q, form=form), 400
    return render_template("error.html", error=exc), 400


def _answered_with_this_code(assessment: Assessment) -> bool:
    """A cohort answer whose code already has a complete answer in the same wave (the database
    would refuse the second one anyway; this says why)."""
    if not assessment.respondent_hash or assessment.status == "complete" or assessment.group is None:
        return False
    from ..services.cohorts import already_answered

    return already_answered(db(), assessment.group, assessment.wave or "", assessment.respondent_hash)


def _render_page(assessment: Assessment, q: Questionnaire, number: int, form: object) -> str:
    dimension = q.dimensions[number - 1]
    answered = sum(1 for v in (assessment.answers or {}).values() if v is not None)
    group = assessment.group
    return render_template(
        "respond/page.html",
        q=q,
        assessment=assessment,
        dimension=dimension,
        form=form,
        fields=item_fields(form, q, dimension.id),  # type: ignore[arg-type]
        number=number,
        total=len(q.dimensions),
        answered=answered,
        item_count=len(q.items),
        resume_url=external_url("respond.resume", token=assessment.token),
        autosave_url=url_for("respond.autosave", token=assessment.token),
        closed=group is not None and not group.is_open,
        closed_message=closed_message(group) if group is not None else "",
        mail_enabled=bool(current_app.config.get("MAIL_URL")),
        events_url=url_for("push.room_events", code=group.join_code) if group is not None else None,
    )


CLOSED_WORKSHOP = N_("%(name)s is closed, so no more answers can be saved. Your saved answers are kept.")
CLOSED_COHORT = N_("%(name)s is closed for answers, so no more can be saved. Your saved answers are kept.")


def closed_message(group: object) -> str:
    """What a question page says once its workshop or cohort closes (in the group's wording)."""
    kind = getattr(group, "kind", "workshop")
    template = CLOSED_COHORT if kind == "cohort" else CLOSED_WORKSHOP
    return _(template, name=getattr(group, "name", ""))
