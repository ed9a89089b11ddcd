"""The appendix of every answer of an individual report (a group report has none)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessment.domain.result import Result
from assessment.domain.scoring import NOT_APPLICABLE, UNSURE, item_score
from assessment.i18n import _

from .base import FULL_ONLY, Chapter, ChapterSpec, Inputs, TocEntry
from .common import fmt


@dataclass(frozen=True)
class AnswerRow:
    number: int
    item: str
    text: str
    answer: str
    position: str  # rule-2 position as 0..100, after reversing; "–" when not scored
    reverse: bool
    weight: str | None


@dataclass(frozen=True)
class AnswerGroup:
    dimension_label: str
    rows: tuple[AnswerRow, ...]


def answers_appendix(result: Result) -> tuple[AnswerGroup, ...]:
    """Every answer, for the appendix of an individual report."""
    q = result.questionnaire
    answers = result.answers
    answer_groups = []
    number = 0
    for d in q.dimensions:
        rows = []
        for item in q.items_of(d.id):
            number += 1
            value = answers.get(item.id)
            if value == UNSURE:
                shown, position = _("Unsure"), "–"
            elif value == NOT_APPLICABLE:
                shown, position = _("Not applicable here"), "–"
            elif isinstance(value, int) and not isinstance(value, bool):
                shown = f"{item.option_label(value)} ({value})"
                position = fmt(100 * item_score(item, value))
            else:
                shown, position = _("Not answered"), "–"
            rows.append(
                AnswerRow(
                    number=number,
                    item=item.id,
                    text=item.text,
                    answer=shown,
                    position=position,
                    reverse=item.reverse,
                    weight=None if item.weight == 1 else f"{item.weight:g}",
                )
            )
        answer_groups.append(AnswerGroup(d.label, tuple(rows)))
    return tuple(answer_groups)


def fields(inputs: Inputs) -> dict[str, Any]:
    return {"answers": () if inputs.group is not None else answers_appendix(inputs.result)}


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    if not fields["answers"]:
        return None
    return CHAPTER.chapter([TocEntry("answers", _("Appendix: every answer"))])


CHAPTER = ChapterSpec("answers", "sections/answers.html", 90, _chapter, FULL_ONLY)
