"""The migration roadmap (rules 8 and 12), grouped by horizon; its first entries are the
executive summary's priorities and each dimension page lists its own steps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assessment.domain.questionnaire import HORIZON_LABELS, HORIZONS
from assessment.domain.result import Result
from assessment.domain.roadmap import RoadmapEntry, first_priorities
from assessment.domain.text import N_
from assessment.i18n import _, ngettext

from .base import CORE, Chapter, ChapterSpec, Inputs, TocEntry
from .common import owner_label

# Marked here, translated where a Recommendation is built (in the report's language).
EFFORT_LABELS = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}
IMPACT_LABELS = {1: N_("Low"), 2: N_("Medium"), 3: N_("High")}
HORIZON_NAMES = {
    "now": N_("Now (0-3 months)"),
    "next": N_("Next (3-12 months)"),
    "later": N_("Later (12+ months)"),
}
# The questionnaire's owners (assessment.domain.questionnaire.OWNERS) as a report names them.
OWNER_NAMES = {
    "leadership": N_("Leadership"),
    "communications": N_("Communications"),
    "team leaders": N_("Team leaders"),
    "customer service": N_("Customer service"),
    "operations": N_("Operations"),
    "community manager": N_("Community manager"),
    "HR": N_("HR"),
    "IT": N_("IT"),
    "legal": N_("Legal"),
    "compliance": N_("Compliance"),
    "finance": N_("Finance"),
}


def horizon_name(horizon: str) -> str:
    return _(HORIZON_NAMES[horizon]) if horizon in HORIZON_NAMES else HORIZON_LABELS.get(horizon, horizon)


def owner_name(owner: str) -> str:
    return _(OWNER_NAMES[owner]) if owner in OWNER_NAMES else owner_label(owner)


@dataclass(frozen=True)
class Recommendation:
    id: str
    rank: int | None
    title: str
    why: str
    actions: tuple[str, ...]
    dimension: str
    dimension_label: str
    owner: str
    effort: str  # "Low", "Medium", "High"
    impact: str
    impact_value: int
    horizon: str  # the effective horizon (rule 12: after prerequisites and the max_now cap)
    horizon_label: str
    builds_on: str = ""  # "#2, #5": the roadmap ranks of the steps it requires
    in_place: bool = False  # rule 12: its practices are already strengths


@dataclass(frozen=True)
class Horizon:
    id: str
    label: str
    entries: tuple[Recommendation, ...]


def recommendation(  # type: ignore[no-untyped-def]
    entry_rank: int | None,
    rec,
    dimension_label: str,
    horizon: str | None = None,
    builds_on: str = "",
    entry: RoadmapEntry | None = None,
) -> Recommendation:
    """``entry``: the roadmap's choice, whose effort and owner fit the organisation's size and sector."""
    horizon = horizon or rec.horizon
    owner = (entry.owner if entry else "") or rec.owner
    effort = (entry.effort if entry else "") or rec.effort
    return Recommendation(
        id=rec.id,
        rank=entry_rank,
        title=rec.title,
        why=rec.why,
        actions=tuple(rec.actions),
        dimension=rec.dimension,
        dimension_label=dimension_label,
        owner=owner_name(owner),
        effort=_(EFFORT_LABELS[effort]) if effort in EFFORT_LABELS else effort,
        impact=_(IMPACT_LABELS[rec.impact]) if rec.impact in IMPACT_LABELS else str(rec.impact),
        impact_value=rec.impact,
        horizon=horizon,
        horizon_label=horizon_name(horizon),
        builds_on=builds_on,
    )


def curated(
    entries: Iterable[RoadmapEntry], hidden: frozenset[str], order: Sequence[str] | None
) -> list[RoadmapEntry]:
    """SCORING.md section 8 order, less hidden recommendations; a facilitator's ``order``
    (recommendation ids) reorders inside each horizon, unlisted ones following in rule-8 order.
    Grouping by horizon always stays: it is the roadmap's meaning."""
    kept = [e for e in entries if e.recommendation.id not in hidden]
    if order:
        position = {rec_id: n for n, rec_id in enumerate(order)}
        rule8 = {e.recommendation.id: n for n, e in enumerate(kept)}
        kept.sort(
            key=lambda e: (
                HORIZONS.index(e.horizon or e.recommendation.horizon),
                position.get(e.recommendation.id, len(position)),
                rule8[e.recommendation.id],
            )
        )
    return kept


def roadmap_section(
    result: Result, labels: Mapping[str, str], hidden: frozenset[str], order: Sequence[str] | None
) -> tuple[list[Recommendation], tuple[Horizon, ...]]:
    """The roadmap (and, from its first three entries, the executive summary's priorities)."""
    ordered = curated(result.roadmap, hidden, order)
    rank = {e.recommendation.id: n for n, e in enumerate(ordered, 1)}
    ranked = [
        recommendation(
            n,
            e.recommendation,
            labels[e.dimension],
            e.horizon or e.recommendation.horizon,
            ", ".join(f"#{rank[r]}" for r in e.recommendation.requires if r in rank),
            e,
        )
        for n, e in enumerate(ordered, 1)
    ]
    horizons = tuple(
        Horizon(h, horizon_name(h), tuple(r for r in ranked if r.horizon == h))
        for h in HORIZONS
        if any(r.horizon == h for r in ranked)
    )
    return ranked, horizons


# Each part a whole phrase with its own plural (ngettext), the list joined by a translated frame.
ROADMAP_AND = N_("{first} and {last}")


def _part(horizon: str, n: int) -> str:
    if horizon == "now":
        return ngettext("{n} to start now", "{n} to start now", n).format(n=n)
    if horizon == "next":
        return ngettext("{n} in the months after", "{n} in the months after", n).format(n=n)
    return ngettext("{n} in a year or more", "{n} in a year or more", n).format(n=n)


# The core edition's roadmap is one page: its first steps in roadmap order, the rest named by
# count (the full edition lists them all). Measured: 14 rows and three period headings fill an A4
# page with the lead and legend; 12 leave room for long titles.
CORE_ROADMAP_ROWS = 12


def page_rows(horizons: Sequence[Horizon], edition: str) -> tuple[tuple[Horizon, ...], int]:
    """The periods as the roadmap page shows them, and how many steps it leaves to the full edition."""
    if edition != CORE:
        return tuple(horizons), 0
    shown, left = [], CORE_ROADMAP_ROWS
    for h in horizons:
        entries = h.entries[: max(left, 0)]
        left -= len(entries)
        if entries:
            shown.append(Horizon(h.id, h.label, entries))
    total = sum(len(h.entries) for h in horizons)
    return tuple(shown), total - sum(len(h.entries) for h in shown)


def roadmap_lead(horizons: Sequence[Horizon], hidden: int) -> str:
    """How many steps, and when they start: what this roadmap holds, in one sentence."""
    count = sum(len(h.entries) for h in horizons)
    if not count:
        return ""
    parts = [_part(h.id, len(h.entries)) for h in horizons if h.id in HORIZON_NAMES and h.entries]
    listed = (
        parts[0] if len(parts) == 1 else _(ROADMAP_AND).format(first=", ".join(parts[:-1]), last=parts[-1])
    )
    text = ngettext(
        "{count} step on this roadmap: {parts}.", "{count} steps on this roadmap: {parts}.", count
    )
    text = text.format(count=count, parts=listed)
    if hidden:
        more = ngettext(
            "{n} more left out by the facilitator.", "{n} more left out by the facilitator.", hidden
        )
        text += " " + more.format(n=hidden)
    return text


def priorities(
    result: Result, ranked: Sequence[Recommendation], inputs: Inputs
) -> tuple[Recommendation, ...]:
    """The summary's first priorities (the domain's ``first_priorities`` over the roadmap as
    curated): three steps when there are three, at least one starting now when any can."""
    by_id = {r.id: r for r in ranked}
    ordered = curated(result.roadmap, inputs.hidden, inputs.order)
    return tuple(
        by_id[e.recommendation.id] for e in first_priorities(ordered) if e.recommendation.id in by_id
    )


def fields(inputs: Inputs) -> tuple[list[Recommendation], dict[str, Any]]:
    result = inputs.result
    ranked, horizons = roadmap_section(result, inputs.labels, inputs.hidden, inputs.order)
    hidden = sum(1 for e in result.roadmap if e.recommendation.id in inputs.hidden)
    page, more = page_rows(horizons, inputs.edition)
    return ranked, {
        "roadmap_page": page,
        "roadmap_more": more,
        "priorities": priorities(result, ranked, inputs),
        "roadmap_lead": roadmap_lead(horizons, hidden),
        "roadmap": horizons,
        "roadmap_count": len(ranked),
        "hidden_count": hidden,
        "max_now": inputs.questionnaire.thresholds.max_now,
    }


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    return CHAPTER.chapter([TocEntry("roadmap", _("Migration roadmap"))])


CHAPTER = ChapterSpec("roadmap", "sections/roadmap.html", 70, _chapter)
