"""Workshops (groups of kind "workshop"): creation, join codes, settings, branding, the live
summary (SCORING.md rule 9) and the consultant's curation of the roadmap. No Flask here.

Every query that reads a group's answers is a fixed number of statements whatever the number
of respondents (the dashboard is polled every few seconds by a facilitator with 200 people in
the room).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.models import Assessment, DimensionScoreRow, Group, QuestionnaireVersion
from ..domain import limits
from ..domain.groups import (
    MIN_GROUP_SIZE,
    GroupSummary,
    Member,
    check_min_group_size,
    dimension_withheld,
    summarise,
)
from ..domain.questionnaire import Questionnaire
from ..domain.roadmap import RoadmapEntry
from ..domain.snapshot import SnapshotState, shown_count
from ..domain.text import N_, MarkedError
from ..i18n import report_language
from . import NotFound, push
from .logos import LogoError, check_raster, sanitise_svg
from .questionnaires import questionnaire_of, translated
from .snapshots import published_filter, refresh

# No 0/O, 1/I/L: a code read off a projector at the back of a room must not be misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
DEFAULT_ROLES = ("leadership", "manager", "staff", "communications")
DEFAULT_LEADERSHIP = ("leadership",)
LOGO_MAX_BYTES = 512 * 1024
# Raster images are recognised by their first bytes, so a renamed file cannot pass as an image;
# an SVG is rebuilt from an allow-list (logos.sanitise_svg).
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class WorkshopError(MarkedError):
    """Bad workshop settings, naming the ``field``, with a message fit to show the facilitator."""

    def __init__(self, field: str, message: str, **params: Any):
        self.field = field
        super().__init__(message, **params)


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def prepare_logo(data: bytes) -> tuple[bytes, str]:
    """The logo as it will be stored, with its MIME type; or WorkshopError saying why not."""
    if len(data) > LOGO_MAX_BYTES:
        raise WorkshopError(
            "logo",
            N_("The logo is %(size)s KB; please use an image of at most %(limit)s KB."),
            size=len(data) // 1024,
            limit=LOGO_MAX_BYTES // 1024,
        )
    for signature, mime in LOGO_SIGNATURES.items():
        if data.startswith(signature):
            try:
                check_raster(data)
            except LogoError as exc:
                raise WorkshopError("logo", exc.template, **exc.params) from None
            return data, mime
    if b"<svg" in data[:4096]:
        try:
            return sanitise_svg(data), "image/svg+xml"
        except LogoError as exc:
            raise WorkshopError("logo", exc.template, **exc.params) from None
    raise WorkshopError("logo", N_("The logo must be a PNG, JPEG or SVG image."))


@dataclass(frozen=True)
class WorkshopSettings:
    roles: tuple[str, ...]
    leadership_roles: tuple[str, ...]
    min_group_size: int
    consultant: str
    expected_headcount: int | None = None  # how many the facilitator expects; None: not said

    def to_dict(self) -> dict[str, Any]:
        return {
            "roles": list(self.roles),
            "leadership_roles": list(self.leadership_roles),
            "min_group_size": self.min_group_size,
            "consultant": self.consultant,
            "expected_headcount": self.expected_headcount,
        }


def check_settings(
    q: Questionnaire,
    roles: Sequence[str] | None,
    leadership_roles: Sequence[str] | None,
    min_group_size: int | None,
    consultant: str = "",
    expected_headcount: int | None = None,
) -> WorkshopSettings:
    """Validated settings; defaults where None. Roles must be the questionnaire's role ids."""
    known = [r.id for r in q.roles]
    chosen = list(DEFAULT_ROLES if roles is None else roles)
    chosen = [r for r in known if r in chosen] + [r for r in chosen if r not in known]
    unknown = [r for r in chosen if r not in known]
    if unknown:
        raise WorkshopError(
            "roles",
            N_("Unknown role(s): %(unknown)s (one of: %(known)s)."),
            unknown=", ".join(unknown),
            known=", ".join(known),
        )
    if not chosen:
        raise WorkshopError("roles", N_("Offer at least one role for participants to choose from."))
    lead = list(DEFAULT_LEADERSHIP if leadership_roles is None else leadership_roles)
    stray = [r for r in lead if r not in chosen]
    if stray:
        raise WorkshopError(
            "leadership_roles",
            N_("Leadership role(s) %(roles)s must also be among the roles offered."),
            roles=", ".join(stray),
        )
    size = MIN_GROUP_SIZE if min_group_size is None else min_group_size
    try:
        check_min_group_size(size)
    except ValueError as exc:
        raise WorkshopError("min_group_size", str(exc)[0].upper() + str(exc)[1:] + ".") from None
    if expected_headcount is not None and (
        isinstance(expected_headcount, bool)
        or not isinstance(expected_headcount, int)
        or not 1 <= expected_headcount <= 10000
    ):
        raise WorkshopError(
            "expected_headcount", N_("The expected headcount must be a whole number from 1 to 10,000.")
        )
    return WorkshopSettings(tuple(chosen), tuple(lead), size, consultant.strip()[:200], expected_headcount)


def create_workshop(
    session: Session,
    owner_id: int,
    version: QuestionnaireVersion,
    *,
    name: str,
    organisation: str = "",
    settings: WorkshopSettings | None = None,
    logo: bytes | None = None,
    is_open: bool = True,
    kind: str = "workshop",
) -> Group:
    name = name.strip()
    if not name:
        raise WorkshopError("name", N_("Please give the workshop a name."))
    q = questionnaire_of(version)
    settings = settings or check_settings(q, None, None, None)
    logo, logo_mime = prepare_logo(logo) if logo else (None, None)
    for _ in range(10):
        group = Group(
            owner_id=owner_id,
            kind=kind,
            name=name[:200],
            organisation=organisation.strip()[:200],
            questionnaire=version,
            questionnaire_pk=version.pk,
            join_code=new_join_code(),
            settings=settings.to_dict(),
            is_open=is_open,
            commentary="",
            logo=logo or None,
            logo_mime=logo_mime,
        )
        # A savepoint, so a rare code collision retries without losing the caller's transaction.
        try:
            with session.begin_nested():
                session.add(group)
        except IntegrityError:
            continue
        return group
    raise RuntimeError("could not find a free join code after 10 tries")


def settings_of(group: Group) -> WorkshopSettings:
    s = group.settings or {}
    return WorkshopSettings(
        roles=tuple(s.get("roles") or DEFAULT_ROLES),
        leadership_roles=tuple(s.get("leadership_roles") or DEFAULT_LEADERSHIP),
        min_group_size=max(MIN_GROUP_SIZE, int(s.get("min_group_size") or MIN_GROUP_SIZE)),
        consultant=s.get("consultant") or "",
        expected_headcount=s.get("expected_headcount"),
    )


def update_settings(group: Group, settings: WorkshopSettings) -> None:
    merged = dict(group.settings or {})
    merged.update(settings.to_dict())
    group.settings = merged  # a new dict, so the JSON column is seen as changed


def owned_group(session: Session, owner_id: int, group_id: str) -> Group:
    """The group if ``owner_id`` owns it; NotFound otherwise, the same as for a missing group, so
    another facilitator cannot even learn that it exists."""
    group = session.get(Group, group_id)
    if group is None or group.owner_id != owner_id:
        raise NotFound("no such workshop")
    return group


def groups_of(session: Session, owner_id: int) -> list[tuple[Group, int, int]]:
    """The owner's groups, newest first, each with (started, complete) counts: two queries."""
    groups = list(
        session.scalars(
            select(Group)
            .where(Group.owner_id == owner_id, Group.kind == "workshop")
            .order_by(Group.created_at.desc())
        )
    )
    counts: dict[tuple[str, str], int] = {}
    if groups:
        rows = session.execute(
            select(Assessment.group_id, Assessment.status, func.count())
            .where(Assessment.group_id.in_([g.id for g in groups]))
            .group_by(Assessment.group_id, Assessment.status)
        )
        counts = {(gid, status): n for gid, status, n in rows}
    return [
        (
            g,
            counts.get((g.id, "in_progress"), 0) + counts.get((g.id, "complete"), 0),
            counts.get((g.id, "complete"), 0),
        )
        for g in groups
    ]


def response_counts(session: Session, group: Group) -> tuple[int, int]:
    """(started, complete): everyone who picked a role and began, and those who finished."""
    rows = dict(
        session.execute(
            select(Assessment.status, func.count())
            .where(Assessment.group_id == group.id)
            .group_by(Assessment.status)
        ).all()
    )
    complete = rows.get("complete", 0)
    return sum(rows.values()), complete


def members_of(session: Session, group: Group) -> list[Member]:
    """The published snapshot's assessments (rule 13) as rule-9 members: two queries, whatever
    the group's size. Call ``snapshots.refresh`` first to move the snapshot on."""
    published = published_filter(group)
    rows = session.execute(
        select(Assessment.id, Assessment.role, Assessment.answers)
        .where(*published)
        .order_by(Assessment.completion_seq)
    ).all()
    scores: dict[str, dict[str, float | None]] = {}
    for assessment_id, dimension, value in session.execute(
        select(DimensionScoreRow.assessment_id, DimensionScoreRow.dimension, DimensionScoreRow.score)
        .join(Assessment, Assessment.id == DimensionScoreRow.assessment_id)
        .where(*published)
    ):
        scores.setdefault(assessment_id, {})[dimension] = value
    return [
        Member(role=role or "", scores=scores.get(aid, {}), answers=answers or {})
        for aid, role, answers in rows
    ]


@dataclass(frozen=True)
class WorkshopView:
    """A group's published state (rule 13): counts, the rule-9 summary of the snapshot's
    members (none while fewer than k are published) and its curated roadmap."""

    group: Group
    questionnaire: Questionnaire
    settings: WorkshopSettings
    started: int
    complete: int
    members: list[Member]
    summary: GroupSummary
    roadmap: list[RoadmapEntry]
    snapshot: SnapshotState

    def role_counts(self) -> list[tuple[str, str, int | None]]:
        """(role id, label, count) for each role offered; count None means "fewer than k"."""
        labels = {r.id: r.label for r in self.questionnaire.roles}
        k = self.settings.min_group_size
        return [
            (r, labels.get(r, r), shown_count(sum(1 for m in self.members if m.role == r), k))
            for r in self.settings.roles
        ]


def workshop_view(session: Session, group: Group) -> WorkshopView:
    """The group as its pages may show it: moves the snapshot on first (the caller commits)."""
    # In the words of the page or report being made (the figures are the same in every language).
    q = translated(questionnaire_of(group.questionnaire), report_language())
    settings = settings_of(group)
    state = refresh(session, group)
    started, complete = state.started, state.complete
    members = members_of(session, group) if state.shows_numbers else []
    summary = summarise(q, members, settings.leadership_roles, settings.min_group_size)
    return WorkshopView(
        group=group,
        questionnaire=q,
        settings=settings,
        started=started,
        complete=complete,
        members=members,
        summary=summary,
        roadmap=curated_roadmap(group, summary.result.roadmap) if members else [],
        snapshot=state,
    )


def room_means(session: Session, group: Group) -> dict[str, float | None] | None:
    """ "You and the room" on a participant's end screen: the published snapshot's mean per
    dimension (questionnaire order), or None while fewer than k responses are published."""
    view = workshop_view(session, group)
    if not view.snapshot.shows_numbers:
        return None
    return {d.id: view.summary.stats[d.id].mean for d in view.questionnaire.dimensions}


def summary_dict(view: WorkshopView) -> dict[str, Any]:
    """The JSON body of GET /api/v1/groups/<id>/summary (and of the dashboard's refresh)."""
    q, summary = view.questionnaire, view.summary
    result = summary.result
    dimensions: dict[str, Any] = {}
    for d in q.dimensions:
        stats = summary.stats[d.id]
        agreement = summary.agreement[d.id]
        body = stats.to_dict()
        body.update(
            {
                "label": d.label,
                "rwg": agreement.rwg,
                "agreement": agreement.label,
                "agreement_reason": agreement.reason,
                "stage": _stage(result.dimension(d.id).stage),
                "target": result.dimension(d.id).target,
                # Sorted, so the order says nothing about who answered when.
                "values": []
                if dimension_withheld(stats)
                else sorted(m.scores[d.id] for m in view.members if m.scores.get(d.id) is not None),
                "withheld": bool(view.members) and dimension_withheld(stats),
            }
        )
        dimensions[d.id] = body
    gap = summary.gap.to_dict()
    k = view.settings.min_group_size
    # Rule 13: a count by role below k is "fewer than k" (null), never 0, 1 or 2.
    gap["subgroups"] = {name: shown_count(n, k) for name, n in gap["subgroups"].items()}
    state = view.snapshot
    expected = view.settings.expected_headcount
    return {
        "id": view.group.id,
        "name": view.group.name,
        "organisation": view.group.organisation,
        "questionnaire": q.id,
        "version": q.version,
        "is_open": view.group.is_open,
        "started": view.started,
        "complete": view.complete,
        "n": summary.n,
        # JSON objects are unordered (and Flask sorts keys): this is the questionnaire's order.
        "dimension_order": [d.id for d in q.dimensions],
        "scores": {
            "overall": result.overall,
            "dimensions": {d.id: summary.stats[d.id].mean for d in q.dimensions},
        },
        "dimensions": dimensions,
        "stage": _stage(result.stage),
        "classification": {
            "id": result.classification.id,
            "label": result.classification.label,
            "bottleneck": result.classification.bottleneck,
            "held_back": result.classification.held_back,
            "provisional": result.classification.provisional,
        },
        "perception_gap": gap,
        "prompts": [p.to_dict() for p in summary.prompts],
        # Rule 15's group clause, from the published snapshot's members only (rule 13).
        "findings": [f.to_dict() for f in summary.findings],
        "strongest": summary.strongest,
        "roadmap": [entry.to_dict() for entry in view.roadmap],
        "published": {
            "n": state.published,
            "unpublished": state.unpublished,
            "min_group_size": k,
            "shows_numbers": state.shows_numbers,
            "note": state.note,
            "close_warning": state.close_warning,
        },
        "role_counts": [
            {"role": role, "label": label, "n": n, "withheld": n is None}
            for role, label, n in view.role_counts()
        ],
        "expected_headcount": expected,
        "over_headcount": expected is not None and view.complete > expected,
        # The headcount caps completions (participants.py): at it, further answers are refused.
        "headcount_reached": expected is not None and view.complete >= expected,
    }


def _stage(stage: Any) -> dict[str, str] | None:
    return None if stage is None else {"id": stage.id, "label": stage.label}


# --------------------------------------------------------------------------- commentary and curation


def curated_roadmap(group: Group, roadmap: Sequence[RoadmapEntry]) -> list[RoadmapEntry]:
    """The roadmap as the consultant left it: hidden recommendations removed, the chosen order
    first (ids listed in ``settings["order"]``), anything not placed after in rule-8 order."""
    settings = group.settings or {}
    hidden = set(settings.get("hidden") or [])
    order = {rec_id: n for n, rec_id in enumerate(settings.get("order") or [])}
    kept = [e for e in roadmap if e.recommendation.id not in hidden]
    kept.sort(key=lambda e: (order.get(e.recommendation.id, len(order)), e.rank))
    return kept


def save_commentary(group: Group, commentary: str, hidden: Sequence[str], order: Sequence[str]) -> None:
    """Store the executive commentary (WorkshopError beyond limits.COMMENTARY) and the curation
    (ids only, so a later answer that changes the roadmap never points at something that is not
    there: unknown ids are simply ignored)."""
    problem = limits.COMMENTARY.problem(commentary.strip(), "The commentary")
    if problem:
        # Refused at entry, never cut short in silence: an accepted text always renders in time.
        raise WorkshopError("commentary", problem)
    group.commentary = commentary.strip()
    merged = dict(group.settings or {})
    merged["hidden"] = list(dict.fromkeys(hidden))
    merged["order"] = list(dict.fromkeys(order))
    group.settings = merged


def set_open(session: Session, group: Group, is_open: bool) -> SnapshotState:
    """Open or close the group; closing publishes every complete response (rule 13)."""
    group.is_open = is_open
    session.flush()
    push.announce(session, group.id, "closed", open=is_open)
    return refresh(session, group)


def group_by_code(session: Session, code: str) -> Group:
    cleaned = normalise_code(code)
    if len(cleaned) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in cleaned):
        raise NotFound("no group with this code")
    group = session.scalar(select(Group).where(Group.join_code == cleaned))
    if group is None:
        raise NotFound("no group with this code")
    return group


def wave_means(session: Session, group: Group, wave: str) -> tuple[dict[str, float | None] | None, int]:
    """A cohort participant's "you and your wave": the mean per dimension over the published
    snapshot's responses of the same wave only (rule 13), or None while fewer than k of that
    wave are in it (or the snapshot is held); a dimension with fewer than k scores in the wave is
    None. Also the wave's count in the snapshot."""
    state = refresh(session, group)
    published = (*published_filter(group), Assessment.wave == wave)
    n = int(session.scalar(select(func.count(Assessment.id)).where(*published)) or 0)
    if state.held or n < settings_of(group).min_group_size:
        return None, n
    k = settings_of(group).min_group_size
    rows = session.execute(
        select(
            DimensionScoreRow.dimension,
            func.avg(DimensionScoreRow.score),
            func.count(DimensionScoreRow.score),
        )
        .join(Assessment, Assessment.id == DimensionScoreRow.assessment_id)
        .where(*published)
        .group_by(DimensionScoreRow.dimension)
    ).all()
    # Rule 13 per dimension within the wave: a mean over fewer than k scores is withheld.
    found = {d: (None if mean is None or scored < k else float(mean)) for d, mean, scored in rows}
    q = questionnaire_of(group.questionnaire)
    return {d.id: found.get(d.id) for d in q.dimensions}, n
