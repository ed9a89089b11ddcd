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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MIN_K = 3


def advance(completed: Iterable[int], published_through: int, k: int, closed: bool) -> int:
    """The new cut-off, given the sequence numbers of the complete responses that exist now,
    the stored cut-off, the group's ``k`` and whether it is closed. Never below the stored one."""
    if k < MIN_K:
        raise ValueError(f"k is {k}; it can never be below {MIN_K}")
    beyond = [n for n in completed if n > published_through]
    if not beyond:
        return published_through
    if closed or len(beyond) >= k:
        return max(beyond)
    return published_through


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

    @property
    def unpublished(self) -> int:
        return self.complete - self.published

    @property
    def shows_numbers(self) -> bool:
        return not self.held and shows_numbers(self.published, self.k)

    @property
    def close_warning(self) -> str | None:
        """What the close control says when closing would publish fewer than k new responses."""
        if self.closed:
            return None
        if self.held:
            return (
                "A response was withdrawn since the figures were last shown. Closing now shows the "
                f"figures without it{f' and with {self.unpublished} more' if self.unpublished else ''}: "
                "comparing them with the earlier figures could reveal the withdrawn answers."
            )
        if not 0 < self.unpublished < self.k:
            return None
        people = "response" if self.unpublished == 1 else "responses"
        return (
            f"Closing now publishes {self.unpublished} {people} not yet shown, fewer than {self.k}: "
            "anyone who compares the figures before and after could work out "
            f"{'that person' if self.unpublished == 1 else 'those people'}'s scores."
        )

    @property
    def note(self) -> str:
        """A plain sentence for the pages about what is shown."""
        if self.held:
            return (
                "A response was withdrawn, so the figures are held back until "
                f"{self.k} more people have finished or the workshop is closed."
            )
        if not self.shows_numbers:
            return (
                f"Figures appear once at least {self.k} people have finished "
                f"({self.complete} so far), so no one's answers can be singled out."
            )
        if self.unpublished:
            return (
                f"Showing {self.published} of {self.complete} finished responses. The figures move on "
                f"when {self.k} more have finished, or when the workshop is closed."
            )
        return f"Showing all {self.published} finished responses."
