"""OpenAPI schemas and paths of the facilitators' group API (api_groups.py), added to the
document in openapi.py. Kept here so the group endpoints and their description change together."""

from __future__ import annotations

from typing import Any

from .openapi import NULLABLE_NUMBER, json_content, ref, response

GROUP_STAT = {"type": ["number", "null"]}
GROUP_ID = {"name": "group_id", "in": "path", "required": True, "schema": {"type": "string"}}
BEARER = [{"bearerAuth": []}]


def add_group_endpoints(schemas: dict[str, Any], paths: dict[str, Any]) -> None:
    schemas.update(
        {
            "GroupCreate": {
                "type": "object",
                "required": ["name", "questionnaire"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "questionnaire": {"type": "string", "minLength": 1, "description": "A questionnaire id."},
                    "kind": {"const": "workshop"},
                    "organisation": {"type": "string", "maxLength": 200, "description": "The client."},
                    "roles": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Role ids offered; default all four of v1.",
                    },
                    "leadership_roles": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Which of the roles count as leadership (default leadership).",
                    },
                    "min_group_size": {"type": "integer", "minimum": 3, "description": "Never below 3."},
                    "consultant": {"type": "string", "maxLength": 200},
                    "is_open": {"type": "boolean"},
                },
            },
            "GroupCreated": {
                "type": "object",
                "required": ["id", "join_code", "join_url"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                    "questionnaire": {"type": "string"},
                    "join_code": {"type": "string", "pattern": "^[A-HJKMNP-Z2-9]{6}$"},
                    "join_url": {"type": "string", "format": "uri"},
                    "summary_url": {"type": "string", "format": "uri"},
                    "report_url": {"type": "string", "format": "uri"},
                },
            },
            "GroupDimension": {
                "type": "object",
                "required": ["mean", "median", "sd", "min", "max", "n", "rwg"],
                "properties": {
                    "label": {"type": "string"},
                    "n": {"type": "integer", "minimum": 0},
                    "mean": GROUP_STAT,
                    "median": GROUP_STAT,
                    "sd": {**GROUP_STAT, "description": "Sample standard deviation (n-1); null below 2."},
                    "min": GROUP_STAT,
                    "max": GROUP_STAT,
                    "rwg": {**GROUP_STAT, "description": "rwg(j) agreement, 0-1; null below 2 respondents."},
                    "agreement": {"enum": ["high", "moderate", "low", None]},
                    "agreement_reason": {"type": ["string", "null"]},
                    "stage": {"oneOf": [ref("StageRef"), {"type": "null"}]},
                    "target": GROUP_STAT,
                    "values": {
                        "type": "array",
                        "items": {"type": "number"},
                        "description": "Members' scores, sorted (for distribution charts).",
                    },
                },
            },
            "GroupSummary": {
                "type": "object",
                "required": [
                    "n",
                    "scores",
                    "dimensions",
                    "stage",
                    "classification",
                    "perception_gap",
                    "prompts",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "organisation": {"type": "string"},
                    "questionnaire": {"type": "string"},
                    "version": {"type": "string"},
                    "is_open": {"type": "boolean"},
                    "started": {
                        "type": "integer",
                        "description": "Participants who picked a role and began.",
                    },
                    "complete": {"type": "integer"},
                    "n": {"type": "integer", "description": "Complete assessments in the summary."},
                    "dimension_order": {"type": "array", "items": {"type": "string"}},
                    "scores": {
                        "type": "object",
                        "required": ["overall"],
                        "properties": {
                            "overall": NULLABLE_NUMBER,
                            "dimensions": {"type": "object", "additionalProperties": NULLABLE_NUMBER},
                        },
                    },
                    "dimensions": {"type": "object", "additionalProperties": ref("GroupDimension")},
                    "stage": {"oneOf": [ref("StageRef"), {"type": "null"}]},
                    "classification": {
                        "type": "object",
                        "required": ["id", "label"],
                        "properties": {
                            "id": {"enum": ["social_organisation", "using_social_media"]},
                            "label": {"type": "string"},
                            "bottleneck": {"type": ["string", "null"]},
                            "held_back": {"type": "boolean"},
                            "provisional": {"type": "boolean"},
                        },
                    },
                    "perception_gap": {
                        "type": "object",
                        "required": ["withheld", "reason", "dimensions"],
                        "description": "Leadership minus everyone else per dimension; withheld as a whole "
                        "(with the reason) while a subgroup is smaller than min_group_size.",
                        "properties": {
                            "withheld": {"type": "boolean"},
                            "reason": {"type": ["string", "null"]},
                            "min_group_size": {"type": "integer", "minimum": 3},
                            "subgroups": {
                                "type": "object",
                                "properties": {"leaders": {"type": "integer"}, "others": {"type": "integer"}},
                            },
                            "dimensions": {
                                "type": "object",
                                "additionalProperties": {
                                    "type": "object",
                                    "required": ["leaders", "others", "gap"],
                                    "properties": {
                                        "leaders": NULLABLE_NUMBER,
                                        "others": NULLABLE_NUMBER,
                                        "gap": NULLABLE_NUMBER,
                                    },
                                },
                            },
                        },
                    },
                    "prompts": {
                        "type": "array",
                        "maxItems": 5,
                        "description": "The items with the largest spread of answers, with counts.",
                        "items": {
                            "type": "object",
                            "required": ["item", "text", "sd", "n", "distribution"],
                            "properties": {
                                "item": {"type": "string"},
                                "dimension": {"type": "string"},
                                "text": {"type": "string"},
                                "sd": {"type": "number"},
                                "n": {"type": "integer"},
                                "distribution": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["value", "label", "count"],
                                        "properties": {
                                            "value": {"type": "string"},
                                            "label": {"type": "string"},
                                            "count": {"type": "integer", "minimum": 0},
                                        },
                                    },
                                },
                            },
                        },
                    },
                    "roadmap": {"type": "array", "items": ref("RoadmapItem")},
                },
            },
        }
    )
    paths.update(
        {
            "/groups": {
                "post": {
                    "operationId": "createGroup",
                    "summary": "Create a workshop; returns its join code and join URL",
                    "security": BEARER,
                    "requestBody": {"required": True, "content": json_content(ref("GroupCreate"))},
                    "responses": {
                        "201": {
                            **response("Created", "GroupCreated"),
                            "headers": {
                                "Location": {"schema": {"type": "string"}, "description": "Its summary"}
                            },
                        },
                        "400": response("The body is not a JSON object", "Error"),
                        "401": response("No valid Bearer token", "Error"),
                        "422": response("Invalid fields, every one named; nothing saved", "ValidationErrors"),
                    },
                }
            },
            "/groups/{group_id}/summary": {
                "get": {
                    "operationId": "getGroupSummary",
                    "summary": "The group's live results (SCORING.md rule 9)",
                    "security": BEARER,
                    "parameters": [GROUP_ID],
                    "responses": {
                        "200": response("The summary", "GroupSummary"),
                        "401": response("No valid Bearer token", "Error"),
                        "404": response("No such group in your account", "Error"),
                    },
                }
            },
            "/groups/{group_id}/report.pdf": {
                "get": {
                    "operationId": "getGroupReport",
                    "summary": "The workshop report as a PDF (commentary, curation and branding included)",
                    "security": BEARER,
                    "parameters": [GROUP_ID],
                    "responses": {
                        "200": {
                            "description": "The report",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "contentMediaType": "application/pdf"}
                                }
                            },
                        },
                        "401": response("No valid Bearer token", "Error"),
                        "404": response("No such group in your account", "Error"),
                    },
                }
            },
        }
    )
    paths["/assessments"]["post"]["responses"]["429"] = response(
        "Too many wrong group codes from this address; see Retry-After", "Error"
    )
