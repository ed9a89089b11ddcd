"""The group's view (rule 9, published under rule 13): distribution, agreement, leaders and the
others, and the questions worth discussing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import charts
from ..fetcher import Asset, asset_url
from ..inputs import GroupData, GroupGap
from .base import Chapter, ChapterSpec, Inputs, TocEntry
from .common import Chart, alt_text, drawable, fmt

AGREEMENT_LABELS = {"high": "High agreement", "moderate": "Moderate agreement", "low": "Low agreement"}


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


def group_views(group: GroupData | None) -> dict[str, GroupDimensionView]:
    """Each dimension's group figures as display strings (empty without a group)."""
    views = {}
    for g in group.dimensions if group else ():
        agreement = AGREEMENT_LABELS.get(g.agreement or "", "") or (g.agreement_note or "Not enough answers")
        views[g.dimension] = GroupDimensionView(
            n=g.n,
            mean=fmt(g.mean),
            median=fmt(g.median),
            sd=fmt(g.sd, 1),
            min=fmt(g.min),
            max=fmt(g.max),
            rwg=fmt(g.rwg, 2),
            agreement=agreement,
        )
    return views


def gap_summary(gap: GroupGap | None, labels: Mapping[str, str]) -> str:
    """The perception gap in one sentence for the executive summary."""
    if gap is None:
        return "No comparison of leaders and the others is available for this group."
    if gap.withheld_reason:
        reason = gap.withheld_reason
        return f"The comparison of leaders and the others is {reason[:1].lower()}{reason[1:]}"
    rows = [r for r in gap.rows if r.gap is not None]
    if not rows:
        return "Leaders and the others cannot be compared: no dimension has scores on both sides."
    widest = max(rows, key=lambda r: abs(r.gap))  # type: ignore[arg-type]
    label = labels.get(widest.dimension, widest.dimension)
    if round(abs(widest.gap), 0) == 0:  # type: ignore[arg-type]
        return (
            f"Leaders ({gap.leaders_n}) and the others ({gap.others_n}) see every dimension alike "
            "(no gap of a point or more)."
        )
    rosier = "leaders" if widest.gap > 0 else "the others"  # type: ignore[operator]
    return (
        f"Leaders ({gap.leaders_n}) and the others ({gap.others_n}) see the organisation differently: "
        f"the widest gap is in {label}, where {rosier} score it {abs(widest.gap):.0f} points higher "  # type: ignore[arg-type]
        f"({fmt(widest.leaders)} against {fmt(widest.others)})."
    )


def group_section(
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
    dist_svg = charts.distribution_svg(spreads, accent)
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
            GapView(
                labels.get(r.dimension, r.dimension),
                fmt(r.leaders),
                fmt(r.others),
                "–" if r.gap is None else f"{r.gap:+.0f}",
            )
            for r in gap.rows
        ),
        prompts=tuple(
            PromptView(
                p.text,
                labels.get(p.dimension, p.dimension),
                # On the scores' 0..100 scale, like the dimension SDs beside it.
                f"{p.sd:.1f}" if p.spread is None else f"{100 * p.spread:.1f}",
                p.n,
                p.distribution,
            )
            for p in group.prompts
        ),
        gap_summary=gap_summary(gap, labels),
    )
    return distribution, section


def fields(inputs: Inputs, views: Mapping[str, GroupDimensionView]) -> dict[str, Any]:
    distribution, section = group_section(inputs.group, inputs.labels, views, inputs.assets, inputs.accent)
    return {"distribution": distribution, "group": section}


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    if fields["group"] is None:
        return None
    return CHAPTER.chapter([TocEntry("group", "The group's view")])


CHAPTER = ChapterSpec("group", "sections/group.html", 40, _chapter)
