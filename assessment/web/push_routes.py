"""The room's event streams (text/event-stream) and the end-screen part a phone fetches when told.

``GET /join/<code>/events``: anyone holding the join code (the code is on the projector) hears
``snapshot``, ``round`` and ``closed`` about that workshop or cohort. ``GET
/workshops/<id>/events``: the facilitator who owns the group hears those and ``progress`` and
``vote``. No event carries a figure; a page fetches what it may show through its own view. A
stream holds no database connection while it waits (the session closes when the view returns).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import login_required
from werkzeug.wrappers import Response

from .. import services
from ..services import push, self_assessment, workshops
from . import db
from .auth import current_user_id
from .throttle import throttle

bp = Blueprint("push", __name__)

NO_SUCH_CODE = "There is no workshop or cohort with this code."


def _stream(channel: str) -> Response:
    broker: push.Broker = current_app.extensions["push"]
    subscription = broker.subscribe(channel)
    body = push.stream(subscription, seconds=float(current_app.config["PUSH_STREAM_SECONDS"]))
    response = Response(body, mimetype="text/event-stream")
    # Never cached or buffered on the way (nginx honours X-Accel-Buffering; docs/deploy.md).
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@bp.get("/join/<code>/events")
def room_events(code: str) -> Response:
    try:
        group = workshops.group_by_code(db(), code)
    except services.NotFound:
        wait = throttle().wrong_code()
        if wait:
            abort(429, description=f"Too many wrong codes from this network. Please wait {wait} seconds.")
        abort(404, description=NO_SUCH_CODE)
    return _stream(push.room_channel(group.id))


@bp.get("/workshops/<group_id>/events")
@login_required
def facilitator_events(group_id: str) -> Response:
    try:
        group = workshops.owned_group(db(), current_user_id(), group_id)  # a workshop or a cohort
    except services.NotFound:
        abort(404, description="There is no such workshop in your account.")
    return _stream(push.facilitator_channel(group.id))


@bp.get("/results/<assessment_id>/room")
def room_part(assessment_id: str) -> str:
    """The end screen's live part ("you and the room", the open round), fetched by the phone when
    its stream says something changed: the same rules and the same template as the full page."""
    try:
        assessment = self_assessment.get_assessment(db(), assessment_id)
    except services.NotFound:
        abort(404, description="There are no results at this address.")
    if assessment.status != "complete" or assessment.group_id is None:
        abort(404, description="These results have no room.")
    from .rounds import end_screen

    return render_template("results/_workshop.html", workshop=end_screen(assessment))
