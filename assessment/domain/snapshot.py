"""SCORING.md rule 13: which complete responses a group's pages may publish.

Pure functions over completion sequence numbers (1, 2, 3, ... in the order responses were
completed in the group; a deleted response leaves a gap). The published snapshot is "every
response whose number is at most the cut-off"; only the cut-off is stored, so a view costs one
comparison per row and a response completed later can never slip into an older snapshot, whatever
its timestamp says.

* The cut-off starts at 0 (nothing published).
* It advances only when at least ``k`` responses beyond it have completed, and then to the last
  of them: the first snapshot holds the first ``k`` (or more, if they completed together), and no
  two successive snapshots differ by fewer than ``k`` responses.
* Closing the group publishes everything.
* Fewer than ``k`` published responses: nothing numeric is published at all.
* A published response deleted while the group is open takes its answers out at once; the
  snapshot is then *held* (nothing numeric) until it next advances or the group closes, so the
  next figures differ from the last ones by at least ``k`` newcomers as well as the withdrawal.

Per dimension (issue 21): a response may have no score in some dimension ("not enough answers"
there), so counting responses is not enough. A dimension's figures need at least ``k`` scored
values in the snapshot (``dimension_shown``), and the cut-off advances only to a point where every
dimension already shown gains none or at least ``k`` new values (after a withdrawal: at least
``k`` in every dimension shown), so two successive views never differ in a dimension by fewer
than ``k`` people's scores. ``scored`` maps a completion number to the dimensions it has a score
in; without it the rule counts responses only.

Per figure (issue 21, second round): a dimension is not the only figure over a part of the room.
The leaders' and the others' means (rule 9's perception gap) are each over a role subgroup, and an
item's answer counts (discussion prompts, findings) are over the people who answered it. So the
rule counts *cells*: one per dimension, per (dimension, role subgroup), per (dimension, cohort
wave) and per item (its numeric answers, and its answers with "unsure"). ``scored`` maps a
completion number to the cells it has a value in (``figure_cells`` builds them; a plain string is
a dimension). A cell's figure is shown when it holds at least ``k`` values (a role cell: when
every subgroup of its dimension does, as the gap needs both sides), and the cut-off advances only
where every cell shown before and after gains none or at least ``k`` values; after a withdrawal,
every cell shown after gains at least ``k`` (which cells held the withdrawn response is not known
any more). The price: a lone newcomer in a small subgroup (the fourth leader, say) holds back the
responses after it until its subgroup has ``k`` new ones, or the group closes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .scoring import UNSURE
from .text import N_

MIN_K = 3
LEADERS = "leaders"
OTHERS = "others"
# Rule 9's role breakdown: the gap is shown per dimension only when both sides have k scores.
SUBGROUPS = (LEADERS, OTHERS)

DIMENSION = "dimension"
ROLE = "role"
ITEM = "item"  # an item's numeric answers: its sd, its option counts, its finding's mean
ITEM_ANSWERS = "item answers"  # an item's numeric and "unsure" answers: its distribution
WAVE = "wave"  # a cohort's dimension mean over one wave ("you and your wave")


class Cell(NamedTuple):
    """One figure a response can add a value to (``kind`` one of the constants above)."""

    kind: str
    key: str  # a dimension id or an item id
    subgroup: str = ""  # LEADERS or OTHERS for a ROLE cell, the wave id for a WAVE cell

    def __str__(self) -> str:
        if self.kind == DIMENSION:
            return self.key
        if self.kind == ROLE:
            return f"{self.key} ({self.subgroup})"
        if self.kind == WAVE:
            return f"{self.key} (wave {self.subgroup})"
        if self.kind == ITEM:
            return f"question {self.key}"
        return f"question {self.key} (answers)"


def _cell(cell: Hashable) -> Cell:
    return cell if isinstance(cell, Cell) else Cell(DIMENSION, str(cell))


def figure_cells(
    dimensions: Iterable[str],
    subgroup: str | None,
    answers: Mapping[str, object],
    wave: str | None = None,
) -> frozenset[Cell]:
    """The cells one complete response has a value in: the dimensions it has a score in, the
    same by its role subgroup (``subgroup`` None: the group shows no role figures) and by its
    cohort wave (``wave`` None: not a cohort), and the items it answered with a number (and with
    a number or "unsure"). Responses with the same cells get the same set, which lets the
    counting below take each distinct set once (a workshop's complete answers share a few)."""
    numeric: list[str] = []
    unsure: list[str] = []
    for item, value in answers.items():
        if isinstance(value, int) and not isinstance(value, bool):
            numeric.append(item)
        elif value == UNSURE:
            unsure.append(item)
    return _figure_cells(frozenset(dimensions), subgroup, wave, frozenset(numeric), frozenset(unsure))


class CellSet(frozenset):  # type: ignore[type-arg]
    """A response's cells as ``figure_cells`` makes them: every member a ``Cell``, so they can be
    counted without looking at each (``dimension_counts``)."""

    __slots__ = ()


# Responses with the same cells (which dimensions are scored, the role subgroup, which items are
# numeric or unsure) get one set; a room of a thousand made a hundred thousand cells before.
@lru_cache(maxsize=1024)
def _figure_cells(
    dimensions: frozenset[str],
    subgroup: str | None,
    wave: str | None,
    numeric: frozenset[str],
    unsure: frozenset[str],
) -> CellSet:
    cells = {_interned(DIMENSION, d) for d in dimensions}
    if subgroup is not None:
        cells.update(_interned(ROLE, d, subgroup) for d in dimensions)
    if wave is not None:
        cells.update(_interned(WAVE, d, wave) for d in dimensions)
    cells.update(_interned(ITEM, item) for item in numeric)
    cells.update(_interned(ITEM_ANSWERS, item) for item in numeric | unsure)
    return CellSet(cells)


# The same few cells recur in every response of a group: made once each, equal to a new Cell in
# every way.
@lru_cache(maxsize=10_000)
def _interned(kind: str, key: str, subgroup: str = "") -> Cell:
    return Cell(kind, key, subgroup)


def subgroup_of(role: str, leadership_roles: Collection[str]) -> str | None:
    """A response's role subgroup for the perception gap; None when no role counts as
    leadership (the gap is then never shown, so there are no role figures)."""
    if not leadership_roles:
        return None
    return LEADERS if role in leadership_roles else OTHERS


def advance(
    completed: Iterable[int],
    published_through: int,
    k: int,
    closed: bool,
    scored: Mapping[int, Collection[Hashable]] | None = None,
    held: bool = False,
) -> int:
    """The new cut-off, given the sequence numbers of the complete responses that exist now,
    the stored cut-off, the group's ``k`` and whether it is closed. Never below the stored one.
    With ``scored`` (completion number -> the cells it has a value in, see ``figure_cells``) the
    cut-off moves to the furthest point that reveals no shown cell's new values in a batch
    smaller than ``k``;
    ``held``: a published response was withdrawn since the last view."""
    if k < MIN_K:
        raise ValueError(f"k is {k}; it can never be below {MIN_K}")
    numbers = list(completed)
    beyond = sorted(n for n in numbers if n > published_through)
    if not beyond:
        return published_through
    if closed:
        return beyond[-1]
    if len(beyond) < k:
        return published_through
    if scored is None:
        return beyond[-1]
    inside = [n for n in numbers if n <= published_through]
    before = dimension_counts(inside, scored)
    gaps = published_through - len(inside)  # published responses deleted, ever (or never numbered)
    # Each candidate is a prefix of the newcomers in completion order; the furthest safe one wins.
    return max(_safe_prefixes(before, beyond, scored, k, held, gaps), default=published_through)


def dimension_counts(numbers: Iterable[int], scored: Mapping[int, Collection[Hashable]]) -> dict[Cell, int]:
    """How many of the responses ``numbers`` have a value in each cell (a dimension, a dimension
    by role subgroup, an item). Each distinct collection is walked once, times its responses:
    the responses sharing one (``figure_cells``) add up in one pass over its cells."""
    times: dict[int, list] = {}  # id of a response's collection -> [the collection, how many]
    for n in numbers:
        cells = scored.get(n, ())
        entry = times.get(id(cells))
        if entry is None:
            times[id(cells)] = [cells, 1]
        else:
            entry[1] += 1
    counts: Counter[Cell] = Counter()
    for cells, many in times.values():
        if many == 1 and type(cells) is CellSet:
            counts.update(cells)  # counted in C: answers with "unsure" make most sets distinct
        else:
            for cell in map(_cell, cells):
                counts[cell] += many
    return dict(counts)


def dimension_shown(scored_values: int, k: int) -> bool:
    """Rule 13 per dimension: a dimension's figures (and its role figures) need k scored values."""
    return scored_values >= k


def cell_shown(cell: Cell, counts: Mapping[Cell, int], k: int) -> bool:
    """Whether a view over responses with these cell counts shows the cell's figure: k values,
    and for a role subgroup k on every side of its dimension (rule 9's gap shows both or none)."""
    if cell.kind == ROLE:
        return all(dimension_shown(counts.get(Cell(ROLE, cell.key, s), 0), k) for s in SUBGROUPS)
    return dimension_shown(counts.get(cell, 0), k)


def _reveals(cell: Cell, before: Mapping[Cell, int], gained: Mapping[Cell, int], k: int, gaps: int) -> bool:
    """After a withdrawal: whether publishing ``gained`` could let this cell's figure be had by
    difference with the last view that showed it. Not known any more: which cells held the
    withdrawn answers, so a cell is taken as shown before when its survivors plus every published
    response ever deleted (``gaps``) reach k. Such a cell needs k newcomers, even one that would
    stay withheld now (it would reappear later by fewer); one with no survivor shows only new
    people when it reappears."""
    if not before.get(cell, 0):
        return False
    sides = [Cell(ROLE, cell.key, side) for side in SUBGROUPS] if cell.kind == ROLE else [cell]
    possibly_shown = all(dimension_shown(before.get(side, 0) + gaps, k) for side in sides)
    return possibly_shown and gained.get(cell, 0) < k


def _safe_prefixes(
    before: Mapping[Cell, int],
    beyond: list[int],
    scored: Mapping[int, Collection[Hashable]],
    k: int,
    held: bool,
    gaps: int,
) -> Iterator[int]:
    """The newcomers (in completion order) up to which publishing reveals no cell, found in one
    pass as the prefix grows, so a long wait (a lone leader holding the rest back) stays cheap
    on a dashboard polled every few seconds."""
    gained: dict[Cell, int] = {}
    if not held:
        # A cell reveals exactly when it was shown before and has gained 1..k-1 values (shown
        # before means shown after: counts only grow), so only those cells are counted: each
        # newcomer's collection is narrowed to them once (keeping any repeats it holds), by id,
        # with the collection kept alive so that no id is given again meanwhile.
        shown_before = {cell for cell in before if cell_shown(cell, before, k)}
        narrowed: dict[int, tuple[Collection[Hashable], tuple[Cell, ...]]] = {}
        pending = 0
        for size, n in enumerate(beyond, start=1):
            cells = scored.get(n, ())
            entry = narrowed.get(id(cells))
            if entry is None:
                if type(cells) is CellSet:
                    entry = (cells, tuple(cells & shown_before))
                else:
                    entry = (cells, tuple(c for c in map(_cell, cells) if c in shown_before))
                narrowed[id(cells)] = entry
            for cell in entry[1]:
                new = gained[cell] = gained.get(cell, 0) + 1
                pending += (new == 1) - (new == k)
            if size >= k and not pending:
                yield n
        return
    # After a withdrawal a role cell's state also depends on its other side, so the revealing
    # cells are kept as a set, updated for the cells touched.
    revealing = {cell for cell in before if _reveals(cell, before, gained, k, gaps)}
    for size, n in enumerate(beyond, start=1):
        touched: set[Cell] = set()
        for cell in map(_cell, scored.get(n, ())):
            gained[cell] = gained.get(cell, 0) + 1
            touched.add(cell)
            if cell.kind == ROLE:
                touched.update(Cell(ROLE, cell.key, side) for side in SUBGROUPS)
        for cell in touched:
            if _reveals(cell, before, gained, k, gaps):
                revealing.add(cell)
            else:
                revealing.discard(cell)
        if size >= k and not revealing:
            yield n


def revealing_cells(
    completed: Iterable[int], published_through: int, k: int, scored: Mapping[int, Collection[Hashable]]
) -> tuple[Cell, ...]:
    """The cells in which publishing every complete response now (closing the group) would add
    fewer than k values to figures already shown: what the close control warns about. Sorted
    by their ``str``, so a warning reads the same on every view."""
    numbers = list(completed)
    before = dimension_counts((n for n in numbers if n <= published_through), scored)
    gained = dimension_counts((n for n in numbers if n > published_through), scored)
    after = {cell: before.get(cell, 0) + gained.get(cell, 0) for cell in {*before, *gained}}
    return tuple(
        sorted(
            (
                cell
                for cell, new in gained.items()
                if 0 < new < k and cell_shown(cell, before, k) and cell_shown(cell, after, k)
            ),
            key=str,
        )
    )


def revealing_dimensions(
    completed: Iterable[int], published_through: int, k: int, scored: Mapping[int, Collection[Hashable]]
) -> tuple[str, ...]:
    """``revealing_cells`` named by ``str(Cell)`` (a dimension id for a dimension)."""
    return tuple(str(cell) for cell in revealing_cells(completed, published_through, k, scored))


def published(completed: Iterable[int], published_through: int) -> list[int]:
    """The sequence numbers in the snapshot, in completion order."""
    return sorted(n for n in completed if n <= published_through)


def shows_numbers(published_count: int, k: int) -> bool:
    """Rule 13: with fewer than k responses in the snapshot nothing numeric is published."""
    return published_count >= k


def shown_count(count: int, k: int) -> int | None:
    """A count by role: the count when it is at least k, else None ("fewer than k")."""
    return count if count >= k else None


def withheld_roles(counts: Mapping[str, int], k: int) -> frozenset[str]:
    """The roles an export writes as "withheld" (rule 13): those with fewer than ``k`` members,
    and then, while the withheld rows are fewer than ``k`` in all, the smallest shown role too
    (ties by name). Otherwise the one role below ``k``, named "fewer than k" on the dashboard,
    would be exactly the rows marked withheld, and those few people's answers would be theirs."""
    withheld = {role for role, n in counts.items() if 0 < n < k}
    shown = sorted((n, role) for role, n in counts.items() if n >= k)
    while withheld and sum(counts[r] for r in withheld) < k and shown:
        withheld.add(shown.pop(0)[1])
    return frozenset(withheld)


@dataclass(frozen=True)
class SnapshotState:
    """Where a group's snapshot stands, for pages and the JSON summary."""

    k: int
    complete: int  # complete responses that exist now
    published: int  # of them, in the snapshot
    closed: bool
    started: int = 0  # everyone who began, complete or not
    held: bool = False  # a published response was withdrawn; figures wait for the next advance
    # The figures closing would add fewer than k values to (a plain string names a dimension).
    revealing: tuple[Cell | str, ...] = ()

    @property
    def unpublished(self) -> int:
        return self.complete - self.published

    @property
    def shows_numbers(self) -> bool:
        return not self.held and shows_numbers(self.published, self.k)

    @property
    def close_warning(self) -> str | None:
        """What the close control says when closing would publish fewer than k new responses."""
        message = self.close_warning_message
        return None if message is None else message[0] % message[1]

    @property
    def close_warning_message(self) -> tuple[str, dict[str, int | str]] | None:
        """``close_warning`` as an English message marked for translation and its values (a page
        translates the message, then fills it in), the figures named by their ids."""
        return self.close_warning_naming(lambda cells: ", ".join(map(str, cells)))

    def close_warning_naming(
        self, describe: Callable[[Sequence[Cell]], str], counted: bool = True
    ) -> tuple[str, dict[str, int | str]] | None:
        """``close_warning_message`` with the figures described by ``describe`` (a page names
        them in its language, by the dimensions' labels, and counts the questions).
        ``counted=False``: the message does not count the figures, for a description that does
        not list them one by one (a page's "the answers to 9 questions" stands for 18)."""
        if self.closed:
            return None
        if self.held:
            if self.unpublished:
                return (
                    N_(
                        "A response was withdrawn since the figures were last shown. Closing now shows "
                        "the figures without it and with %(more)s more: comparing them with the earlier "
                        "figures could reveal the withdrawn answers."
                    ),
                    {"more": self.unpublished},
                )
            return (
                N_(
                    "A response was withdrawn since the figures were last shown. Closing now shows the "
                    "figures without it: comparing them with the earlier figures could reveal the "
                    "withdrawn answers."
                ),
                {},
            )
        if self.unpublished >= self.k and self.revealing:
            count = len(self.revealing)
            figures = describe([_cell(cell) for cell in self.revealing])
            if not counted:
                return (
                    N_(
                        "Closing now publishes %(n)s responses, but fewer than %(k)s of them have a "
                        "score or an answer in these figures: %(figures)s. Anyone who compares the "
                        "figures before and after could work out those people's scores or answers."
                    ),
                    {"n": self.unpublished, "k": self.k, "figures": figures},
                )
            message = (
                N_(
                    "Closing now publishes %(n)s responses, but in %(count)s figure (%(figures)s) fewer "
                    "than %(k)s of them have a score or an answer: anyone who compares the figures "
                    "before and after could work out those people's scores or answers."
                )
                if count == 1
                else N_(
                    "Closing now publishes %(n)s responses, but in %(count)s figures (%(figures)s) fewer "
                    "than %(k)s of them have a score or an answer: anyone who compares the figures "
                    "before and after could work out those people's scores or answers."
                )
            )
            values = {
                "n": self.unpublished,
                "count": count,
                "k": self.k,
                "figures": figures,
            }
            return message, values
        if not 0 < self.unpublished < self.k:
            return None
        if self.unpublished == 1:
            message = N_(
                "Closing now publishes %(n)s response not yet shown, fewer than %(k)s: anyone who "
                "compares the figures before and after could work out that person's scores."
            )
        else:
            message = N_(
                "Closing now publishes %(n)s responses not yet shown, fewer than %(k)s: anyone who "
                "compares the figures before and after could work out those people's scores."
            )
        return message, {"n": self.unpublished, "k": self.k}

    @property
    def note(self) -> str:
        """A plain sentence for the pages about what is shown."""
        message, values = self.note_message
        return message % values

    @property
    def note_message(self) -> tuple[str, dict[str, int]]:
        """``note`` as an English message marked for translation and its values."""
        if self.held:
            return (
                N_(
                    "A response was withdrawn, so the figures are held back until %(k)s more people "
                    "have finished or the workshop is closed."
                ),
                {"k": self.k},
            )
        if not self.shows_numbers:
            return (
                N_(
                    "Figures appear once at least %(k)s people have finished (%(complete)s so far), "
                    "so no one's answers can be singled out."
                ),
                {"k": self.k, "complete": self.complete},
            )
        if self.unpublished >= self.k:
            # Enough people, but some figure (an area, a role's, a question's) would gain fewer
            # than k values: the snapshot waits for more, so say why it has not moved.
            return (
                N_(
                    "Showing %(published)s of %(complete)s finished responses. The figures move on when "
                    "every area, role comparison and question they show would change by at least %(k)s "
                    "people's answers, or when the workshop is closed."
                ),
                {"published": self.published, "complete": self.complete, "k": self.k},
            )
        if self.unpublished:
            return (
                N_(
                    "Showing %(published)s of %(complete)s finished responses. The figures move on "
                    "when %(k)s more have finished, or when the workshop is closed."
                ),
                {"published": self.published, "complete": self.complete, "k": self.k},
            )
        return N_("Showing all %(published)s finished responses."), {"published": self.published}
