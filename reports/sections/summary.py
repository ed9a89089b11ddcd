"""The executive summary: the verdict (from the findings only, ``reports.prose``), the headline
figures and the first priorities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assessment.domain.findings import Finding
from assessment.i18n import _

from .. import prose
from .base import Chapter, ChapterSpec, Inputs, TocEntry
from .common import score_shown
from .roadmap import Recommendation


def findings_and_strongest(inputs: Inputs) -> tuple[tuple[Finding, ...], str | None]:
    """Rule 15's findings this report speaks from: the person's, or the group's (the published
    snapshot's answers), with the strongest area they give."""
    if inputs.group is not None:
        return tuple(inputs.group.findings), inputs.group.strongest
    return tuple(inputs.result.findings), inputs.result.strongest


def fields(inputs: Inputs, ranked: Sequence[Recommendation], organisation: str) -> dict[str, Any]:
    result = inputs.result
    q = result.questionnaire
    c = result.classification
    bottleneck = result.dimension(c.bottleneck) if c.bottleneck else None
    findings, strongest = findings_and_strongest(inputs)
    first = ranked[0] if ranked else None
    sentences = prose.verdict(
        result,
        findings,
        strongest,
        organisation,
        None if first is None else (first.title, first.horizon_label, first.owner),
        quoted=1 if inputs.group is not None else 2,
        group=inputs.group is not None,
    )
    return {
        "classification_id": c.id,
        "classification_label": c.label,
        "classification_summary": c.summary,
        "is_social": c.id == "social_organisation",
        "held_back": c.held_back,
        "provisional": c.provisional,
        "verdict_explanation": " ".join(sentences),
        "verdict_sentences": sentences,
        "position_line": prose.position_line(result, organisation),
        "overall": result.overall,
        "overall_display": score_shown(q, result.overall),
        "stage_label": result.stage.label if result.stage else None,
        "stage_description": result.stage.description if result.stage else "",
        "bottleneck_label": bottleneck.label if bottleneck else None,
        "bottleneck_score": score_shown(q, bottleneck.score) if bottleneck else None,
        "bottleneck_anchor": inputs.anchors[bottleneck.id] if bottleneck else None,
    }


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    return CHAPTER.chapter([TocEntry("summary", _("Executive summary"))])


CHAPTER = ChapterSpec("summary", "sections/summary.html", 10, _chapter)
