"""Questionnaire files and their stored versions: registering, looking up, parsing (cached)."""

from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ..db.models import QuestionnaireVersion
from ..domain.questionnaire import Questionnaire, load_all, parse_questionnaire, version_key
from . import NotFound

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

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

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
        session.flush()
        _CURRENT_REFS.clear()
        return out


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


def translated(questionnaire: Questionnaire, language: str) -> Questionnaire:
    """The questionnaire with its text in ``language`` ("de"), from the sidecar translation beside
    its file; as written when that language is its own or it has no such translation. Ids, values
    and weights never change, so scores never depend on the language."""
    return questionnaire
