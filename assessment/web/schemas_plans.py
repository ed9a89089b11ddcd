"""Request and response bodies of the plan API (api_plans.py), declared once: ``openapi.py``
writes them into /api/v1/openapi.json. The limits are the domain's (``assessment.domain.plan``),
which checks every body itself and names each bad field."""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import ConfigDict, Field, WithJsonSchema, with_config
from typing_extensions import TypedDict

from ..domain import plan as limits

Moment = Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "date-time"})]

Status = Literal["planned", "started", "done", "dropped"]
Due = Annotated[
    str | None,
    WithJsonSchema({"type": ["string", "null"], "format": "date"}),
    Field(description="YYYY-MM-DD, or null for no date."),
]
StepId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=47,
        description="A recommendation id of the questionnaire, or custom-... (lower-case letters, digits, "
        "hyphens) for a step written by hand.",
    ),
]


@with_config(ConfigDict(extra="forbid"))
class PlanStepBody(TypedDict):
    id: StepId
    title: NotRequired[
        Annotated[
            str,
            Field(
                max_length=limits.STEP_TITLE_MAX,
                description="Required for a custom step; a recommendation keeps its own title when empty.",
            ),
        ]
    ]
    owner: NotRequired[Annotated[str, Field(max_length=limits.STEP_OWNER_MAX)]]
    due: NotRequired[Due]
    status: NotRequired[Annotated[Status, Field(description="Default planned.")]]
    note: NotRequired[Annotated[str, Field(max_length=limits.STEP_NOTE_MAX)]]


@with_config(ConfigDict(extra="forbid"))
class PlanBody(TypedDict):
    version: Annotated[
        int,
        Field(
            ge=0,
            description="The version the plan was read at (0 before the first save). A save from an "
            "older read is refused with 409 and changes nothing.",
        ),
    ]
    introduction: NotRequired[Annotated[str, Field(max_length=limits.INTRODUCTION_MAX)]]
    notes: NotRequired[
        Annotated[
            dict[str, Annotated[str, Field(max_length=limits.AREA_NOTE_MAX)]],
            Field(description="A note per area: dimension id to text."),
        ]
    ]
    steps: NotRequired[Annotated[list[PlanStepBody], Field(max_length=limits.STEPS_MAX)]]
    agreed_by: NotRequired[
        Annotated[
            str,
            Field(
                max_length=limits.AGREED_BY_MAX,
                description='Who agreed it: "Plan agreed on <date> by <name>".',
            ),
        ]
    ]


class PlanStepOut(TypedDict):
    id: str
    title: str
    owner: str
    due: Due
    status: Status
    note: str


class PlanOut(TypedDict):
    """The plan; never saved, it is the computed roadmap (``edited`` false, ``version`` 0)."""

    version: Annotated[int, Field(ge=0)]
    edited: bool
    updated_at: Moment
    introduction: str
    notes: dict[str, str]
    steps: list[PlanStepOut]
    agreed_by: str
    dropped: Annotated[
        list[str],
        Field(description="The computed roadmap's steps the plan does not keep (dropped or removed)."),
    ]


class PlanConflict(TypedDict):
    """A save from an older read: nothing changed; ``current`` is the plan as stored now."""

    error: str
    current: PlanOut


class PlanReviewStep(TypedDict):
    id: str
    title: str
    status: Status
    items: Annotated[list[str], Field(description="The items it addresses that were scored both times.")]
    change: Annotated[
        float | None,
        Field(
            description="Change of the mean item score (0-100) of those items, the difference of the two "
            "means as shown (rule 17); null without such items. A change, not proof that the step caused it."
        ),
    ]
    before: NotRequired[float | None]
    after: NotRequired[float | None]


class PlanReviewOf(TypedDict):
    id: str
    date: str
