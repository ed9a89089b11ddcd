"""One page per dimension: score, stage, practices, things to find out, its steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assessment.domain.findings import PARTLY, Finding, findings_of, weakest_findings
from assessment.domain.questionnaire import Item, Questionnaire
from assessment.domain.result import Result
from assessment.domain.scoring import UNSURE, ItemFinding, item_score, strengths_and_weaknesses
from assessment.domain.text import N_
from assessment.i18n import _, ngettext

from .. import prose
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
class FindingView:
    """One rule-15 finding as printed: its sentence, resting on the answer to ``item``."""

    item: str
    kind: str
    text: str
    # A weak answer no step on this roadmap takes up: the later stage's step that does (rule 12).
    later: str = ""


@dataclass(frozen=True)
class FindingGroup:
    kind: str  # "in_place", "mostly", "partly", "weak", "find_out"
    heading: str
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class LiftItem:
    item: str
    practice: str  # the practice raised to its most social answer
    today: str  # the finding it rests on now


@dataclass(frozen=True)
class LiftView:
    """Rule 16: what would move the dimension to its next stage."""

    stage_label: str
    lead: str
    items: tuple[LiftItem, ...]
    note: str  # unsure or unanswered questions may change it; "" when none


@dataclass(frozen=True)
class Deferred:
    """A weak answer no step on this roadmap takes up, and the later stage's step that does."""

    item: str
    finding: str  # the weak finding
    later: str  # "“Title” (from Conversing)", or "" when no recommendation of the file builds it


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
    # Rule 15: this dimension's findings by kind (the page's "today"); rule 16: what would lift it.
    finding_groups: tuple[FindingGroup, ...] = ()
    has_strength: bool = False
    lift: LiftView | None = None
    # A stage description, printed only under a heading naming the stage it describes.
    stage_text_label: str = ""  # "What Conversing looks like (the next stage)"
    stage_text: str = ""
    group_line: str = ""  # a workshop: spread, agreement and the leaders' gap in one sentence
    partly_folded: int = 0  # the core: "partly there" findings left to the full edition
    deferred: tuple[Deferred, ...] = ()  # weak answers a later stage's step takes up


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
            where = round(100 * positions[item.id])
            if n:
                return ngettext(
                    "average {score} of 100 ({n} answer)", "average {score} of 100 ({n} answers)", n
                ).format(score=where, n=n)
            return _("average {score} of 100").format(score=where)

        def unsure_note(item: Item) -> str:
            return _("{n} of {total} unsure").format(n=group.unsure_counts[item.id], total=group.n)

        # Rule 11 on the members' mean item scores (the group result has no answers of its own).
        strong, weak = strengths_and_weaknesses(q, positions)
        return Describer(positions, describe, unsure_note, frozenset(group.unsure_counts), strong, weak)

    positions = {
        i.id: item_score(i, answers[i.id])
        for i in q.items
        if isinstance(answers.get(i.id), int) and not isinstance(answers.get(i.id), bool)
    }

    def describe_one(item: Item) -> str:
        answer = item.option_label(answers[item.id])  # type: ignore[arg-type]
        if item.reverse:
            # The practice is worded the social way round, the question the other: "Always"
            # under "Posts that invite..." would read as praise, so the question is quoted.
            return _("answered \u201c{answer}\u201d to \u201c{question}\u201d").format(
                answer=answer, question=item.text
            )
        return _("answered \u201c{answer}\u201d").format(answer=answer)

    def unsure_one(item: Item) -> str:
        return _("answered \u201cunsure\u201d")

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


NEXT_STAGE_LABEL = N_("What {stage} looks like (the next stage)")
TOP_STAGE_LABEL = N_("What {stage} looks like (the stage this area is in)")


def finding_groups(
    findings: Sequence[Finding], dimension: str, later: Mapping[str, str] | None = None
) -> tuple[FindingGroup, ...]:
    """The dimension's findings under their kinds, most social first; empty kinds left out."""
    later = later or {}
    out = []
    for kind in prose.KIND_ORDER:
        found = findings_of(findings, dimension, (kind,))
        if found:
            views = tuple(FindingView(f.item, f.kind, f.text, later.get(f.item, "")) for f in found)
            out.append(FindingGroup(kind, _(prose.KIND_HEADINGS[kind]), views))
    return tuple(out)


def fold_partly(
    groups: tuple[FindingGroup, ...], shown_partly: frozenset[str]
) -> tuple[tuple[FindingGroup, ...], int]:
    """The core keeps a dimension to its page: its strengths, weaknesses and things to find out,
    and the "partly there" answers only where rule 15 shows them (the weakest area without a
    weak one: its lowest); the full edition lists every answer's finding."""
    out, folded = [], 0
    for g in groups:
        if g.kind != PARTLY:
            out.append(g)
            continue
        shown = tuple(f for f in g.findings if f.item in shown_partly)
        if shown:
            out.append(FindingGroup(g.kind, g.heading, shown))
        folded += len(g.findings) - len(shown)
    return tuple(out), folded


def lift_view(result: Result, findings: Sequence[Finding], dimension: str) -> LiftView | None:
    lift = result.lift.get(dimension)
    if lift is None:
        return None
    q = result.questionnaire
    d = result.dimension(dimension)
    following = q.next_stage(d.stage) if d.stage else None
    lead, note = prose.lift_lead(result, lift)
    by_item = {f.item: f for f in findings if f.dimension == dimension}
    items = tuple(
        LiftItem(i, q.item(i).practice, by_item[i].text if i in by_item else "") for i in lift.items
    )
    return LiftView(following.label if following else "", lead, items, note)


DEFERRED_LATER = N_("Taken up at a later stage: \u201c{title}\u201d, a step for {stage}.")
DEFERRED_NONE = N_("No step of this questionnaire builds this practice yet.")
DEFERRED_LEFT_OUT = N_(
    "Its step, \u201c{title}\u201d, is left out: it would rebuild something the answers show is "
    "already there."
)


def deferred_views(result: Result, findings: Sequence[Finding], dimension: str) -> tuple[Deferred, ...]:
    q = result.questionnaire
    by_item = {f.item: f for f in findings if f.dimension == dimension}
    recs = q.recommendations_by_id
    out = []
    for d in getattr(result, "deferred", ()):
        if d.dimension != dimension or d.item not in by_item:
            continue
        rec = recs.get(d.recommendation or "")
        left_out = recs.get(getattr(d, "left_out", None) or "")
        later = ""
        if rec is not None and d.stage:
            later = _(DEFERRED_LATER).format(title=rec.title.rstrip("."), stage=q.stage(d.stage).label)
        elif left_out is not None:
            later = _(DEFERRED_LEFT_OUT).format(title=left_out.title.rstrip("."))
        out.append(Deferred(d.item, by_item[d.item].text, later))
    return tuple(out)


def stage_text(q: Questionnaire, dimension_id: str, ds: object) -> tuple[str, str]:
    """The next stage's description for this dimension, or the top stage's, so labelled."""
    stage = getattr(ds, "stage", None)
    if stage is None:
        return "", ""
    d = q.dimension(dimension_id)
    following = q.next_stage(stage)
    shown = following or stage
    text = d.stage_descriptions.get(shown.id) or shown.description
    label = _(NEXT_STAGE_LABEL if following else TOP_STAGE_LABEL).format(stage=shown.label)
    return label, text


def dimension_sections(
    result: Result,
    anchors: Mapping[str, str],
    how: Describer,
    views: Mapping[str, GroupDimensionView],
    ranked: Sequence[Recommendation],
    findings: Sequence[Finding] = (),
    group_lines: Mapping[str, str] | None = None,
    is_group: bool = False,
    core: bool = False,
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
        label, text = stage_text(q, d.id, ds)
        deferred = () if is_group else deferred_views(result, findings, d.id)
        groups = finding_groups(findings, d.id, {x.item: x.later or _(DEFERRED_NONE) for x in deferred})
        folded = 0
        if core:
            # Rule 15: the weakest area shows its lowest "partly" answers when it has no weak one.
            lowest = weakest_findings(d.id, findings) if d.id == c.bottleneck else ()
            groups, folded = fold_partly(groups, frozenset(f.item for f in lowest if f.kind == PARTLY))
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
                finding_groups=groups,
                has_strength=any(g.kind in prose.STRENGTH_KINDS for g in groups),
                # Rule 16 rests on one set of answers: a group's means have none to raise.
                lift=None if is_group else lift_view(result, findings, d.id),
                stage_text_label=label,
                stage_text=text,
                group_line=(group_lines or {}).get(d.id, ""),
                deferred=deferred,
                partly_folded=folded,
            )
        )
    return tuple(sections)


def fields(
    inputs: Inputs,
    views: Mapping[str, GroupDimensionView],
    ranked: Sequence[Recommendation],
    findings: Sequence[Finding],
    group_lines: Mapping[str, str],
) -> dict[str, Any]:
    how = describer(inputs.result, inputs.group)
    return {
        "dimensions": dimension_sections(
            inputs.result,
            inputs.anchors,
            how,
            views,
            ranked,
            findings,
            group_lines,
            inputs.group is not None,
            not inputs.full,
        )
    }


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    sections = fields["dimensions"]
    return CHAPTER.chapter(
        [
            TocEntry(sections[0].anchor, _("Dimension by dimension")),
            *(TocEntry(d.anchor, d.label, sub=True) for d in sections),
        ]
    )


CHAPTER = ChapterSpec("dimensions", "sections/dimensions.html", 60, _chapter)
