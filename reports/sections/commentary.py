"""A facilitator's own words: plain text, blank lines between paragraphs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from assessment.i18n import _

from .base import CORE, Chapter, ChapterSpec, Inputs, TocEntry
from .common import breakable, text_direction


def paragraphs(commentary: str | None) -> tuple[str, ...]:
    return tuple(breakable(p.strip()) for p in re.split(r"\n\s*\n", commentary or "") if p.strip())


def fields(commentary: str | None) -> dict[str, Any]:
    shown = paragraphs(commentary)
    return {"commentary": shown, "commentary_dirs": tuple(text_direction(p) for p in shown)}


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    if not fields["commentary"]:
        return None
    chapter = CHAPTER.chapter([TocEntry("commentary", _("Commentary"))])
    if inputs.edition == CORE:
        # The core keeps to its pages: the consultant's words follow the position, on its page.
        return replace(chapter, order=CORE_ORDER)
    return chapter


CORE_ORDER = 35  # after the position
CHAPTER = ChapterSpec("commentary", "sections/commentary.html", 20, _chapter)
