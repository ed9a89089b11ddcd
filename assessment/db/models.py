"""SQLAlchemy 2.x models. Answers live in one JSON column (a submission is one row, never a row
per answer); dimension scores are also stored as rows so cohorts can be aggregated in SQL."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_token() -> str:
    """192 random bits, URL-safe: unguessable ids and private links."""
    return secrets.token_urlsafe(24)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, datetime: UTCDateTime}


class QuestionnaireVersion(Base):
    """One loaded version of a questionnaire file, kept whole so old results never change."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "content_hash"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)  # the YAML text itself
    title: Mapped[str] = mapped_column(String(300))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A facilitator (consultant or trainer). Respondents never have accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of every login session; logging out adds one, so a copied session cookie dies with it.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")
    groups: Mapped[list[Group]] = relationship(back_populates="owner")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True
    )  # sha256 hex; the token itself is never stored
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)

    user: Mapped[User] = relationship(back_populates="tokens")


class Group(Base):
    """A workshop or a cohort: many respondents, one questionnaire version, one owner."""

    __tablename__ = "groups"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_token)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="workshop")  # workshop | cohort
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    questionnaire_pk: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.pk"))
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(
        default=dict
    )  # roles, leadership roles, min size, branding
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    commentary: Mapped[str] = mapped_column(Text, default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    logo_mime: Mapped[str | None] = mapped_column(String(50), nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SCORING.md rule 13: completions are numbered 1, 2, 3, ... per group (completion_counter is
    # the last number given); the published snapshot is every complete response numbered at most
    # published_through.
    completion_counter: Mapped[int] = mapped_column(Integer, default=0)
    published_through: Mapped[int] = mapped_column(Integer, default=0)
    # Set when a published response is deleted while the group is open: figures are held back
    # until the snapshot next advances (k more) or the group closes, so the withdrawal cannot
    # be read off by comparing views.
    snapshot_held: Mapped[bool] = mapped_column(Boolean, default=False)
    # An earlier workshop of the same client whose plan this one reviews (plans, migration 0010).
    predecessor_id: Mapped[str | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL"), nullable=True
    )

    owner: Mapped[User] = relationship(back_populates="groups")
    questionnaire: Mapped[QuestionnaireVersion] = relationship()
    assessments: Mapped[list[Assessment]] = relationship(back_populates="group")


class Assessment(Base):
    """One respondent's answers. ``id`` is the unguessable public id (results, API, report);
    ``token`` is the private resume link that allows editing; ``series`` links retakes."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_group_status", "group_id", "status"),
        # A cohort's respondent answers once per wave: enforced by the database, so two phones
        # finishing at the same moment cannot both be kept.
        Index(
            "uq_assessments_cohort_wave_code",
            "group_id",
            "wave",
            "respondent_hash",
            unique=True,
            sqlite_where=text("status = 'complete' AND respondent_hash IS NOT NULL"),
            postgresql_where=text("status = 'complete' AND respondent_hash IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True, default=new_token)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    series: Mapped[str] = mapped_column(String(64), index=True, default=new_token)
    questionnaire_pk: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.pk"), index=True)
    group_id: Mapped[str | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), nullable=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    sector: Mapped[str] = mapped_column(String(100), default="")
    size_band: Mapped[str] = mapped_column(String(50), default="")
    role: Mapped[str] = mapped_column(String(50), default="")
    # Cohorts only: the wave answered in, and HMAC-SHA256 (keyed with the app secret) of the
    # respondent's normalised code; the code itself is never stored.
    wave: Mapped[str | None] = mapped_column(String(40), nullable=True)
    respondent_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # item id -> int | "unsure"
    status: Mapped[str] = mapped_column(String(20), default="in_progress")  # in_progress | complete
    page: Mapped[int] = mapped_column(Integer, default=0)  # last page reached, for resuming
    overall: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # The order of completion within its group (rule 13), never a timestamp: group members'
    # times are stored to the day only.
    completion_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Rule 18: the respondent opted in to adding this series' anonymous scores to the benchmark.
    benchmark: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The language the questionnaire was answered in ("en", "de"): its individual report's. Scores
    # never depend on it, so a group answered in several languages is aggregated as one.
    language: Mapped[str] = mapped_column(String(20), default="en", server_default="en")

    questionnaire: Mapped[QuestionnaireVersion] = relationship()
    group: Mapped[Group | None] = relationship(back_populates="assessments")
    scores: Mapped[list[DimensionScoreRow]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )


class DimensionScoreRow(Base):
    """A complete assessment's dimension scores, one row each, for aggregation in SQL."""

    __tablename__ = "dimension_scores"

    assessment_id: Mapped[str] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(String(100), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    coverage: Mapped[float] = mapped_column(Float)

    assessment: Mapped[Assessment] = relationship(back_populates="scores")


class IdempotencyKey(Base):
    """A replayable ``POST /api/v1/assessments``: the first response to a client's key, kept so a
    retry returns it instead of storing a second assessment. ``scope`` is a hash of who sent it
    (API token, else address), so two clients using the same key never see each other's."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column()
    assessment_id: Mapped[str | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DiscussionRound(Base):
    """A disputed item re-voted after the room discussed it. ``before`` is the item's published
    distribution when the round opened: {"counts": {value: n}, "n": int}."""

    __tablename__ = "discussion_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(100))
    before: Mapped[dict[str, Any]] = mapped_column()
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class RoundVote(Base):
    """One participant's answer in a round (their response's id, so one vote each)."""

    __tablename__ = "round_votes"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    assessment_id: Mapped[str] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    answer: Mapped[Any] = mapped_column(JSON)


class ReportCacheRow(Base):
    """Rendered PDF bytes, keyed by a hash of everything the PDF shows (the report's HTML, its
    stylesheet, its charts and logo) and the renderer's version. Kept in the database so every
    app server shares them and none keeps state of its own; a changed report has a new key,
    and old keys are pruned by age (see ``services.report_cache``)."""

    __tablename__ = "report_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RateLimit(Base):
    """A fixed-window counter shared by every worker and machine (web/throttle.py): wrong join
    codes per address. ``expires_at`` is seconds since the epoch."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class PlanRow(Base):
    """The client's plan: a self-assessment's or a workshop's edited roadmap (never both).
    ``body`` is ``assessment.domain.plan.Plan.to_dict()``; ``version`` rises by one per save, so
    a save made from an older read is refused instead of overwriting (409)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[str | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), nullable=True, unique=True
    )
    group_id: Mapped[str | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), nullable=True, unique=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BenchmarkEntry(Base):
    """One organisation in a benchmark pool (SCORING.md rule 18): scores, sector, size band and
    month, never a name, organisation or token. ``link`` is a one-way hash of the series or
    workshop it came from (``domain.benchmark.series_link``), or the export id of an imported
    entry: only so a retake replaces it and a withdrawal removes it.

    ``published_in`` is the snapshot that made it visible (null: pending, not shown anywhere
    yet); ``leaving`` marks a published entry withdrawn or replaced, still shown until the next
    snapshot, which deletes it."""

    __tablename__ = "benchmark_entries"
    __table_args__ = (Index("ix_benchmark_entries_pool", "questionnaire_id", "version", "published_in"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(50))
    link: Mapped[str] = mapped_column(String(64), index=True)
    sector: Mapped[str] = mapped_column(String(100))
    size_band: Mapped[str] = mapped_column(String(50))
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    overall: Mapped[float] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(20), default="local")  # local | workshop | imported | demo
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    published_in: Mapped[int | None] = mapped_column(Integer, nullable=True)
    leaving: Mapped[bool] = mapped_column(Boolean, default=False)

    scores: Mapped[list[BenchmarkScore]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", passive_deletes=True
    )


class BenchmarkScore(Base):
    """An entry's dimension scores, one row each, so the pool is counted and ranked in SQL."""

    __tablename__ = "benchmark_scores"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("benchmark_entries.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(String(100), primary_key=True)
    score: Mapped[float] = mapped_column(Float)

    entry: Mapped[BenchmarkEntry] = relationship(back_populates="scores")


class BenchmarkSnapshot(Base):
    """The published snapshot of one pool (questionnaire id and version): its number, advanced
    only when at least 5 entries have come since the last (rule 18)."""

    __tablename__ = "benchmark_snapshots"

    questionnaire_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[str] = mapped_column(String(50), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(nullable=True)


class JobRow(Base):
    """One job of the queue (``services.jobs``): what to do (``kind`` and ids as JSON), where it
    stands, and the lease of the worker running it. The queue itself (Huey, on SQLite or Redis)
    carries only this row's id; the row is what survives a worker killed mid-job, so the job is
    run again once and then reported as failed, never lost."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_lease", "state", "lease_until"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Running: the worker renews it while it works; past it, the worker is taken for dead.
    # Queued: when to send the id to the queue again, should its message have been lost.
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # a Word file, slides
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
