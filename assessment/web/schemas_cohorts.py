"""Response bodies of the trainers' cohort API (api_cohorts.py), and the waves a cohort is
created with (schemas_groups.GroupCreate), declared once: ``openapi.py`` writes them into
/api/v1/openapi.json. Statistics follow SCORING.md rule 14; a figure it withholds is
``{"withheld": reason}`` instead."""

from __future__ import annotations

from typing import Annotated, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

Number = float | None
Interval = Annotated[
    Annotated[list[float], Field(min_length=2, max_length=2)] | None,
    Field(description="[low, high]; null where undefined (no spread at all)."),
]
WAVE_ID = r"^[a-z0-9][a-z0-9_-]{0,39}$"


@with_config(ConfigDict(extra="forbid"))
class CohortWave(TypedDict):
    id: Annotated[str, Field(pattern=WAVE_ID, description="Short and lower-case, e.g. pre, post, followup.")]
    label: NotRequired[Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]]


Waves = Annotated[
    list[CohortWave],
    Field(
        min_length=1,
        description='Cohorts only: the waves offered, in order; default pre ("Before the course") and '
        'post ("After the course"). The first is open at creation.',
    ),
]


@with_config(ConfigDict(extra="forbid"))
class Withheld(TypedDict):
    withheld: Annotated[str, Field(description="Why (rule 14: fewer than k on a side).")]


@with_config(ConfigDict(extra="forbid"))
class CohortDifference(TypedDict):
    """One dimension (or overall) of cohort B against cohort A: Welch's t, Hedges' g."""

    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    ci_a: Interval
    ci_b: Interval
    difference: Annotated[float, Field(description="mean_b - mean_a")]
    difference_ci: Interval
    t: Annotated[Number, Field(description="Welch's t")]
    df: Annotated[Number, Field(description="Welch-Satterthwaite degrees of freedom")]
    p: Annotated[Number, Field(description="Two-sided")]
    p_holm: Annotated[Number, Field(description="Holm-adjusted over the dimensions; null for overall")]
    hedges_g: Number
    hedges_g_ci: Annotated[Interval, Field(description="g -/+ 1.96 SE")]


@with_config(ConfigDict(extra="forbid"))
class CohortPairedChange(TypedDict):
    """One dimension (or overall) of the later wave against the earlier, paired by code."""

    n: Annotated[int, Field(description="Pairs with a score at both waves")]
    mean_from: float
    mean_to: float
    mean_difference: Annotated[float, Field(description="after - before")]
    ci: Interval
    t: Annotated[Number, Field(description="Paired t")]
    df: int
    p: Number
    p_holm: Number
    d_z: Number
    d_z_ci: Interval


class CohortSide(TypedDict):
    id: str
    wave: str
    n: int


MinimumK = Annotated[int, Field(ge=3)]


class CohortComparison(TypedDict):
    a: CohortSide
    b: CohortSide
    dimensions: dict[str, CohortDifference | Withheld]
    overall: CohortDifference | Withheld
    k: NotRequired[Annotated[MinimumK, Field(description="Minimum respondents per side")]]


# "from" is a keyword: the functional form declares the same TypedDict with it.
CohortChange = TypedDict(  # type: ignore[misc]
    "CohortChange",
    {
        "pairs": Annotated[int, Field(description="People matched by code in both waves")],
        "unmatched_from": int,
        "unmatched_to": int,
        "dimensions": dict[str, CohortPairedChange | Withheld],
        "overall": CohortPairedChange | Withheld,
        "id": NotRequired[str],
        "from": NotRequired[str],
        "to": NotRequired[str],
        "k": NotRequired[Annotated[MinimumK, Field(description="Minimum pairs")]],
    },
)
