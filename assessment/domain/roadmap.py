"""SCORING.md rules 8 and 12: gaps to the next stage and the migration roadmap that follows the answers.

Rule 12 in short: a recommendation whose addressed items are all strengths is already *in
place* and never chosen; each chosen recommendation brings its missing prerequisites
(``requires``) with it, from any stage or dimension; a prerequisite always comes first; the
``now`` horizon holds at most ``max_now`` entries.

Two decisions the rules leave open, made here and described in docs/method.md:

- A recommendation cannot start before its prerequisites, so its effective horizon is never
  earlier than theirs (a ``now`` step that needs a ``next`` one moves to ``next``).
- Inside a horizon a prerequisite takes the place of the most urgent step that needs it (it
  inherits that step's rule 8 key), so a high-impact step and its prerequisite stay together
  near the top instead of the step waiting behind unrelated ones.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .questionnaire import EFFORTS, HORIZONS, Questionnaire, Recommendation
from .scoring import Classification, DimensionScore

Key = tuple[int, int, int, int, int]

# The organisation's size band and sector (as the start form offers them) decide which of a
# recommendation's ``effort_by_size`` ratings and whether its ``owner_small`` stand-in apply.
SMALL_BANDS = frozenset({"1-9", "10-49"})
LARGE_BANDS = frozenset({"250-999", "1000+"})
REGULATED_SECTORS = frozenset({"Financial services", "Health and social care"})


@dataclass(frozen=True)
class Profile:
    """What the roadmap may know of the organisation; empty fields mean "not said"."""

    size_band: str = ""
    sector: str = ""

    @property
    def small(self) -> bool:
        return self.size_band in SMALL_BANDS

    @property
    def effort_kind(self) -> str | None:
        """Which ``effort_by_size`` rating applies: regulation outweighs size, since the checks a
        regulator requires are what make a step costly whatever the headcount."""
        if self.sector in REGULATED_SECTORS:
            return "regulated"
        if self.small:
            return "small"
        if self.size_band in LARGE_BANDS:
            return "large"
        return None

    def effort(self, rec: Recommendation) -> str:
        return rec.effort_for(self.effort_kind)

    def owner(self, rec: Recommendation) -> str:
        return rec.owner_for("small" if self.small else None)


@dataclass(frozen=True)
class RoadmapEntry:
    rank: int
    dimension: str
    dimension_label: str
    stage: str  # the stage the recommendation is written for
    recommendation: Recommendation
    # The effective horizon: never before a prerequisite's, and after the max_now cap (rule 12).
    horizon: str = ""
    # Chosen only because a chosen recommendation requires it (rule 12's second step).
    prerequisite: bool = False
    # For this organisation (Profile): the effort rating and the owner; empty means the file's.
    effort: str = ""
    owner: str = ""

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
            "horizon": self.horizon or r.horizon,
            "effort": self.effort or r.effort,
            "impact": r.impact,
            "owner": self.owner or r.owner,
            "addresses": list(r.addresses),
            "requires": list(r.requires),
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


def in_place(questionnaire: Questionnaire, rec: Recommendation, scores: Mapping[str, float]) -> bool:
    """Rule 12: at least one addressed item is scored and every scored one is a strength.

    A recommendation that addresses nothing (files before version 1.1) is never in place."""
    scored = [scores[i] for i in rec.addresses if i in scores]
    return bool(scored) and all(s >= questionnaire.thresholds.strength for s in scored)


def build_roadmap(
    questionnaire: Questionnaire,
    dimensions: Sequence[DimensionScore],
    classification: Classification,
    item_scores: Mapping[str, float] | None = None,
    profile: Profile | None = None,
) -> tuple[RoadmapEntry, ...]:
    """Rule 12 over rule 8's dimension order. ``item_scores`` are rule 2's scores of the answered
    items; without them (a group's means) nothing counts as in place. ``profile``: the
    organisation's size band and sector, when given, pick each step's effort and owner."""
    scores = item_scores or {}
    profile = profile or Profile()
    known = [d.score for d in dimensions if d.score is not None]
    floor_failed = bool(known) and min(known) < questionnaire.thresholds.floor
    order = dimension_order(dimensions, classification, floor_failed)
    dimension_rank = {d.id: n for n, d in enumerate(order)}
    recs = {r.id: r for r in questionnaire.recommendations}

    # Step 1: for each dimension in rule 8's order, its current stage's recommendations not in place.
    chosen: dict[str, bool] = {}  # id -> chosen only as a prerequisite; insertion order = position
    for d in order:
        for rec in questionnaire.recommendations_for(d.id, d.stage.id):
            if not in_place(questionnaire, rec, scores):
                chosen[rec.id] = False
    # Step 2: their prerequisites not in place, whatever their stage or dimension, transitively.
    pending = list(chosen)
    while pending:
        for other in recs[pending.pop(0)].requires:
            if other not in chosen and not in_place(questionnaire, recs[other], scores):
                chosen[other] = True
                pending.append(other)

    # Only prerequisites that are themselves chosen constrain the order: one in place is done.
    needs = {rid: [o for o in recs[rid].requires if o in chosen] for rid in chosen}
    horizon = _effective_horizons(recs, needs)
    key: dict[str, Key] = {}
    for position, rid in enumerate(chosen):
        rec = recs[rid]
        key[rid] = (
            HORIZONS.index(horizon[rid]),
            -rec.impact,
            EFFORTS.index(profile.effort(rec)),
            dimension_rank.get(rec.dimension, len(order)),
            position,
        )
    ordered = _prerequisites_first(needs, key)

    # The cap: the first max_now "now" entries stay; the rest become "next", keeping their place.
    now_seen = 0
    entries = []
    for rank, rid in enumerate(ordered, start=1):
        rec = recs[rid]
        effective = horizon[rid]
        if effective == "now":
            now_seen += 1
            if now_seen > questionnaire.thresholds.max_now:
                effective = "next"
        entries.append(
            RoadmapEntry(
                rank=rank,
                dimension=rec.dimension,
                dimension_label=questionnaire.dimension(rec.dimension).label,
                stage=rec.stage,
                recommendation=rec,
                horizon=effective,
                prerequisite=chosen[rid],
                effort=profile.effort(rec),
                owner=profile.owner(rec),
            )
        )
    return tuple(entries)


def _effective_horizons(recs: Mapping[str, Recommendation], needs: Mapping[str, list[str]]) -> dict[str, str]:
    """A step starts no earlier than the latest of its (chosen) prerequisites."""
    memo: dict[str, str] = {}

    def of(rid: str) -> str:
        if rid not in memo:
            candidates = [recs[rid].horizon, *(of(o) for o in needs[rid])]
            memo[rid] = max(candidates, key=HORIZONS.index)
        return memo[rid]

    for rid in needs:
        of(rid)
    return memo


def _prerequisites_first(needs: Mapping[str, list[str]], key: Mapping[str, Key]) -> list[str]:
    """Topological order (the loader rejects cycles) that otherwise follows ``key``.

    Each step's priority is the smallest key of itself and every step that (transitively) needs
    it, so a prerequisite is taken just before the most urgent step waiting for it."""
    dependants: dict[str, list[str]] = {rid: [] for rid in needs}
    for rid, others in needs.items():
        for other in others:
            dependants[other].append(rid)
    priority: dict[str, Key] = {}

    def urgency(rid: str) -> Key:
        if rid not in priority:
            priority[rid] = min([key[rid], *(urgency(d) for d in dependants[rid])])
        return priority[rid]

    waiting = {rid: len(others) for rid, others in needs.items()}
    ready = [(urgency(rid), key[rid], rid) for rid, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, _, rid = heapq.heappop(ready)
        out.append(rid)
        for d in dependants[rid]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(ready, (urgency(d), key[d], d))
    return out
