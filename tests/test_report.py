"""The PDF report: what a reader sees in it (text extracted with pypdf), that its charts show
the scores, that user text stays text and fetches nothing, and the group sections.

Few PDFs are rendered (module-scoped fixtures): each costs WeasyPrint about a second.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from assessment.domain.groups import Member, summarise
from assessment.domain.result import score
from assessment.domain.scoring import UNSURE, display
from reports import (
    Branding,
    GroupData,
    ReportURLFetcher,
    build_context,
    group_data_from_summary,
    render_html,
    render_pdf,
)
from reports import charts as ch

HOSTILE_ORG = '<script>alert(1)</script> Ελληνική Εταιρεία Ψ <img src="file:///etc/passwd">'
HOSTILE_BY = 'Ann <img src="http://127.0.0.1:9/track.png"> Consultant'
HOSTILE_NOTE = (
    "First paragraph with a link http://127.0.0.1:9/x and <img src='file:///etc/hostname'>.\n\n"
    '<link rel="stylesheet" href="https://example.com/evil.css"><a rel="attachment" '
    'href="file:///etc/passwd">second</a>'
)


def _answers(q, level_of_dimension):
    """Every item answered around a level chosen per dimension (0..1 of its scale), varied a
    little from item to item so that some practices are stronger than others."""
    answers = {}
    for n, item in enumerate(q.items):
        values = sorted(o.value for o in item.options)
        level = min(1.0, max(0.0, level_of_dimension[item.dimension] + (-0.25, 0.0, 0.25)[n % 3]))
        value = values[round(level * (len(values) - 1))]
        answers[item.id] = (values[-1] + values[0] - value) if item.reverse else value
    return answers


def _pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader


@pytest.fixture(scope="module")
def result(v1):
    levels = dict(zip([d.id for d in v1.dimensions], [0.25, 0.5, 0.5, 0.75, 0.5], strict=True))
    answers = _answers(v1, levels)
    # Two "unsure" answers, where the questionnaire allows them: things to find out.
    unsure = [i.id for i in v1.items if i.allow_unsure][:2]
    for item_id in unsure:
        answers[item_id] = UNSURE
    r = score(v1, answers)
    assert r.overall is not None and r.roadmap
    return r


@pytest.fixture(scope="module")
def hostile(result):
    """One report with hostile and Greek text everywhere a user can type, rendered once, with a
    spy fetcher recording every URL the renderer asked for."""
    context = build_context(
        result,
        organisation=HOSTILE_ORG,
        date=dt.date(2026, 11, 22),
        prepared_by=HOSTILE_BY,
        respondent_label="Self-assessment (Leadership / board)",
        commentary=HOSTILE_NOTE,
        edition="full",
    )
    spy = ReportURLFetcher()
    pdf = render_pdf(context, fetcher=spy)
    text, reader = _pdf_text(pdf)
    return {"context": context, "pdf": pdf, "text": text, "reader": reader, "spy": spy}


def test_pdf_shows_classification_poles_overall_and_every_roadmap_title(hostile, result, v1):
    text = hostile["text"]
    assert result.classification.label in text
    assert v1.poles["low"]["label"] in text
    assert v1.poles["high"]["label"] in text
    assert f"{display(result.overall)} / 100" in text
    for entry in result.roadmap:
        assert entry.recommendation.title in text, entry.recommendation.title
    assert result.stage.label in text
    bottleneck = result.dimension(result.classification.bottleneck)
    assert f"score {display(bottleneck.score)}, floor 40" in text


def test_pdf_has_a_section_per_dimension_with_findings_lift_and_the_next_stage(hostile, result, v1):
    """Each dimension: what its answers say today (rule 15's findings), what would move it to the
    next stage (rule 16), and that stage's description under a heading naming it."""
    text = hostile["text"]
    for d, ds in zip(v1.dimensions, result.dimensions, strict=True):
        assert d.label in text
        following = v1.next_stage(ds.stage)
        if following is not None:
            assert f"WHAT {following.label.upper()} LOOKS LIKE (THE NEXT STAGE)" in text  # small caps
            assert " ".join(d.stage_descriptions[following.id].split()) in text
            assert f"What would move you to {following.label}" in text
    for finding in result.findings:
        assert " ".join(finding.text.split()) in text
    assert "TO FIND OUT" in text
    for item in [i for i in v1.items if result.answers.get(i.id) == UNSURE]:
        assert " ".join(item.text.split()) in text


def test_pdf_is_a4_with_running_header_page_x_of_y_contents_and_metadata(hostile):
    reader = hostile["reader"]
    pages = len(reader.pages)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    second = " ".join(reader.pages[1].extract_text().split())
    assert "Contents" in second and f"Page 2 of {pages}" in second
    assert "<script>alert(1)</script> Ελληνική" in second  # the running header
    # The contents page gives real page numbers (target-counter): the roadmap's is right. The
    # roadmap follows the last dimension on the same page when there is room.
    roadmap_page = next(
        n for n, p in enumerate(reader.pages, 1) if n > 2 and "Migration roadmap" in p.extract_text()
    )
    assert re.search(rf"Migration roadmap[ .]*{roadmap_page}\b", second)
    meta = reader.metadata
    assert meta.title.startswith("Social organisation self-assessment: <script>alert(1)</script>")
    assert meta.author == HOSTILE_BY
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF (PDF/UA-1)


def _squash(text: str) -> str:
    # Long URLs wrap at "/" and extraction reads the line break as a space.
    return re.sub(r"\s+", "", text)


def test_user_text_is_text_and_fetches_nothing(hostile):
    text = _squash(hostile["text"])
    for needle in [
        "<script>alert(1)</script>",
        '<img src="file:///etc/passwd">',
        '<img src="http://127.0.0.1:9/track.png">',
        "<img src='file:///etc/hostname'>",
        '<link rel="stylesheet" href="https://example.com/evil.css">',
        '<a rel="attachment" href="file:///etc/passwd">second</a>',
    ]:
        assert _squash(needle) in text, needle
    html = render_html(hostile["context"])
    assert "<script>" not in html and "&lt;script&gt;" in html
    # The renderer asked only for the report's own fonts and charts, and got each of them.
    spy = hostile["spy"]
    assert spy.requests, "the spy saw no request at all"
    assert spy.refused == []
    assert all(url.startswith("report:") for url, _ in spy.requests)
    assert {"report:asset/spectrum.svg", "report:asset/radar.svg"} <= set(spy.served)
    assert b"/EmbeddedFile" not in hostile["pdf"]


def test_greek_organisation_name_is_extractable_text_in_the_reports_own_font(hostile):
    assert "Ελληνική Εταιρεία Ψ" in hostile["text"]
    fonts = set()
    for page in hostile["reader"].pages[:1]:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any(name.endswith("+Report-Sans") for name in fonts), fonts  # Inter, by its CSS name


def test_pdf_embeds_the_charts_the_context_built(hostile):
    # The same SVG bytes the tests below check are the ones the fetcher served to WeasyPrint.
    assets = hostile["context"].assets
    assert assets["radar.svg"].data == hostile["context"].radar.svg.encode()
    assert assets["spectrum.svg"].data == hostile["context"].spectrum.svg.encode()


# --------------------------------------------------------------------------- charts


def _svg(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _attr(el: ET.Element, name: str) -> float:
    return float(el.get(name))


def test_radar_points_sit_at_each_dimensions_score_and_target(result):
    root = _svg(build_context(result, organisation="A", date=dt.date(2026, 1, 1)).radar.svg)
    n = len(result.dimensions)
    points = {p.get("data-dimension"): p for p in root.iter() if p.get("class") == "score-point"}
    targets = {p.get("data-dimension"): p for p in root.iter() if p.get("class") == "target-point"}
    assert len(points) == len(targets) == n
    for i, d in enumerate(result.dimensions):
        assert float(points[d.id].get("data-score")) == d.score
        x, y = ch.radar_point(i, n, d.score)
        assert _attr(points[d.id], "cx") == pytest.approx(x, abs=0.01)
        assert _attr(points[d.id], "cy") == pytest.approx(y, abs=0.01)
        assert float(targets[d.id].get("data-target")) == d.target
        tx, ty = ch.radar_point(i, n, d.target)
        assert _attr(targets[d.id], "cx") == pytest.approx(tx, abs=0.01)
        assert _attr(targets[d.id], "cy") == pytest.approx(ty, abs=0.01)
    # A point's distance from the centre is its score's share of the radius.
    for d in result.dimensions:
        p = points[d.id]
        r = ((_attr(p, "cx") - ch.RADAR_CX) ** 2 + (_attr(p, "cy") - ch.RADAR_CY) ** 2) ** 0.5
        assert r == pytest.approx(ch.RADAR_R * d.score / 100, abs=0.02)


def test_spectrum_marks_overall_threshold_floor_and_every_dimension(result, v1):
    root = _svg(build_context(result, organisation="A", date=dt.date(2026, 1, 1)).spectrum.svg)
    by_class = {}
    for el in root.iter():
        by_class.setdefault(el.get("class"), []).append(el)
    (overall,) = by_class["overall"]
    assert float(overall.get("data-score")) == result.overall
    assert float(overall.get("data-x")) == pytest.approx(ch.spectrum_x(result.overall), abs=0.01)
    assert float(by_class["threshold"][0].get("data-value")) == v1.thresholds.social
    assert float(by_class["floor"][0].get("data-value")) == v1.thresholds.floor
    dims = {g.get("data-dimension"): g for g in by_class["dimension"]}
    assert list(dims) == [d.id for d in result.dimensions]
    for d in result.dimensions:
        g = dims[d.id]
        assert float(g.get("data-score")) == d.score
        circle = g.find("{http://www.w3.org/2000/svg}circle")
        assert _attr(circle, "cx") == pytest.approx(ch.spectrum_x(d.score), abs=0.01)
        label = "".join(g.find("{http://www.w3.org/2000/svg}text").itertext())
        assert label == f"{d.label} {display(d.score)}"
    assert ch.spectrum_x(0) == ch.SPECTRUM_LEFT and ch.spectrum_x(100) == ch.SPECTRUM_RIGHT


def test_spectrum_labels_never_overlap():
    # Five dimensions within a few points of each other must still be readable.
    marks = [ch.Mark(f"d{i}", f"Dimension number {i}", 50 + i) for i in range(5)]
    svg = ch.spectrum_svg(
        overall=52, overall_label="Overall", low_pole="Low", high_pole="High", threshold=60, floor=40,
        bands=[ch.Band("All", 0, 100)], marks=marks,
    )  # fmt: skip
    texts = [
        el
        for el in _svg(svg).iter("{http://www.w3.org/2000/svg}text")
        if "".join(el.itertext()).startswith("Dimension number")
    ]
    boxes = []
    for el in texts:
        w = ch._text_width("".join(el.itertext()), 9.5)
        boxes.append((float(el.get("x")) - w / 2, float(el.get("x")) + w / 2, float(el.get("y"))))
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            same_row = boxes[a][2] == boxes[b][2]
            assert not same_row or boxes[a][1] <= boxes[b][0] or boxes[b][1] <= boxes[a][0]


# --------------------------------------------------------------------------- context rules


def test_roadmap_keeps_rule_8_order_and_groups_by_horizon(result):
    context = build_context(result, organisation="A", date=dt.date(2026, 1, 1))
    flat = [e for h in context.roadmap for e in h.entries]
    assert [e.id for e in flat] == [e.recommendation.id for e in result.roadmap]
    assert [e.rank for e in flat] == list(range(1, len(flat) + 1))
    assert [h.id for h in context.roadmap] == sorted(
        {e.horizon for e in result.roadmap}, key=["now", "next", "later"].index
    )
    assert [p.id for p in context.priorities] == [e.recommendation.id for e in result.roadmap[:3]]


def test_facilitator_can_hide_and_reorder_inside_horizons(result):
    ids = [e.recommendation.id for e in result.roadmap]
    first_now = [e.recommendation.id for e in result.roadmap if e.horizon == "now"]
    context = build_context(
        result,
        organisation="A",
        date=dt.date(2026, 1, 1),
        hidden_recommendations=[ids[0]],
        recommendation_order=[first_now[-1]],
    )
    flat = [e.id for h in context.roadmap for e in h.entries]
    assert ids[0] not in flat and len(flat) == len(ids) - 1
    assert flat[0] == first_now[-1]
    assert context.hidden_count == 1
    assert all(ids[0] != r.id for d in context.dimensions for r in d.recommendations)


def test_branding_is_checked_before_it_reaches_css(result):
    with pytest.raises(ValueError, match="colour"):
        build_context(result, organisation="A", date=dt.date(2026, 1, 1), branding=Branding(accent="red;}"))
    with pytest.raises(ValueError, match="PNG, JPEG or SVG"):
        build_context(
            result,
            organisation="A",
            date=dt.date(2026, 1, 1),
            branding=Branding(logo=b"x", logo_mime="text/html"),
        )


def test_context_holds_plain_values_only(result):
    """Templates never get domain or database objects: only text, numbers and plain records."""
    context = build_context(result, organisation="A", date=dt.date(2026, 1, 1))
    allowed = (str, int, float, bool, type(None), bytes)

    def walk(value, path):
        if isinstance(value, allowed):
            return
        if isinstance(value, tuple | list):
            for n, v in enumerate(value):
                walk(v, f"{path}[{n}]")
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif type(value).__module__.startswith("reports."):
            for k, v in vars(value).items():
                walk(v, f"{path}.{k}")
        else:
            raise AssertionError(f"{path} is a {type(value).__module__}.{type(value).__name__}")

    walk(context, "context")


# --------------------------------------------------------------------------- a group report


@pytest.fixture(scope="module")
def group_report(v1):
    """A workshop of five where nobody answered enough about policy: a null dimension, the
    leaders' comparison withheld (only two leaders), agreement and prompts."""
    members = []
    for n, (role, level) in enumerate(
        [("leadership", 0.75), ("leadership", 0.5), ("staff", 0.25), ("staff", 0.5), ("manager", 0.25)]
    ):
        levels = {d.id: level for d in v1.dimensions}
        levels["dialogue"] = [0.0, 1.0, 0.5, 0.25, 0.75][n]
        answers = {k: v for k, v in _answers(v1, levels).items() if not k.startswith("po_")}
        answers.update({i.id: UNSURE for i in v1.items_of("policy") if i.allow_unsure})
        members.append(
            Member(role=role, scores=score(v1, answers).to_dict()["scores"]["dimensions"], answers=answers)
        )
    summary = summarise(v1, members, leadership_roles={"leadership"})
    data = group_data_from_summary(
        summary, v1, answer_sets=[m.answers for m in members], name="Board & staff day"
    )
    context = build_context(
        summary.result,
        organisation="Ωmega Trust",
        date=dt.date(2026, 11, 22),
        prepared_by="Ann Consultant",
        respondent_label="Workshop “Board & staff day”, 5 participants",
        group=data,
        edition="full",  # with the group's own chapter (the core shows its spread on the position page)
    )
    pdf = render_pdf(context)
    text, _ = _pdf_text(pdf)
    return {"summary": summary, "data": data, "context": context, "text": text}


def test_group_report_shows_group_sections(group_report, v1):
    text, summary = group_report["text"], group_report["summary"]
    assert "The group's view" in text
    assert "Board & staff day: 5 respondents" in text
    assert summary.gap.withheld and " ".join(summary.gap.reason.split()) in text
    assert "Worth discussing" in text
    for prompt in summary.prompts[:3]:
        assert " ".join(prompt.text.split()) in text
    labels = {"high": "High agreement", "moderate": "Moderate agreement", "low": "Low agreement"}
    shown = [labels[a.label] for a in summary.agreement.values() if a.label]
    assert shown and all(label in text for label in shown)


def test_group_report_is_honest_about_a_dimension_without_scores(group_report, v1):
    text, context = group_report["text"], group_report["context"]
    policy = next(d for d in context.dimensions if d.id == "policy")
    assert policy.score is None
    assert context.provisional and context.overall_display == "–"
    assert "Not enough answers." in text
    assert "Not enough answers to place: Policy openness" in text
    # The radar leaves the dimension out rather than drawing it at zero.
    root = _svg(context.radar.svg)
    assert "policy" not in {p.get("data-dimension") for p in root.iter() if p.get("class") == "score-point"}


def test_group_distribution_chart_matches_the_group_numbers(group_report):
    data: GroupData = group_report["data"]
    root = _svg(group_report["context"].distribution.svg)
    spreads = {g.get("data-dimension"): g for g in root.iter() if g.get("class") == "spread"}
    for g in data.dimensions:
        if g.mean is None:
            assert g.dimension not in spreads
            continue
        el = spreads[g.dimension]
        assert float(el.get("data-mean")) == g.mean and int(el.get("data-n")) == g.n
        circle = el.find("{http://www.w3.org/2000/svg}circle")
        assert _attr(circle, "cx") == pytest.approx(ch.distribution_x(g.mean), abs=0.01)


def test_executive_summary_fits_on_one_page(hostile, result):
    pages = [" ".join(p.extract_text().split()) for p in hostile["reader"].pages]
    (summary,) = [p for p in pages if "EXECUTIVE SUMMARY" in p]
    for entry in result.roadmap[:3]:
        assert entry.recommendation.title in summary
    assert result.classification.label in summary and "Bottleneck".upper() in summary


def test_a_practice_is_never_both_strongest_and_weakest(v1):
    # Four answered items at 100, 50, 50 and 0: the two at 50 tie, so only one of them is
    # "strongest" and neither is "weakest".
    dimension = next(d.id for d in v1.dimensions if len(v1.items_of(d.id)) >= 4)
    chosen = v1.items_of(dimension)[:4]
    answers = {}
    for item, position in zip(chosen, [1.0, 0.5, 0.5, 0.0], strict=True):
        values = sorted(o.value for o in item.options)
        value = values[round(position * (len(values) - 1))]
        answers[item.id] = values[0] + values[-1] - value if item.reverse else value
    r = score(v1, answers)
    context = build_context(r, organisation="A", date=dt.date(2026, 1, 1))
    section = next(d for d in context.dimensions if d.id == dimension)
    likert = chosen
    strong = {p.item for p in section.strongest}
    weak = {p.item for p in section.weakest}
    assert not strong & weak
    assert likert[0].id in strong and likert[3].id in weak
