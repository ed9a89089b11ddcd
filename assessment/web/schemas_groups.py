"""Request and response bodies of the facilitators' group API (api_groups.py), declared once:
``openapi.py`` writes them into /api/v1/openapi.json and validates request bodies against them."""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

from ..domain import limits
from .schemas import Classification, Finding, QuestionnaireId, RoadmapItem, Score, Scores, StageRef, Url, text
from .schemas_cohorts import Waves
from .schemas_plans import PlanReviewOf, PlanReviewStep

RoleIds = Annotated[list[str] | None, Field(description="Role ids of the questionnaire.")]


@with_config(ConfigDict(extra="forbid"))
class GroupCreate(TypedDict):
    # At least one character that is not a space: a name is what the facilitator sees in lists.
    name: Annotated[str, Field(min_length=1, max_length=limits.NAME.max_chars, pattern=r"\S")]
    questionnaire: QuestionnaireId
    kind: NotRequired[Annotated[Literal["workshop", "cohort"], Field(description="Default workshop.")]]
    version: NotRequired[
        Annotated[
            str | None,
            Field(
                min_length=1,
                description='Pin this stored version of the questionnaire, e.g. "1.0" (default: the '
                "current one).",
            ),
        ]
    ]
    waves: NotRequired[Waves]
    organisation: NotRequired[text(limits.NAME.max_chars, "The client.")]
    roles: NotRequired[RoleIds]
    leadership_roles: NotRequired[RoleIds]
    min_group_size: NotRequired[Annotated[int | None, Field(ge=3, description="Never below 3.")]]
    consultant: NotRequired[text(limits.NAME.max_chars)]
    is_open: NotRequired[bool]
    predecessor: NotRequired[
        Annotated[
            str | None,
            Field(description="An earlier workshop of the same client, whose plan this one reviews."),
        ]
    ]
    expected_headcount: NotRequired[
        Annotated[
            int | None,
            Field(
                ge=1,
                le=10000,
                description="How many participants are expected; the dashboard says when complete "
                "responses exceed it.",
            ),
        ]
    ]


class GroupCreated(TypedDict):
    id: str
    join_code: Annotated[str, Field(pattern="^[A-HJKMNP-Z2-9]{6}$")]
    join_url: Url
    name: NotRequired[str]
    kind: NotRequired[str]
    questionnaire: NotRequired[str]
    summary_url: NotRequired[Url]
    report_url: NotRequired[Url]


class GroupDimension(TypedDict):
    n: Annotated[int, Field(ge=0)]
    mean: Score
    median: Score
    sd: Annotated[Score, Field(description="Sample standard deviation (n-1); null below 2.")]
    min: Score
    max: Score
    rwg: Annotated[Score, Field(description="rwg(j) agreement, 0-1; null below 2 respondents.")]
    label: NotRequired[str]
    agreement: NotRequired[Literal["high", "moderate", "low"] | None]
    agreement_reason: NotRequired[str | None]
    stage: NotRequired[StageRef | None]
    target: NotRequired[Score]
    values: NotRequired[
        Annotated[list[float], Field(description="Members' scores, sorted (for distribution charts).")]
    ]
    withheld: NotRequired[
        Annotated[
            bool,
            Field(
                description="True when fewer than min_group_size people in the snapshot have a score "
                "in this dimension: its figures are null (SCORING.md rule 13 per dimension)."
            ),
        ]
    ]


class Subgroups(TypedDict):
    """Subgroup sizes in the snapshot; null means "fewer than min_group_size" (never 0, 1 or 2)."""

    leaders: NotRequired[int | None]
    others: NotRequired[int | None]


class Gap(TypedDict):
    leaders: Score
    others: Score
    gap: Score


class PerceptionGap(TypedDict):
    """Leadership minus everyone else per dimension; withheld as a whole (with the reason) while a
    subgroup is smaller than min_group_size."""

    withheld: bool
    reason: str | None
    dimensions: dict[str, Gap]
    min_group_size: NotRequired[Annotated[int, Field(ge=3)]]
    subgroups: NotRequired[Subgroups]


class Count(TypedDict):
    value: str
    label: str
    count: Annotated[int, Field(ge=0)]


class Prompt(TypedDict):
    item: str
    text: str
    sd: float
    n: int
    distribution: list[Count]
    dimension: NotRequired[str]


class Published(TypedDict):
    """SCORING.md rule 13: every figure comes from a published snapshot of complete responses. It
    starts at the first min_group_size and moves on only when at least min_group_size more have
    completed, and then only when no figure already shown (a dimension, a side of the perception
    gap in a dimension, a question's answer counts) would gain fewer than min_group_size values;
    closing publishes everything. While fewer than min_group_size are published (or a published
    response was withdrawn and the snapshot is held) nothing numeric is shown: shows_numbers is
    false, every statistic null, no prompts. A question is a prompt only with at least
    min_group_size numeric answers."""

    n: Annotated[int, Field(ge=0, description="Responses in the snapshot.")]
    unpublished: Annotated[int, Field(ge=0, description="Complete responses not yet in the snapshot.")]
    min_group_size: Annotated[int, Field(ge=3)]
    shows_numbers: bool
    note: NotRequired[str]
    close_warning: NotRequired[
        Annotated[str | None, Field(description="Set when closing would publish fewer than min_group_size.")]
    ]


class RoleCount(TypedDict):
    """Respondents of one role in the snapshot; n is null and withheld true below min_group_size
    ("fewer than k")."""

    role: str
    n: Annotated[int | None, Field(ge=3)]
    withheld: bool
    label: NotRequired[str]


class GroupSummary(TypedDict):
    n: Annotated[
        int,
        Field(
            description="Complete assessments in the summary: the published snapshot (SCORING.md "
            "rule 13), 0 while fewer than min_group_size are published."
        ),
    ]
    scores: Scores
    dimensions: dict[str, GroupDimension]
    stage: StageRef | None
    classification: Classification
    perception_gap: PerceptionGap
    prompts: Annotated[
        list[Prompt],
        Field(max_length=5, description="The items with the largest spread of answers, with counts."),
    ]
    id: NotRequired[str]
    name: NotRequired[str]
    organisation: NotRequired[str]
    questionnaire: NotRequired[str]
    version: NotRequired[str]
    is_open: NotRequired[bool]
    started: NotRequired[Annotated[int, Field(description="Participants who picked a role and began.")]]
    complete: NotRequired[int]
    dimension_order: NotRequired[list[str]]
    findings: NotRequired[
        Annotated[
            list[Finding],
            Field(
                description="SCORING.md rule 15's group clause over the published snapshot only: per item a "
                "strength, weakness or 'partly' finding quoted as shares of the room (evidence carries "
                "each answer's count), and 'find_out' where at least 20% were unsure. Empty while nothing "
                "is published."
            ),
        ]
    ]
    strongest: NotRequired[
        Annotated[
            str | None, Field(description="The highest-scoring dimension with a group strength, or null.")
        ]
    ]
    roadmap: NotRequired[list[RoadmapItem]]
    published: NotRequired[Published]
    role_counts: NotRequired[list[RoleCount]]
    expected_headcount: NotRequired[
        Annotated[
            int | None, Field(description="How many participants the facilitator expects (null: not set).")
        ]
    ]
    over_headcount: NotRequired[
        Annotated[bool, Field(description="True when more complete responses exist than expected_headcount.")]
    ]
    plan_review: NotRequired[
        Annotated[
            list[PlanReviewStep],
            Field(
                description="Each step of the predecessor workshop's plan, both on their published snapshots."
            ),
        ]
    ]
    plan_review_of: NotRequired[PlanReviewOf]
    headcount_reached: NotRequired[
        Annotated[
            bool,
            Field(
                description="True when complete responses have reached expected_headcount: further "
                "completions (and joins) are refused with 409 until it is raised."
            ),
        ]
    ]


@with_config(ConfigDict(extra="forbid"))
class GroupJoin(TypedDict):
    code: Annotated[
        str,
        Field(
            min_length=1, max_length=20, description="The workshop's join code (case and spaces forgiven)."
        ),
    ]
    role: Annotated[
        str, Field(min_length=1, max_length=50, description="One of the roles the workshop offers.")
    ]


class GroupJoined(TypedDict):
    participant_token: Annotated[
        str,
        Field(
            description='Send it as "participant_token" with this participant\'s answers to '
            "POST /api/v1/assessments; it counts one complete response."
        ),
    ]
    group: Annotated[str, Field(description="The workshop's id.")]
    questionnaire: str
    version: str
    name: NotRequired[str]
    role: NotRequired[str]
    roles: NotRequired[list[str]]


class WaveRef(TypedDict):
    id: str
    label: str


class GroupInfo(TypedDict):
    """A group as its owner manages it (the answers are in its summary)."""

    id: str
    name: str
    kind: Literal["workshop", "cohort"]
    questionnaire: str
    version: str
    is_open: bool
    join_code: Annotated[str, Field(pattern="^[A-HJKMNP-Z2-9]{6}$")]
    join_url: Url
    summary_url: NotRequired[Url]
    report_url: NotRequired[Url]
    waves: NotRequired[
        Annotated[list[WaveRef] | None, Field(description="A cohort's waves; null for a workshop.")]
    ]
    open_wave: NotRequired[
        Annotated[str | None, Field(description="The wave new answers count in (cohorts).")]
    ]
