"""What every section module shares: the inputs it builds from, the ``Chapter`` it hands the
template, and the two editions.

A section module builds its part of the report from ``Inputs`` (the plain result and the
caller's plain arguments) and declares ``CHAPTER = ChapterSpec(...)``: its id, its partial
template under ``templates/sections/``, its place in the report (``order``), the editions it
appears in, and ``build(inputs, fields) -> Chapter | None`` (None: not in this report).
``reports.sections.chapter_specs()`` finds every module that declares one, so adding a section
is one module and one partial template; nothing else needs editing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assessment.domain.questionnaire import Questionnaire
from assessment.domain.result import Result

from ..fetcher import Asset
from ..inputs import Branding, GroupData, HistoryPoint

CORE = "core"  # the default: summary, position, a page per dimension, a one-page roadmap
FULL = "full"  # the core plus every answer, the coverage and the method
EDITIONS = (CORE, FULL)
BOTH = frozenset(EDITIONS)
FULL_ONLY = frozenset({FULL})


class UnknownEdition(ValueError):
    """An edition other than ``EDITIONS``; the message names it."""

    def __init__(self, edition: object) -> None:
        super().__init__(f"unknown report edition {edition!r}: use one of {', '.join(EDITIONS)}")
        self.edition = edition


def check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise UnknownEdition(edition)
    return edition


@dataclass(frozen=True)
class Inputs:
    """Everything a section may build from (no database object, no Flask)."""

    result: Result
    date: dt.date
    edition: str
    labels: Mapping[str, str]  # dimension id -> label
    anchors: Mapping[str, str]  # dimension id -> the id of its chapter in the document
    accent: str
    branding: Branding
    assets: dict[str, Asset]  # charts and logo of this render; sections add theirs
    group: GroupData | None = None
    history: Sequence[HistoryPoint] = ()
    hidden: frozenset[str] = frozenset()
    order: Sequence[str] | None = None
    # Plain values for sections beyond the built-in ones, by section id (a benchmark, a plan).
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def questionnaire(self) -> Questionnaire:
        return self.result.questionnaire

    @property
    def full(self) -> bool:
        return self.edition == FULL


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    title: str
    sub: bool = False


@dataclass(frozen=True)
class Chapter:
    """One chapter in the report: the partial template that draws it, its contents entries, and
    its own values (``data``; the built-in chapters read the context's fields instead)."""

    id: str
    template: str
    order: float
    toc: tuple[TocEntry, ...] = ()
    data: Any = None


@dataclass(frozen=True)
class ChapterSpec:
    id: str
    template: str
    order: float  # summary 10, commentary 20, position 30, group 40, changes 50, dimensions 60,
    # roadmap 70, method 80, discussion rounds 85, answers 90
    build: Callable[[Inputs, Mapping[str, Any]], Chapter | None]
    editions: frozenset[str] = BOTH

    def chapter(self, toc: Sequence[TocEntry] = (), data: Any = None) -> Chapter:
        return Chapter(self.id, self.template, self.order, tuple(toc), data)
