"""Print charts as vector SVG, made in Python from the same numbers the web page shows.

No browser and no plotting library: a chart is a few dozen shapes, and writing them directly
keeps them small, fast (well under a millisecond each) and exact. Every mark carries its value
in ``data-*`` attributes and sits at a position computed by the small public functions below
(``spectrum_x``, ``radar_point``), so tests can check that a chart shows the scores it claims to.

All text is escaped; chart inputs are plain values (labels and floats), never domain objects.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from assessment.domain.figures import shown_score
from assessment.i18n import _

FONT = "Inter, 'Noto Sans', 'WenQuanYi Micro Hei', sans-serif"
INK = "#1f2933"
MUTED = "#6b7785"
RULE = "#c9d1da"
PALE = "#eef2f6"
WARN = "#b3541e"
DEFAULT_ACCENT = "#1d5c8f"


def _n(value: float) -> str:
    """A coordinate with two decimals and no trailing zeros: small files, stable output."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _shown(value: float, bounds: Sequence[float] = ()) -> str:
    """A label's figure as every page shows it (SCORING.md rule 17); marks stay at full precision."""
    return shown_score(value, bounds).text


def _t(text: str) -> str:
    return escape(text, quote=True)


def _text_width(text: str, size: float) -> float:
    """A generous advance width for layout: Inter averages about 0.56 em per character; wide
    (CJK) characters take a full em, so a label in any script keeps its room."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.56 for c in text)
    return ems * size


def _svg(width: float, height: float, body: list[str], label: str, name: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" role="img" aria-label="{_t(label)}" '
        f'data-chart="{name}" font-family="{_t(FONT)}" fill="{INK}">' + "".join(body) + "</svg>"
    )


# --------------------------------------------------------------------------- spectrum


@dataclass(frozen=True)
class Mark:
    """One dimension on a chart: an id, a label, its score (None: not enough answers)."""

    id: str
    label: str
    score: float | None
    target: float | None = None


@dataclass(frozen=True)
class Band:
    """A stage: its label and the score range it covers."""

    label: str
    lo: float
    hi: float


SPECTRUM_WIDTH = 560.0
SPECTRUM_LEFT = 14.0
SPECTRUM_RIGHT = 546.0


def spectrum_x(score: float) -> float:
    """Where a score of 0..100 sits on the spectrum's axis."""
    return SPECTRUM_LEFT + (SPECTRUM_RIGHT - SPECTRUM_LEFT) * score / 100.0


def label_centre(x: float, width: float, left: float, right: float) -> float:
    """Where a label of ``width`` meant to be centred on ``x`` is drawn: centred on x, but moved
    inwards as far as needed to stay between ``left`` and ``right``."""
    return min(max(x, left + width / 2), right - width / 2)


def label_rows(
    positions: list[tuple[float, float, int]],
    gap: float = 8.0,
    bounds: tuple[float, float] | None = None,
) -> dict[int, int]:
    """Put labels centred at x with width w into rows so that none overlaps; returns index -> row.

    With ``bounds`` (left, right) a label is first moved inside them (``label_centre``), and
    the rows are packed by where the labels are actually drawn: packing by the marks' own x let
    a label pushed in from the edge land on its neighbour. Greedy first fit by left edge: within
    a row every label starts at least ``gap`` after the right edge of the one before.
    Shared with the web page's spectrum, so both pictures stack close labels the same way."""
    boxes = []
    for x, w, index in positions:
        cx = x if bounds is None else label_centre(x, w, *bounds)
        boxes.append((cx - w / 2, cx + w / 2, index))
    rows: list[float] = []  # right edge of the last label in each row
    placed: dict[int, int] = {}
    for lo, hi, index in sorted(boxes):
        for row, right in enumerate(rows):
            if lo >= right + gap:
                rows[row] = hi
                placed[index] = row
                break
        else:
            rows.append(hi)
            placed[index] = len(rows) - 1
    return placed


def spectrum_svg(
    *,
    overall: float | None,
    overall_label: str,
    low_pole: str,
    high_pole: str,
    threshold: float,
    floor: float,
    bands: Sequence[Band],
    marks: Sequence[Mark],
    accent: str = DEFAULT_ACCENT,
) -> str:
    """SCORING.md section 7: one axis from the low pole (0) to the high pole (100), the
    organisation at its overall index, the social threshold and the floor marked, and each
    dimension marked at its score. Stages are shown as tinted bands along the axis."""
    bounds = (*(b.lo for b in bands), threshold, floor, 100.0)
    body: list[str] = []
    bar_top, bar_h = 58.0, 24.0
    bar_bottom = bar_top + bar_h
    body.append(
        f'<text x="{_n(SPECTRUM_LEFT)}" y="14" font-size="11" font-weight="600">{_t(low_pole)}</text>'
        f'<text x="{_n(SPECTRUM_RIGHT)}" y="14" font-size="11" font-weight="600" '
        f'text-anchor="end">{_t(high_pole)}</text>'
        f'<text x="{_n(SPECTRUM_LEFT)}" y="27" font-size="9" fill="{MUTED}">0</text>'
        f'<text x="{_n(SPECTRUM_RIGHT)}" y="27" font-size="9" fill="{MUTED}" text-anchor="end">100</text>'
    )
    # Stage bands: tints that deepen towards the social pole. Their names are drawn after the
    # overall marker so that the marker never hides one.
    band_labels: list[str] = []
    label_spans: list[tuple[float, float]] = []
    for index, band in enumerate(bands):
        x0, x1 = spectrum_x(band.lo), spectrum_x(band.hi)
        opacity = 0.12 + 0.16 * index
        body.append(
            f'<rect class="band" x="{_n(x0)}" y="{_n(bar_top)}" width="{_n(x1 - x0)}" height="{_n(bar_h)}" '
            f'fill="{accent}" fill-opacity="{_n(min(opacity, 0.85))}" data-lo="{band.lo!r}" '
            f'data-hi="{band.hi!r}"/>'
        )
        label_fill = "#ffffff" if opacity > 0.45 else INK
        if _text_width(band.label, 9) < (x1 - x0) - 4:
            half_label = _text_width(band.label, 9) / 2 + 2
            label_spans.append(((x0 + x1) / 2 - half_label, (x0 + x1) / 2 + half_label))
            band_labels.append(
                f'<text x="{_n((x0 + x1) / 2)}" y="{_n(bar_top + 15.5)}" font-size="9" '
                f'text-anchor="middle" fill="{label_fill}">{_t(band.label)}</text>'
            )
    body.append(
        f'<rect x="{_n(SPECTRUM_LEFT)}" y="{_n(bar_top)}" width="{_n(SPECTRUM_RIGHT - SPECTRUM_LEFT)}" '
        f'height="{_n(bar_h)}" fill="none" stroke="{RULE}" stroke-width="0.8"/>'
    )
    # Threshold and floor.
    for cls, value, text in (("threshold", threshold, _("social threshold")), ("floor", floor, _("floor"))):
        x = spectrum_x(value)
        body.append(
            f'<g class="{cls}" data-value="{value!r}">'
            f'<line x1="{_n(x)}" y1="{_n(bar_top - 6)}" x2="{_n(x)}" y2="{_n(bar_bottom + 6)}" '
            f'stroke="{INK}" stroke-width="1.2" stroke-dasharray="3 2"/>'
            f'<text x="{_n(x)}" y="{_n(bar_bottom + 17)}" font-size="8.5" text-anchor="middle" '
            f'fill="{MUTED}">{_t(text)} {_n(value)}</text></g>'
        )
    # The organisation (or group) marker above the bar.
    if overall is not None:
        x = spectrum_x(overall)
        label = f"{overall_label} {_shown(overall, bounds)}"
        half = _text_width(label, 12) / 2
        lx = min(max(x, SPECTRUM_LEFT + half), SPECTRUM_RIGHT - half)
        body.append(
            f'<g class="overall" data-score="{overall!r}" data-x="{_n(x)}">'
            f'<text x="{_n(lx)}" y="42" font-size="12" font-weight="700" '
            f'text-anchor="middle">{_t(label)}</text>'
            f'<path d="M{_n(x - 7)} {_n(bar_top - 10)} L{_n(x + 7)} {_n(bar_top - 10)} L{_n(x)} '
            f'{_n(bar_top + 2)} Z" '
            f'fill="{INK}"/>'
        )
        # Across a band's name the line stops short of the letters and goes on below them, so a
        # score in the middle of a band never strikes its name through.
        if any(lo <= x <= hi for lo, hi in label_spans):
            segments = [(bar_top, bar_top + 7), (bar_top + 19.5, bar_bottom)]
        else:
            segments = [(bar_top, bar_bottom)]
        body.extend(
            f'<line x1="{_n(x)}" y1="{_n(y0)}" x2="{_n(x)}" y2="{_n(y1)}" stroke="{INK}" stroke-width="2.5"/>'
            for y0, y1 in segments
        )
        body.append("</g>")
    else:
        body.append(
            f'<text class="overall" x="{_n(SPECTRUM_WIDTH / 2)}" y="42" font-size="11" '
            f'text-anchor="middle" fill="{WARN}">{_t(overall_label)}: not enough answers for an '
            f"overall index</text>"
        )
    body.extend(band_labels)
    # Dimensions: dots on a track below, labels in as many rows as it takes not to overlap.
    dimensions_word = _("Dimensions")  # outside the f-string, where the extractor finds it
    track_y = bar_bottom + 40
    body.append(
        f'<text x="{_n(SPECTRUM_LEFT)}" y="{_n(track_y - 9)}" font-size="8.5" '
        f'fill="{MUTED}">{_t(dimensions_word)}</text>'
        f'<line x1="{_n(SPECTRUM_LEFT)}" y1="{_n(track_y)}" x2="{_n(SPECTRUM_RIGHT)}" y2="{_n(track_y)}" '
        f'stroke="{RULE}" stroke-width="1"/>'
    )
    scored = [(i, m) for i, m in enumerate(marks) if m.score is not None]
    label_size = 9.5
    texts = {i: f"{m.label} {_shown(m.score, bounds)}" for i, m in scored}
    positions = [(spectrum_x(m.score), _text_width(texts[i], label_size), i) for i, m in scored]
    # The white patch behind a label is 2 units wider on each side than the text.
    rows = label_rows(positions, bounds=(SPECTRUM_LEFT, SPECTRUM_RIGHT))
    row_count = max(rows.values(), default=-1) + 1
    leaders: list[str] = []
    for i, m in scored:
        x = spectrum_x(m.score)
        width = _text_width(texts[i], label_size)
        lx = label_centre(x, width, SPECTRUM_LEFT, SPECTRUM_RIGHT)
        ly = track_y + 18 + 14 * rows[i]
        # Leader lines go first and every label sits on a white patch, so a line running down
        # to a lower row never strikes through a label above it.
        leaders.append(
            f'<line x1="{_n(x)}" y1="{_n(track_y)}" x2="{_n(x)}" y2="{_n(ly - 9)}" stroke="{RULE}" '
            f'stroke-width="0.8"/>'
        )
        body.append(
            f'<g class="dimension" data-dimension="{_t(m.id)}" data-score="{m.score!r}">'
            f'<circle cx="{_n(x)}" cy="{_n(track_y)}" r="4" fill="{accent}" stroke="#ffffff" '
            f'stroke-width="1"/>'
            f'<rect x="{_n(lx - width / 2 - 2)}" y="{_n(ly - 9.5)}" width="{_n(width + 4)}" height="12.5" '
            f'fill="#ffffff"/>'
            f'<text x="{_n(lx)}" y="{_n(ly)}" font-size="{label_size}" '
            f'text-anchor="middle">{_t(texts[i])}</text>'
            f"</g>"
        )
    body.insert(len(body) - len(scored), '<g class="leaders">' + "".join(leaders) + "</g>")
    height = track_y + 18 + 14 * max(row_count - 1, 0) + 8
    missing = [m for m in marks if m.score is None]
    if missing:
        names = ", ".join(m.label for m in missing)
        unplaced = _("Not enough answers to place: {names}").format(names=names)
        body.append(
            f'<text class="unscored" x="{_n(SPECTRUM_LEFT)}" y="{_n(height + 8)}" font-size="9" '
            f'fill="{WARN}">{_t(unplaced)}</text>'
        )
        height += 16
    label = f"Spectrum from {low_pole} (0) to {high_pole} (100): " + (
        f"{overall_label} at {_shown(overall, bounds)}" if overall is not None else "no overall index"
    )
    return _svg(SPECTRUM_WIDTH, height, body, label, "spectrum")


# --------------------------------------------------------------------------- radar

RADAR_WIDTH = 460.0
RADAR_HEIGHT = 380.0
RADAR_CX = 230.0
RADAR_CY = 178.0
RADAR_R = 118.0


def radar_angle(index: int, count: int) -> float:
    """Axis angle in radians: the first dimension points straight up, then clockwise."""
    return -math.pi / 2 + 2 * math.pi * index / count


def radar_point(index: int, count: int, score: float) -> tuple[float, float]:
    """Where a score of 0..100 sits on axis ``index`` of ``count``."""
    angle = radar_angle(index, count)
    r = RADAR_R * score / 100.0
    return RADAR_CX + r * math.cos(angle), RADAR_CY + r * math.sin(angle)


def wrap_words(text: str, width: int = 16) -> list[str]:
    """Greedy word wrap for chart labels (a word longer than ``width`` gets a line of its own)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _polyline_segments(points: list[tuple[float, float] | None], closed: bool) -> list[str]:
    """Path data joining consecutive known points; a missing point breaks the line."""
    n = len(points)
    if closed and all(p is not None for p in points):
        return ["M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in points) + " Z"]  # type: ignore[misc]
    segments = []
    for i in range(n if closed else n - 1):
        a, b = points[i], points[(i + 1) % n]
        if a is not None and b is not None:
            segments.append(f"M{_n(a[0])} {_n(a[1])} L{_n(b[0])} {_n(b[1])}")
    return segments


def radar_svg(
    *,
    marks: Sequence[Mark],
    rings: Sequence[float],
    accent: str = DEFAULT_ACCENT,
    score_label: str = "Score",
    target_label: str = "Next-stage target",
    bounds: Sequence[float] | None = None,
) -> str:
    """Each dimension's score on its own axis, with the next stage's lower bound (its rule-8
    target) as a dashed outline. Rings mark the stage bounds. A dimension without a score
    breaks the outline rather than pretending to be zero."""
    count = len(marks)
    bounds = tuple(rings if bounds is None else bounds)
    body: list[str] = []
    for ring in rings:
        points = [radar_point(i, count, ring) for i in range(count)]
        body.append(
            f'<path class="ring" data-value="{ring!r}" d="M'
            + " L".join(f"{_n(x)} {_n(y)}" for x, y in points)
            + f' Z" fill="none" stroke="{RULE}" stroke-width="0.7"/>'
        )
        x, y = radar_point(0, count, ring)
        body.append(f'<text x="{_n(x + 3)}" y="{_n(y - 2)}" font-size="7.5" fill="{MUTED}">{_n(ring)}</text>')
    for i in range(count):
        x, y = radar_point(i, count, 100)
        body.append(
            f'<line x1="{_n(RADAR_CX)}" y1="{_n(RADAR_CY)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{RULE}" '
            f'stroke-width="0.7"/>'
        )
    score_points = [None if m.score is None else radar_point(i, count, m.score) for i, m in enumerate(marks)]
    target_points = [
        None if m.target is None else radar_point(i, count, m.target) for i, m in enumerate(marks)
    ]
    closed_scores = all(p is not None for p in score_points)
    if closed_scores:
        d = _polyline_segments(score_points, closed=True)[0]
        body.append(
            f'<path class="score-area" d="{d}" fill="{accent}" fill-opacity="0.22" stroke="{accent}" '
            f'stroke-width="2"/>'
        )
    else:
        for d in _polyline_segments(score_points, closed=True):
            body.append(f'<path class="score-area" d="{d}" fill="none" stroke="{accent}" stroke-width="2"/>')
    for d in _polyline_segments(target_points, closed=True):
        body.append(
            f'<path class="target-line" d="{d}" fill="none" stroke="{INK}" stroke-width="1.2" '
            f'stroke-dasharray="4 3"/>'
        )
    for i, m in enumerate(marks):
        if m.target is not None:
            x, y = radar_point(i, count, m.target)
            body.append(
                f'<circle class="target-point" data-dimension="{_t(m.id)}" data-target="{m.target!r}" '
                f'cx="{_n(x)}" cy="{_n(y)}" r="2.2" fill="#ffffff" stroke="{INK}" stroke-width="1"/>'
            )
        if m.score is not None:
            x, y = radar_point(i, count, m.score)
            body.append(
                f'<circle class="score-point" data-dimension="{_t(m.id)}" data-score="{m.score!r}" '
                f'cx="{_n(x)}" cy="{_n(y)}" r="3.2" fill="{accent}"/>'
            )
        # Axis label outside the 100 ring, anchored away from the centre.
        angle = radar_angle(i, count)
        lx = RADAR_CX + (RADAR_R + 14) * math.cos(angle)
        ly = RADAR_CY + (RADAR_R + 14) * math.sin(angle)
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        lines = wrap_words(m.label)
        value = "not enough answers" if m.score is None else _shown(m.score, bounds)
        if m.score is not None and m.target is not None:
            value += f" \u2192 {_shown(m.target, bounds)}"
        sin = math.sin(angle)
        total = len(lines) + 1
        top = (
            ly - (total - 1) * 11 / 2 + 3.5
            if abs(sin) < 0.5
            else (ly + 6 if sin > 0 else ly - (total - 1) * 11)
        )
        spans = "".join(
            f'<tspan x="{_n(lx)}" y="{_n(top + k * 11)}" font-weight="600">{_t(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        fill = WARN if m.score is None else MUTED
        spans += (
            f'<tspan x="{_n(lx)}" y="{_n(top + len(lines) * 11)}" fill="{fill}" '
            f'font-size="9">{_t(value)}</tspan>'
        )
        body.append(f'<text class="axis-label" font-size="10" text-anchor="{anchor}">{spans}</text>')
    # Legend.
    ly = RADAR_HEIGHT - 14
    body.append(
        f'<rect x="120" y="{_n(ly - 8)}" width="16" height="9" fill="{accent}" fill-opacity="0.22" '
        f'stroke="{accent}" stroke-width="1.5"/>'
        f'<text x="141" y="{_n(ly)}" font-size="9.5">{_t(score_label)}</text>'
        f'<line x1="220" y1="{_n(ly - 3.5)}" x2="240" y2="{_n(ly - 3.5)}" stroke="{INK}" stroke-width="1.2" '
        f'stroke-dasharray="4 3"/>'
        f'<text x="245" y="{_n(ly)}" font-size="9.5">{_t(target_label)}</text>'
    )
    label = "Radar chart of dimension scores with next-stage targets: " + "; ".join(
        f"{m.label} {'no score' if m.score is None else _shown(m.score, bounds)}"
        + ("" if m.target is None else f" (target {_shown(m.target, bounds)})")
        for m in marks
    )
    return _svg(RADAR_WIDTH, RADAR_HEIGHT, body, label, "radar")


# --------------------------------------------------------------------------- group distribution


@dataclass(frozen=True)
class Spread:
    """A group's distribution on one dimension (SCORING.md rule 9)."""

    id: str
    label: str
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    lo: float | None
    hi: float | None


DIST_WIDTH = 560.0
DIST_LEFT = 128.0
DIST_RIGHT = 545.0


def distribution_x(score: float) -> float:
    return DIST_LEFT + (DIST_RIGHT - DIST_LEFT) * score / 100.0


def distribution_svg(
    spreads: Sequence[Spread], accent: str = DEFAULT_ACCENT, bounds: Sequence[float] = ()
) -> str:
    """Per dimension: the range (min to max) as a line, mean plus and minus one standard
    deviation as a bar, the mean as a dot and the median as a tick."""
    row_h = 26.0
    top = 22.0
    body: list[str] = []
    for v in (0, 20, 40, 60, 80, 100):
        x = distribution_x(v)
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(top - 6)}" x2="{_n(x)}" y2="{_n(top + row_h * len(spreads))}" '
            f'stroke="{PALE if v not in (0, 100) else RULE}" stroke-width="0.8"/>'
            f'<text x="{_n(x)}" y="{_n(top - 10)}" font-size="8" text-anchor="middle" '
            f'fill="{MUTED}">{v}</text>'
        )
    for k, s in enumerate(spreads):
        y = top + row_h * k + row_h / 2
        body.append(
            f'<text x="{_n(DIST_LEFT - 10)}" y="{_n(y + 3.5)}" font-size="9.5" '
            f'text-anchor="end">{_t(s.label)}</text>'
        )
        if s.mean is None or s.lo is None or s.hi is None:
            body.append(
                f'<text x="{_n(DIST_LEFT + 4)}" y="{_n(y + 3.5)}" font-size="9" fill="{WARN}">no '
                f"scores</text>"
            )
            continue
        parts = [
            f'<g class="spread" data-dimension="{_t(s.id)}" data-mean="{s.mean!r}" data-min="{s.lo!r}" '
            f'data-max="{s.hi!r}" data-n="{s.n}">',
            f'<line x1="{_n(distribution_x(s.lo))}" y1="{_n(y)}" x2="{_n(distribution_x(s.hi))}" '
            f'y2="{_n(y)}" '
            f'stroke="{MUTED}" stroke-width="1.2"/>',
        ]
        if s.sd is not None:
            a, b = max(0.0, s.mean - s.sd), min(100.0, s.mean + s.sd)
            parts.append(
                f'<rect x="{_n(distribution_x(a))}" y="{_n(y - 5)}" '
                f'width="{_n(distribution_x(b) - distribution_x(a))}" '
                f'height="10" fill="{accent}" fill-opacity="0.25"/>'
            )
        if s.median is not None:
            mx = distribution_x(s.median)
            parts.append(
                f'<line x1="{_n(mx)}" y1="{_n(y - 7)}" x2="{_n(mx)}" y2="{_n(y + 7)}" stroke="{INK}" '
                f'stroke-width="1.5"/>'
            )
        parts.append(f'<circle cx="{_n(distribution_x(s.mean))}" cy="{_n(y)}" r="4" fill="{accent}"/></g>')
        body.extend(parts)
    height = top + row_h * len(spreads) + 8
    label = "Distribution of scores per dimension: " + "; ".join(
        f"{s.label} mean {_shown(s.mean, bounds)} (range {_shown(s.lo, bounds)} to {_shown(s.hi, bounds)})"
        if s.mean is not None and s.lo is not None and s.hi is not None
        else f"{s.label} no scores"
        for s in spreads
    )
    return _svg(DIST_WIDTH, height, body, label, "distribution")


# --------------------------------------------------------------------------- history

HISTORY_WIDTH = 560.0
HISTORY_LEFT = 34.0
HISTORY_RIGHT = 540.0
HISTORY_TOP = 12.0
HISTORY_PLOT_H = 150.0
SERIES_COLOURS = ("#b4530a", "#2f7d32", "#7b3fa0", "#a11d4a", "#0e6f73", "#6b5b1b", "#44546a")


def history_y(score: float) -> float:
    """Where a score of 0..100 sits on the history chart's vertical axis."""
    return HISTORY_TOP + HISTORY_PLOT_H * (1 - score / 100.0)


def history_svg(
    points: Sequence[str],
    overall: Sequence[float | None],
    dimensions: Sequence[tuple[str, str, Sequence[float | None]]],
    accent: str = DEFAULT_ACCENT,
    bounds: Sequence[float] = (),
) -> str:
    """The overall index (thick, in the accent) and each dimension (thin, one colour each) over
    the assessments of a series, oldest first; ``points`` name the assessments (dates). A null
    score breaks its line. The legend sits below the plot in rows, so no label meets a line."""
    n = len(points)

    def x_of(k: int) -> float:
        return HISTORY_LEFT + (HISTORY_RIGHT - HISTORY_LEFT) * (k / (n - 1) if n > 1 else 0.5)

    body: list[str] = []
    for v in (0, 20, 40, 60, 80, 100):
        y = history_y(v)
        body.append(
            f'<line x1="{_n(HISTORY_LEFT)}" y1="{_n(y)}" x2="{_n(HISTORY_RIGHT)}" y2="{_n(y)}" '
            f'stroke="{PALE if v not in (0, 100) else RULE}" stroke-width="0.8"/>'
            f'<text x="{_n(HISTORY_LEFT - 6)}" y="{_n(y + 3)}" font-size="8" text-anchor="end" '
            f'fill="{MUTED}">{v}</text>'
        )
    base = HISTORY_TOP + HISTORY_PLOT_H
    for k, name in enumerate(points):
        anchor = "start" if k == 0 and n > 1 else ("end" if k == n - 1 and n > 1 else "middle")
        body.append(
            f'<text x="{_n(x_of(k))}" y="{_n(base + 13)}" font-size="8" text-anchor="{anchor}" '
            f'fill="{MUTED}">{_t(name)}</text>'
        )
    series = [("overall", "Overall index", overall, accent, 2.6)] + [
        (sid, label, values, SERIES_COLOURS[k % len(SERIES_COLOURS)], 1.3)
        for k, (sid, label, values) in enumerate(dimensions)
    ]
    for sid, _label, values, colour, width in reversed(series):  # the overall line on top
        pts = [None if v is None else (x_of(k), history_y(v)) for k, v in enumerate(values)]
        path = "".join(_polyline_segments(pts, closed=False))
        data = ",".join("" if v is None else f"{v:.2f}" for v in values)
        body.append(
            f'<g class="series" data-series="{_t(sid)}" data-values="{_t(data)}">'
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width}"/>'
            + "".join(
                f'<circle cx="{_n(p[0])}" cy="{_n(p[1])}" r="{_n(width + 0.6)}" fill="{colour}"/>'
                for p in pts
                if p
            )
            + "</g>"
        )
    # Legend: swatches with names, packed left to right into rows.
    y = base + 32
    x = HISTORY_LEFT
    for _sid, label, _values, colour, width in series:
        w = 18 + _text_width(label, 8.5) + 14
        if x + w > HISTORY_RIGHT and x > HISTORY_LEFT:
            x, y = HISTORY_LEFT, y + 14
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(y - 3)}" x2="{_n(x + 12)}" y2="{_n(y - 3)}" stroke="{colour}" '
            f'stroke-width="{width}"/><text x="{_n(x + 16)}" y="{_n(y)}" font-size="8.5">{_t(label)}</text>'
        )
        x += w
    label = "Scores over the assessments of this series: " + "; ".join(
        f"{name}: overall {'–' if v is None else _shown(v, bounds)}"
        for name, v in zip(points, overall, strict=True)
    )
    return _svg(HISTORY_WIDTH, y + 8, body, label, "history")
