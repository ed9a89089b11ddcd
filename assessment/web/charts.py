"""Chart specifications for the pages: Plotly figure dicts (drawn by plotly.js in the browser)
and the layout of the spectrum picture (drawn as server-side SVG, so it needs no JavaScript).

Built from plain values so workshop and cohort pages can reuse them with group means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reports.charts import label_centre, label_rows, wrap_words

from ..i18n import _

INK = "#1b2a41"
PRIMARY = "#1d4e89"
ACCENT = "#b4530a"
TARGET = "#5b6b7f"
GRID = "#d5dbe3"
SERIES = ("#1d4e89", "#b4530a", "#2f7d32", "#7b3fa0", "#a11d4a", "#0e6f73", "#6b5b1b")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": {"family": FONT, "color": INK, "size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 48, "r": 48, "t": 24, "b": 24},
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.08},
    }
    layout.update(extra)
    return layout


def radar_figure(
    labels: Sequence[str],
    scores: Sequence[float | None],
    targets: Sequence[float | None],
    *,
    name: str | None = None,
) -> dict[str, Any]:
    """Scores against next-stage targets, one spoke per dimension; a null score leaves a gap.
    ``name``: the scores' legend entry (by default "Your scores", in the request's language)."""
    wrapped = [wrap_label(label) for label in labels]
    closed_labels = [*wrapped, wrapped[0]] if wrapped else []

    def closed(values: Sequence[float | None]) -> list[float | None]:
        rounded = [None if v is None else round(v, 1) for v in values]
        return [*rounded, rounded[0]] if rounded else []

    return {
        "data": [
            {
                "type": "scatterpolar",
                "r": closed(targets),
                "theta": closed_labels,
                "name": _("Next-stage target"),
                "mode": "lines+markers",
                "line": {"color": TARGET, "dash": "dash", "width": 2},
                "marker": {"size": 5},
                "hovertemplate": "%{theta}: " + _("target %(score)s", score="%{r:.0f}") + "<extra></extra>",
            },
            {
                "type": "scatterpolar",
                "r": closed(scores),
                "theta": closed_labels,
                "name": name or _("Your scores"),
                "mode": "lines+markers",
                "fill": "toself",
                "fillcolor": "rgba(29, 78, 137, 0.18)",
                "line": {"color": PRIMARY, "width": 3},
                "marker": {"size": 7},
                "hovertemplate": "%{theta}: %{r:.0f}<extra></extra>",
            },
        ],
        "layout": _layout(
            polar={
                "radialaxis": {
                    "range": [0, 100],
                    "tickvals": [20, 40, 60, 80, 100],
                    "gridcolor": GRID,
                    "linecolor": GRID,
                    "angle": 90,
                    "tickangle": 90,
                    "tickfont": {"size": 10},
                },
                "angularaxis": {"gridcolor": GRID, "linecolor": GRID, "direction": "clockwise"},
                "bgcolor": "rgba(0,0,0,0)",
            },
        ),
    }


def wrap_label(label: str, width: int = 12) -> str:
    """Break a long axis label over lines (Plotly takes <br>), so it fits a phone's width."""
    return "<br>".join(wrap_words(label, width))


def history_figure(
    dates: Sequence[str], overall: Sequence[float | None], dimensions: Mapping[str, Sequence[float | None]]
) -> dict[str, Any]:
    """Overall index (bold) and each dimension over successive assessments of a series."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": list(dates),
            "y": [None if v is None else round(v, 1) for v in overall],
            "name": _("Overall index"),
            "line": {"color": INK, "width": 4},
            "marker": {"size": 8},
        }
    ]
    for n, (label, values) in enumerate(dimensions.items()):
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": list(dates),
                "y": [None if v is None else round(v, 1) for v in values],
                "name": label,
                "line": {"color": SERIES[n % len(SERIES)], "width": 2},
            }
        )
    return {
        "data": data,
        "layout": _layout(
            xaxis={"type": "category", "gridcolor": GRID},
            yaxis={"range": [0, 100], "gridcolor": GRID, "title": {"text": _("Score (0-100)")}},
            legend={"orientation": "h", "y": -0.2},
            margin={"l": 56, "r": 16, "t": 16, "b": 40},
        ),
    }


@dataclass(frozen=True)
class SpectrumMark:
    label: str
    value: float
    x: float  # SVG x coordinate
    row: int  # label row under the axis, so close labels do not overlap
    label_x: float = 0.0  # the label's centre: over the mark, moved inside the axis at the ends
    label_width: float = 0.0  # the room the label is given (estimated)


@dataclass(frozen=True)
class Spectrum:
    """SCORING.md section 7: one axis from the low pole (0) to the high pole (100)."""

    width: int
    left: float
    right: float
    overall: float | None
    overall_x: float | None
    threshold: float
    threshold_x: float
    marks: tuple[SpectrumMark, ...]
    rows: int

    @property
    def height(self) -> int:
        return 136 + 22 * self.rows


def spectrum(
    overall: float | None,
    threshold: float,
    dimensions: Sequence[tuple[str, float | None]],
    *,
    width: int = 720,
    char_width: float = 7.4,
) -> Spectrum:
    left, right = 24.0, width - 24.0

    def x_of(value: float) -> float:
        return left + (right - left) * max(0.0, min(100.0, value)) / 100.0

    scored = sorted(((lab, v) for lab, v in dimensions if v is not None), key=lambda p: p[1])
    # Labels are centred on their mark; their width is estimated to keep them apart.
    widths = [(len(lab) + 4) * char_width + 12 for lab, _ in scored]
    positions = [(x_of(v), widths[i], i) for i, (_, v) in enumerate(scored)]
    row_of = label_rows(positions, gap=0.0, bounds=(0.0, float(width)))
    marks = [
        SpectrumMark(
            label=lab,
            value=v,
            x=x_of(v),
            row=row_of[i],
            label_x=label_centre(x_of(v), widths[i], 0.0, float(width)),
            label_width=widths[i],
        )
        for i, (lab, v) in enumerate(scored)
    ]
    return Spectrum(
        width=width,
        left=left,
        right=right,
        overall=overall,
        overall_x=None if overall is None else x_of(overall),
        threshold=threshold,
        threshold_x=x_of(threshold),
        marks=tuple(marks),
        rows=max(1, len(set(row_of.values()))),
    )
