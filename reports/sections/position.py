"""Where the organisation stands: the spectrum (rule 7) and the radar against next-stage targets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assessment.domain.figures import score_bounds
from assessment.domain.result import Result
from assessment.i18n import _

from .. import charts
from ..fetcher import Asset, asset_url
from .base import Chapter, ChapterSpec, Inputs, TocEntry
from .common import Chart, alt_text


def position_charts(result: Result, is_group: bool, accent: str) -> tuple[dict[str, Asset], Chart, Chart]:
    """The spectrum and the radar, from the same Result numbers the web page shows."""
    q = result.questionnaire
    marks = [charts.Mark(d.id, d.label, d.score, d.target) for d in result.dimensions]
    bands = [
        charts.Band(s.label, s.min, q.stages[n + 1].min if n + 1 < len(q.stages) else 100.0)
        for n, s in enumerate(q.stages)
    ]
    spectrum_svg = charts.spectrum_svg(
        overall=result.overall,
        overall_label=_("Group") if is_group else _("Overall"),
        low_pole=q.poles["low"]["label"],
        high_pole=q.poles["high"]["label"],
        threshold=q.thresholds.social,
        floor=q.thresholds.floor,
        bands=bands,
        marks=marks,
        accent=accent,
    )
    radar_svg = charts.radar_svg(
        marks=marks,
        rings=[*(s.min for s in q.stages[1:]), 100.0],
        accent=accent,
        bounds=score_bounds(q),
        score_label=_("Score"),
        target_label=_("Next-stage target"),
    )
    assets = {
        "spectrum.svg": Asset(spectrum_svg.encode(), "image/svg+xml"),
        "radar.svg": Asset(radar_svg.encode(), "image/svg+xml"),
    }
    spectrum = Chart(asset_url("spectrum.svg"), spectrum_svg, alt_text(spectrum_svg))
    radar = Chart(asset_url("radar.svg"), radar_svg, alt_text(radar_svg))
    return assets, spectrum, radar


def fields(inputs: Inputs) -> dict[str, Any]:
    assets, spectrum, radar = position_charts(inputs.result, inputs.group is not None, inputs.accent)
    inputs.assets.update(assets)
    return {"spectrum": spectrum, "radar": radar}


def _chapter(inputs: Inputs, fields: Mapping[str, Any]) -> Chapter | None:
    return CHAPTER.chapter([TocEntry("position", _("Where the organisation stands"))])


CHAPTER = ChapterSpec("position", "sections/position.html", 30, _chapter)
