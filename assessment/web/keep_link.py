"""Getting back to one's answers: the private link sent by e-mail when the installation has mail
(``MAIL_URL``); the form is not shown without it. Nothing about the address is stored: it is
used for the one message and forgotten."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from limits import parse
from werkzeug.wrappers import Response

from .. import services
from ..domain.text import N_
from ..i18n import _
from ..services import mail, self_assessment
from ..services.jobs import JobFailed, JobPending
from . import db, jobs, room
from .throttle import throttle

bp = Blueprint("keep_link", __name__)

ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PER_ADDRESS = parse("5/hour")  # a form that mails a link must not become a way to send spam
# The e-mail is written in the language of the page that asked for it (the recipient's).
SUBJECT = N_("Your private link to the self-assessment")
OPENING = N_("Here is the private link to your self-assessment:")
OPENING_FOR = N_("Here is the private link to your self-assessment for %(organisation)s:")
BODY = N_("""%(opening)s

%(link)s

It takes you back to your answers (and, once you have finished, your results) on any device.
Anyone who has this link can see and change your answers, so keep it to yourself.

You asked for this e-mail on the assessment's page; your address has not been kept.
""")
SENT = N_("The link is on its way to %(to)s. Check your spam folder if it does not arrive.")
BAD_ADDRESS = N_("That does not look like an e-mail address. Please check it and try again.")
TOO_MANY = N_("Too many links have been sent from this network; please copy the link instead.")
MAIL_WAIT_SECONDS = 20.0  # past the mail server's own 15 s timeout


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_URL"))


def _sender() -> str:
    configured = current_app.config.get("MAIL_FROM")
    if configured:
        return str(configured)
    host = (room.base_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]) or "localhost"
    return f"no-reply@{host}"


@bp.post("/a/<token>/send-link")
def send_link(token: str) -> Response:
    if not mail_enabled():
        abort(404, description=_("This installation does not send e-mail."))
    try:
        assessment = self_assessment.assessment_by_token(db(), token)
    except services.NotFound:
        abort(404, description=_("This private link does not match any assessment."))
    page = request.form.get("page", "1")
    back = url_for("respond.page", token=token, number=int(page) if page.isdigit() else 1)
    if assessment.status == "complete":
        back = url_for("results.show", assessment_id=assessment.id)
    if not FlaskForm().validate_on_submit():
        flash(_("The page had expired, so nothing was sent. Please try again."), "warning")
        return redirect(back)
    to = (request.form.get("email") or "").strip()
    if len(to) > 254 or not ADDRESS.match(to):
        flash(_(BAD_ADDRESS), "error")
        return redirect(back)
    if not throttle().limiter.limiter.hit(PER_ADDRESS, "link-mail", request.remote_addr or "unknown"):
        flash(_(TOO_MANY), "error")
        return redirect(back)
    mail.MailServer.from_url(current_app.config["MAIL_URL"])  # a wrong setting fails here, not later
    opening = _(OPENING_FOR, organisation=assessment.organisation) if assessment.organisation else _(OPENING)
    link = room.absolute(url_for("respond.resume", token=token))
    # Written here, in the language of the page that asked for it; the worker only sends it.
    message = {"sender": _sender(), "to": to, "subject": _(SUBJECT)}
    message["body"] = _(BODY, opening=opening, link=link)
    # Sent by a worker of the job queue; this waits for it so that a refusal is shown here. The
    # job's record drops the address as soon as it has been handed over (job_kinds.FORGET_PAYLOAD).
    try:
        jobs().result_of("mail", message, wait=MAIL_WAIT_SECONDS)
    except JobFailed as exc:
        flash(_(str(exc)), "error")
        return redirect(back)
    except JobPending:
        pass  # queued; the worker sends it shortly
    flash(_(SENT, to=to), "success")
    return redirect(back)
