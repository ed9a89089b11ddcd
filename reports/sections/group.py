"""The group's view (rule 9, published under rule 13): distribution, agreement, leaders and the
others, and the questions worth discussing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessment.domain.figures import MINUS, change_text, score_bounds, shown_number
from assessment.domain.questionnaire import Questionnaire
from assessment.domain.text import N_
from assessment.i18n import _

from .. import charts, prose
from ..fetcher import Asset, asset_url
from ..inputs import GroupData, GroupGap
from .base import FULL_ONLY, Chapter, ChapterSpec, Inputs, TocEntry
from .common import Chart, alt_text, drawable, score_shown

AGREEMENT_LABELS = {
    "high": N_("High agreement"),
    "moderate": N_("Moderate agreement"),
    "low": N_("Low agreement"),
}


@dataclass(frozen=True)
class GroupDimensionView:
    n: int
    mean: str
    median: str
    sd: str
    min: str
    max: str
    rwg: str
    agreement: str  # "High agreement", ... or the reason it is missing


@dataclass(frozen=True)
class GapView:
    dimension_label: str
    leaders: str
    others: str
    gap: str


@dataclass(frozen=True)
class PromptView:
    text: str
    dimension_label: str
    sd: str
    n: int
    distribution: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class GroupSection:
    name: str
    n: int
    rows: tuple[tuple[str, GroupDimensionView], ...]  # (dimension label, numbers)
    gap_withheld: str | None
    gap_leaders_n: int
    gap_others_n: int
    gap_rows: tuple[GapView, ...]
    prompts: tuple[PromptView, ...]
    gap_summary: str  # one sentence for the executive summary: the largest gap, or why withheld


def _number(value: float | None, digits: int) -> str:
    return shown_number(value, digits).text


def group_views(q: Questionnaire, group: GroupData | None) -> dict[str, GroupDimensionView]:
    """Each dimension's group figures as display strings by rule 17 (empty without a group)."""
    views = {}
    for g in group.dimensions if group else ():
        label = AGREEMENT_LABELS.get(g.agreement or "", "")
        agreement = (
            _(label) if label else (_(g.agreement_note) if g.agreement_note else _("Not enough answers"))
        )
        views[g.dimension] = GroupDimensionView(
            n=g.n,
            mean=score_shown(q, g.mean),
            median=score_shown(q, g.median),
            sd=_number(g.sd, 1),
            min=score_shown(q, g.min),
            max=score_shown(q, g.max),
            rwg=_number(g.rwg, 2),
            agreement=agreement,
        )
    return views


def gap_figures(q: Questionnaire, leaders: float | None, others: float | None) -> tuple[str, str, str]:
    """(leaders, others, leaders minus others) as shown: the gap is the difference of the shown
    figures (rule 17), so "47 against 20" always reads +27."""
    others_shown, leaders_shown, difference = change_text(others, leaders, score_bounds(q))
    return leaders_shown, others_shown, difference


def group_lines(
    q: Questionnaire, group: GroupData | None, views: Mapping[str, GroupDimensionView]
) -> dict[str, str]:
    """Per dimension, one sentence on the spread, the agreement and the leaders' gap together."""
    if group is None:
        return {}
    gap = group.gap
    rows = {r.dimension: r for r in gap.rows} if gap is not None and not gap.withheld_reason else {}
    out = {}
    for g in group.dimensions:
        v = views[g.dimension]
        if g.mean is None:
            continue
        row = rows.get(g.dimension)
        figures = None
        if row is not None and row.leaders is not None and row.others is not None:
            figures = gap_figures(q, row.leaders, row.others)
        out[g.dimension] = prose.group_line(
            q.dimension(g.dimension).label,
            g.n,
            v.mean,
            v.sd,
            v.min,
            v.max,
            (None if g.max is None or g.min is None else g.max - g.min, g.sd),
            g.agreement,
            figures,
            None if gap is None else gap.withheld_reason,
        )
    return out


def gap_summary(gap: GroupGap | None, labels: Mapping[str, str], q: Questionnaire) -> str:
    """The perception gap in one sentence for the executive summary."""
    if gap is None:
        return _("No comparison of leaders and the others is available for this group.")
    if gap.withheld_reason:
        # Whole sentences in the report's language (inputs.gap_summary_reason, inputs.gap_reason).
        return gap.withheld_summary or gap.withheld_reason
    rows = [r for r in gap.rows if r.gap is not None]
    if not rows:
        return _("Leaders and the others cannot be compared: no dimension has scores on both sides.")
    widest = max(rows, key=lambda r: abs(r.gap))  # type: ignore[arg-type]
    label = labels.get(widest.dimension, widest.dimension)
    leaders, others, difference = gap_figures(q, widest.leaders, widest.others)
    facts = {"leaders_n": gap.leaders_n, "others_n": gap.others_n, "area": label}
    if difference.lstrip("\u00b1").strip("0.,") == "":
        return _(
            "Leaders ({leaders_n}) and the others ({others_n}) see every dimension alike "
            "(the widest gap, in {area}, is {leaders} against {others})."
        ).format(**facts, leaders=leaders, others=others)
    points = difference.lstrip("+" + MINUS)
    if not difference.startswith(MINUS):
        frame = _(
            "Leaders ({leaders_n}) and the others ({others_n}) see the organisation differently: the "
            "widest gap is in {area}, where leaders score it {points} points higher ({high} against {low})."
        )
        return frame.format(**facts, points=points, high=leaders, low=others)
    frame = _(
        "Leaders ({leaders_n}) and the others ({others_n}) see the organisation differently: the widest "
        "gap is in {area}, where the others score it {points} points higher ({high} against {low})."
    )
    return frame.format(**facts, points=points, high=others, low=leaders)


def group_section(
    q: Questionnaire,
    group: GroupData | None,
    labels: Mapping[str, str],
    views: Mapping[str, GroupDimensionView],
    assets: dict[str, Asset],
    accent: str,
) -> tuple[Chart | None, GroupSection | None]:
    """The group's view: distribution chart, statistics, leaders vs others, prompts."""
    if group is None:
        return None, None
    spreads = [
        charts.Spread(
            g.dimension, labels.get(g.dimension, g.dimension), g.n, g.mean, g.median, g.sd, g.min, g.max
        )
        for g in group.dimensions
    ]
    dist_svg = charts.distribution_svg(spreads, accent, score_bounds(q))
    assets["distribution.svg"] = Asset(dist_svg.encode(), "image/svg+xml")
    distribution = Chart(asset_url("distribution.svg"), dist_svg, alt_text(dist_svg))
    gap = group.gap
    section = GroupSection(
        name=drawable(group.name),
        n=group.n,
        rows=tuple((labels.get(g.dimension, g.dimension), views[g.dimension]) for g in group.dimensions),
        gap_withheld=None if gap is None else gap.withheld_reason,
        gap_leaders_n=0 if gap is None else gap.leaders_n,
        gap_others_n=0 if gap is None else gap.others_n,
        gap_rows=()
        if gap is None or gap.withheld_reason
        else tuple(
            GapView(labels.get(r.dimension, r.dimension), *gap_figures(q, r.leaders, r.others))
            for r in gap.rows
        ),
        prompts=tuple(
            PromptView(
                p.text,
                labels.get(p.dimension, p.dimension),
                # On the scores' 0..100 scale, like the dimension SDs beside it.
                _number(p.sd if p.spread is None else 100 * p.spread, 1),
                p.n,
                p.distribution,
            )
            for p in group.prompts
        ),
        gap_summary=gap_summary(gap, labels, q),
    )
    return distribution, section


def fields(inputs: Inputs, views: Mapping[str, GroupDimensionView]) -> dict[str, Any]:
    distribution, section = group_section(
        inputs.questionnaire, inputs.group, inputs.labels, views, inputs.assets, inputs.accent
    )
    return {"distribution": distribution, "group": section}


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    if fields["group"] is None:
        return None
    return CHAPTER.chapter([TocEntry("group", _("The group's view"))])


CHAPTER = ChapterSpec("group", "sections/group.html", 40, _chapter, FULL_ONLY)
