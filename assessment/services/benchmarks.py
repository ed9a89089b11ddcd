"""Benchmarks (SCORING.md rule 18): the anonymous pool in the database, its snapshot, and the
figures read from it. The rule itself (group fall-back, quartiles, ranks, the snapshot step) is
``domain.benchmark``'s; this module keeps the pool's state and counts it in SQL.

State of an entry (``BenchmarkEntry``): pending (``published_in`` null: counted towards the next
snapshot, shown nowhere), published, or published and ``leaving`` (withdrawn or replaced: still
shown, deleted by the next snapshot). A snapshot advances when a pool has at least 5 pending
entries; figures only ever read published rows. No Flask here.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..db.models import Assessment, BenchmarkEntry, BenchmarkScore, BenchmarkSnapshot, Group
from ..domain import benchmark as rule
from ..domain.questionnaire import Questionnaire
from ..domain.result import Result, score
from ..domain.text import N_
from .questionnaires import questionnaire_of, version_named

FILE_FORMAT = "social-organisation-benchmark"
FILE_FORMAT_VERSION = 1
DEMO = "demo"


class BenchmarkError(ValueError):
    """Input the pool cannot take, with the field it concerns (for 422s and CLI messages)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def month_of(moment: datetime | None) -> str:
    """The only time an entry keeps: its month."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m")


# --------------------------------------------------------------------------- the pool


def _snapshot_row(
    session: Session, questionnaire_id: str, version: str, *, lock: bool = False
) -> BenchmarkSnapshot:
    query = select(BenchmarkSnapshot).where(
        BenchmarkSnapshot.questionnaire_id == questionnaire_id, BenchmarkSnapshot.version == version
    )
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        row = BenchmarkSnapshot(questionnaire_id=questionnaire_id, version=version, number=0)
        session.add(row)
        session.flush()
    return row


def pending_count(session: Session, questionnaire_id: str, version: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                BenchmarkEntry.questionnaire_id == questionnaire_id,
                BenchmarkEntry.version == version,
                BenchmarkEntry.published_in.is_(None),
            )
        )
        or 0
    )


def maybe_advance(session: Session, questionnaire_id: str, version: str) -> bool:
    """Publish the next snapshot of a pool if at least 5 entries are pending (rule 18): pending
    entries become visible and leaving ones are deleted, in one step. True when it advanced."""
    snap = _snapshot_row(session, questionnaire_id, version, lock=True)
    if not rule.should_advance(pending_count(session, questionnaire_id, version)):
        return False
    pool = (BenchmarkEntry.questionnaire_id == questionnaire_id) & (BenchmarkEntry.version == version)
    leaving = select(BenchmarkEntry.id).where(pool, BenchmarkEntry.leaving.is_(True))
    session.execute(delete(BenchmarkScore).where(BenchmarkScore.entry_id.in_(leaving)))
    session.execute(delete(BenchmarkEntry).where(pool, BenchmarkEntry.leaving.is_(True)))
    snap.number += 1
    snap.published_at = datetime.now(UTC)
    session.execute(
        update(BenchmarkEntry)
        .where(pool, BenchmarkEntry.published_in.is_(None))
        .values(published_in=snap.number)
    )
    session.flush()
    session.expire_all()
    forget()
    return True


def withdraw(session: Session, link: str) -> None:
    """Take a series' (or workshop's) entry out: at once if it was never shown, else it stays in
    the published snapshot until the next one (so the withdrawal cannot be read off two views)."""
    pending = select(BenchmarkEntry.id).where(
        BenchmarkEntry.link == link, BenchmarkEntry.published_in.is_(None)
    )
    session.execute(delete(BenchmarkScore).where(BenchmarkScore.entry_id.in_(pending)))
    session.execute(
        delete(BenchmarkEntry).where(BenchmarkEntry.link == link, BenchmarkEntry.published_in.is_(None))
    )
    session.execute(
        update(BenchmarkEntry)
        .where(BenchmarkEntry.link == link, BenchmarkEntry.published_in.is_not(None))
        .values(leaving=True)
    )
    session.flush()


def current_entry(session: Session, link: str) -> BenchmarkEntry | None:
    """The entry that stands for ``link`` now (pending or published, not leaving)."""
    return session.scalar(
        select(BenchmarkEntry)
        .where(BenchmarkEntry.link == link, BenchmarkEntry.leaving.is_(False))
        .order_by(BenchmarkEntry.id.desc())
        .limit(1)
    )


def put_entry(
    session: Session,
    q: Questionnaire,
    *,
    link: str,
    sector: str,
    size_band: str,
    month: str,
    overall: float,
    scores: Mapping[str, float],
    origin: str = "local",
    advance: bool = True,
    new_link: bool = False,
) -> BenchmarkEntry:
    """Add ``link``'s entry, replacing any earlier one of the same link (one entry per
    organisation); the new entry waits for the next snapshot like any other. ``new_link``: the
    caller knows no entry has this link (an import, the demo), so there is nothing to replace."""
    if not new_link:
        withdraw(session, link)
    entry = BenchmarkEntry(
        questionnaire_id=q.id,
        version=q.version,
        link=link,
        sector=sector,
        size_band=size_band,
        month=month,
        overall=float(overall),
        origin=origin,
        imported=origin == "imported",
        published_in=None,
        leaving=False,
    )
    entry.scores = [BenchmarkScore(dimension=d, score=float(v)) for d, v in scores.items()]
    session.add(entry)
    if advance or not new_link:
        session.flush()
    if advance:
        maybe_advance(session, q.id, q.version)
    return entry


def _same(
    entry: BenchmarkEntry, q: Questionnaire, sector: str, size_band: str, scores: Mapping[str, float]
) -> bool:
    return (
        entry.questionnaire_id == q.id
        and entry.version == q.version
        and (entry.sector, entry.size_band) == (sector, size_band)
        and {s.dimension: s.score for s in entry.scores} == {k: float(v) for k, v in scores.items()}
    )


# --------------------------------------------------------------------------- self-assessments


def series_link(series: str) -> str:
    return rule.series_link("series", series)


def group_link(group_id: str) -> str:
    return rule.series_link("workshop", group_id)


def latest_in_series(session: Session, series: str) -> Assessment | None:
    return session.scalar(
        select(Assessment)
        .where(Assessment.series == series, Assessment.status == "complete", Assessment.group_id.is_(None))
        .order_by(Assessment.completed_at.desc(), Assessment.created_at.desc())
        .limit(1)
    )


def eligible(assessment: Assessment) -> bool:
    """An entry needs a full result (every dimension scored) and both sector and size band."""
    return bool(
        assessment.benchmark
        and assessment.status == "complete"
        and assessment.group_id is None
        and assessment.overall is not None
        and assessment.sector
        and assessment.size_band
    )


def sync_series(session: Session, series: str) -> None:
    """Make the pool agree with a series: its latest complete self-assessment is its entry if
    the respondent opted in (and it has a full result, a sector and a size band); otherwise the
    series has no entry. Called after completing, opting in or out, and deleting."""
    session.flush()
    link = series_link(series)
    latest = latest_in_series(session, series)
    if latest is None or not eligible(latest):
        # Most series never opted in: one look-up, and no writes, for them.
        if session.scalar(select(BenchmarkEntry.id).where(BenchmarkEntry.link == link).limit(1)) is not None:
            withdraw(session, link)
        return
    q = questionnaire_of(latest.questionnaire)
    scores = {row.dimension: row.score for row in latest.scores}
    if any(v is None for v in scores.values()) or set(scores) != {d.id for d in q.dimensions}:
        withdraw(session, link)
        return
    existing = current_entry(session, link)
    if existing is not None and _same(existing, q, latest.sector, latest.size_band, scores):  # type: ignore[arg-type]
        return  # nothing changed: the same entry is not counted again
    put_entry(
        session,
        q,
        link=link,
        sector=latest.sector,
        size_band=latest.size_band,
        month=month_of(latest.completed_at),
        overall=latest.overall,  # type: ignore[arg-type]
        scores=scores,  # type: ignore[arg-type]
    )


def set_opt_in(
    session: Session, assessment: Assessment, opted_in: bool, *, sector: str = "", size_band: str = ""
) -> None:
    """The respondent's choice for the whole series (a retake keeps it); given a sector and size
    band, they are stored on the series' assessments too."""
    for member in session.scalars(select(Assessment).where(Assessment.series == assessment.series)):
        member.benchmark = opted_in
        if sector:
            member.sector = sector
        if size_band:
            member.size_band = size_band
    assessment.benchmark = opted_in
    sync_series(session, assessment.series)


def opted_in(session: Session, assessment: Assessment) -> bool:
    """Whether this series has an entry now (pending or published, not leaving)."""
    return current_entry(session, series_link(assessment.series)) is not None


# --------------------------------------------------------------------------- workshops


class AlreadyAdded(RuntimeError):
    pass


def add_workshop(
    session: Session,
    group: Group,
    means: Mapping[str, float | None],
    overall: float | None,
    *,
    sector: str,
    size_band: str,
) -> BenchmarkEntry:
    """A closed workshop's means as one entry, once (rule 18). Raises BenchmarkError when the
    group has no full result, AlreadyAdded when it was added before."""
    if group.is_open:
        raise BenchmarkError(
            "benchmark", "close the workshop first: its means are added once, when it is closed"
        )
    if (group.settings or {}).get("benchmark_added"):
        raise AlreadyAdded(N_("this workshop's means are already in the comparison"))
    if not sector or not size_band:
        raise BenchmarkError(
            "sector" if not sector else "size_band", N_("choose the organisation's sector and size")
        )
    if overall is None or any(v is None for v in means.values()):
        raise BenchmarkError("benchmark", "every area needs a group score before the means can be added")
    q = questionnaire_of(group.questionnaire)
    entry = put_entry(
        session,
        q,
        link=group_link(group.id),
        sector=sector,
        size_band=size_band,
        month=month_of(None),
        overall=overall,
        scores={k: float(v) for k, v in means.items() if v is not None},
        origin="workshop",
    )
    group.settings = {
        **(group.settings or {}),
        "benchmark_added": True,
        "benchmark": {"sector": sector, "size_band": size_band},  # the report compares the same way
    }
    return entry


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class PoolStatus:
    """What a page says about the pool: how many entries show, how many wait."""

    published: int
    pending: int
    demo: int


def pool_versions(q: Questionnaire) -> tuple[str, ...]:
    return (q.version, *(v for v in q.comparable_with if v != q.version))


def _published(q: Questionnaire) -> Any:
    return (
        (BenchmarkEntry.questionnaire_id == q.id)
        & BenchmarkEntry.version.in_(pool_versions(q))
        & BenchmarkEntry.published_in.is_not(None)
    )


def status(session: Session, q: Questionnaire) -> PoolStatus:
    published = int(session.scalar(select(func.count()).where(_published(q))) or 0)
    demo = int(session.scalar(select(func.count()).where(_published(q), BenchmarkEntry.origin == DEMO)) or 0)
    pending = sum(pending_count(session, q.id, v) for v in pool_versions(q))
    return PoolStatus(published, pending, demo)


def group_counts(session: Session, q: Questionnaire) -> dict[tuple[str, str], int]:
    """The published snapshot's entries per (sector, size band), counted in SQL."""
    rows = session.execute(
        select(BenchmarkEntry.sector, BenchmarkEntry.size_band, func.count())
        .where(_published(q))
        .group_by(BenchmarkEntry.sector, BenchmarkEntry.size_band)
    )
    return {(s, b): int(n) for s, b, n in rows}


def _group_filter(group: rule.Group) -> list[Any]:
    out = []
    if group.sector is not None:
        out.append(BenchmarkEntry.sector == group.sector)
    if group.size_band is not None:
        out.append(BenchmarkEntry.size_band == group.size_band)
    return out


# Figures change only when a snapshot advances, so a process keeps what it read for a few
# seconds (a submission's result then costs no benchmark queries); an advance made here forgets
# at once, one made by another process is seen within CACHE_SECONDS (an older snapshot, never
# a newer one, so nothing is revealed early).
CACHE_SECONDS = 5.0
_CACHE: dict[Any, tuple[float, Any]] = {}


def forget() -> None:
    _CACHE.clear()


@dataclass(frozen=True)
class _GroupValues:
    chosen: rule.Group | rule.Withheld
    overall: tuple[float, ...] = ()
    dimensions: Mapping[str, tuple[float, ...]] | None = None
    demo: int = 0


def _group_values(
    session: Session, q: Questionnaire, sector: str | None, size_band: str | None
) -> _GroupValues:
    key = (session.get_bind(), q.id, pool_versions(q), q.thresholds.benchmark_min, sector, size_band)
    now = time.monotonic()
    hit = _CACHE.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]  # type: ignore[no-any-return]
    chosen = rule.choose_group(group_counts(session, q), sector, size_band, rule.minimum_of(q))
    if isinstance(chosen, rule.Withheld):
        found = _GroupValues(chosen)
    else:
        where = [_published(q), *_group_filter(chosen)]
        overall = tuple(
            session.scalars(select(BenchmarkEntry.overall).where(*where).order_by(BenchmarkEntry.overall))
        )
        values: dict[str, list[float]] = {d.id: [] for d in q.dimensions}
        for dimension, value in session.execute(
            select(BenchmarkScore.dimension, BenchmarkScore.score)
            .join(BenchmarkEntry, BenchmarkEntry.id == BenchmarkScore.entry_id)
            .where(*where)
            .order_by(BenchmarkScore.dimension, BenchmarkScore.score)
        ):
            if dimension in values:
                values[dimension].append(value)
        demo = int(session.scalar(select(func.count()).where(*where, BenchmarkEntry.origin == DEMO)) or 0)
        found = _GroupValues(chosen, overall, {d: tuple(v) for d, v in values.items() if v}, demo)
    _CACHE[key] = (now, found)
    return found


def figures_for(
    session: Session,
    q: Questionnaire,
    sector: str | None,
    size_band: str | None,
    *,
    own: Mapping[str, float | None] | None = None,
    own_link: str | None = None,
) -> rule.Figures | rule.Withheld:
    """The comparison for an organisation of ``sector`` and ``size_band`` from the published
    snapshot; with ``own`` (its scores, "overall" included) its percentile ranks, its own entry
    (``own_link``: pass it only when the organisation may have one) left out."""
    found = _group_values(session, q, sector, size_band)
    if isinstance(found.chosen, rule.Withheld):
        return found.chosen
    own_values = None
    if own is not None and own_link is not None:
        where = [_published(q), *_group_filter(found.chosen), BenchmarkEntry.link == own_link]
        mine = session.scalar(select(BenchmarkEntry).where(*where).limit(1))
        if mine is not None:
            own_values = {"overall": mine.overall, **{s.dimension: s.score for s in mine.scores}}
    return rule.figures(
        found.chosen, found.overall, found.dimensions or {}, own=own, own_values=own_values, demo=found.demo
    )


def assessment_figures(
    session: Session, assessment: Assessment, result: Result
) -> rule.Figures | rule.Withheld:
    """The comparison for one assessment's result, against the group it falls in."""
    q = result.questionnaire
    # Looked up whatever the opt-in says now: a withdrawn entry is still shown until the next
    # snapshot, and must still be left out of this organisation's own rank.
    own_link = series_link(assessment.series) if assessment.group_id is None else None
    return figures_for(
        session,
        q,
        assessment.sector or None,
        assessment.size_band or None,
        own={"overall": result.overall, **{d.id: d.score for d in result.dimensions}},
        own_link=own_link,
    )


def as_json(found: rule.Figures | rule.Withheld) -> dict[str, Any]:
    return found.to_dict()


# --------------------------------------------------------------------------- sharing pools


def export_pool(session: Session, q: Questionnaire) -> dict[str, Any]:
    """The anonymous entries of one questionnaire version with what an importing installation
    must agree on: the published snapshot's (an entry waiting for the next snapshot, or leaving
    with it, is not in the file, so two exports differ the way two views do), not demo ones."""
    entries = session.scalars(
        select(BenchmarkEntry)
        .where(
            BenchmarkEntry.questionnaire_id == q.id,
            BenchmarkEntry.version == q.version,
            BenchmarkEntry.published_in.is_not(None),
            BenchmarkEntry.leaving.is_(False),
            BenchmarkEntry.origin != DEMO,
        )
        .order_by(BenchmarkEntry.id)
    )
    return {
        "format": FILE_FORMAT,
        "format_version": FILE_FORMAT_VERSION,
        "questionnaire": q.id,
        "version": q.version,
        "scoring_hash": rule.scoring_hash(q),
        "entries": [
            {
                "id": rule.export_id(e.link),
                "sector": e.sector,
                "size_band": e.size_band,
                "month": e.month,
                "overall": e.overall,
                "scores": {s.dimension: s.score for s in sorted(e.scores, key=lambda s: s.dimension)},
            }
            for e in entries
        ],
    }


@dataclass(frozen=True)
class ImportOutcome:
    questionnaire: str
    version: str
    added: int
    skipped: int  # already imported (or exported from here)
    advanced: bool


def import_pool(
    session: Session, data: Any, *, sectors: Collection[str], size_bands: Collection[str]
) -> ImportOutcome:
    """Add another installation's exported entries (marked imported), refusing the whole file
    when its questionnaire version is not registered here or scores differently, or when an
    entry is malformed; entries imported before are skipped (a second import adds nothing)."""
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise BenchmarkError("format", f"this is not a benchmark export (expected format {FILE_FORMAT!r})")
    qid, version = data.get("questionnaire"), data.get("version")
    if not isinstance(qid, str) or not isinstance(version, str):
        raise BenchmarkError("questionnaire", "the file does not name its questionnaire and version")
    try:
        q = questionnaire_of(version_named(session, qid, version))
    except LookupError:
        raise BenchmarkError(
            "questionnaire", f"questionnaire {qid!r} version {version!r} is not registered here"
        ) from None
    if data.get("scoring_hash") != rule.scoring_hash(q):
        raise BenchmarkError(
            "scoring_hash",
            f"the file's entries were scored differently from {qid!r} {version} here (its scoring hash "
            "differs), so they cannot be compared",
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise BenchmarkError("entries", "the file has no list of entries")
    dims = {d.id for d in q.dimensions}
    clean = [_check_entry(n, e, dims, sectors, size_bands) for n, e in enumerate(entries, start=1)]
    known = set(session.scalars(select(BenchmarkEntry.link).where(BenchmarkEntry.questionnaire_id == q.id)))
    known |= {rule.export_id(link) for link in known}
    added = skipped = 0
    for e in clean:
        if e["id"] in known:
            skipped += 1
            continue
        known.add(e["id"])
        put_entry(
            session,
            q,
            link=e["id"],
            sector=e["sector"],
            size_band=e["size_band"],
            month=e["month"],
            overall=e["overall"],
            scores=e["scores"],
            origin="imported",
            advance=False,
            new_link=True,
        )
        added += 1
    advanced = maybe_advance(session, q.id, q.version) if added else False
    return ImportOutcome(q.id, q.version, added, skipped, advanced)


def _check_entry(
    n: int, e: Any, dims: set[str], sectors: Collection[str], size_bands: Collection[str]
) -> dict[str, Any]:
    def bad(message: str) -> BenchmarkError:
        return BenchmarkError("entries", f"entry {n}: {message}; nothing was imported")

    if not isinstance(e, dict):
        raise bad("not an object")
    uid = e.get("id")
    if not isinstance(uid, str) or not uid.startswith("x") or len(uid) != 64:
        raise bad("its id is not an export id")
    if e.get("sector") not in sectors:
        raise bad(f"unknown sector {e.get('sector')!r}")
    if e.get("size_band") not in size_bands:
        raise bad(f"unknown size band {e.get('size_band')!r}")
    month = e.get("month")
    if (
        not isinstance(month, str)
        or len(month) != 7
        or month[4] != "-"
        or not (month[:4] + month[5:]).isdigit()
    ):
        raise bad("month must be YYYY-MM")
    scores = e.get("scores")
    if not isinstance(scores, dict) or set(scores) != dims:
        raise bad("its scores must name every dimension of the questionnaire")
    numbers = [e.get("overall"), *scores.values()]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 100 for v in numbers):
        raise bad("every score must be a number from 0 to 100")
    return {
        "id": uid,
        "sector": e["sector"],
        "size_band": e["size_band"],
        "month": month,
        "overall": float(e["overall"]),
        "scores": {k: float(v) for k, v in scores.items()},
    }


# --------------------------------------------------------------------------- demo


def demo_answers(q: Questionnaire, level: float, rng: random.Random) -> dict[str, int]:
    """Answers near ``level`` (0..1 towards the social end) for every item of ``q``."""
    answers: dict[str, int] = {}
    for item in q.items:
        x = min(1.0, max(0.0, level + rng.gauss(0, 0.18)))
        if item.reverse:
            x = 1.0 - x
        values = sorted(o.value for o in item.options)
        answers[item.id] = values[round(x * (len(values) - 1))]
    return answers


def add_demo_pool(
    session: Session,
    q: Questionnaire,
    sectors: Iterable[str],
    size_bands: Iterable[str],
    *,
    size: int = 80,
    seed: int = 18,
) -> int:
    """``size`` made-up entries (origin "demo", labelled as such wherever they show), published at
    once so a new installation can see the feature. Returns how many were added."""
    rng = random.Random(seed)
    sectors, size_bands = list(sectors), list(size_bands)
    for _ in range(size):
        result = score(q, demo_answers(q, rng.betavariate(2.2, 2.6), rng))
        if result.overall is None:
            continue
        put_entry(
            session,
            q,
            link=f"demo-{secrets.token_hex(16)}",
            sector=rng.choice(sectors),
            size_band=rng.choice(size_bands),
            month=month_of(None),
            overall=result.overall,
            scores={d.id: d.score for d in result.dimensions if d.score is not None},
            origin=DEMO,
            advance=False,
            new_link=True,
        )
    maybe_advance(session, q.id, q.version)
    return size


def remove_demo_pool(session: Session, q: Questionnaire) -> int:
    ids = select(BenchmarkEntry.id).where(
        BenchmarkEntry.questionnaire_id == q.id, BenchmarkEntry.origin == DEMO
    )
    count = int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)
    session.execute(delete(BenchmarkScore).where(BenchmarkScore.entry_id.in_(ids)))
    session.execute(
        delete(BenchmarkEntry).where(BenchmarkEntry.questionnaire_id == q.id, BenchmarkEntry.origin == DEMO)
    )
    return count
