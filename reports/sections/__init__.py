"""The report's sections, one module each, each building its part from the plain result.

Every module here that declares ``CHAPTER = ChapterSpec(...)`` (see ``base``) is a chapter of the
report, drawn by its partial template ``templates/sections/<id>.html`` (``report.html``
includes each chapter in ``order``). To add a section: write ``reports/sections/<id>.py`` with
its dataclasses, a ``build(inputs, fields)`` returning ``CHAPTER.chapter(toc, data)`` (or None
when the report has no such section) and its ``CHAPTER``; write the partial, which finds its
values in ``ch.data``; pass any plain inputs it needs as ``build_context(..., extra={<id>: ...})``.
Nothing else needs editing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from .base import (
    BOTH,
    CORE,
    EDITIONS,
    FULL,
    FULL_ONLY,
    Chapter,
    ChapterSpec,
    Inputs,
    TocEntry,
    UnknownEdition,
    check_edition,
)

NOT_SECTIONS = frozenset({"base", "common", "cover"})


@cache
def chapter_specs() -> tuple[ChapterSpec, ...]:
    """Every section module's ``CHAPTER``, in report order."""
    specs = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in NOT_SECTIONS or info.name.startswith("_"):
            continue
        spec = getattr(importlib.import_module(f"{__name__}.{info.name}"), "CHAPTER", None)
        if isinstance(spec, ChapterSpec):
            specs.append(spec)
    return tuple(sorted(specs, key=lambda s: (s.order, s.id)))


def chapters(inputs: Inputs, fields: Mapping[str, Any]) -> tuple[Chapter, ...]:
    """The chapters this report has, in order, for its edition."""
    out = []
    for spec in chapter_specs():
        if inputs.edition not in spec.editions:
            continue
        chapter = spec.build(inputs, fields)
        if chapter is not None:
            out.append(chapter)
    # A chapter may take another place in one edition (the core's commentary follows the position).
    return tuple(sorted(out, key=lambda c: c.order))


def add_chapter(context: Any, chapter: Chapter) -> Any:
    """``context`` with one more chapter in its place (for parts built after the context, such
    as a workshop's discussion rounds)."""
    kept = tuple(c for c in context.chapters if c.id != chapter.id)
    return replace(context, chapters=tuple(sorted((*kept, chapter), key=lambda c: c.order)))


__all__ = [
    "BOTH",
    "CORE",
    "EDITIONS",
    "FULL",
    "FULL_ONLY",
    "Chapter",
    "ChapterSpec",
    "Inputs",
    "TocEntry",
    "UnknownEdition",
    "add_chapter",
    "chapter_specs",
    "chapters",
    "check_edition",
]
