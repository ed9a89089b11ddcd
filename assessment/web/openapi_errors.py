"""The error responses every /api/v1 operation can give (hardening.py), added to the document
in openapi.py after all endpoints are in, so a new endpoint gets them without another edit.

One shape for every error: ``422 {"errors": [{"item", "message"}]}`` for input that parses but
cannot be used, ``{"error": message}`` for every other status.
"""

from __future__ import annotations

from typing import Any

from .openapi import response

# Text fields of request bodies: a NUL character is refused (422), so the document says so.
NO_NUL = "^[^\\u0000]*$"


def _forbid_nul(schema: dict[str, Any]) -> None:
    for prop in (schema.get("properties") or {}).values():
        if prop.get("type") == "string" and "enum" not in prop and "const" not in prop:
            prop.setdefault("pattern", NO_NUL)
        if prop.get("type") == "array" and (prop.get("items") or {}).get("type") == "string":
            prop["items"].setdefault("pattern", NO_NUL)


def add_error_responses(schemas: dict[str, Any], paths: dict[str, Any]) -> None:
    for name in ("Submission", "GroupCreate"):
        if name in schemas:
            _forbid_nul(schemas[name])
    for item in paths.values():
        for operation in item.values():
            responses = operation["responses"]
            responses.setdefault(
                "400",
                response(
                    "The address or query holds a NUL character, or the body is not usable JSON "
                    "(not JSON, or nested more than 32 levels deep)",
                    "Error",
                ),
            )
            responses.setdefault("500", response("An unexpected failure; nothing was saved", "Error"))
            if "requestBody" in operation:
                responses.setdefault("413", response("The body is larger than 256 KB", "Error"))
                responses.setdefault(
                    "422",
                    response(
                        "A text field or key holds a NUL character or a lone surrogate (each named)",
                        "ValidationErrors",
                    ),
                )
