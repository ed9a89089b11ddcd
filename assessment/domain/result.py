"""An assessment's whole result: rules 1-7 (``scoring``) and the roadmap (``roadmap``) put together.

The imports point one way: ``roadmap`` uses ``scoring``'s types, and this module uses both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .findings import Finding, item_findings, strongest_area, weakest_findings
from .lift import Lift, lift
from .questionnaire import Questionnaire, Stage
from .roadmap import Deferral, Profile, RoadmapEntry, first_priorities, plan
from .scoring import (
    Answer,
    Classification,
    DimensionScore,
    ItemFinding,
    classify,
    dimension_scores,
    exact_dimension_score,
    item_scores,
    overall_index,
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
    # Rule 15: one finding per answered or unsure item (none for a group's means: see
    # findings.group_findings), and the strongest area (a dimension id, or None: no strength yet).
    findings: tuple[Finding, ...] = ()
    strongest: str | None = None
    # Rule 16: per dimension below the top stage, what would lift it to the next stage.
    lift: Mapping[str, Lift] = field(default_factory=dict)
    # Weak answers no step on this roadmap addresses, each with the later stage's step taking it up.
    deferred: tuple[Deferral, ...] = ()

    @property
    def first_priorities(self) -> tuple[RoadmapEntry, ...]:
        """The summary's first three steps, at least one of them starting now when any can."""
        return first_priorities(self.roadmap)

    @property
    def weakest(self) -> str | None:
        """The weakest area: rule 6's bottleneck."""
        return self.classification.bottleneck

    @property
    def weakest_findings(self) -> tuple[Finding, ...]:
        """What the weakest area is shown with (rule 15): its weak findings, else its lowest partly ones."""
        return weakest_findings(self.weakest, self.findings)

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
            "findings": [f.to_dict() for f in self.findings],
            "strongest": self.strongest,
            "lift": {dimension: entry.to_dict() for dimension, entry in self.lift.items()},
            "answers": dict(self.answers),
        }


def result_from_scores(
    questionnaire: Questionnaire,
    scores: Mapping[str, float | Fraction | None],
    coverage: Mapping[str, float],
    answers: Mapping[str, Answer] | None = None,
    profile: Profile | None = None,
) -> Result:
    """Rules 4-8 from dimension scores: shared by one respondent and by a group's means (rule 9).
    ``profile``: the organisation's size band and sector, for the roadmap's effort and owners.
    Exact (Fraction) scores give an exact overall index; everything after it works on floats."""
    answers = answers or {}
    overall = overall_index(questionnaire, scores)
    scores = _floats(scores)
    classification = classify(questionnaire, scores, overall)
    dims = dimension_scores(questionnaire, scores, coverage, answers)
    per_item = item_scores(questionnaire, answers)
    strengths, weaknesses = strengths_and_weaknesses(questionnaire, per_item)
    findings = item_findings(questionnaire, answers)
    chosen = plan(questionnaire, dims, classification, per_item, profile)
    return Result(
        questionnaire=questionnaire,
        answers=dict(answers),
        dimensions=dims,
        overall=overall,
        stage=None if overall is None else questionnaire.stage_for(overall),
        classification=classification,
        roadmap=chosen.entries,
        strengths=strengths,
        weaknesses=weaknesses,
        findings=findings,
        strongest=strongest_area(dims, findings),
        lift=lift(questionnaire, answers, dims, per_item),
        deferred=chosen.deferred,
    )


def _floats(scores: Mapping[str, float | Fraction | None]) -> dict[str, float | None]:
    return {d: None if v is None else float(v) for d, v in scores.items()}


def _rule_3(
    questionnaire: Questionnaire, answers: object
) -> tuple[dict[str, Answer], dict[str, Fraction | None], dict[str, float]]:
    clean = validate_answers(questionnaire, answers)
    scores: dict[str, Fraction | None] = {}
    coverage: dict[str, float] = {}
    for d in questionnaire.dimensions:
        scores[d.id], coverage[d.id] = exact_dimension_score(questionnaire, d.id, clean)
    return clean, scores, coverage


def score(questionnaire: Questionnaire, answers: object, profile: Profile | None = None) -> Result:
    """Validate and score one respondent's answers (raises InvalidAnswers)."""
    clean, scores, coverage = _rule_3(questionnaire, answers)
    return result_from_scores(questionnaire, scores, coverage, clean, profile)


def dimension_results(questionnaire: Questionnaire, answers: object) -> tuple[DimensionScore, ...]:
    """Rule 3 alone for one respondent: each dimension's score, coverage and answer counts, the
    same as ``score(...).dimensions`` without rules 4-16 (a group's report needs only these,
    for every member)."""
    clean, scores, coverage = _rule_3(questionnaire, answers)
    return dimension_scores(questionnaire, _floats(scores), coverage, clean)
