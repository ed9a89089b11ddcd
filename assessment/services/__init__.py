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
