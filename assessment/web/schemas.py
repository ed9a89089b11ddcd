"""Request and response bodies of the questionnaire and assessment API (api.py), declared once:
``openapi.py`` writes them into /api/v1/openapi.json and validates request bodies against them.

Request bodies are closed (``extra="forbid"``) and validated strictly; response bodies describe
the dicts the services build (the tests validate real responses against the document)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, WithJsonSchema, with_config
from typing_extensions import TypedDict

from .forms import SECTORS, SIZE_BANDS
from .schemas_benchmarks import ResultBenchmark
from .schemas_plans import PlanReviewOf, PlanReviewStep

SIZE_BAND_IDS = tuple(v for v, _ in SIZE_BANDS)

Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
Moment = Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "date-time"})]
Score = float | None
Share = Annotated[float, Field(ge=0, le=1)]
Percent = Annotated[float, Field(ge=0, le=100)]
QuestionnaireId = Annotated[
    str, Field(min_length=1, description="The id of a questionnaire.", examples=["social-organisation"])
]
ClassificationId = Literal["social_organisation", "using_social_media"]


def text(longest: int, description: str | None = None) -> Any:
    """A string field of bounded length (what the API stores, and so what it accepts)."""
    return Annotated[str, Field(max_length=longest, description=description)]


class Scale(TypedDict):
    min: int
    max: int


# --------------------------------------------------------------------------- questionnaires


LanguageList = Annotated[
    list[str],
    Field(
        description='The languages it can be answered in, its own first (e.g. ["en", "de"]): a '
        "translation is listed only when it is complete (an incomplete one is refused at load).",
        examples=[["en", "de"]],
    ),
]


class QuestionnaireSummary(TypedDict):
    id: str
    version: str
    title: str
    url: Url
    description: NotRequired[str]
    language: NotRequired[str]
    estimated_minutes: NotRequired[int | None]
    dimensions: NotRequired[Annotated[int, Field(description="How many dimensions.")]]
    items: NotRequired[Annotated[int, Field(description="How many items.")]]
    languages: NotRequired[LanguageList]


class QuestionnaireList(TypedDict):
    questionnaires: list[QuestionnaireSummary]


class Option(TypedDict):
    value: int
    label: str


class Item(TypedDict):
    id: str
    dimension: str
    type: Literal["likert", "choice"]
    text: str
    help: NotRequired[str | None]
    scale: Annotated[
        Scale, Field(description="The item's own scale: for choice items the lowest to highest option value.")
    ]
    options: Annotated[
        list[Option], Field(description="Every valid answer value with its label (likert points too).")
    ]
    reverse: bool
    weight: Annotated[float, Field(gt=0)]
    allow_unsure: bool
    allow_not_applicable: NotRequired[
        Annotated[
            bool,
            Field(
                description="Whether 'not_applicable' is a valid answer (an organisation may lack the thing)."
            ),
        ]
    ]
    practice: NotRequired[
        Annotated[
            str,
            Field(description="The social practice the item measures: how a strength or weakness is named."),
        ]
    ]


class Thresholds(TypedDict):
    social: Percent
    floor: Percent
    min_coverage: Share
    strength: NotRequired[Share]
    weakness: NotRequired[Share]
    max_now: NotRequired[Annotated[int, Field(ge=1)]]


class Stage(TypedDict):
    id: str
    label: str
    min: float
    description: NotRequired[str]


class Role(TypedDict):
    id: str
    label: str
    leadership: bool


class Dimension(TypedDict):
    id: str
    label: str
    weight: float
    summary: NotRequired[str]
    description: NotRequired[str]
    social: NotRequired[str]
    broadcast: NotRequired[str]
    stages: NotRequired[dict[str, str]]


class Questionnaire(TypedDict):
    """A questionnaire definition: everything the scoring engine reads."""

    id: str
    version: str
    title: str
    scale: Scale
    thresholds: Thresholds
    stages: list[Stage]
    dimensions: list[Dimension]
    items: list[Item]
    description: NotRequired[str]
    language: NotRequired[
        Annotated[
            str,
            Field(
                description="The language of these texts: the file's own tag (en-GB), or the ?lang asked for."
            ),
        ]
    ]
    languages: NotRequired[LanguageList]
    estimated_minutes: NotRequired[int | None]
    content_hash: NotRequired[str]
    poles: NotRequired[dict[str, Any]]
    classifications: NotRequired[dict[str, Any]]
    roles: NotRequired[list[Role]]
    recommendations: NotRequired[list[dict[str, Any]]]


# --------------------------------------------------------------------------- assessments

# An answer as the domain accepts it: an integer on the item's scale, or "unsure" /
# "not_applicable" where the item allows it.
Answer = Annotated[int, Field(strict=True)] | Literal["unsure", "not_applicable"]


@with_config(ConfigDict(extra="forbid"))
class Submission(TypedDict):
    questionnaire: QuestionnaireId
    answers: Annotated[
        dict[str, Answer | None],
        Field(
            description="An object mapping item ids to answers: an integer on the item's scale, or "
            "'unsure' / 'not_applicable' where the item allows it. Missing items (or null) are kept as "
            "unanswered."
        ),
    ]
    version: NotRequired[
        Annotated[
            str,
            Field(
                min_length=1,
                description="A registered version of the questionnaire; without it, the newest.",
                examples=["1.1"],
            ),
        ]
        | None
    ]
    language: NotRequired[
        text(
            20,
            "The language the answers were given in, one of the questionnaire's languages (GET "
            "/api/v1/questionnaires/{id}); the result's texts and the report are in it, the scores the "
            "same in every language. Default: the installation's (DEFAULT_LOCALE), or the "
            "questionnaire's own where it has no translation into that one; a workshop participant "
            "keeps the language chosen when joining.",
        )
        | None
    ]
    # Optional texts may be null too: null, "" and leaving them out all mean "not given".
    organisation: NotRequired[text(200) | None]
    # The start page's lists (rule 18 compares by them); "" or null: not given.
    sector: NotRequired[Literal["", *SECTORS] | None]  # type: ignore[valid-type]
    size_band: NotRequired[Literal["", *SIZE_BAND_IDS] | None]  # type: ignore[valid-type]
    role: NotRequired[text(50, "One of the questionnaire's role ids.") | None]
    group_code: NotRequired[text(20, "A workshop or cohort join code.") | None]
    respondent_code: NotRequired[
        text(
            100,
            "Cohorts only, required there: a code the participant makes up and remembers (case and "
            "spaces ignored; at least 4 letters or digits). Stored only as a keyed hash.",
        )
        | None
    ]
    wave: NotRequired[text(40, "Cohorts only: the wave answered; must be the open one (default).") | None]
    benchmark: NotRequired[
        Annotated[
            bool,
            Field(
                description="Add this self-assessment's anonymous scores (with sector, size band and "
                "month, never a name) to the comparison for similar organisations; needs sector and "
                "size_band. Default false."
            ),
        ]
        | None
    ]
    participant_token: NotRequired[
        text(
            500,
            "Workshops only, required there (unless the workshop's facilitator sends their Bearer "
            "token): the token from POST /api/v1/groups/join. One complete response per token.",
        )
        | None
    ]


@with_config(ConfigDict(extra="forbid"))
class StageRef(TypedDict):
    id: str
    label: str


@with_config(ConfigDict(extra="forbid"))
class Scores(TypedDict):
    overall: Annotated[Score, Field(ge=0, le=100)]
    dimensions: dict[str, Score]


class Classification(TypedDict):
    id: ClassificationId
    label: str
    bottleneck: Annotated[str | None, Field(description="The lowest-scoring dimension.")]
    held_back: NotRequired[
        Annotated[
            bool,
            Field(
                description="The overall index clears the threshold but the bottleneck is below the floor."
            ),
        ]
    ]
    provisional: NotRequired[Annotated[bool, Field(description="No overall index: too few answers.")]]


class RoadmapItem(TypedDict):
    rank: Annotated[int, Field(ge=1)]
    id: str
    dimension: str
    dimension_label: NotRequired[str]
    stage: NotRequired[Annotated[str, Field(description="The stage this recommendation moves out of.")]]
    title: str
    why: NotRequired[str]
    actions: NotRequired[list[str]]
    horizon: Annotated[
        Literal["now", "next", "later"],
        Field(
            description="When it can start: never before a prerequisite's horizon, and 'now' holds at most "
            "the questionnaire's max_now entries."
        ),
    ]
    effort: Literal["low", "medium", "high"]
    impact: Annotated[int, Field(ge=1, le=3)]
    owner: str
    addresses: NotRequired[
        Annotated[list[str], Field(description="The item ids whose practice this recommendation builds.")]
    ]
    requires: NotRequired[
        Annotated[list[str], Field(description="Recommendations that must come first (placed earlier).")]
    ]
    prerequisite: NotRequired[Annotated[bool, Field(description="Chosen because a later step requires it.")]]
    reason: NotRequired[
        Annotated[
            Literal["stage", "prerequisite", "weakness", "weakest", "now"],
            Field(
                description="Why it is on the roadmap: written for its area's stage, required by a later "
                "step, taking up a weak answer, the weakest area's step, or the one that can start now."
            ),
        ]
    ]


@with_config(ConfigDict(extra="forbid"))
class ItemFinding(TypedDict):
    item: str
    dimension: str
    score: Annotated[
        float, Field(ge=0, le=1, description="The item score after reverse keying (1 = the social end).")
    ]


@with_config(ConfigDict(extra="forbid"))
class Evidence(TypedDict):
    item: str
    answer: Annotated[str, Field(description="The chosen answer as the respondent saw it (a scale label).")]
    score: Annotated[
        float | None,
        Field(ge=0, le=1, description="The item score after reverse keying; null for 'unsure' (not scored)."),
    ]
    count: NotRequired[Annotated[int, Field(ge=1, description="Groups only: how many chose this answer.")]]


@with_config(ConfigDict(extra="forbid"))
class Finding(TypedDict):
    """SCORING.md rule 15: one sentence about the present practice and the answers it rests on."""

    dimension: str
    kind: Literal["in_place", "mostly", "partly", "weak", "find_out"]
    text: str
    evidence: list[Evidence]


@with_config(ConfigDict(extra="forbid"))
class Lift(TypedDict):
    """SCORING.md rule 16: the fewest practices that, raised to their most social answer, bring the
    dimension to its next stage."""

    target: Annotated[float, Field(ge=0, le=100, description="The next stage's lower bound.")]
    items: Annotated[list[str], Field(description="Item ids, the largest gain first.")]
    reachable: bool
    open_items: NotRequired[
        Annotated[list[str], Field(description="Unsure or unanswered items: answering them may change this.")]
    ]


@with_config(ConfigDict(extra="forbid"))
class Assessment(TypedDict):
    """One assessment and its result. Scores at full precision; null when a dimension has too few
    answers (coverage below the questionnaire's min_coverage)."""

    id: Annotated[str, Field(min_length=22, description="Unguessable (at least 128 random bits).")]
    questionnaire: str
    version: str
    scores: Scores
    coverage: dict[str, Share]
    stage: StageRef | None
    dimension_stages: NotRequired[dict[str, StageRef | None]]
    targets: NotRequired[dict[str, Score]]
    classification: Classification
    roadmap: list[RoadmapItem]
    strengths: NotRequired[
        Annotated[
            list[ItemFinding],
            Field(description="Items scored at or above the strength threshold, highest first."),
        ]
    ]
    weaknesses: NotRequired[
        Annotated[
            list[ItemFinding],
            Field(description="Items scored at or below the weakness threshold, lowest first."),
        ]
    ]
    findings: NotRequired[
        Annotated[
            list[Finding], Field(description="One per answered or unsure item, in questionnaire order.")
        ]
    ]
    strongest: NotRequired[
        Annotated[
            str | None,
            Field(description="The highest-scoring dimension with a strength; null when none has one yet."),
        ]
    ]
    lift: NotRequired[
        Annotated[
            dict[str, Lift], Field(description="Per dimension below the top stage (absent at the top).")
        ]
    ]
    answers: NotRequired[dict[str, Answer]]
    status: Literal["in_progress", "complete"]
    language: NotRequired[
        Annotated[
            str,
            Field(description="The language it was answered in: the texts of this result and its report."),
        ]
    ]
    organisation: NotRequired[str]
    role: NotRequired[str | None]
    group: NotRequired[str | None]
    created_at: NotRequired[Moment]
    completed_at: NotRequired[Moment]
    report_url: Url
    plan_review: NotRequired[
        Annotated[
            list[PlanReviewStep],
            Field(description="Each step of the plan of the series' latest earlier assessment that has one."),
        ]
    ]
    plan_review_of: NotRequired[PlanReviewOf]
    benchmark: NotRequired[ResultBenchmark]
