"""An assessment's whole result: rules 1-7 (``scoring``) and the roadmap (``roadmap``) put together.

The imports point one way: ``roadmap`` uses ``scoring``'s types, and this module uses both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .questionnaire import Questionnaire, Stage
from .roadmap import Profile, RoadmapEntry, build_roadmap
from .scoring import (
    Answer,
    Classification,
    DimensionScore,
    ItemFinding,
    classify,
    dimension_scores,
    item_scores,
    overall_index,
    score_dimension,
    stage_dict,
    strengths_and_weaknesses,
    validate_answers,
)


@dataclass(frozen=True)
class Result:
    questionnaire: Questionnaire
    answers: Mapping[str, Answer]
    dimensions: tuple[DimensionScore, ...]
    overall: float | None
    stage: Stage | None
    classification: Classification
    roadmap: tuple[RoadmapEntry, ...]
    # Rule 11: absolute thresholds on item scores (empty for a group's means, which have none).
    strengths: tuple[ItemFinding, ...] = ()
    weaknesses: tuple[ItemFinding, ...] = ()

    def dimension(self, dimension_id: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of DESIGN.md's POST /api/v1/assessments response (less id/report_url)."""
        q = self.questionnaire
        return {
            "questionnaire": q.id,
            "version": q.version,
            "scores": {
                "overall": self.overall,
                "dimensions": {d.id: d.score for d in self.dimensions},
            },
            "coverage": {d.id: d.coverage for d in self.dimensions},
            "stage": stage_dict(self.stage),
            "dimension_stages": {d.id: stage_dict(d.stage) for d in self.dimensions},
            "targets": {d.id: d.target for d in self.dimensions},
            "classification": {
                "id": self.classification.id,
                "label": self.classification.label,
                "bottleneck": self.classification.bottleneck,
                "held_back": self.classification.held_back,
                "provisional": self.classification.provisional,
            },
            "roadmap": [entry.to_dict() for entry in self.roadmap],
            "strengths": [f.to_dict() for f in self.strengths],
            "weaknesses": [f.to_dict() for f in self.weaknesses],
            "answers": dict(self.answers),
        }


def result_from_scores(
    questionnaire: Questionnaire,
    scores: Mapping[str, float | None],
    coverage: Mapping[str, float],
    answers: Mapping[str, Answer] | None = None,
    profile: Profile | None = None,
) -> Result:
    """Rules 4-8 from dimension scores: shared by one respondent and by a group's means (rule 9).
    ``profile``: the organisation's size band and sector, for the roadmap's effort and owners."""
    answers = answers or {}
    overall = overall_index(questionnaire, scores)
    classification = classify(questionnaire, scores, overall)
    dims = dimension_scores(questionnaire, scores, coverage, answers)
    per_item = item_scores(questionnaire, answers)
    strengths, weaknesses = strengths_and_weaknesses(questionnaire, per_item)
    return Result(
        questionnaire=questionnaire,
        answers=dict(answers),
        dimensions=dims,
        overall=overall,
        stage=None if overall is None else questionnaire.stage_for(overall),
        classification=classification,
        roadmap=build_roadmap(questionnaire, dims, classification, per_item, profile),
        strengths=strengths,
        weaknesses=weaknesses,
    )


def score(questionnaire: Questionnaire, answers: object, profile: Profile | None = None) -> Result:
    """Validate and score one respondent's answers (raises InvalidAnswers)."""
    clean = validate_answers(questionnaire, answers)
    scores: dict[str, float | None] = {}
    coverage: dict[str, float] = {}
    for d in questionnaire.dimensions:
        scores[d.id], coverage[d.id] = score_dimension(questionnaire, d.id, clean)
    return result_from_scores(questionnaire, scores, coverage, clean, profile)
