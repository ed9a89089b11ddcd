"""A respondent deletes their own assessment from its private link: a confirmation page, then
a POST (with CSRF). Kept apart from the answering flow so the two change independently."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm

from .. import services
from ..i18n import _
from ..services import retention, self_assessment
from . import db
from .respond import OWNED_KEY

bp = Blueprint("deletion", __name__)


@bp.route("/a/<token>/delete", methods=["GET", "POST"])
def delete_own(token: str) -> Any:
    s = db()
    try:
        assessment = self_assessment.assessment_by_token(s, token)
    except services.NotFound:
        abort(
            404, description=_("This private link does not match any assessment. It may have been deleted.")
        )
    group = assessment.group
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("The form expired; please confirm again."), "error")
            return render_template("respond/delete.html", assessment=assessment, group=group, form=form), 400
        owned = dict(session.get(OWNED_KEY, {}))
        owned.pop(assessment.id, None)
        session[OWNED_KEY] = owned
        retention.delete_assessment(s, assessment)
        s.commit()
        flash(_("Your answers have been deleted. The private link no longer works."), "success")
        return redirect(url_for("respond.landing"))
    return render_template("respond/delete.html", assessment=assessment, group=group, form=form)
