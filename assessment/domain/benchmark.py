"""SCORING.md rule 18: how an organisation compares with similar ones, without exposing any.

Pure functions over plain values (no database): the services feed them what SQL has counted and
sorted, the tests feed them generated pools.

- **Snapshot**: figures come only from a published snapshot of the pool, which advances when at
  least ``SNAPSHOT_STEP`` (5) entries have come since the last one (``should_advance``). Entries
  withdrawn or replaced stay in the published snapshot until then, so two views never differ by
  one organisation. ``SnapshotPool`` is the rule as a small state machine, the reference the
  database-backed pool in ``services.benchmarks`` follows.
- **Comparison group** (``choose_group``): sector and size band; below ``benchmark_min`` entries
  the sector alone, then the size band alone, then everyone; below it even for everyone the
  figures are withheld, saying how many more entries are needed.
- **Figures**: the median and quartiles of each dimension and of the overall index, by linear
  interpolation between order statistics (numpy's default): for sorted ``x_0..x_{n-1}`` the
  p-quantile is ``x_j + g (x_{j+1} - x_j)`` with ``h = (n - 1) p``, ``j = floor(h)``, ``g = h - j``.
  An organisation's percentile rank is ``100 * (below + 0.5 * equal) / n`` over the group's
  entries with its own entry left out.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .organisation import SIZE_LABELS
from .questionnaire import Questionnaire

SNAPSHOT_STEP = 5  # rule 18: the snapshot advances only after this many new entries
DEFAULT_MIN = 10  # rule 18's default benchmark_min (the file may set its own)

# The fall-back order of comparison groups: which of (sector, size band) each level keeps.
LEVELS: tuple[tuple[bool, bool], ...] = ((True, True), (True, False), (False, True), (False, False))

EVERYONE = "all organisations in the comparison"
WITHHELD_EMPTY = "the comparison has no organisations in it yet"
WITHHELD_TOO_FEW = "the comparison has fewer than {minimum} organisations, even across every sector and size"


@dataclass(frozen=True)
class Group:
    """The comparison group used: ``None`` for a criterion not applied (sector None: any)."""

    sector: str | None
    size_band: str | None
    n: int

    def to_dict(self) -> dict[str, str | None]:
        return {"sector": self.sector, "size_band": self.size_band}


@dataclass(frozen=True)
class Withheld:
    """No figures: the pool's snapshot is smaller than ``benchmark_min`` even for everyone."""

    reason: str
    needed: int  # how many more entries the snapshot needs before figures show

    def to_dict(self) -> dict[str, Any]:
        return {"withheld": self.reason, "needed": self.needed}


def minimum_of(questionnaire: Questionnaire) -> int:
    return questionnaire.thresholds.benchmark_min


def should_advance(new_since_last: int) -> bool:
    """Rule 18: a snapshot advances only once at least SNAPSHOT_STEP entries have come."""
    return new_since_last >= SNAPSHOT_STEP


def choose_group(
    counts: Mapping[tuple[str, str], int], sector: str | None, size_band: str | None, minimum: int
) -> Group | Withheld:
    """The comparison group for an organisation of ``sector`` and ``size_band``.

    ``counts``: the snapshot's entries per (sector, size band). A level is skipped when the
    organisation did not give what it needs (no sector: the sector levels are skipped)."""
    if minimum < 1:
        raise ValueError(f"benchmark_min must be at least 1, not {minimum}")
    for keep_sector, keep_size in LEVELS:
        if (keep_sector and not sector) or (keep_size and not size_band):
            continue
        n = sum(
            c
            for (s, b), c in counts.items()
            if (not keep_sector or s == sector) and (not keep_size or b == size_band)
        )
        if n >= minimum:
            return Group(sector if keep_sector else None, size_band if keep_size else None, n)
    total = sum(counts.values())
    return Withheld(
        WITHHELD_EMPTY if total == 0 else WITHHELD_TOO_FEW.format(minimum=minimum), minimum - total
    )


def group_label(group: Group) -> str:
    """The comparison group in words: "Education, 10 to 49 people", or everyone."""
    parts = [p for p in (group.sector, SIZE_LABELS.get(group.size_band or "", group.size_band)) if p]
    return ", ".join(parts) if parts else EVERYONE


def standing(mine: float | None, q1: float, median: float, q3: float) -> str:
    """Where a score stands against a group's middle half: "above", "below" it, or inside it in
    the "upper" (at or above the median) or "lower" half; "none" without a score."""
    if mine is None:
        return "none"
    if mine > q3:
        return "above"
    if mine < q1:
        return "below"
    return "upper" if mine >= median else "lower"


def in_group(group: Group, sector: str, size_band: str) -> bool:
    return (group.sector is None or group.sector == sector) and (
        group.size_band is None or group.size_band == size_band
    )


def quantile(ordered: Sequence[float], p: float) -> float:
    """The p-quantile of sorted values, linear between order statistics (numpy's default)."""
    if not ordered:
        raise ValueError("a quantile needs at least one value")
    if not 0 <= p <= 1:
        raise ValueError(f"p must be within 0..1, not {p}")
    h = (len(ordered) - 1) * p
    j = math.floor(h)
    if j + 1 >= len(ordered):
        return float(ordered[-1])
    lower, upper = float(ordered[j]), float(ordered[j + 1])
    return lower + (h - j) * (upper - lower)


def quartiles(values: Iterable[float]) -> dict[str, float]:
    """{"median", "q1", "q3"} of the values (any order)."""
    ordered = sorted(values)
    return {"median": quantile(ordered, 0.5), "q1": quantile(ordered, 0.25), "q3": quantile(ordered, 0.75)}


def percentile_rank(value: float, others: Iterable[float]) -> float | None:
    """``100 * (below + 0.5 * equal) / n`` over ``others`` (the organisation's own entry already
    left out); None when there are no others to rank against."""
    below = equal = n = 0
    for other in others:
        n += 1
        if other < value:
            below += 1
        elif other == value:
            equal += 1
    return None if n == 0 else 100 * (below + 0.5 * equal) / n


@dataclass(frozen=True)
class Figures:
    """The comparison for one group: its quartiles per dimension and overall, and, for one
    organisation, its percentile ranks (None where it has no score or nothing to rank against)."""

    group: Group
    overall: dict[str, float]
    dimensions: dict[str, dict[str, float]]
    percentile: dict[str, float | None] | None = None  # dimension id -> rank; "overall" too
    demo: int = 0  # entries of the group that are made-up demo entries

    def to_dict(self) -> dict[str, Any]:
        """The API's body: ``{"group", "n", "overall", "dimensions"}``, with ``percentile`` inside
        each block when the figures are for one organisation."""
        overall = dict(self.overall)
        dimensions = {d: dict(v) for d, v in self.dimensions.items()}
        if self.percentile is not None:
            overall["percentile"] = self.percentile.get("overall")
            for d, block in dimensions.items():
                block["percentile"] = self.percentile.get(d)
        return {
            "group": self.group.to_dict(),
            "n": self.group.n,
            "overall": overall,
            "dimensions": dimensions,
        }


def figures(
    group: Group,
    overall: Sequence[float],
    dimensions: Mapping[str, Sequence[float]],
    *,
    own: Mapping[str, float | None] | None = None,
    own_values: Mapping[str, float] | None = None,
    demo: int = 0,
) -> Figures:
    """Quartiles of the group's entries (``overall`` and each dimension's values), and with
    ``own`` (the organisation's scores: dimension id -> score, "overall" -> its index) its
    percentile ranks. ``own_values``: the organisation's own entry in this group, if it has one
    there (its scores as stored): one copy of each is left out before ranking."""
    percentile: dict[str, float | None] | None = None
    if own is not None:
        percentile = {}
        for key, values in [("overall", overall), *dimensions.items()]:
            mine = own.get(key)
            if mine is None:
                percentile[key] = None
                continue
            others = list(values)
            # Leave one copy of the organisation's own entry out (its ties with others stay).
            if own_values is not None and key in own_values and own_values[key] in others:
                others.remove(own_values[key])
            percentile[key] = percentile_rank(mine, others)
    return Figures(
        group=group,
        overall=quartiles(overall),
        dimensions={d: quartiles(v) for d, v in dimensions.items()},
        percentile=percentile,
        demo=demo,
    )


# --------------------------------------------------------------------------- the snapshot rule


@dataclass(frozen=True)
class Entry:
    """One organisation in the pool: ``link`` is an opaque reference to its series (or
    workshop), only so a retake can replace it and a withdrawal remove it."""

    link: str
    sector: str
    size_band: str
    overall: float
    scores: tuple[tuple[str, float], ...]  # (dimension id, score), hashable


@dataclass
class SnapshotPool:
    """Rule 18's snapshot as a state machine: ``add`` (an opt-in, or a retake replacing its
    series' entry), ``withdraw`` and ``view`` (the published entries). ``services.benchmarks``
    keeps the same state in the database; the tests hold the two side by side."""

    published: dict[str, Entry] = field(default_factory=dict)
    pending: dict[str, Entry] = field(default_factory=dict)
    leaving: set[str] = field(default_factory=set)  # published, withdrawn or replaced
    number: int = 0  # snapshots published so far

    def add(self, entry: Entry) -> None:
        self.pending[entry.link] = entry
        if entry.link in self.published:
            self.leaving.add(entry.link)
        self._maybe_advance()

    def withdraw(self, link: str) -> None:
        # Never published: it goes at once, since no view ever showed it.
        self.pending.pop(link, None)
        if link in self.published:
            self.leaving.add(link)

    def view(self) -> tuple[Entry, ...]:
        return tuple(self.published[k] for k in sorted(self.published))

    def _maybe_advance(self) -> None:
        if not should_advance(len(self.pending)):
            return
        for link in self.leaving:
            self.published.pop(link, None)
        self.published.update(self.pending)
        self.pending, self.leaving = {}, set()
        self.number += 1


# --------------------------------------------------------------------------- sharing pools

# What an entry from another installation must agree on: the scale, every item's scoring and
# the dimensions' weights and coverage rule (not the wording, which may be translated).


def scoring_hash(questionnaire: Questionnaire) -> str:
    """SHA-256 of everything that turns answers into scores (rules 1-4), so pools are shared
    only between installations that score the same way."""
    q = questionnaire
    scoring = {
        "min_coverage": q.thresholds.min_coverage,
        "dimensions": [[d.id, d.weight] for d in q.dimensions],
        "items": [
            [i.id, i.dimension, i.type, [o.value for o in i.options], i.reverse, i.weight] for i in q.items
        ],
    }
    text = json.dumps(scoring, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def series_link(kind: str, reference: str) -> str:
    """The opaque link of a series or workshop (a one-way hash of its random id): enough to find
    the entry again to replace or withdraw it, never to find the organisation from the entry."""
    return hashlib.sha256(f"benchmark:{kind}:{reference}".encode()).hexdigest()


def export_id(link: str) -> str:
    """An entry's id in an export file: another one-way hash, so a shared file cannot be matched
    even to the links stored here; stable, so importing the same file twice is recognised."""
    return link if link.startswith("x") else "x" + hashlib.sha256(f"export:{link}".encode()).hexdigest()[:63]
