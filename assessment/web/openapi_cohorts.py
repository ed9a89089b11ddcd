"""OpenAPI schemas and paths of the trainers' cohort API (api_cohorts.py), and the cohort fields
of group creation and of a submission, added to the document in openapi.py."""

from __future__ import annotations

from typing import Any

from .openapi import ref, response

BEARER = [{"bearerAuth": []}]
NUMBER_OR_NULL = {"type": ["number", "null"]}
INTERVAL = {
    "type": ["array", "null"],
    "items": {"type": "number"},
    "minItems": 2,
    "maxItems": 2,
    "description": "[low, high]; null where undefined (no spread at all).",
}
WITHHELD = {
    "type": "object",
    "required": ["withheld"],
    "additionalProperties": False,
    "properties": {"withheld": {"type": "string", "description": "Why (rule 14: fewer than k on a side)."}},
}
PDF = {
    "description": "The comparison report",
    "content": {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}},
}
GROUP_ID = {"name": "group_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _query(name: str, description: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": {"type": "string"},
        "description": description,
    }


COMPARE_PARAMS = [
    _query("a", "Cohort A's id (the reference).", True),
    _query("b", "Cohort B's id (compared against A).", True),
    _query("wave_a", "Cohort A's wave; default its first."),
    _query("wave_b", "Cohort B's wave; default its first."),
]
CHANGE_PARAMS = [
    GROUP_ID,
    _query("from", "The earlier wave id; default the cohort's first wave."),
    _query("to", "The later wave id; default the cohort's second wave."),
]


def add_cohort_endpoints(schemas: dict[str, Any], paths: dict[str, Any]) -> None:
    create = schemas["GroupCreate"]["properties"]
    create["kind"] = {"enum": ["workshop", "cohort"], "description": "Default workshop."}
    create["version"] = {
        "type": "string",
        "description": "Pin this stored version of the questionnaire (default: the current one).",
    }
    create["waves"] = {
        "type": "array",
        "minItems": 1,
        "description": 'Cohorts only: the waves offered, in order; default pre ("Before the course") '
        'and post ("After the course"). The first is open at creation.',
        "items": {
            "type": "object",
            "required": ["id"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,39}$"},
                "label": {"type": "string", "minLength": 1, "maxLength": 100},
            },
        },
    }
    submission = schemas["Submission"]["properties"]
    submission["respondent_code"] = {
        "type": "string",
        "maxLength": 100,
        "description": "Cohorts only, required there: a code the participant makes up and remembers "
        "(case and spaces ignored; at least 4 letters or digits). Stored only as a keyed hash.",
    }
    submission["wave"] = {
        "type": "string",
        "maxLength": 40,
        "description": "Cohorts only: the wave answered; must be the open one (default).",
    }
    paths["/assessments"]["post"]["responses"]["409"] = response(
        "The group is closed, the wave is not open, or this respondent code already has a complete "
        "answer in this wave (nothing replaced)",
        "Error",
    )
    independent = {
        "type": "object",
        "required": [
            "n_a",
            "n_b",
            "mean_a",
            "mean_b",
            "ci_a",
            "ci_b",
            "difference",
            "difference_ci",
            "t",
            "df",
            "p",
            "p_holm",
            "hedges_g",
            "hedges_g_ci",
        ],
        "additionalProperties": False,
        "properties": {
            "n_a": {"type": "integer"},
            "n_b": {"type": "integer"},
            "mean_a": {"type": "number"},
            "mean_b": {"type": "number"},
            "ci_a": INTERVAL,
            "ci_b": INTERVAL,
            "difference": {"type": "number", "description": "mean_b - mean_a"},
            "difference_ci": INTERVAL,
            "t": {**NUMBER_OR_NULL, "description": "Welch's t"},
            "df": {**NUMBER_OR_NULL, "description": "Welch-Satterthwaite degrees of freedom"},
            "p": {**NUMBER_OR_NULL, "description": "Two-sided"},
            "p_holm": {
                **NUMBER_OR_NULL,
                "description": "Holm-adjusted over the dimensions; null for overall",
            },
            "hedges_g": NUMBER_OR_NULL,
            "hedges_g_ci": {**INTERVAL, "description": "g -/+ 1.96 SE"},
        },
    }
    paired = {
        "type": "object",
        "required": [
            "n",
            "mean_from",
            "mean_to",
            "mean_difference",
            "ci",
            "t",
            "df",
            "p",
            "p_holm",
            "d_z",
            "d_z_ci",
        ],
        "additionalProperties": False,
        "properties": {
            "n": {"type": "integer", "description": "Pairs with a score at both waves"},
            "mean_from": {"type": "number"},
            "mean_to": {"type": "number"},
            "mean_difference": {"type": "number", "description": "after - before"},
            "ci": INTERVAL,
            "t": {**NUMBER_OR_NULL, "description": "Paired t"},
            "df": {"type": "integer"},
            "p": NUMBER_OR_NULL,
            "p_holm": NUMBER_OR_NULL,
            "d_z": NUMBER_OR_NULL,
            "d_z_ci": INTERVAL,
        },
    }
    side = {
        "type": "object",
        "required": ["id", "wave", "n"],
        "properties": {"id": {"type": "string"}, "wave": {"type": "string"}, "n": {"type": "integer"}},
    }
    schemas.update(
        {
            "CohortComparisonItem": {"oneOf": [independent, WITHHELD]},
            "CohortComparison": {
                "type": "object",
                "required": ["a", "b", "dimensions", "overall"],
                "properties": {
                    "a": side,
                    "b": side,
                    "k": {"type": "integer", "minimum": 3, "description": "Minimum respondents per side"},
                    "dimensions": {"type": "object", "additionalProperties": ref("CohortComparisonItem")},
                    "overall": ref("CohortComparisonItem"),
                },
            },
            "CohortChangeItem": {"oneOf": [paired, WITHHELD]},
            "CohortChange": {
                "type": "object",
                "required": ["pairs", "unmatched_from", "unmatched_to", "dimensions", "overall"],
                "properties": {
                    "id": {"type": "string"},
                    "from": {"type": "string"},
                    "to": {"type": "string"},
                    "k": {"type": "integer", "minimum": 3, "description": "Minimum pairs"},
                    "pairs": {"type": "integer", "description": "People matched by code in both waves"},
                    "unmatched_from": {"type": "integer"},
                    "unmatched_to": {"type": "integer"},
                    "dimensions": {"type": "object", "additionalProperties": ref("CohortChangeItem")},
                    "overall": ref("CohortChangeItem"),
                },
            },
        }
    )
    common = {
        "401": response("No valid Bearer token", "Error"),
        "404": response("No such cohort in your account", "Error"),
        "422": response(
            "A missing id, an unknown wave, or two things that cannot be compared", "ValidationErrors"
        ),
    }
    paths.update(
        {
            "/cohorts/compare": {
                "get": {
                    "operationId": "compareCohorts",
                    "summary": "Cohort B vs cohort A (Welch, Hedges' g, Holm; SCORING.md rule 14)",
                    "security": BEARER,
                    "parameters": COMPARE_PARAMS,
                    "responses": {"200": response("The comparison", "CohortComparison"), **common},
                }
            },
            "/cohorts/compare.pdf": {
                "get": {
                    "operationId": "compareCohortsReport",
                    "summary": "The cohort comparison as a PDF for a training sponsor",
                    "security": BEARER,
                    "parameters": COMPARE_PARAMS,
                    "responses": {"200": PDF, **common},
                }
            },
            "/groups/{group_id}/change": {
                "get": {
                    "operationId": "getCohortChange",
                    "summary": "Before vs after in a cohort, paired by respondent code (paired t, d_z, Holm)",
                    "security": BEARER,
                    "parameters": CHANGE_PARAMS,
                    "responses": {"200": response("The change", "CohortChange"), **common},
                }
            },
            "/groups/{group_id}/change.pdf": {
                "get": {
                    "operationId": "getCohortChangeReport",
                    "summary": "The before/after comparison as a PDF for a training sponsor",
                    "security": BEARER,
                    "parameters": CHANGE_PARAMS,
                    "responses": {"200": PDF, **common},
                }
            },
        }
    )
