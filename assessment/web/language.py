"""The language switch: every page's footer posts here; the choice is kept in the session."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request

from .. import i18n

bp = Blueprint("language", __name__)


def _safe_next(target: str | None) -> str:
    """Back to the page the switch was on, never to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.post("/language")
def choose():
    if not i18n.choose(request.form.get("locale", "")):
        abort(400, description=i18n._("That language is not offered here."))
    return redirect(_safe_next(request.form.get("next")), code=303)
