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
_HORIZON_RANK = {h: n for n, h in enumerate(HORIZONS)}

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
    # Why it was chosen: "stage", "prerequisite", "weakness", "weakest" or "now" (see ``plan``).
    reason: str = "stage"
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
            "reason": self.reason,
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


# Why a step is on the roadmap (``RoadmapEntry.reason``).
REASON_STAGE = "stage"  # written for its dimension's current stage (rule 12's first step)
REASON_PREREQUISITE = "prerequisite"  # a chosen step requires it (rule 12's second step)
REASON_WEAKNESS = "weakness"  # it takes up a weak answer no other step addresses
REASON_WEAKEST = "weakest"  # the weakest area had no step of its own
REASON_NOW = "now"  # nothing else could start within three months
FIRST_PRIORITIES = 3


@dataclass(frozen=True)
class Deferral:
    """A weak answer no step on this roadmap addresses, and the later stage's recommendation that
    takes it up (both None when no later one addresses that item). ``left_out``: when no later
    one does, the step written for it at or below its stage that was left out because it would
    also rebuild a strength (or needs a step that would), so the report can say why."""

    item: str
    dimension: str
    recommendation: str | None
    stage: str | None
    left_out: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "dimension": self.dimension,
            "recommendation": self.recommendation,
            "stage": self.stage,
            "left_out": self.left_out,
        }


@dataclass(frozen=True)
class Plan:
    entries: tuple[RoadmapEntry, ...]
    deferred: tuple[Deferral, ...] = ()


def contradicts(questionnaire: Questionnaire, rec: Recommendation, scores: Mapping[str, float]) -> bool:
    """The step would build (add, or remove the obstacle to) a practice an answer already shows:
    one of the items it addresses is scored at or above the strength threshold, which is what
    an "in place" or "mostly" finding (rule 15) says. Every recommendation in place contradicts."""
    return any(scores.get(i, -1.0) >= questionnaire.thresholds.strength for i in rec.addresses)


def build_roadmap(
    questionnaire: Questionnaire,
    dimensions: Sequence[DimensionScore],
    classification: Classification,
    item_scores: Mapping[str, float] | None = None,
    profile: Profile | None = None,
) -> tuple[RoadmapEntry, ...]:
    """Rule 12 over rule 8's dimension order (see ``plan``). ``item_scores`` are rule 2's scores
    of the answered items; without them (a group's means) nothing counts as in place. ``profile``:
    the organisation's size band and sector, when given, pick each step's effort and owner."""
    return plan(questionnaire, dimensions, classification, item_scores, profile).entries


def plan(
    questionnaire: Questionnaire,
    dimensions: Sequence[DimensionScore],
    classification: Classification,
    item_scores: Mapping[str, float] | None = None,
    profile: Profile | None = None,
) -> Plan:
    """The roadmap and the weak answers it leaves to a later stage.

    Rule 12, with what makes it read right:

    1. For each dimension in rule 8's order, its current stage's recommendations that are
       *eligible*: none of their addressed items is a strength (``contradicts``: so nothing
       in place is chosen, nor a step that would add what an answer says is already there), and
       each of their requirements is in place or eligible itself.
    2. Their requirements not in place, transitively.
    3. Each weak answer (``s <= weakness``) no chosen step addresses: the eligible
       recommendation addressing it written for the latest stage not above its dimension's own;
       failing that, it is *deferred* to the earliest later stage's recommendation that
       addresses it.
    4. The weakest area (rule 6's bottleneck) below the top stage with no step yet: its best
       eligible recommendation, from its current stage, else the next ones up, else the ones below.
    5. A roadmap with no step that can start ``now``: one eligible ``now`` recommendation whose
       requirements are all in place, written for its dimension's current stage or a later one,
       the dimensions taken in rule 8's order.

    Then rule 12's order: every requirement before the steps that need it, otherwise by horizon,
    impact, effort and dimension; at most ``max_now`` entries in ``now``.
    """
    scores = item_scores or {}
    profile = profile or Profile()
    q = questionnaire
    known = [d.score for d in dimensions if d.score is not None]
    floor_failed = bool(known) and min(known) < q.thresholds.floor
    order = dimension_order(dimensions, classification, floor_failed)
    dimension_rank = {d.id: n for n, d in enumerate(order)}
    # The questionnaire's own look-up tables: built once when it is loaded.
    stage_index = q.stage_positions
    current = {d.id: stage_index[d.stage.id] for d in order if d.stage is not None}
    recs = q.recommendations_by_id
    addressing = q.recommendations_by_item
    memo: dict[str, bool] = {}
    placed: dict[str, bool] = {}

    def settled(rid: str) -> bool:
        """``in_place`` of a recommendation, asked once per plan."""
        found = placed.get(rid)
        if found is None:
            found = placed[rid] = in_place(q, recs[rid], scores)
        return found

    def eligible(rid: str) -> bool:
        if rid not in memo:
            rec = recs[rid]
            memo[rid] = not contradicts(q, rec, scores) and all(
                settled(o) or eligible(o) for o in rec.requires
            )
        return memo[rid]

    chosen: dict[str, str] = {}  # id -> reason; insertion order = position
    addressed: set[str] = set()  # items some chosen step addresses

    def choose(rid: str | None, reason: str) -> None:
        """Choose a step (None: the ones chosen so far) and then, breadth first, the requirements
        not in place of every step chosen, transitively (all eligible, since the steps are)."""
        if rid is not None:
            chosen.setdefault(rid, reason)
        pending = [rid] if rid is not None else list(chosen)
        for each in pending:
            addressed.update(recs[each].addresses)
        while pending:
            for other in recs[pending.pop(0)].requires:
                if other not in chosen and not settled(other):
                    chosen[other] = REASON_PREREQUISITE
                    addressed.update(recs[other].addresses)
                    pending.append(other)

    def by_stage_preference(dimension: str, candidates: list[Recommendation]) -> list[Recommendation]:
        """The dimension's current stage first, then the stages above it, then those below."""
        here = current[dimension]

        def distance(rec: Recommendation) -> tuple[int, int]:
            n = stage_index[rec.stage]
            return (0, n - here) if n >= here else (1, here - n)

        return sorted(candidates, key=lambda r: (distance(r), -r.impact, EFFORTS.index(r.effort)))

    # 1, then 2 (positions, rule 8's last tie-break, are in this order of choosing).
    for d in order:
        for rec in q.recommendations_for(d.id, d.stage.id):  # type: ignore[union-attr]
            if eligible(rec.id):
                chosen[rec.id] = REASON_STAGE
    choose(None, REASON_STAGE)

    # 3: a weak answer no chosen step addresses gets the step written for it at or below its stage.
    weak = [i.id for i in q.items if scores.get(i.id, 1.0) <= q.thresholds.weakness]
    for item_id in weak:
        if item_id in addressed:
            continue  # on a chosen step (perhaps one chosen for an earlier weak answer)
        now_or_before = [
            r
            for r in addressing.get(item_id, ())
            if r.dimension in current and stage_index[r.stage] <= current[r.dimension] and eligible(r.id)
        ]
        if now_or_before:
            best = max(now_or_before, key=lambda r: stage_index[r.stage])  # max() keeps the first on ties
            choose(best.id, REASON_WEAKNESS)

    # 4: the weakest area below the top stage always has a step, where the file has one to give.
    weakest = classification.bottleneck
    if weakest in current and current[weakest] < len(q.stages) - 1:
        weakest_items = {i.id for i in q.items_of(weakest)}
        has_step = any(
            recs[rid].dimension == weakest or weakest_items & set(recs[rid].addresses) for rid in chosen
        )
        if not has_step:
            own = [r for r in q.recommendations_of(weakest) if eligible(r.id)]
            if own:
                choose(by_stage_preference(weakest, own)[0].id, REASON_WEAKEST)

    # 5: something can start within three months whenever anything is to be done.
    needs = {rid: [o for o in recs[rid].requires if o in chosen] for rid in chosen}
    horizon = _effective_horizons(recs, needs)
    if chosen and "now" not in horizon.values():
        for d in order:
            quick = [
                r
                for r in q.recommendations_of(d.id)
                if stage_index[r.stage] >= current[d.id]  # never an earlier stage's step for this
                and r.horizon == "now"
                and r.id not in chosen
                and eligible(r.id)
                and all(settled(o) for o in r.requires)
            ]
            if quick:
                choose(by_stage_preference(d.id, quick)[0].id, REASON_NOW)
                break
        needs = {rid: [o for o in recs[rid].requires if o in chosen] for rid in chosen}
        horizon = _effective_horizons(recs, needs)

    # What is still weak and on no step goes to the earliest later stage's step that addresses it.
    deferred: list[Deferral] = []
    for item_id in (i for i in weak if i not in addressed):
        later = [
            r
            for r in addressing.get(item_id, ())
            if r.dimension in current and stage_index[r.stage] > current[r.dimension]
        ]
        later.sort(key=lambda r: (not eligible(r.id), stage_index[r.stage]))
        taker = later[0] if later else None
        held = None
        if taker is None:
            held = next((r.id for r in addressing.get(item_id, ()) if r.dimension in current), None)
        deferred.append(
            Deferral(
                item_id,
                q.item(item_id).dimension,
                taker.id if taker else None,
                taker.stage if taker else None,
                held,
            )
        )

    key: dict[str, Key] = {}
    effort = {rid: profile.effort(recs[rid]) for rid in chosen}  # once per step: sort key and entry
    for position, rid in enumerate(chosen):
        rec = recs[rid]
        key[rid] = (
            _HORIZON_RANK[horizon[rid]],
            -rec.impact,
            EFFORTS.index(effort[rid]),
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
            if now_seen > q.thresholds.max_now:
                effective = "next"
        entries.append(
            RoadmapEntry(
                rank=rank,
                dimension=rec.dimension,
                dimension_label=q.dimension(rec.dimension).label,
                stage=rec.stage,
                recommendation=rec,
                horizon=effective,
                prerequisite=chosen[rid] == REASON_PREREQUISITE,
                reason=chosen[rid],
                effort=effort[rid],
                owner=profile.owner(rec),
            )
        )
    return Plan(tuple(entries), tuple(deferred))


def first_priorities(
    roadmap: Sequence[RoadmapEntry], count: int = FIRST_PRIORITIES
) -> tuple[RoadmapEntry, ...]:
    """The summary's first priorities: the first ``count`` steps of the roadmap (all of them when
    it has fewer), at least one of them starting ``now`` whenever the roadmap has such a step
    (a curated roadmap may have moved it down)."""
    first = list(roadmap[:count])
    if first and not any(e.horizon == "now" for e in first):
        quick = next((e for e in roadmap if e.horizon == "now"), None)
        if quick is not None:
            first[-1] = quick
    return tuple(first)


def _effective_horizons(recs: Mapping[str, Recommendation], needs: Mapping[str, list[str]]) -> dict[str, str]:
    """A step starts no earlier than the latest of its (chosen) prerequisites."""
    memo: dict[str, str] = {}

    def of(rid: str) -> str:
        found = memo.get(rid)
        if found is None:
            found = recs[rid].horizon
            for other in needs[rid]:
                later = of(other)
                if _HORIZON_RANK[later] > _HORIZON_RANK[found]:
                    found = later
            memo[rid] = found
        return found

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
        found = priority.get(rid)
        if found is None:
            found = key[rid]
            for dependant in dependants[rid]:
                found = min(found, urgency(dependant))
            priority[rid] = found
        return found

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
