"""Application services: where the domain meets the database, one module per use case.

No Flask here, so the CLI, the web views and the benchmarks share one implementation of every use
case: ``questionnaires`` (files and their stored versions), ``self_assessment`` (one respondent's
answers, results and retakes), ``workshops``, ``exports``, ``accounts`` and ``reports``. The errors
they share live here.
"""

from __future__ import annotations

from ..db.models import Group


class NotFound(LookupError):
    pass


class GroupClosed(RuntimeError):
    """The assessment's workshop or cohort no longer accepts answers."""

    def __init__(self, group: Group):
        self.group = group
        super().__init__(f"{group.name!r} is closed and no longer accepts answers")


def ensure_open(group: Group | None) -> None:
    if group is not None and not group.is_open:
        raise GroupClosed(group)


class ResponseLocked(RuntimeError):
    """A finished workshop response: its answers may be deleted but no longer changed, since a
    change to a published response would show in the group's figures as one person's answers."""

    def __init__(self, group: Group):
        self.group = group
        super().__init__(
            f"your answers are part of {group.name!r}'s figures and can no longer be changed; "
            "you can delete them instead"
        )


def ensure_changeable(status: str, group: Group | None) -> None:
    if group is not None and status == "complete":
        raise ResponseLocked(group)
