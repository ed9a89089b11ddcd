"""SCORING.md rule 13 against the database: numbering completions in a group, moving a group's
published snapshot on, and reading the members in it. No Flask here.

The snapshot is stored as one integer per group, ``Group.published_through``: the published
responses are the complete ones whose ``completion_seq`` is at most it. Numbers are given from a
per-group counter at completion, so a response completed later (even one whose clock says
earlier) always gets a larger number and never enters an older snapshot. The cut-off only ever
grows (a conditional UPDATE, so two workers viewing at once cannot move it back).

Deleting a response takes it out of every figure straight away (the right to withdraw comes
first). If it was published and the group is open, the snapshot is *held*: nothing numeric is
shown until it next advances (k more responses) or the group closes, so the withdrawal is never
the only difference between two views. See ``withdrawn`` and docs/privacy.md.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..db.models import Assessment, DimensionScoreRow, Group
from ..domain import snapshot
from ..domain.snapshot import Cell, SnapshotState
from . import push


def next_completion_seq(session: Session, group_id: str) -> int:
    """The next completion number of the group: one atomic UPDATE ... RETURNING, which also
    makes concurrent completions in one group take turns (PostgreSQL locks the group's row)."""
    return int(
        session.execute(
            update(Group)
            .where(Group.id == group_id)
            .values(completion_counter=Group.completion_counter + 1)
            .returning(Group.completion_counter)
            .execution_options(synchronize_session=False)
        ).scalar_one()
    )


def _k(group: Group) -> int:
    from .workshops import settings_of  # workshops imports this module

    return settings_of(group).min_group_size


def refresh(session: Session, group: Group) -> SnapshotState:
    """Apply rule 13 now: move the cut-off on if it may, and say where the snapshot stands.
    One query for the group's statuses and completion numbers (which also gives the counts of
    started and complete); only when a complete response lies beyond the cut-off, one for the
    complete responses' roles, answers and waves and one for which dimensions each has a score
    in; one UPDATE only when the snapshot moves; the caller commits."""
    k = _k(group)
    rows = session.execute(
        select(Assessment.status, Assessment.completion_seq).where(Assessment.group_id == group.id)
    ).all()
    completed = [
        row.completion_seq for row in rows if row.status == "complete" and row.completion_seq is not None
    ]
    current = group.published_through or 0
    held = bool(group.snapshot_held)
    # With no complete response beyond the cut-off (a dashboard polled between arrivals) the
    # cells change nothing: ``advance`` keeps the cut-off and no cell gains a value, so nothing
    # reveals. Building them would cost most of a large group's view.
    newcomers = any(n > current for n in completed)
    scored = _cells(session, group) if newcomers else {}
    cutoff = snapshot.advance(completed, current, k, not group.is_open, scored, held)
    if cutoff > current or (held and not group.is_open):
        session.execute(
            update(Group)
            .where(Group.id == group.id, Group.published_through <= cutoff)
            .values(published_through=cutoff, snapshot_held=False)
            .execution_options(synchronize_session=False)
        )
        # Known without reading it back: another worker may have moved it further at the same
        # moment, which the next view picks up.
        set_committed_value(group, "published_through", cutoff)
        set_committed_value(group, "snapshot_held", False)
        held = False
        if cutoff > current:
            push.announce(session, group.id, "snapshot")
    return SnapshotState(
        k=k,
        complete=len(completed),
        published=len(snapshot.published(completed, cutoff)),
        closed=not group.is_open,
        started=len(rows),
        held=held,
        revealing=()
        if not group.is_open or not newcomers
        else snapshot.revealing_cells(completed, cutoff, k, scored),
    )


def _cells(session: Session, group: Group) -> dict[int, frozenset[Cell]]:
    """Completion number -> every figure that complete response has a value in (rule 13 per
    figure): its dimensions, the same by its role subgroup (and, in a cohort, by its wave), the
    items it answered. Two queries."""
    from .workshops import settings_of  # workshops imports this module

    leadership = settings_of(group).leadership_roles
    cohort = group.kind == "cohort"
    dimensions = scored_dimensions(session, group)
    rows = session.execute(
        select(Assessment.completion_seq, Assessment.role, Assessment.answers, Assessment.wave).where(
            Assessment.group_id == group.id,
            Assessment.status == "complete",
            Assessment.completion_seq.is_not(None),
        )
    )
    return {
        row.completion_seq: snapshot.figure_cells(
            dimensions.get(row.completion_seq, ()),
            snapshot.subgroup_of(row.role or "", leadership),
            row.answers or {},
            (row.wave or "") if cohort else None,
        )
        for row in rows
    }


def scored_dimensions(session: Session, group: Group) -> dict[int, set[str]]:
    """Completion number -> the dimensions that complete response has a score in (rule 13 per
    dimension): one query over the group's score rows."""
    scored: dict[int, set[str]] = {}
    for seq, dimension in session.execute(
        select(Assessment.completion_seq, DimensionScoreRow.dimension)
        .join(DimensionScoreRow, DimensionScoreRow.assessment_id == Assessment.id)
        .where(
            Assessment.group_id == group.id,
            Assessment.status == "complete",
            Assessment.completion_seq.is_not(None),
            DimensionScoreRow.score.is_not(None),
        )
    ):
        scored.setdefault(int(seq), set()).add(dimension)
    return scored


def completed(session: Session, group_id: str) -> None:
    """A response in the group has just completed: tell the facilitator's pages, which fetch the
    group's view at once. That view moves the snapshot on when it may (``refresh``, as every
    view does), and a move is announced to the room, so with the projector's page open the
    phones hear of a new snapshot within a round trip. The snapshot is not moved here: where it
    stands depends on when the group is viewed, as rule 13 has always been applied here."""
    push.announce(session, group_id, "progress")


def published_filter(group: Group):  # type: ignore[no-untyped-def]
    """The WHERE clause of the group's published rows (call after ``refresh``)."""
    return (
        Assessment.group_id == group.id,
        Assessment.status == "complete",
        Assessment.completion_seq.is_not(None),
        Assessment.completion_seq <= (group.published_through or 0),
    )


def withdrawn(group: Group, completion_seq: int | None) -> None:
    """Note that a response numbered ``completion_seq`` is being deleted from ``group``: if it
    was in the published snapshot of an open group, hold the snapshot (the caller commits)."""
    if completion_seq is not None and completion_seq <= (group.published_through or 0) and group.is_open:
        group.snapshot_held = True
