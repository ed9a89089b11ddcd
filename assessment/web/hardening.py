"""One layer that refuses unusable input before any view sees it, and one error shape under /api/.

Text that no database column can hold is refused here, once, rather than field by field: a NUL
character (PostgreSQL refuses it in any text value, and nothing a person types contains one) and
a lone UTF-16 surrogate (``"\\ud800"`` in JSON: not a character at all, so it cannot be encoded
to store or to send back). The check covers the URL path, the query string, form fields and
JSON bodies. JSON is also refused when it is nested deeper than any request of this API needs
(the parser would otherwise recurse until Python gives up) or larger than ``MAX_JSON_BYTES``.

Errors under /api/ are always JSON: ``422 {"errors": [{"item", "message"}]}`` for input that
parses but cannot be used, ``{"error": message}`` for every other status, including a route
that does not exist, a method it does not allow, a body too large and an unexpected failure.
Elsewhere the same errors are the site's error page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, abort, g, jsonify, render_template, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError, ServiceUnavailable

from reports import bounded
from reports.bounded import RenderLimitExceeded

from ..domain.text import N_
from ..i18n import _
from ..services.jobs import JobFailed, JobPending

# No request of this API nests deeper than 3 levels; 32 leaves room for any future body.
MAX_JSON_DEPTH = 32
# An assessment with every answer is about 2 KB; a group a few hundred bytes.
MAX_JSON_BYTES = 256 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored or shown, or None when it is fine."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000), which text cannot hold"
    for char in value:
        if "\ud800" <= char <= "\udfff":
            return f"contains a lone surrogate (\\u{ord(char):04x}), which is not a character"
    return None


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _walk(value: Any) -> Iterator[tuple[str, Any, int]]:
    """Every key and string of a parsed JSON value with its path and depth, without recursion."""
    stack: list[tuple[str, Any, int]] = [("", value, 0)]
    while stack:
        path, item, depth = stack.pop()
        yield path, item, depth
        if isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                yield child_path, key, depth + 1  # the key itself is text too
                stack.append((child_path, child, depth + 1))
        elif isinstance(item, list):
            stack.extend((f"{path}[{n}]", child, depth + 1) for n, child in enumerate(item))


def json_problems(body: Any) -> list[dict[str, str]]:
    """Problems with the text of a parsed JSON body, each naming where it is (``organisation``,
    ``answers.some-item``); raises ValueError when the body is nested too deeply."""
    problems = []
    for path, item, depth in _walk(body):
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                # The path may itself hold the bad text: name it in a form that can be sent.
                safe = path.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\u0000")
                problems.append({"item": safe or "(body)", "message": problem})
    return problems


def parse_json_body(raw: bytes) -> Any:
    """The body parsed; ValueError (with a message naming the problem) when it cannot be."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the request body is not valid JSON: {exc}") from None


def _may_hold_problems(raw: bytes) -> bool:
    """Whether a body that parsed can hold a NUL, a lone surrogate or too deep a nesting. In
    UTF-8 a NUL or a surrogate can only come from a ``\\u`` escape (JSON refuses raw control
    characters, UTF-8 has no surrogates); a UTF-16 or UTF-32 body has NUL bytes, so it is always
    walked. Nesting needs an opening bracket per level. A body with none of these (a submission)
    skips the walk over every key and text."""
    return b"\\u" in raw or b"\x00" in raw or raw.count(b"{") + raw.count(b"[") > MAX_JSON_DEPTH


def parsed_body() -> Any:
    """The request's JSON body as parsed by the check below (AttributeError when it was not)."""
    return g.parsed_json_body


def _check_json_body() -> Response | tuple[Response, int] | None:
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        abort(413, description=f"the request body is larger than {MAX_JSON_BYTES // 1024} KB")
    raw = request.get_data(cache=True)  # cached: the view reads the same bytes again
    if len(raw) > MAX_JSON_BYTES:
        abort(413, description=f"the request body is larger than {MAX_JSON_BYTES // 1024} KB")
    if not raw.strip():
        return None
    try:
        body = parse_json_body(raw)
    except ValueError as exc:
        if "nested" in str(exc):
            abort(400, description=str(exc))
        return None  # a plain syntax error: the view says so in its own words
    g.parsed_json_body = body  # the view reads it from here: parsed once
    if not _may_hold_problems(raw):
        return None
    try:
        problems = json_problems(body)
    except ValueError as exc:
        abort(400, description=str(exc))
    if problems:
        return jsonify({"errors": problems}), 422
    return None


# The only bodies werkzeug parses into ``request.form``; any other has no form fields.
FORM_MIMETYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
NO_FIELDS: ImmutableMultiDict[str, str] = ImmutableMultiDict()


def _form() -> ImmutableMultiDict[str, str]:
    """``request.form``, without building a form parser for a body that is not a form (a JSON
    submission: the parser was a fiftieth of its time to find no fields). The stream is still
    opened, as parsing opens it, so a body past MAX_CONTENT_LENGTH is refused exactly as before."""
    if request.mimetype in FORM_MIMETYPES:
        return request.form
    request.stream  # noqa: B018 -- opening it checks MAX_CONTENT_LENGTH (413), as parsing did
    return NO_FIELDS


def refuse_unusable_input() -> Response | tuple[Response, int] | None:
    """before_request: NUL or lone surrogates anywhere a view could read them, over-deep JSON."""
    problem = text_problem(request.path)
    if problem:
        abort(400, description=f"The address {problem}.")
    for source, values in (("query parameter", request.args), ("form field", _form())):
        for key, value in values.items(multi=True):
            problem = text_problem(key) or text_problem(value)
            if problem:
                name = key.replace("\x00", "\\u0000")
                abort(400, description=f"The {source} {name!r} {problem}.")
    if _is_api() and request.method in BODY_METHODS:
        return _check_json_body()
    return None


def http_error(exc: HTTPException) -> Any:
    """JSON errors for any /api/ address, including ones no route matches; a page elsewhere."""
    code = exc.code or 500
    if code < 400:  # a routing redirect, not an error
        return exc
    if isinstance(exc, SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page that links anywhere.
        return Response(
            "Bad Request: this site is not served under that host name.", code, mimetype="text/plain"
        )
    if _is_api():
        response = jsonify({"error": exc.description or exc.name})
        response.status_code = code
        for name, value in exc.get_headers():
            if name.lower() in ("allow", "retry-after", "www-authenticate"):
                response.headers[name] = value
        return response
    return render_template("error.html", error=exc), code


def internal_error(exc: InternalServerError) -> Any:
    """An unexpected failure: logged with its traceback by Flask; the client gets no details."""
    if _is_api():
        return jsonify({"error": "internal error: the server could not complete this request"}), 500
    return render_template("error.html", error=exc), 500


def render_limit(exc: RenderLimitExceeded) -> Any:
    """A report past its time or memory bound: the worker lives on and says so."""
    if _is_api():
        return jsonify({"error": str(exc)}), 503
    return render_template("error.html", error=ServiceUnavailable(str(exc))), 503


def job_pending(exc: JobPending) -> Any:
    """A render (or other job) not done within its wait: the client asks again later, when the
    kept result is served at once."""
    if _is_api():
        response = jsonify({"error": str(exc)})
    else:
        response = Response(render_template("error.html", error=ServiceUnavailable(str(exc))))
    response.status_code = 503
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def job_failed(exc: JobFailed) -> Any:
    """A job the worker could not do (twice, or for good): its message, never a hang."""
    if _is_api():
        return jsonify({"error": str(exc)}), 503
    return render_template("error.html", error=ServiceUnavailable(str(exc))), 503


# The error page's words (werkzeug's own names and descriptions are English). A description a
# view gave (``abort(404, description=_(...))``) is already in the reader's language and shown
# as it is; werkzeug's default one gives way to the plain sentence here.
ERROR_NAMES = {
    400: N_("Bad request"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("Not allowed this way"),
    409: N_("Conflict"),
    413: N_("Too large"),
    422: N_("Cannot be used"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Not available just now"),
}
ERROR_DESCRIPTIONS = {
    400: N_("The request could not be understood. Please go back and try again."),
    403: N_("You are not allowed to see this page."),
    404: N_("There is nothing at this address. Check the link was copied whole."),
    405: N_("This address does not take that kind of request."),
    413: N_("What was sent is larger than this site accepts."),
    429: N_("Too many requests in a short time. Please wait a moment and try again."),
    500: N_("The server could not complete this request. Please try again later."),
    503: N_("This is not available just now. Please try again in a moment."),
}
EXPIRED = N_("The page had expired. Please go back, reload it and try again.")


def error_texts(exc: HTTPException) -> tuple[str, str]:
    """The error page's heading and sentence, in the reader's language."""
    code = exc.code or 500
    name = _(ERROR_NAMES[code]) if code in ERROR_NAMES else str(exc.name)
    if type(exc).__name__ == "CSRFError":  # Flask-WTF's reasons are English and technical
        return name, _(EXPIRED)
    default = getattr(type(exc), "description", None)
    if not exc.description or exc.description == default or isinstance(exc, InternalServerError):
        return name, _(ERROR_DESCRIPTIONS[code]) if code in ERROR_DESCRIPTIONS else str(exc.description or "")
    return name, str(exc.description)


def register(app: Flask) -> None:
    app.add_template_global(error_texts, "error_texts")
    bounded.configure(app.config.get("REPORT_RENDER_SECONDS"), app.config.get("REPORT_RENDER_MEMORY_MB"))
    app.register_error_handler(RenderLimitExceeded, render_limit)
    app.register_error_handler(JobPending, job_pending)
    app.register_error_handler(JobFailed, job_failed)
    app.before_request(refuse_unusable_input)
    app.register_error_handler(HTTPException, http_error)
    # Called for any unhandled exception once Flask has logged it (not when exceptions
    # propagate, as in tests with PROPAGATE_EXCEPTIONS).
    app.register_error_handler(InternalServerError, internal_error)
