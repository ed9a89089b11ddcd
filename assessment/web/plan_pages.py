"""'Review and edit before you share': the plan's pages for a respondent (at the results' public
id, the same capability as the API's) and a facilitator (logged in), plus the facilitator's
downloads of the Word report, the slides and the calendar.

One plain form, posted whole: it works without JavaScript. With it, ``plan.js`` posts the same
form on every change (``Accept: application/json``) and keeps the version it gets back, as the
answers are autosaved. A save from an older read is refused (409), and the page keeps what the
person typed, with the stored version named, so nothing is lost.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from .. import services
from ..db.models import Group
from ..domain.plan import STATUS_LABELS, STATUSES, FieldProblem, InvalidPlan, new_custom_id
from ..i18n import _, _l
from ..services import plans, self_assessment, workshops
from . import db, local

bp = Blueprint("plans", __name__)

SAVED = _l("Plan saved.")
STALE = _l(
    "Someone else saved this plan after you opened it (their version is %(version)s). Nothing was "
    "changed: your edits are still in the form below. Check the other changes (open this page in "
    "another tab), then press Save to keep yours."
)


def status_labels() -> dict[str, str]:
    """A step's status as a person reads it, in the request's language (the ids stay English)."""
    return {status: _(label) for status, label in STATUS_LABELS.items()}


def _plan_text() -> dict[str, str]:
    """What plan.js says while it autosaves, in the page's language (no English in the script)."""
    return {
        "saving": _("Saving…"),
        "saved": _("Saved"),
        "stale": _(
            "Someone else saved this plan meanwhile. Your edits are not saved yet and are still "
            "here: press Save the plan to keep them."
        ),
        "invalid": _("Not saved: %(problems)s"),
        "unsaved": _("Not saved yet: press Save the plan."),
        "offline": _("Offline: your edits will be saved when you press Save the plan."),
        "pending": _("Not saved yet…"),
    }


def form_to_body(form: MultiDict[str, str], dimensions: list[str]) -> dict[str, Any]:
    """The API's body from the page's form. Rows are ordered by their position numbers (ties:
    page order); a filled "new step" row becomes a custom step."""
    rows = []
    raw_count = form.get("count", "0")
    count = min(int(raw_count), 200) if raw_count.isdigit() else 0  # more rows than any plan has
    for n in range(count):
        step_id = form.get(f"step-{n}-id", "")
        if not step_id:
            continue
        raw = form.get(f"step-{n}-position", "").strip()
        try:
            position = float(raw) if raw else float(n + 1)
        except ValueError:
            position = float(n + 1)
        rows.append(
            (
                position,
                n,
                {
                    "id": step_id,
                    "title": form.get(f"step-{n}-title", ""),
                    "owner": form.get(f"step-{n}-owner", ""),
                    "due": form.get(f"step-{n}-due", "") or None,
                    "status": form.get(f"step-{n}-status", "planned"),
                    "note": form.get(f"step-{n}-note", ""),
                },
            )
        )
    steps = [step for _, _, step in sorted(rows, key=lambda r: (r[0], r[1]))]
    if form.get("new-title", "").strip():
        steps.append(
            {
                "id": new_custom_id(s["id"] for s in steps),
                "title": form.get("new-title", ""),
                "owner": form.get("new-owner", ""),
                "due": form.get("new-due", "") or None,
                "status": "planned",
                "note": form.get("new-note", ""),
            }
        )
    version = form.get("version", "0")
    return {
        "version": int(version) if version.isdigit() else -1,
        "introduction": form.get("introduction", ""),
        "agreed_by": form.get("agreed_by", ""),
        "notes": {d: form.get(f"note-{d}", "") for d in dimensions if form.get(f"note-{d}", "").strip()},
        "steps": steps,
    }


def _page(
    state: plans.PlanState,
    *,
    layout: str,
    back_url: str,
    back_label: str,
    downloads: list[tuple[str, str]],
    body: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> tuple[str, int]:
    """The edit page: the stored plan, or what was just posted (after a refusal)."""
    shown = body if body is not None else state.plan.to_dict()
    version = state.version if body is None or status == 409 else body.get("version", state.version)
    areas = {d.id: d.label for d in state.questionnaire.dimensions}
    recs = state.questionnaire.recommendations_by_id
    html = render_template(
        "plans/edit.html",
        layout=layout,
        plan=shown,
        version=version,
        edited=state.edited,
        areas=areas,
        rec_area={rid: areas.get(r.dimension, "") for rid, r in recs.items()},
        dropped=[e.recommendation.title for e in state.dropped],
        statuses=[(s, _(STATUS_LABELS[s])) for s in STATUSES],
        errors=errors or {},
        message=message,
        saved=status == 200 and message is not None and not errors,
        plan_text=_plan_text(),
        back_url=back_url,
        back_label=back_label,
        downloads=downloads,
        **(extra or {}),
    )
    return html, status


def _errors(exc: InvalidPlan) -> dict[str, str]:
    """Problems by form field name: ``steps[2].due`` -> ``step-2-due`` (rows in posted order)."""
    out = {}
    for p in exc.problems:
        name = p.item
        if name.startswith("steps[") and "]." in name:
            index, field = name[6:].split("].", 1)
            name = f"step-{index}-{field}"
        elif name.startswith("notes."):
            name = f"note-{name[6:]}"
        # A field's own mistake in the page's language; the form cannot make the others.
        out[name] = local.translated((p.template, p.params)) if isinstance(p, FieldProblem) else p.message
    return out


def _save(state_of: Any, save: Any, render: Any) -> Any:
    """POST: check and store the form; JSON for the autosave, the page again otherwise."""
    state = state_of()
    body = form_to_body(request.form, [d.id for d in state.questionnaire.dimensions])
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        saved = save(body)
    except InvalidPlan as exc:
        db().rollback()
        if wants_json:
            return jsonify({"errors": [p.to_dict() for p in exc.problems]}), 422
        # The posted rows keep their posted order, so row n's errors sit on row n.
        return render(
            state,
            body=body,
            errors=_errors(exc),
            status=422,
            message=_("The plan was not saved: please correct the fields marked below."),
        )
    except plans.StalePlan as exc:
        db().rollback()
        if wants_json:
            return jsonify({"error": str(exc), "current": exc.current.to_dict()}), 409
        return render(
            exc.current, body=body, status=409, message=str(STALE) % {"version": exc.current.version}
        )
    db().commit()
    if wants_json:
        return jsonify({"version": saved.version, "message": str(SAVED)})
    return render(saved, message=str(SAVED))


# --------------------------------------------------------------------------- a self-assessment


def _assessment(assessment_id: str) -> Any:
    try:
        assessment = self_assessment.get_assessment(db(), assessment_id)
    except services.NotFound:
        abort(404, description="There are no results at this address. Check the link was copied whole.")
    if assessment.group_id is not None:
        abort(404, description="A workshop's plan is made by its facilitator.")
    if assessment.status != "complete":
        abort(404, description="These results are not ready: the assessment has not been finished yet.")
    return assessment


@bp.route("/results/<assessment_id>/plan", methods=["GET", "POST"])
def assessment_plan(assessment_id: str) -> Any:
    assessment = _assessment(assessment_id)
    api = f"/api/v1/assessments/{assessment.id}"

    def render(state: plans.PlanState, **kwargs: Any) -> tuple[str, int]:
        return _page(
            state,
            layout="base.html",
            back_url=url_for("results.show", assessment_id=assessment.id),
            back_label=_("Back to the results"),
            downloads=[
                (_("Report (PDF)"), f"{api}/report.pdf"),
                (_("Report (Word)"), f"{api}/report.docx"),
                (_("Dated steps (calendar)"), f"{api}/plan.ics"),
            ],
            extra={"organisation": assessment.organisation},
            **kwargs,
        )

    if request.method == "GET":
        return render(plans.assessment_plan(db(), assessment))
    return _save(
        lambda: plans.assessment_plan(db(), assessment),
        lambda body: plans.save_assessment_plan(db(), assessment, body),
        render,
    )


# --------------------------------------------------------------------------- a workshop


def _owned(group_id: str) -> Group:
    from .auth import current_user_id

    try:
        return workshops.owned_group(db(), current_user_id(), group_id)
    except services.NotFound:
        abort(404, description=_("There is no such workshop in your account."))


@bp.route("/workshops/<group_id>/plan", methods=["GET", "POST"])
@login_required
def group_plan(group_id: str) -> Any:
    group = _owned(group_id)
    view = workshops.workshop_view(db(), group)
    db().commit()  # the snapshot may have moved on (rule 13)

    def render(state: plans.PlanState, **kwargs: Any) -> tuple[str, int]:
        return _page(
            state,
            layout="facilitate/_layout.html",
            back_url=url_for("facilitate.dashboard", group_id=group.id),
            back_label=_("Back to %(name)s", name=group.name),
            downloads=[
                (_("Report (PDF)"), url_for("facilitate.report_pdf", group_id=group.id)),
                (_("Report (Word)"), url_for("plans.group_docx", group_id=group.id)),
                (_("Slides (PowerPoint)"), url_for("plans.group_pptx", group_id=group.id)),
                (_("Dated steps (calendar)"), url_for("plans.group_ics", group_id=group.id)),
            ],
            extra={
                "organisation": group.organisation or group.name,
                "group": group,
                "predecessors": plans.predecessor_choices(db(), group),
            },
            **kwargs,
        )

    if request.method == "GET":
        return render(plans.group_plan(db(), group, view.roadmap))
    return _save(
        lambda: plans.group_plan(db(), group, view.roadmap),
        lambda body: plans.save_group_plan(db(), group, body, view.roadmap),
        render,
    )


@bp.post("/workshops/<group_id>/predecessor")
@login_required
def predecessor(group_id: str) -> Any:
    from flask import flash

    group = _owned(group_id)  # the form's CSRF token is checked for every POST (extensions.csrf)
    try:
        plans.set_predecessor(db(), group, request.form.get("predecessor") or None)
    except InvalidPlan as exc:
        flash(_("Not saved: the earlier workshop %(problem)s.", problem=exc.problems[0].message), "error")
        return redirect(url_for("plans.group_plan", group_id=group.id))
    db().commit()
    flash(_("Saved: this workshop's results now show what the earlier plan achieved."), "success")
    return redirect(url_for("plans.group_plan", group_id=group.id))


@bp.get("/workshops/<group_id>/report.docx")
@login_required
def group_docx(group_id: str) -> Any:
    from .api_plans import group_docx_response

    return group_docx_response(_owned(group_id))


@bp.get("/workshops/<group_id>/slides.pptx")
@login_required
def group_pptx(group_id: str) -> Any:
    from .api_plans import group_slides_response

    return group_slides_response(_owned(group_id))


@bp.get("/workshops/<group_id>/plan.ics")
@login_required
def group_ics(group_id: str) -> Any:
    from .api_plans import group_calendar_response

    return group_calendar_response(_owned(group_id))


@bp.app_template_global("plan_status_labels")
def _status_labels_global() -> dict[str, str]:
    """The step statuses' labels for templates (plans/_review.html is on the results page too)."""
    return status_labels()
