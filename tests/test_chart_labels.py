"""Spectrum labels never overlap, at any scores: the PDF's chart (label boxes read from the SVG's
white patches, which are what a reader sees) and the web page's spectrum (boxes from the layout
the template draws), in the dense cases and as a property over random scores."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.web.charts import spectrum
from reports import charts as ch

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["Dialogue", "Interaction", "Engagement", "Leadership involvement", "Policy openness"]


def _pdf_boxes(scores: list[float], labels: list[str] = LABELS) -> list[tuple[float, float, float, float]]:
    marks = [ch.Mark(f"d{i}", label, s) for i, (label, s) in enumerate(zip(labels, scores, strict=True))]
    svg = ch.spectrum_svg(
        overall=sum(scores) / len(scores), overall_label="Overall", low_pole="Low", high_pole="High",
        threshold=60, floor=40, bands=[ch.Band("All", 0, 100)], marks=marks,
    )  # fmt: skip
    boxes = []
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") != "dimension":
            continue
        rect = g.find(f"{SVG}rect")
        x, y = float(rect.get("x")), float(rect.get("y"))
        boxes.append((x, y, x + float(rect.get("width")), y + float(rect.get("height"))))
    assert len(boxes) == len(scores)
    return boxes


def _web_boxes(scores: list[float], labels: list[str] = LABELS) -> list[tuple[float, float, float, float]]:
    sp = spectrum(55.0, 60.0, list(zip(labels, scores, strict=True)))
    # The template sets each label at y = 130 + 22 * row, text about 14 px high.
    return [
        (m.label_x - m.label_width / 2, 116 + 22 * m.row, m.label_x + m.label_width / 2, 130 + 22 * m.row)
        for m in sp.marks
    ]


def _assert_apart(boxes: list[tuple[float, float, float, float]], left: float, right: float) -> None:
    for n, a in enumerate(boxes):
        assert left - 0.01 <= a[0] and a[2] <= right + 0.01, f"label box {a} leaves the chart"
        for b in boxes[n + 1 :]:
            overlap_x = a[0] < b[2] and b[0] < a[2]
            overlap_y = a[1] < b[3] and b[1] < a[3]
            assert not (overlap_x and overlap_y), f"labels {a} and {b} overlap"


DENSE = {
    "five within a few points": [50, 51, 52, 53, 54],
    "all equal": [40, 40, 40, 40, 40],
    "all at 0": [0, 0, 0, 0, 0],
    "all at 100": [100, 100, 100, 100, 100],
    "ends and near ends": [0, 4, 25, 96, 100],
    # The reported case: "Leadership involvement 4" printed over "Interaction 25".
    "long label pushed in from the edge": [30, 25, 60, 4, 70],
    "near the right edge": [97, 90, 99, 88, 100],
}


def test_pdf_spectrum_labels_in_dense_cases_never_overlap():
    for name, scores in DENSE.items():
        try:
            _assert_apart(_pdf_boxes(scores), ch.SPECTRUM_LEFT - 2, ch.SPECTRUM_RIGHT + 2)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


def test_pdf_spectrum_long_and_wide_labels_never_overlap():
    long = [
        "Leadership involvement in everyday conversations",
        "Policy openness and the freedom to speak",
        "対話と交流",
        "Взаимодействие",
        "الحوار",
    ]
    for scores in ([0, 1, 2, 3, 4], [50, 50, 50, 50, 50], [100, 99, 98, 97, 96]):
        _assert_apart(_pdf_boxes(scores, long), ch.SPECTRUM_LEFT - 2, ch.SPECTRUM_RIGHT + 2)


def test_web_spectrum_labels_in_dense_cases_never_overlap():
    for name, scores in DENSE.items():
        try:
            _assert_apart(_web_boxes(scores), 0, 720)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


def test_labels_stay_on_one_row_when_there_is_room():
    short = ["Dialogue", "Reach", "Tone", "Leaders", "Policy"]
    rows = {box[1] for box in _pdf_boxes([0, 25, 50, 75, 100], short)}
    assert len(rows) == 1  # spread-out scores do not stack needlessly


scores5 = st.lists(st.floats(0, 100, allow_nan=False), min_size=5, max_size=5)


@settings(max_examples=150, deadline=None)
@given(scores5)
def test_pdf_spectrum_labels_never_overlap_at_any_scores(scores):
    _assert_apart(_pdf_boxes(scores), ch.SPECTRUM_LEFT - 2, ch.SPECTRUM_RIGHT + 2)


@settings(max_examples=150, deadline=None)
@given(scores5)
def test_web_spectrum_labels_never_overlap_at_any_scores(scores):
    _assert_apart(_web_boxes(scores), 0, 720)


STAGES = [ch.Band(label, lo, hi) for label, lo, hi in [
    ("Broadcasting", 0, 20), ("Experimenting", 20, 40), ("Participating", 40, 60),
    ("Conversing", 60, 80), ("Networked", 80, 100),
]]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(overall=st.floats(min_value=0, max_value=100))
def test_the_overall_marker_never_strikes_through_a_stage_name(overall):
    """At 10 the marker's line used to run through the middle of "Broadcasting"."""
    svg = ET.fromstring(
        ch.spectrum_svg(
            overall=overall, overall_label="Overall", low_pole="Low", high_pole="High",
            threshold=60, floor=40, bands=STAGES, marks=[],
        )
    )  # fmt: skip
    names = [t for t in svg.iter(f"{SVG}text") if t.text in {b.label for b in STAGES}]
    assert len(names) == len(STAGES)
    marker = next(g for g in svg.iter(f"{SVG}g") if g.get("class") == "overall")
    lines = marker.findall(f"{SVG}line")
    assert lines  # the marker is drawn
    for name in names:
        half = ch._text_width(name.text, 9) / 2
        cx, baseline = float(name.get("x")), float(name.get("y"))
        for line in lines:
            x = float(line.get("x1"))
            top, bottom = float(line.get("y1")), float(line.get("y2"))
            across = cx - half <= x <= cx + half
            assert not (across and top < baseline + 1 and bottom > baseline - 7), (overall, name.text)
