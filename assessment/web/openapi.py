"""The OpenAPI 3.1 document at /api/v1/openapi.json, generated from the API's declared schemas.

Request and response bodies are pydantic-validated ``TypedDict`` classes (``schemas.py`` and one
``schemas_<topic>.py`` per topic). A view declares what it takes and answers with ``@operation``;
``build_spec`` walks the app's /api/v1 routes and turns those declarations into the document, and
``body_problems`` validates a request body against the very same class, so the document says
exactly what the API accepts.

A Flask OpenAPI integration (flask-openapi3, spectree, flask-smorest) validates a body before the
view runs and answers with its own error shape; this API must name bad fields *and* bad answers
(checked by the domain against the questionnaire) in one 422, and keep its 400/401/413 order, so
the views call ``body_problems`` themselves and this module only writes the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from flask import Flask
from pydantic import ConfigDict, Field, TypeAdapter, ValidationError, with_config
from pydantic.json_schema import GenerateJsonSchema
from typing_extensions import TypedDict

from ..domain.scoring import AnswerProblem

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
PREFIX = "/api/v1"
REF_TEMPLATE = "#/components/schemas/{model}"
PDF = "application/pdf"
HTML = "text/html"

F = TypeVar("F", bound=Callable[..., Any])

# What the input layer and the error handlers (hardening.py) can answer for any operation, before
# or around its view: added to every operation unless the operation documents that status itself.
COMMON_ERRORS = {
    400: "The address or query holds a NUL character, or the body is not usable JSON (not JSON, "
    "or nested more than 32 levels deep)",
    500: "An unexpected failure; nothing was saved",
}
BODY_ERRORS = {
    413: "The body is larger than 256 KB",
    422: "A text field or key holds a NUL character or a lone surrogate (each named)",
}
PDF_ERRORS = {
    503: "The report passed its time or memory bound and was stopped; nothing is wrong with the data"
}


class Error(TypedDict):
    """Any error other than invalid input."""

    error: Annotated[str, Field(description="What went wrong, in plain words.")]


@with_config(ConfigDict(extra="forbid"))
class Problem(TypedDict):
    item: Annotated[str, Field(description="An item id, or a field name.")]
    message: str


@with_config(ConfigDict(extra="forbid"))
class ValidationErrors(TypedDict):
    """Every bad field and answer, each named. Nothing was saved."""

    errors: Annotated[list[Problem], Field(min_length=1)]


@dataclass(frozen=True)
class Operation:
    operation_id: str
    summary: str
    responses: Mapping[int, tuple[str, Any]]
    body: Any = None
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[int, Mapping[str, str]] = field(default_factory=dict)
    bearer: bool = False
    tag: str | None = None
    request_headers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    query: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    description: str | None = None  # business rules that refuse a schema-valid request


def operation(
    operation_id: str,
    summary: str,
    *,
    responses: Mapping[int, tuple[str, Any]],
    body: Any = None,
    params: Mapping[str, str] | None = None,
    headers: Mapping[int, Mapping[str, str]] | None = None,
    bearer: bool = False,
    tag: str | None = None,
    request_headers: Mapping[str, Mapping[str, Any]] | None = None,
    query: Mapping[str, Mapping[str, Any]] | None = None,
    description: str | None = None,
) -> Callable[[F], F]:
    """Declare a view's place in the document (put it under ``@bp.get``/``@bp.post``).

    ``responses``: status -> (description, schema), the schema a TypedDict, ``PDF``, ``HTML``, ``dict`` for
    any JSON object, or None for no body. ``body``: the request body's TypedDict. ``params``: path
    parameters' descriptions. ``bearer``: needs an API token (documents the 401 too). ``tag``: the
    section of the reference page (default: the path's first segment). ``request_headers``: optional
    request headers, name -> OpenAPI parameter fields (schema, description). ``query``: query
    parameters the same way (add ``"required": True`` where one must be given). ``description``:
    the rules beyond the schema that can refuse a request the schema allows, and with what."""
    declared = Operation(
        operation_id,
        summary,
        responses,
        body,
        params or {},
        headers or {},
        bearer,
        tag,
        request_headers or {},
        query or {},
        description,
    )

    def mark(view: F) -> F:
        view.openapi_operation = declared  # type: ignore[attr-defined]
        return view

    return mark


# --------------------------------------------------------------------------- request bodies

# Messages in the API's own words for pydantic's error types ({...} filled from the error's ctx).
MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "string_type": "must be a string",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
    "string_pattern_mismatch": "must not be blank",
    "int_type": "must be a whole number",
    "greater_than_equal": "must be at least {ge}",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "literal_error": "must be {expected}",
}

_adapters: dict[Any, TypeAdapter[Any]] = {}


def _adapter(schema: Any) -> TypeAdapter[Any]:
    if schema not in _adapters:
        _adapters[schema] = TypeAdapter(schema)
    return _adapters[schema]


def body_problems(schema: Any, body: dict[str, Any], *, skip: tuple[str, ...] = ()) -> list[AnswerProblem]:
    """Every way ``body`` breaks ``schema``, one problem per field, named by the field.

    Fields in ``skip`` are left to the caller's own check (a 'missing' is still reported)."""
    try:
        _adapter(schema).validate_python(body, strict=True)
    except ValidationError as exc:
        problems: dict[str, AnswerProblem] = {}
        for e in exc.errors(include_url=False):
            name = str(e["loc"][0]) if e["loc"] else "body"
            if name in problems or (name in skip and e["type"] != "missing"):
                continue
            template = MESSAGES.get(e["type"])
            if e["type"] == "string_too_short" and e.get("ctx", {}).get("min_length") == 1:
                template = "must not be empty"
            message = template.format(**e.get("ctx", {})) if template else e["msg"]
            if e["type"] == "missing" and (hint := _description(schema, name)):
                message = f"required: {hint}"
            if len(e["loc"]) > 1 and e["type"] != "missing":
                message = f"{message} (at {'/'.join(map(str, e['loc'][1:]))})"
            problems[name] = AnswerProblem(name, message)
        return list(problems.values())
    return []


def _description(schema: Any, name: str) -> str:
    """The first clause of the field's description, to say what a missing field should hold."""
    properties = _adapter(schema).json_schema().get("properties", {})
    first = re.split(r"[.:]", str(properties.get(name, {}).get("description", "")))[0]
    return first[:1].lower() + first[1:]


# --------------------------------------------------------------------------- the document


class _Generator(GenerateJsonSchema):
    # Field titles repeat the property names; the schema titles (class names) stay.
    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _content(schema: Any, refs: dict[Any, Any]) -> dict[str, Any] | None:
    if schema is None:
        return None
    if isinstance(schema, str):  # a media type: PDF, HTML, a Word file, a calendar, ...
        return {schema: {"schema": {"type": "string", "contentMediaType": schema}}}
    if schema is dict:
        return {"application/json": {"schema": {"type": "object"}}}
    return {"application/json": {"schema": refs[schema]}}


def _schemas(operations: list[Operation]) -> tuple[dict[Any, Any], dict[str, Any]]:
    """The $ref of each declared type, and every definition (shared ones once)."""
    types = {op.body for op in operations if op.body is not None}
    types |= {
        s
        for op in operations
        for _, s in op.responses.values()
        if s is not None and s is not dict and not isinstance(s, str)
    }
    types.add(Error)
    types.add(ValidationErrors)
    ordered = sorted(types, key=lambda t: t.__name__)
    inputs = [(t, "validation", _adapter(t).core_schema) for t in ordered]
    refs, definitions = _Generator(ref_template=REF_TEMPLATE).generate_definitions(inputs)
    return {t: refs[(t, "validation")] for t in ordered}, definitions


def _operation(op: Operation, path: str, path_params: list[str], refs: dict[Any, Any]) -> dict[str, Any]:
    tag = op.tag or path.strip("/").split("/")[0]
    out: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary, "tags": [tag]}
    if op.description:
        out["description"] = op.description
    if op.bearer:
        out["security"] = [{"bearerAuth": []}]
    if path_params:
        out["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            | ({"description": op.params[name]} if name in op.params else {})
            for name in path_params
        ]
    if op.request_headers:
        out.setdefault("parameters", []).extend(
            {"name": name, "in": "header", "required": False, **fields}
            for name, fields in op.request_headers.items()
        )
    if op.query:
        out.setdefault("parameters", []).extend(
            {"name": name, "in": "query", "required": False, **fields} for name, fields in op.query.items()
        )
    if op.body is not None:
        out["requestBody"] = {"required": True, "content": _content(op.body, refs)}
    responses = dict(op.responses)
    if op.bearer:
        responses.setdefault(401, ("No valid Bearer token", Error))
    defaults = dict(COMMON_ERRORS)
    if op.body is not None:
        defaults |= BODY_ERRORS
    if any(schema == PDF for _, schema in op.responses.values()):
        defaults |= PDF_ERRORS
    for status, description in defaults.items():
        responses.setdefault(status, (description, ValidationErrors if status == 422 else Error))
    out["responses"] = {}
    for status, (description, schema) in sorted(responses.items()):
        documented: dict[str, Any] = {"description": description}
        if (content := _content(schema, refs)) is not None:
            documented["content"] = content
        if status in op.headers:
            documented["headers"] = {
                name: {"schema": {"type": "string"}, "description": text}
                for name, text in op.headers[status].items()
            }
        out["responses"][str(status)] = documented
    return out


def build_spec(app: Flask, server_url: str = PREFIX) -> dict[str, Any]:
    """The whole document, from the declarations of the app's /api/v1 views."""
    found: list[tuple[str, str, Operation, list[str]]] = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        declared = getattr(view, "openapi_operation", None)
        if not rule.rule.startswith(PREFIX + "/") or declared is None:
            continue  # an undocumented route fails tests/test_api_openapi.py
        path = rule.rule[len(PREFIX) :]
        for name in rule.arguments:
            path = path.replace(f"<{name}>", f"{{{name}}}")
        arguments = sorted(rule.arguments, key=path.index)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((path, method.lower(), declared, arguments))
    refs, definitions = _schemas([op for _, _, op, _ in found])
    paths: dict[str, dict[str, Any]] = {}
    for path, method, declared, arguments in sorted(found, key=lambda f: f[:2]):
        paths.setdefault(path, {})[method] = _operation(declared, path, arguments, refs)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Social organisation self-assessment API",
            "version": API_VERSION,
            "description": "Questionnaires, assessments and their results. Scores are 0-100 at full "
            'precision. Errors: 422 with {"errors": [{"item", "message"}]}, every bad field '
            'and answer named; every other error status is {"error": message}, including 404 for an '
            "unknown address under /api/, 405, 413 and 500.",
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": definitions,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A facilitator's API token (for group endpoints).",
                }
            },
        },
    }
