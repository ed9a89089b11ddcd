"""Response bodies of the benchmark API (api_benchmarks.py) and the ``benchmark`` block of each
assessment's result (SCORING.md rule 18), declared once: ``openapi.py`` writes them into
/api/v1/openapi.json. Scores at full precision, like every score in the API."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, RootModel, with_config
from typing_extensions import TypedDict

Score = Annotated[float, Field(ge=0, le=100)]
Rank = Annotated[
    float | None,
    Field(
        ge=0,
        le=100,
        description="The organisation's percentile rank in the group, 100 * (below + 0.5 * equal) / n, "
        "its own entry left out; null without a score or without others to rank against.",
    ),
]


@with_config(ConfigDict(extra="forbid"))
class BenchmarkGroup(TypedDict):
    """The comparison group used: sector and size band, falling back to the sector alone, the size
    band alone, then everyone (null: that criterion not applied) until it has benchmark_min entries."""

    sector: str | None
    size_band: str | None


@with_config(ConfigDict(extra="forbid"))
class Quartiles(TypedDict):
    median: Score
    q1: Score
    q3: Score


@with_config(ConfigDict(extra="forbid"))
class Benchmark(TypedDict):
    """The published snapshot's figures for one comparison group."""

    group: BenchmarkGroup
    n: Annotated[int, Field(ge=1, description="Entries in the group (organisations).")]
    overall: Quartiles
    dimensions: dict[str, Quartiles]


@with_config(ConfigDict(extra="forbid"))
class BenchmarkWithheld(TypedDict):
    withheld: Annotated[str, Field(description="Why no figures are shown.")]
    needed: Annotated[int, Field(ge=1, description="How many more entries the comparison needs.")]


@with_config(ConfigDict(extra="forbid"))
class RankedQuartiles(TypedDict):
    median: Score
    q1: Score
    q3: Score
    percentile: Rank


@with_config(ConfigDict(extra="forbid"))
class AssessmentBenchmark(TypedDict):
    """The comparison group this assessment falls in, and where it stands in it."""

    group: BenchmarkGroup
    n: Annotated[int, Field(ge=1)]
    overall: RankedQuartiles
    dimensions: dict[str, RankedQuartiles]


class BenchmarkReply(RootModel[Benchmark | BenchmarkWithheld]):
    """The figures of the comparison group, or why there are none yet."""


ResultBenchmark = Annotated[
    AssessmentBenchmark | BenchmarkWithheld,
    Field(description="How this result compares with similar organisations (rule 18), or why not yet."),
]
