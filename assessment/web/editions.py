"""The ``edition`` query parameter of the report downloads: ``core`` (the default, at most eight
pages) or ``full`` (with every answer, the coverage and the method). An unknown edition is a 422
naming it."""

from __future__ import annotations

from flask import jsonify, request, url_for
from werkzeug.wrappers import Response

from reports.sections import CORE, EDITIONS

EDITION_QUERY = {
    "edition": {
        "schema": {"type": "string", "enum": list(EDITIONS), "default": CORE},
        "description": "core (the default: summary, position, a page per dimension, the roadmap) or "
        "full (adds every answer, the coverage and the method).",
    }
}


def requested_edition() -> str | tuple[Response, int]:
    """The edition asked for, or the 422 response that names the unknown one."""
    edition = request.args.get("edition", CORE)
    if edition in EDITIONS:
        return edition
    message = f"unknown report edition {edition!r}: use one of {', '.join(EDITIONS)}"
    return jsonify({"errors": [{"field": "edition", "message": message}]}), 422


def method_url() -> str:
    """The method page's address as the reports print it (the same for the background render
    and the download, so both find one cached PDF)."""
    return url_for("method.page", _external=True)
