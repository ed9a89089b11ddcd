"""A picture of the scores for the Word report (Word and LibreOffice show PNG everywhere; the
PDF's SVG charts would need a rasteriser this project does not carry): one bar per dimension at
full precision, labelled with the figure as shown (rule 17), the floor and threshold marked."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent / "fonts"
WIDTH, ROW, TOP, LEFT, RIGHT = 1600, 96, 70, 520, 140


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("Inter-SemiBold.otf" if bold else "Inter-Regular.otf")), size)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def scores_png(
    rows: Sequence[tuple[str, float | None, str]],
    *,
    floor: float,
    threshold: float,
    accent: str,
    floor_label: str,
    threshold_label: str,
) -> bytes:
    """``rows``: (label, score at full precision or None, the score as shown)."""
    height = TOP + ROW * len(rows) + 60
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    text, small, bold = _font(30), _font(24), _font(30, bold=True)
    span = WIDTH - LEFT - RIGHT

    def x(value: float) -> float:
        return LEFT + span * max(0.0, min(100.0, value)) / 100

    for n, (label, value, shown) in enumerate(rows):
        y = TOP + n * ROW
        draw.text((20, y + 22), label[:30], fill="#222222", font=bold if n == len(rows) - 1 else text)
        draw.rectangle([LEFT, y + 18, LEFT + span, y + ROW - 18], fill="#eeeeee")
        if value is not None:
            draw.rectangle([LEFT, y + 18, x(value), y + ROW - 18], fill=_rgb(accent))
        draw.text((LEFT + span + 16, y + 22), shown, fill="#222222", font=bold)
    bottom = TOP + ROW * len(rows)
    for value, label in ((floor, floor_label), (threshold, threshold_label)):
        draw.line([x(value), TOP - 10, x(value), bottom], fill="#b03030", width=3)
        draw.text((x(value) - 60, bottom + 10), label, fill="#b03030", font=small)
    for tick in (0, 50, 100):
        draw.text((x(tick) - 12, 20), str(tick), fill="#666666", font=small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
