"""The OpenAPI 3.1 document served at /api/v1/openapi.json.

Kept as plain dicts so another feature adds its endpoints with small edits: put its schemas in
``SCHEMAS`` and its paths in ``PATHS`` (paths are relative to the server URL, /api/v1). The
tests check every /api/v1 route the app has against ``PATHS`` and real responses against the
schemas, so the document cannot drift from the implementation unnoticed.
"""

from __future__ import annotations

import copy
from typing import Any

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def response(description: str, schema_name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema_name:
        out["content"] = json_content(ref(schema_name))
    return out


NULLABLE_NUMBER = {"type": ["number", "null"]}
ANSWER = {"oneOf": [{"type": "integer"}, {"const": "unsure"}]}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string", "description": "What went wrong, in plain words."}},
    },
    "ValidationErrors": {
        "type": "object",
        "required": ["errors"],
        "additionalProperties": False,
        "properties": {
            "errors": {
                "type": "array",
                "minItems": 1,
                "description": "Every bad field and answer, each named. Nothing was saved.",
                "items": {
                    "type": "object",
                    "required": ["item", "message"],
                    "additionalProperties": False,
                    "properties": {
                        "item": {"type": "string", "description": "An item id, or a field name."},
                        "message": {"type": "string"},
                    },
                },
            }
        },
    },
    "StageRef": {
        "type": "object",
        "required": ["id", "label"],
        "additionalProperties": False,
        "properties": {"id": {"type": "string"}, "label": {"type": "string"}},
    },
    "QuestionnaireSummary": {
        "type": "object",
        "required": ["id", "version", "title", "url"],
        "properties": {
            "id": {"type": "string"},
            "version": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "language": {"type": "string"},
            "estimated_minutes": {"type": ["integer", "null"]},
            "dimensions": {"type": "integer", "description": "How many dimensions."},
            "items": {"type": "integer", "description": "How many items."},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "QuestionnaireList": {
        "type": "object",
        "required": ["questionnaires"],
        "properties": {"questionnaires": {"type": "array", "items": ref("QuestionnaireSummary")}},
    },
    "Item": {
        "type": "object",
        "required": [
            "id",
            "dimension",
            "type",
            "text",
            "scale",
            "options",
            "reverse",
            "weight",
            "allow_unsure",
        ],
        "properties": {
            "id": {"type": "string"},
            "dimension": {"type": "string"},
            "type": {"enum": ["likert", "choice"]},
            "text": {"type": "string"},
            "help": {"type": ["string", "null"]},
            "scale": {
                "type": "object",
                "required": ["min", "max"],
                "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
                "description": "The item's own scale: for choice items the lowest to highest option value.",
            },
            "options": {
                "type": "array",
                "description": "Every valid answer value with its label (likert points too).",
                "items": {
                    "type": "object",
                    "required": ["value", "label"],
                    "properties": {"value": {"type": "integer"}, "label": {"type": "string"}},
                },
            },
            "reverse": {"type": "boolean"},
            "weight": {"type": "number", "exclusiveMinimum": 0},
            "allow_unsure": {"type": "boolean"},
        },
    },
    "Questionnaire": {
        "type": "object",
        "description": "A questionnaire definition: everything the scoring engine reads.",
        "required": ["id", "version", "title", "scale", "thresholds", "stages", "dimensions", "items"],
        "properties": {
            "id": {"type": "string"},
            "version": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "language": {"type": "string"},
            "estimated_minutes": {"type": ["integer", "null"]},
            "content_hash": {"type": "string"},
            "scale": {
                "type": "object",
                "required": ["min", "max"],
                "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
            },
            "thresholds": {
                "type": "object",
                "required": ["social", "floor", "min_coverage"],
                "properties": {
                    "social": {"type": "number", "minimum": 0, "maximum": 100},
                    "floor": {"type": "number", "minimum": 0, "maximum": 100},
                    "min_coverage": {"type": "number", "minimum": 0, "maximum": 1},
                },
            },
            "poles": {"type": "object"},
            "classifications": {"type": "object"},
            "stages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "label", "min"],
                    "properties": {
                        "id": {"type": "string"},
                        "label": {"type": "string"},
                        "min": {"type": "number"},
                        "description": {"type": "string"},
                    },
                },
            },
            "roles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "label", "leadership"],
                    "properties": {
                        "id": {"type": "string"},
                        "label": {"type": "string"},
                        "leadership": {"type": "boolean"},
                    },
                },
            },
            "dimensions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "label", "weight"],
                    "properties": {
                        "id": {"type": "string"},
                        "label": {"type": "string"},
                        "weight": {"type": "number"},
                        "summary": {"type": "string"},
                        "description": {"type": "string"},
                        "social": {"type": "string"},
                        "broadcast": {"type": "string"},
                        "stages": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
            },
            "items": {"type": "array", "items": ref("Item")},
            "recommendations": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Submission": {
        "type": "object",
        "required": ["questionnaire", "answers"],
        "additionalProperties": False,
        "properties": {
            "questionnaire": {"type": "string", "description": "A questionnaire id."},
            "answers": {
                "type": "object",
                "description": "Item id -> an integer on the item's scale, or 'unsure' where allowed. "
                "Missing items (or null) are kept as unanswered.",
                "additionalProperties": {
                    "oneOf": [{"type": "integer"}, {"const": "unsure"}, {"type": "null"}]
                },
            },
            "organisation": {"type": "string", "maxLength": 200},
            "sector": {"type": "string", "maxLength": 100},
            "size_band": {"type": "string", "maxLength": 50},
            "role": {
                "type": "string",
                "maxLength": 50,
                "description": "One of the questionnaire's role ids.",
            },
            "group_code": {
                "type": "string",
                "maxLength": 20,
                "description": "A workshop or cohort join code.",
            },
        },
    },
    "RoadmapItem": {
        "type": "object",
        "required": ["rank", "id", "dimension", "title", "horizon", "effort", "impact", "owner"],
        "properties": {
            "rank": {"type": "integer", "minimum": 1},
            "id": {"type": "string"},
            "dimension": {"type": "string"},
            "dimension_label": {"type": "string"},
            "stage": {"type": "string", "description": "The stage this recommendation moves out of."},
            "title": {"type": "string"},
            "why": {"type": "string"},
            "actions": {"type": "array", "items": {"type": "string"}},
            "horizon": {"enum": ["now", "next", "later"]},
            "effort": {"enum": ["low", "medium", "high"]},
            "impact": {"type": "integer", "minimum": 1, "maximum": 3},
            "owner": {"type": "string"},
        },
    },
    "Assessment": {
        "type": "object",
        "description": "One assessment and its result. Scores at full precision; null when a dimension "
        "has too few answers (coverage below the questionnaire's min_coverage).",
        "required": [
            "id",
            "questionnaire",
            "version",
            "scores",
            "coverage",
            "stage",
            "classification",
            "roadmap",
            "report_url",
            "status",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {
                "type": "string",
                "minLength": 22,
                "description": "Unguessable (at least 128 random bits).",
            },
            "questionnaire": {"type": "string"},
            "version": {"type": "string"},
            "scores": {
                "type": "object",
                "required": ["overall", "dimensions"],
                "additionalProperties": False,
                "properties": {
                    "overall": {**NULLABLE_NUMBER, "minimum": 0, "maximum": 100},
                    "dimensions": {"type": "object", "additionalProperties": NULLABLE_NUMBER},
                },
            },
            "coverage": {
                "type": "object",
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
            },
            "stage": {"oneOf": [ref("StageRef"), {"type": "null"}]},
            "dimension_stages": {
                "type": "object",
                "additionalProperties": {"oneOf": [ref("StageRef"), {"type": "null"}]},
            },
            "targets": {"type": "object", "additionalProperties": NULLABLE_NUMBER},
            "classification": {
                "type": "object",
                "required": ["id", "label", "bottleneck"],
                "properties": {
                    "id": {"enum": ["social_organisation", "using_social_media"]},
                    "label": {"type": "string"},
                    "bottleneck": {
                        "type": ["string", "null"],
                        "description": "The lowest-scoring dimension.",
                    },
                    "held_back": {
                        "type": "boolean",
                        "description": "The overall index clears the threshold but the bottleneck "
                        "is below the floor.",
                    },
                    "provisional": {"type": "boolean", "description": "No overall index: too few answers."},
                },
            },
            "roadmap": {"type": "array", "items": ref("RoadmapItem")},
            "answers": {"type": "object", "additionalProperties": ANSWER},
            "status": {"enum": ["in_progress", "complete"]},
            "organisation": {"type": "string"},
            "role": {"type": ["string", "null"]},
            "group": {"type": ["string", "null"]},
            "created_at": {"type": ["string", "null"], "format": "date-time"},
            "completed_at": {"type": ["string", "null"], "format": "date-time"},
            "report_url": {"type": "string", "format": "uri"},
        },
    },
}

ASSESSMENT_ID = {
    "name": "assessment_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The assessment's public id (not the private resume token).",
}

PATHS: dict[str, dict[str, Any]] = {
    "/openapi.json": {
        "get": {
            "operationId": "getOpenAPI",
            "summary": "This document",
            "responses": {"200": {"description": "The OpenAPI 3.1 document", "content": json_content({})}},
        }
    },
    "/questionnaires": {
        "get": {
            "operationId": "listQuestionnaires",
            "summary": "The questionnaires that can be answered now (their current versions)",
            "responses": {"200": response("The questionnaires", "QuestionnaireList")},
        }
    },
    "/questionnaires/{questionnaire_id}": {
        "get": {
            "operationId": "getQuestionnaire",
            "summary": "A questionnaire's definition: dimensions, items, stages, scale and thresholds",
            "parameters": [
                {"name": "questionnaire_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": response("The definition", "Questionnaire"),
                "404": response("No such questionnaire", "Error"),
            },
        }
    },
    "/assessments": {
        "post": {
            "operationId": "createAssessment",
            "summary": "Submit a complete set of answers; returns the scored result",
            "requestBody": {"required": True, "content": json_content(ref("Submission"))},
            "responses": {
                "201": {
                    **response("Saved and scored", "Assessment"),
                    "headers": {
                        "Location": {"schema": {"type": "string"}, "description": "The new assessment"}
                    },
                },
                "400": response("The body is not a JSON object", "Error"),
                "409": response("The group is closed", "Error"),
                "413": response("The body is too large", "Error"),
                "422": response(
                    "Invalid fields or answers, every one named; nothing saved", "ValidationErrors"
                ),
            },
        }
    },
    "/assessments/{assessment_id}": {
        "get": {
            "operationId": "getAssessment",
            "summary": "An assessment and its result",
            "parameters": [ASSESSMENT_ID],
            "responses": {
                "200": response("The assessment", "Assessment"),
                "404": response("No such assessment", "Error"),
            },
        }
    },
    "/assessments/{assessment_id}/report.pdf": {
        "get": {
            "operationId": "getAssessmentReport",
            "summary": "The assessment's report as a PDF",
            "parameters": [ASSESSMENT_ID],
            "responses": {
                "200": {
                    "description": "The report",
                    "content": {
                        "application/pdf": {
                            "schema": {"type": "string", "contentMediaType": "application/pdf"}
                        }
                    },
                },
                "404": response("No such assessment", "Error"),
                "409": response("The assessment is still in progress: finish it first", "Error"),
            },
        }
    },
}

# The facilitators' group endpoints live with their blueprint (api_groups.py).
from .openapi_groups import add_group_endpoints  # noqa: E402  (uses the helpers above)

add_group_endpoints(SCHEMAS, PATHS)

from .openapi_cohorts import add_cohort_endpoints  # noqa: E402

add_cohort_endpoints(SCHEMAS, PATHS)

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A facilitator's API token (for group endpoints).",
    }
}


def build_spec(server_url: str = "/api/v1") -> dict[str, Any]:
    """The whole document, with the server URL of the request that asked for it."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Social organisation self-assessment API",
            "version": API_VERSION,
            "description": "Questionnaires, assessments and their results. Scores are 0-100 at full "
            "precision; SCORING.md gives every rule.",
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "servers": [{"url": server_url}],
        "paths": copy.deepcopy(PATHS),
        "components": {"schemas": copy.deepcopy(SCHEMAS), "securitySchemes": copy.deepcopy(SECURITY_SCHEMES)},
    }
