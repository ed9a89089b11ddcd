"""The executive summary: the verdict, the headline figures and the first priorities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assessment.domain.questionnaire import Questionnaire
from assessment.domain.result import Result
from assessment.domain.scoring import DimensionScore

from .base import Chapter, ChapterSpec, Inputs, TocEntry
from .common import fmt, lower_first
from .common import score_shown as sh
from .roadmap import Recommendation


def verdict(
    result: Result, q: Questionnaire, bottleneck: DimensionScore | None, first: Recommendation | None
) -> str:
    """The verdict written for this organisation: its stage, the dimension holding it back and
    what that looks like today, its strongest area, and the roadmap's first step."""
    c = result.classification
    t = q.thresholds
    first_step = (
        f" The roadmap starts with \u201c{first.title}\u201d: {first.horizon_label.lower()}, owned by "
        f"{first.owner.lower() if first.owner[1:2].islower() else first.owner}."
        if first is not None
        else ""
    )
    scored = [d for d in result.dimensions if d.score is not None]
    if c.provisional:
        missing = ", ".join(d.label for d in result.dimensions if d.score is None)
        return (
            f"Not enough answers to score {missing}, so there is no overall index and this "
            "verdict is provisional. Answer more of those questions for a sound result." + first_step
        )
    stage = result.stage.label if result.stage else ""
    if c.id == "social_organisation":
        opening = (
            f"The organisation is a social organisation at the {stage} stage: its overall index of "
            f"{sh(q, result.overall)} clears the threshold of {fmt(t.social)} and no dimension is below "
            f"the floor of {fmt(t.floor)}."
        )
    elif c.held_back and bottleneck is not None:
        opening = (
            f"The organisation is at the {stage} stage, and its overall index of {sh(q, result.overall)} "
            f"clears the threshold of {fmt(t.social)}, but {bottleneck.label} at "
            f"{sh(q, bottleneck.score)} is below the floor of {fmt(t.floor)}: being social in the other "
            "areas does not make up for one that is not, so it is not yet a social organisation."
        )
    else:
        opening = (
            f"The organisation is at the {stage} stage, with an overall index of "
            f"{sh(q, result.overall)} against the {fmt(t.social)} a social organisation reaches "
            f"(with every dimension at {fmt(t.floor)} or more)."
        )
    held = ""
    if bottleneck is not None and bottleneck.stage is not None:
        dim = next(d for d in q.dimensions if d.id == bottleneck.id)
        today = dim.stage_descriptions.get(bottleneck.stage.id) or bottleneck.stage.description
        if c.id == "social_organisation":
            held = f" The area with most room to grow is {bottleneck.label} at {sh(q, bottleneck.score)}"
        elif c.held_back:
            held = f" In {bottleneck.label} today, {lower_first(today)}" if today else ""
        elif bottleneck.score is not None and bottleneck.score < t.floor:
            held = (
                f" {bottleneck.label} holds it back most: at {sh(q, bottleneck.score)} it is below "
                f"the floor of {fmt(t.floor)}, further behind than any area of a social organisation"
            )
        else:
            held = (
                f" No dimension is below the floor; {bottleneck.label}, at {sh(q, bottleneck.score)}, "
                "is the furthest behind"
            )
        if not c.held_back:
            held += f". Today that means: {lower_first(today)}" if today else "."
    strongest = ""
    best = max(scored, key=lambda d: d.score or 0.0, default=None)  # first of equals: file order
    if best is not None and bottleneck is not None and best.id != bottleneck.id:
        if round(best.score or 0.0) == round(bottleneck.score or 0.0):
            strongest = f" Every dimension stands at about {sh(q, best.score)}."
        else:
            best_stage = f", {best.stage.label}" if best.stage else ""
            strongest = (
                f" The strongest area is {best.label} ({sh(q, best.score)}{best_stage}), one to build on."
            )
    return opening + held + strongest + first_step


def fields(inputs: Inputs, ranked: Sequence[Recommendation]) -> dict[str, Any]:
    result = inputs.result
    q = result.questionnaire
    c = result.classification
    bottleneck = result.dimension(c.bottleneck) if c.bottleneck else None
    return {
        "classification_id": c.id,
        "classification_label": c.label,
        "classification_summary": c.summary,
        "is_social": c.id == "social_organisation",
        "held_back": c.held_back,
        "provisional": c.provisional,
        "verdict_explanation": verdict(result, q, bottleneck, ranked[0] if ranked else None),
        "overall": result.overall,
        "overall_display": sh(q, result.overall),
        "stage_label": result.stage.label if result.stage else None,
        "stage_description": result.stage.description if result.stage else "",
        "bottleneck_label": bottleneck.label if bottleneck else None,
        "bottleneck_score": sh(q, bottleneck.score) if bottleneck else None,
        "bottleneck_anchor": inputs.anchors[bottleneck.id] if bottleneck else None,
        "priorities": tuple(ranked[:3]),
    }


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    return CHAPTER.chapter([TocEntry("summary", "Executive summary")])


CHAPTER = ChapterSpec("summary", "sections/summary.html", 10, _chapter)
