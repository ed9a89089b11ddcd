"""Response body of ``GET /api/v1/questionnaires/<id>/health`` (SCORING.md rule 19), declared
once: ``openapi.py`` writes it into /api/v1/openapi.json."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

Share = Annotated[
    float | None, Field(ge=0, le=1, description="Of all complete responses; null when there are none.")
]
Problem = Literal["alpha", "item_rest", "floor", "ceiling", "unsure"]


@with_config(ConfigDict(extra="forbid"))
class ItemHealth(TypedDict):
    item_rest: Annotated[
        float | None,
        Field(
            ge=-1,
            le=1,
            description="Pearson's r of the item score against the sum of the dimension's other items, "
            "over the dimension's complete sets; null with fewer than two, one item, or no spread.",
        ),
    ]
    floor: Annotated[Share, Field(description="Share at the item's lowest value.")]
    ceiling: Annotated[Share, Field(description="Share at the item's highest value.")]
    unsure: Share
    not_applicable: Share
    missing: Share


@with_config(ConfigDict(extra="forbid"))
class DimensionHealth(TypedDict):
    n: Annotated[int, Field(ge=0, description="Respondents who gave every item of the dimension a number.")]
    alpha: Annotated[
        float | None,
        Field(
            description="Cronbach's alpha (sample variances); null unless n >= 30 and the "
            "dimension has two items or more."
        ),
    ]
    items: dict[str, ItemHealth]


@with_config(ConfigDict(extra="forbid"))
class ItemFlag(TypedDict):
    item: str
    problem: Annotated[
        Problem, Field(description="item_rest under 0.3; floor or ceiling over 0.8; unsure over 0.3.")
    ]


@with_config(ConfigDict(extra="forbid"))
class DimensionFlag(TypedDict):
    dimension: str
    problem: Annotated[Literal["alpha"], Field(description="Alpha under 0.7.")]


@with_config(ConfigDict(extra="forbid"))
class InstrumentHealth(TypedDict):
    """Rule 19 over every complete response to one questionnaire version."""

    version: str
    n_responses: Annotated[
        int, Field(ge=0, description="Complete responses (self-assessments and group responses).")
    ]
    dimensions: dict[str, DimensionHealth]
    flags: list[ItemFlag | DimensionFlag]
