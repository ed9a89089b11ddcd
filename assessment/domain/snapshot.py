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
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from .text import N_

MIN_K = 3


def advance(
    completed: Iterable[int],
    published_through: int,
    k: int,
    closed: bool,
    scored: Mapping[int, Collection[str]] | None = None,
    held: bool = False,
) -> int:
    """The new cut-off, given the sequence numbers of the complete responses that exist now,
    the stored cut-off, the group's ``k`` and whether it is closed. Never below the stored one.
    With ``scored`` (completion number -> dimensions it has a score in) the cut-off moves to the
    furthest point that reveals no dimension's new values in a batch smaller than ``k``;
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
    before = dimension_counts((n for n in numbers if n <= published_through), scored)
    # Furthest first; each candidate is a prefix of the newcomers in completion order.
    for last in range(len(beyond) - 1, k - 2, -1):
        gained = dimension_counts(beyond[: last + 1], scored)
        if not _reveals_too_few(before, gained, k, held):
            return beyond[last]
    return published_through


def dimension_counts(numbers: Iterable[int], scored: Mapping[int, Collection[str]]) -> dict[str, int]:
    """How many of the responses ``numbers`` have a score in each dimension."""
    counts: dict[str, int] = {}
    for n in numbers:
        for dimension in scored.get(n, ()):
            counts[dimension] = counts.get(dimension, 0) + 1
    return counts


def dimension_shown(scored_values: int, k: int) -> bool:
    """Rule 13 per dimension: a dimension's figures (and its role figures) need k scored values."""
    return scored_values >= k


def _reveals_too_few(before: Mapping[str, int], gained: Mapping[str, int], k: int, held: bool) -> bool:
    for dimension, new in gained.items():
        old = before.get(dimension, 0)
        if not dimension_shown(old + new, k):
            continue  # still withheld in the next view: nothing of it is shown
        if held and new < k:
            return True  # the last view showed the withdrawn answers: mask them with k newcomers
        if dimension_shown(old, k) and new < k:
            return True  # shown before and after: the difference would be fewer than k scores
    return False


def revealing_dimensions(
    completed: Iterable[int], published_through: int, k: int, scored: Mapping[int, Collection[str]]
) -> tuple[str, ...]:
    """The dimensions in which publishing every complete response now (closing the group) would
    add fewer than k scores to figures already shown: what the close control warns about."""
    numbers = list(completed)
    before = dimension_counts((n for n in numbers if n <= published_through), scored)
    gained = dimension_counts((n for n in numbers if n > published_through), scored)
    return tuple(
        sorted(d for d, new in gained.items() if 0 < new < k and dimension_shown(before.get(d, 0), k))
    )


def published(completed: Iterable[int], published_through: int) -> list[int]:
    """The sequence numbers in the snapshot, in completion order."""
    return sorted(n for n in completed if n <= published_through)


def shows_numbers(published_count: int, k: int) -> bool:
    """Rule 13: with fewer than k responses in the snapshot nothing numeric is published."""
    return published_count >= k


def shown_count(count: int, k: int) -> int | None:
    """A count by role: the count when it is at least k, else None ("fewer than k")."""
    return count if count >= k else None


@dataclass(frozen=True)
class SnapshotState:
    """Where a group's snapshot stands, for pages and the JSON summary."""

    k: int
    complete: int  # complete responses that exist now
    published: int  # of them, in the snapshot
    closed: bool
    started: int = 0  # everyone who began, complete or not
    held: bool = False  # a published response was withdrawn; figures wait for the next advance
    revealing: tuple[str, ...] = ()  # dimensions closing would add fewer than k scores to

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
    def close_warning_message(self) -> tuple[str, dict[str, int]] | None:
        """``close_warning`` as an English message marked for translation and its values (a page
        translates the message, then fills it in)."""
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
            message = (
                N_(
                    "Closing now publishes %(n)s responses, but in %(count)s dimension fewer than %(k)s "
                    "of them have a score: anyone who compares the figures before and after could work "
                    "out those scores."
                )
                if count == 1
                else N_(
                    "Closing now publishes %(n)s responses, but in %(count)s dimensions fewer than %(k)s "
                    "of them have a score: anyone who compares the figures before and after could work "
                    "out those scores."
                )
            )
            return message, {"n": self.unpublished, "count": count, "k": self.k}
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
        if self.unpublished:
            return (
                N_(
                    "Showing %(published)s of %(complete)s finished responses. The figures move on "
                    "when %(k)s more have finished, or when the workshop is closed."
                ),
                {"published": self.published, "complete": self.complete, "k": self.k},
            )
        return N_("Showing all %(published)s finished responses."), {"published": self.published}
