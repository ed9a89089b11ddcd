"""What changed since the last assessment of the series, and the series' history chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assessment.domain.figures import change_text, score_bounds
from assessment.domain.result import Result
from assessment.i18n import _

from .. import charts
from ..fetcher import Asset, asset_url
from ..inputs import HistoryPoint
from .base import FULL_ONLY, Chapter, ChapterSpec, Inputs, TocEntry
from .common import Chart, alt_text, date_display

HISTORY_FROM = 3  # a line needs at least three points to say anything (as on the results page)


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    now: str
    change: str  # "+7", "−3", "±0", or "–" when either score is missing


def changes(
    result: Result, history: Sequence[HistoryPoint], date: dt.date, accent: str, assets: dict[str, Asset]
) -> tuple[tuple[ChangeRow, ...], Chart | None]:
    """What changed since the last assessment of the series, per dimension and overall, and the
    history chart of the whole series so far (this assessment last)."""
    if not history:
        return (), None
    before = history[-1]
    q = result.questionnaire

    bounds = score_bounds(q)

    def row(label: str, then: float | None, now: float | None) -> ChangeRow:
        # Rule 17: the change is the difference of the two figures as shown (69 -> 83 is +14).
        return ChangeRow(label, *change_text(then, now, bounds))

    rows = [row(d.label, before.dimensions.get(d.id), d.score) for d in result.dimensions]
    rows.append(row(_("Overall index"), before.overall, result.overall))
    chart = None
    if len(history) + 1 >= HISTORY_FROM:
        svg = charts.history_svg(
            [*(p.label for p in history), date_display(date)],
            [*(p.overall for p in history), result.overall],
            [
                (d.id, d.label, [*(p.dimensions.get(d.id) for p in history), d.score])
                for d in result.dimensions
            ],
            accent,
            bounds,
        )
        assets["history.svg"] = Asset(svg.encode(), "image/svg+xml")
        chart = Chart(asset_url("history.svg"), svg, alt_text(svg))
    return tuple(rows), chart


def fields(inputs: Inputs) -> dict[str, Any]:
    rows, chart = changes(inputs.result, inputs.history, inputs.date, inputs.accent, inputs.assets)
    history = inputs.history
    return {
        "previous_label": history[-1].label if history else None,
        "changes": rows,
        "history_count": len(history) + 1,
        "history": chart,
    }


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    if not fields["changes"]:
        return None
    return CHAPTER.chapter([TocEntry("changes", _("What changed since last time"))])


CHAPTER = ChapterSpec("changes", "sections/changes.html", 50, _chapter, FULL_ONLY)
