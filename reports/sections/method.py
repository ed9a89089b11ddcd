"""The appendix on method and coverage: how scores are computed, the stages, and how completely
each dimension was answered (one person's answers, or the whole group's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assessment.domain.questionnaire import Questionnaire
from assessment.domain.result import Result
from assessment.i18n import _

from ..inputs import GroupData
from .base import FULL_ONLY, Chapter, ChapterSpec, Inputs, TocEntry
from .common import fmt, pct, score_shown


@dataclass(frozen=True)
class CoverageRow:
    """The method appendix's coverage table: one person's answers, or the whole group's."""

    dimension_label: str
    respondents: str | None  # group: "34 of 36" members with a score; None for one person
    answered: int
    unsure: int
    not_applicable: int  # out of coverage (rule 1), so "possible" is not its denominator
    possible: int
    coverage: str
    score: str
    stage: str


@dataclass(frozen=True)
class StageRow:
    label: str
    range: str
    description: str


def coverage_rows(result: Result, group: GroupData | None) -> tuple[CoverageRow, ...]:
    """One person's coverage per dimension (rule 3), or the group's, summed over its members."""
    rows = []
    for ds in result.dimensions:
        score = score_shown(result.questionnaire, ds.score)
        stage = ds.stage.label if ds.stage else _("not enough answers")
        g = group.coverage.get(ds.id) if group is not None else None
        if group is not None and g is not None:
            rows.append(
                CoverageRow(
                    ds.label,
                    _("{n} of {total}").format(n=g.scored_members, total=group.n),
                    g.answers,
                    g.unsure,
                    g.not_applicable,
                    g.possible,
                    pct(g.coverage),
                    score,
                    stage,
                )
            )
        else:
            rows.append(
                CoverageRow(
                    ds.label,
                    None,
                    ds.answered,
                    ds.unsure,
                    ds.not_applicable,
                    ds.total,
                    pct(ds.coverage),
                    score,
                    stage,
                )
            )
    return tuple(rows)


def stage_rows(q: Questionnaire) -> tuple[StageRow, ...]:
    """The method appendix's table of stages and their ranges."""
    return tuple(
        StageRow(
            s.label,
            f"{fmt(s.min)}–{fmt(q.stages[n + 1].min)}" if n + 1 < len(q.stages) else f"{fmt(s.min)}–100",
            s.description,
        )
        for n, s in enumerate(q.stages)
    )


def fields(inputs: Inputs) -> dict[str, Any]:
    q = inputs.questionnaire
    return {
        "scale_display": _("{low} to {high}").format(low=q.scale_min, high=q.scale_max),
        "stages": stage_rows(q),
        "coverage": coverage_rows(inputs.result, inputs.group),
    }


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    return CHAPTER.chapter([TocEntry("method", _("Appendix: method and coverage"))])


CHAPTER = ChapterSpec("method", "sections/method.html", 80, _chapter, FULL_ONLY)
