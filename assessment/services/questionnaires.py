"""Questionnaire files and their stored versions: registering, looking up, parsing (cached)."""

from __future__ import annotations

import logging
import os
import time
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ..db.models import QuestionnaireVersion
from ..domain.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    base_language,
    load_all,
    load_questionnaire,
    load_translation,
    load_translations,
    parse_questionnaire,
    questionnaire_files,
    sidecar_files,
    sidecar_language,
    version_key,
)
from . import NotFound

log = logging.getLogger(__name__)

_BY_HASH: dict[str, Questionnaire] = {}


def questionnaire_of(version: QuestionnaireVersion) -> Questionnaire:
    """The definition an assessment was answered on, from the stored text (cached by hash).

    A dict look-up by hash first: hashing the whole stored text for the parser's own cache
    (``parse_questionnaire`` keeps a parse per text) on every call cost more than the scoring."""
    cached = _BY_HASH.get(version.content_hash)
    if cached is None:
        cached = parse_questionnaire(version.source, f"{version.questionnaire_id}@{version.version}")
        if len(_BY_HASH) < 256:
            _BY_HASH[version.content_hash] = cached
    return cached


class QuestionnaireRegistry:
    """The questionnaire files of a folder and their versions in the database."""

    # How long a look at the folder stands: a submission asked for its languages three times,
    # and reading the folder each time was a twentieth of it. A file added or edited is seen
    # within this long by every process; `flask init` looks again at once.
    LISTING_SECONDS = 1.0

    def __init__(self, directory: str | Path, clock: Callable[[], float] = time.monotonic):
        self.directory = Path(directory)
        self._clock = clock
        # (the folder's listing when read: file name -> (mtime, size), (id, version) ->
        # {language: translation file}); the listing also keys translation()'s cache
        self._sidecars: tuple[dict[str, tuple[int, int]], dict[tuple[str, str], dict[str, Path]]] | None = (
            None
        )
        self._listed_at: float | None = None
        # (content hash, file, its mtime and size) -> the translated copy, None when it is broken
        self._translated: dict[tuple[Any, ...], Questionnaire | None] = {}

    def files(self) -> list[Questionnaire]:
        """Every file of the folder, oldest version first per id; a broken file, or two files with
        one id and one version, raise QuestionnaireError."""
        return load_all(self.directory)

    def newest(self) -> dict[str, Questionnaire]:
        """The newest version of each questionnaire id."""
        return {q.id: q for q in self.files()}

    def register_all(self, session: Session) -> list[tuple[QuestionnaireVersion, bool]]:
        """Record every file (every shipped version); the newest of each id becomes current.
        Returns (row, newly added) pairs. Idempotent."""
        out = []
        for q in self.files():  # oldest first: each id's last file, its newest version, stays current
            row = session.scalar(
                select(QuestionnaireVersion).where(
                    QuestionnaireVersion.questionnaire_id == q.id,
                    QuestionnaireVersion.content_hash == q.content_hash,
                )
            )
            added = row is None
            session.execute(
                update(QuestionnaireVersion)
                .where(QuestionnaireVersion.questionnaire_id == q.id)
                .values(is_current=False)
            )
            if row is None:
                row = QuestionnaireVersion(
                    questionnaire_id=q.id,
                    version=q.version,
                    content_hash=q.content_hash,
                    source=Path(q.source).read_text(encoding="utf-8"),
                    title=q.title,
                )
                session.add(row)
            row.is_current = True
            out.append((row, added))
            load_translations(q.source, q)  # a broken translation is refused as a broken file is
        session.flush()
        _CURRENT_REFS.clear()
        self._listed_at = None
        return out

    # ----------------------------------------------------------------- translations

    def _listing(self) -> dict[str, tuple[int, int]]:
        """The folder's questionnaire and translation files: name -> (mtime, size)."""
        try:
            with os.scandir(self.directory) as entries:
                return {
                    e.name: (e.stat().st_mtime_ns, e.stat().st_size)
                    for e in entries
                    if e.name.endswith((".yaml", ".yml"))
                }
        except OSError:
            return {}

    def sidecars(self, questionnaire: Questionnaire) -> dict[str, Path]:
        """The translation files of a questionnaire's id and version in the folder, by language.

        Looked up by (id, version), not by file: a questionnaire read from the database (the text
        an assessment was answered on) finds the translation added to the folder since. The
        folder is looked at again once the last look is LISTING_SECONDS old, and read again only
        when its listing changed (a file added, edited or removed)."""
        now = self._clock()
        if (
            self._sidecars is not None
            and self._listed_at is not None
            and now - self._listed_at < self.LISTING_SECONDS
        ):
            return self._sidecars[1].get((questionnaire.id, questionnaire.version), {})
        listing = self._listing()
        self._listed_at = now
        if self._sidecars is None or self._sidecars[0] != listing:
            index: dict[tuple[str, str], dict[str, Path]] = {}
            for path in questionnaire_files(self.directory):
                try:
                    q = load_questionnaire(path)
                except QuestionnaireError:
                    continue  # refused by `flask init` and `validate`; its translations are moot
                found = index.setdefault((q.id, q.version), {})
                for sidecar in sidecar_files(path):
                    found[str(sidecar_language(sidecar))] = sidecar
            self._sidecars = (listing, index)
        return self._sidecars[1].get((questionnaire.id, questionnaire.version), {})

    def translation(self, questionnaire: Questionnaire, language: str) -> Questionnaire | None:
        """The questionnaire in ``language`` from its translation file; None when it has none or
        that file is broken (logged: `flask questionnaire validate` names the problems)."""
        base = questionnaire.original or questionnaire
        files = self.sidecars(base)
        path = files.get(language) or next(
            (p for tag, p in sorted(files.items()) if base_language(tag) == base_language(language)), None
        )
        if path is None:
            return None
        # sidecars() above has just listed the folder: its stats key the cache, no second stat.
        listed = self._sidecars[0] if self._sidecars is not None else {}
        stat = listed.get(path.name) if path.parent == self.directory else None
        if stat is None:
            try:
                found = path.stat()
            except OSError:
                return None
            stat = (found.st_mtime_ns, found.st_size)
        key = (base.content_hash, str(path), *stat)
        if key not in self._translated:
            try:
                self._translated[key] = load_translation(path, base).apply(base)
            except QuestionnaireError as exc:
                log.warning("translation not used, it is broken:\n%s", exc)
                self._translated[key] = None
            if len(self._translated) > 64:  # edited files leave stale entries behind
                self._translated.pop(next(iter(self._translated)))
        return self._translated[key]

    def languages(self, questionnaire: Questionnaire) -> list[str]:
        """Its own language first, then those it has a complete translation in, e.g. ["en", "de"]."""
        base = questionnaire.original or questionnaire
        own = base_language(base.language)
        others = [tag for tag in sorted(self.sidecars(base)) if self.translation(base, tag) is not None]
        return [own, *(tag for tag in others if base_language(tag) != own)]

    def translated(self, questionnaire: Questionnaire, language: str | None) -> Questionnaire:
        base = questionnaire.original or questionnaire
        if not language or base_language(language) == base_language(base.language):
            return base
        return self.translation(base, language) or base


def version_named(session: Session, questionnaire_id: str, version: str) -> QuestionnaireVersion:
    """A registered version by its number; the current row when that number was loaded twice."""
    row = session.scalar(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.version == version,
        )
        .order_by(QuestionnaireVersion.is_current.desc(), QuestionnaireVersion.pk.desc())
        .limit(1)
    )
    if row is None:
        raise NotFound(f"no version {version!r} of questionnaire {questionnaire_id!r}")
    questionnaire_of(row)
    return row


def registered_versions(session: Session, questionnaire_id: str) -> list[str]:
    """The version numbers registered for an id, oldest first."""
    found = set(
        session.scalars(
            select(QuestionnaireVersion.version).where(
                QuestionnaireVersion.questionnaire_id == questionnaire_id
            )
        )
    )
    return sorted(found, key=version_key)


def current_versions(session: Session) -> list[QuestionnaireVersion]:
    return list(
        session.scalars(
            select(QuestionnaireVersion)
            .where(QuestionnaireVersion.is_current.is_(True))
            .order_by(QuestionnaireVersion.questionnaire_id)
        )
    )


_CURRENT_VERSION = select(QuestionnaireVersion).where(
    QuestionnaireVersion.questionnaire_id == bindparam("questionnaire_id"),
    QuestionnaireVersion.is_current.is_(True),
)


def current_version(session: Session, questionnaire_id: str) -> QuestionnaireVersion:
    row = session.scalar(_CURRENT_VERSION, {"questionnaire_id": questionnaire_id})
    if row is None:
        raise NotFound(f"no questionnaire {questionnaire_id!r}")
    if row.content_hash not in _BY_HASH:
        questionnaire_of(row)  # parse while the session is open, so later calls never need the text
    return row


# Per database engine: questionnaire id -> (when looked up, pk, content hash) of its current version.
_CURRENT_REFS: weakref.WeakKeyDictionary[Any, dict[str, tuple[float, int, str]]] = weakref.WeakKeyDictionary()
CURRENT_REF_SECONDS = 5.0


def current_ref(session: Session, questionnaire_id: str) -> tuple[int, Questionnaire]:
    """The current version's pk and definition, remembered for a few seconds: the look-up was a
    fifth of a submission's time. A version registered by another process (``flask init``) is
    picked up within CURRENT_REF_SECONDS; in this process, register_all forgets at once."""
    refs = _CURRENT_REFS.setdefault(session.get_bind(), {})
    now = time.monotonic()
    hit = refs.get(questionnaire_id)
    if hit is not None and now - hit[0] < CURRENT_REF_SECONDS and hit[2] in _BY_HASH:
        return hit[1], _BY_HASH[hit[2]]
    version = current_version(session, questionnaire_id)
    refs[questionnaire_id] = (now, version.pk, version.content_hash)
    return version.pk, questionnaire_of(version)


DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "questionnaires"
# The registry of the app whose context is active (set by create_app's app-context hook), so that
# ``translated`` finds the translations of the app's own questionnaire folder.
_ACTIVE: ContextVar[QuestionnaireRegistry | None] = ContextVar("questionnaire_registry", default=None)
_LAST: list[QuestionnaireRegistry] = []


def use_registry(registry: QuestionnaireRegistry) -> None:
    """Make ``registry`` the one ``translated`` and ``languages`` consult (in this context, and
    where no context has chosen one)."""
    _ACTIVE.set(registry)
    _LAST[:] = [registry]


def active_registry() -> QuestionnaireRegistry:
    registry = _ACTIVE.get() or (_LAST[0] if _LAST else None)
    if registry is None:
        registry = QuestionnaireRegistry(DEFAULT_DIRECTORY)
        _LAST[:] = [registry]
    return registry


def translated(questionnaire: Questionnaire, language: str | None) -> Questionnaire:
    """The questionnaire with its text in ``language`` ("de"), from the sidecar translation beside
    its file; as written when that language is its own or it has no such translation. Ids, values
    and weights never change, so scores never depend on the language."""
    return active_registry().translated(questionnaire, language)


def languages(questionnaire: Questionnaire) -> list[str]:
    """The languages ``questionnaire`` can be answered in: its own first, e.g. ["en", "de"]."""
    return active_registry().languages(questionnaire)


def language_for(questionnaire: Questionnaire, wanted: str | None) -> str:
    """The language to answer in: ``wanted`` (the reader's, "de" or "de_AT") when the
    questionnaire has it, else its own."""
    offered = languages(questionnaire)
    if wanted:
        tag = wanted.replace("_", "-")
        for candidate in (tag, base_language(tag)):
            if candidate in offered:
                return candidate
    return offered[0]
