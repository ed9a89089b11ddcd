"""One page per dimension: score, stage, practices, things to find out, its steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assessment.domain.questionnaire import Item, Questionnaire
from assessment.domain.result import Result
from assessment.domain.scoring import UNSURE, ItemFinding, item_score, strengths_and_weaknesses

from ..inputs import GroupData
from .base import Chapter, ChapterSpec, Inputs, TocEntry
from .common import fmt, pct, score_shown
from .group import GroupDimensionView
from .roadmap import Recommendation


@dataclass(frozen=True)
class Practice:
    item: str
    text: str
    answer: str  # the answer as the respondent saw it, or the group's mean position


@dataclass(frozen=True)
class DimensionSection:
    id: str
    anchor: str
    label: str
    summary: str
    description: str
    score: float | None
    score_display: str
    stage_label: str | None
    stage_description: str
    target_display: str | None
    next_stage_label: str | None
    is_bottleneck: bool
    below_floor: bool
    coverage_display: str
    answered: int
    unsure_count: int
    total: int
    strongest: tuple[Practice, ...]  # rule 11 strengths
    weakest: tuple[Practice, ...]  # rule 11 weaknesses
    scored_items: int  # how many of its items were scored (0: nothing to call strong or weak)
    unsure: tuple[Practice, ...]
    recommendations: tuple[Recommendation, ...]
    social: str
    broadcast: str
    group: GroupDimensionView | None


@dataclass(frozen=True)
class Describer:
    """How the dimension pages describe a practice: one person's answer, or the group's mean."""

    positions: Mapping[str, float]
    describe: Callable[[Item], str]
    unsure_note: Callable[[Item], str]
    unsure_ids: frozenset[str]
    strengths: tuple[ItemFinding, ...]
    weaknesses: tuple[ItemFinding, ...]


def describer(result: Result, group: GroupData | None) -> Describer:
    q = result.questionnaire
    answers = result.answers
    if group is not None:
        positions = dict(group.item_positions)

        def describe(item: Item) -> str:
            n = group.item_counts.get(item.id)
            where = f"average {100 * positions[item.id]:.0f} of 100"
            return f"{where} ({n} answers)" if n else where

        def unsure_note(item: Item) -> str:
            return f"{group.unsure_counts[item.id]} of {group.n} unsure"

        # Rule 11 on the members' mean item scores (the group result has no answers of its own).
        strong, weak = strengths_and_weaknesses(q, positions)
        return Describer(positions, describe, unsure_note, frozenset(group.unsure_counts), strong, weak)

    positions = {
        i.id: item_score(i, answers[i.id])
        for i in q.items
        if isinstance(answers.get(i.id), int) and not isinstance(answers.get(i.id), bool)
    }

    def describe_one(item: Item) -> str:
        said = f"answered \u201c{item.option_label(answers[item.id])}\u201d"  # type: ignore[arg-type]
        if item.reverse:
            # The practice is worded the social way round, the question the other: "Always"
            # under "Posts that invite..." would read as praise, so the question is quoted.
            return f"{said} to \u201c{item.text}\u201d"
        return said

    def unsure_one(item: Item) -> str:
        return "answered \u201cunsure\u201d"

    return Describer(
        positions,
        describe_one,
        unsure_one,
        frozenset(i for i, v in answers.items() if v == UNSURE),
        result.strengths,
        result.weaknesses,
    )


def practices(
    q: Questionnaire, items: Sequence[Item], how: Describer
) -> tuple[tuple[Practice, ...], tuple[Practice, ...]]:
    """Rule 11: this dimension's strengths and weaknesses, shown by the practice each item
    measures (its social wording, also for a reverse-keyed item). Either may be empty: then the
    page says so instead of listing the least bad answers."""
    mine = {i.id for i in items}
    by_id = {i.id: i for i in items}
    return (
        tuple(
            Practice(f.item, by_id[f.item].practice, how.describe(by_id[f.item]))
            for f in how.strengths
            if f.item in mine
        ),
        tuple(
            Practice(f.item, by_id[f.item].practice, how.describe(by_id[f.item]))
            for f in how.weaknesses
            if f.item in mine
        ),
    )


def dimension_sections(
    result: Result,
    anchors: Mapping[str, str],
    how: Describer,
    views: Mapping[str, GroupDimensionView],
    ranked: Sequence[Recommendation],
) -> tuple[DimensionSection, ...]:
    """One page per dimension: score, stage, practices, things to find out, recommendations."""
    q = result.questionnaire
    c = result.classification
    sections = []
    for d, ds in zip(q.dimensions, result.dimensions, strict=True):
        items = q.items_of(d.id)
        strongest, weakest = practices(q, items, how)
        following = q.next_stage(ds.stage) if ds.stage else None
        # This dimension's steps on the roadmap (rule 12: not those in place; with any
        # prerequisite of this dimension another one pulled in), in roadmap order.
        recs = tuple(r for r in ranked if r.dimension == d.id)
        sections.append(
            DimensionSection(
                id=d.id,
                anchor=anchors[d.id],
                label=d.label,
                summary=d.summary,
                description=d.description,
                score=ds.score,
                score_display=score_shown(result.questionnaire, ds.score),
                stage_label=ds.stage.label if ds.stage else None,
                stage_description=(
                    d.stage_descriptions.get(ds.stage.id) or ds.stage.description if ds.stage else ""
                ),
                target_display=None if ds.target is None else fmt(ds.target),
                next_stage_label=following.label if following else None,
                is_bottleneck=c.bottleneck == d.id,
                below_floor=ds.score is not None and ds.score < q.thresholds.floor,
                coverage_display=pct(ds.coverage),
                answered=ds.answered,
                unsure_count=ds.unsure,
                total=ds.total,
                strongest=strongest,
                weakest=weakest,
                scored_items=sum(1 for i in items if i.id in how.positions),
                unsure=tuple(
                    Practice(i.id, i.text, how.unsure_note(i)) for i in items if i.id in how.unsure_ids
                ),
                recommendations=recs,
                social=d.social,
                broadcast=d.broadcast,
                group=views.get(d.id),
            )
        )
    return tuple(sections)


def fields(
    inputs: Inputs, views: Mapping[str, GroupDimensionView], ranked: Sequence[Recommendation]
) -> dict[str, Any]:
    how = describer(inputs.result, inputs.group)
    return {"dimensions": dimension_sections(inputs.result, inputs.anchors, how, views, ranked)}


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    sections = fields["dimensions"]
    return CHAPTER.chapter(
        [
            TocEntry(sections[0].anchor, "Dimension by dimension"),
            *(TocEntry(d.anchor, d.label, sub=True) for d in sections),
        ]
    )


CHAPTER = ChapterSpec("dimensions", "sections/dimensions.html", 60, _chapter)
