"""SCORING.md rule 8: gaps to the next stage and the migration roadmap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .questionnaire import EFFORTS, HORIZONS, Questionnaire, Recommendation
from .scoring import Classification, DimensionScore


@dataclass(frozen=True)
class RoadmapEntry:
    rank: int
    dimension: str
    dimension_label: str
    stage: str
    recommendation: Recommendation

    def to_dict(self) -> dict[str, Any]:
        r = self.recommendation
        return {
            "rank": self.rank,
            "id": r.id,
            "dimension": self.dimension,
            "dimension_label": self.dimension_label,
            "stage": self.stage,
            "title": r.title,
            "why": r.why,
            "actions": list(r.actions),
            "horizon": r.horizon,
            "effort": r.effort,
            "impact": r.impact,
            "owner": r.owner,
        }


def dimension_order(
    dimensions: Sequence[DimensionScore], classification: Classification, floor_failed: bool
) -> list[DimensionScore]:
    """The bottleneck first when the floor rule fails; then W_d * gap_d, largest first; ties in file order.

    Dimensions without a score have no stage, so no recommendations to choose: they are left out.
    """
    scored = [d for d in dimensions if d.score is not None]
    ordered = sorted(scored, key=lambda d: -(d.weight * d.gap))  # sorted() is stable: file order on ties
    if floor_failed and classification.bottleneck:
        ordered.sort(key=lambda d: d.id != classification.bottleneck)
    return ordered


def build_roadmap(
    questionnaire: Questionnaire, dimensions: Sequence[DimensionScore], classification: Classification
) -> tuple[RoadmapEntry, ...]:
    """Each dimension's recommendations for its current stage, grouped by horizon; inside a
    horizon higher impact first, then lower effort, then the roadmap's dimension order."""
    known = [d.score for d in dimensions if d.score is not None]
    floor_failed = bool(known) and min(known) < questionnaire.thresholds.floor
    order = dimension_order(dimensions, classification, floor_failed)
    chosen: list[tuple[tuple[int, int, int, int, int], DimensionScore, Recommendation]] = []
    position = 0
    for rank_of_dimension, d in enumerate(order):
        for rec in questionnaire.recommendations_for(d.id, d.stage.id):
            key = (
                HORIZONS.index(rec.horizon),
                -rec.impact,
                EFFORTS.index(rec.effort),
                rank_of_dimension,
                position,
            )
            chosen.append((key, d, rec))
            position += 1
    chosen.sort(key=lambda entry: entry[0])
    return tuple(
        RoadmapEntry(rank=n, dimension=d.id, dimension_label=d.label, stage=d.stage.id, recommendation=rec)
        for n, (_, d, rec) in enumerate(chosen, start=1)
    )
