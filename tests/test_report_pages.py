"""No page of a report holds only a block spilled from the page before: every page either
starts a chapter (or a dimension) or is reasonably full. Checked on the laid-out pages of
contrasting reports: an organisation at the broadcasting end (long lists of weaknesses), one in
the middle, a near-networked one, and a workshop."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from weasyprint import CSS, HTML

from assessment.domain.groups import Member, summarise
from assessment.domain.result import score
from reports import build_context, group_data_from_summary, prepare
from reports.fetcher import ReportURLFetcher
from reports.render import BASE_URL

from .test_report_content import PROFILES, _at

MIN_FILL = 0.2  # a page without a chapter start holds at least a fifth of a page


def _pages(context, skip=2):
    prepared = prepare(context)
    fetcher = ReportURLFetcher()
    fetcher.assets.update(prepared.assets)
    css = CSS(string=prepared.css, base_url=BASE_URL, url_fetcher=fetcher)
    document = HTML(string=prepared.html, base_url=BASE_URL, url_fetcher=fetcher).render(stylesheets=[css])
    out = []
    for page in document.pages[skip:]:  # after the cover and the contents (full edition)
        box = page._page_box
        body = next(c for c in box.children if type(c).__name__ != "MarginBox")
        top, bottom, starts = box.content_box_y(), box.content_box_y(), False
        for b in body.descendants():
            kind = type(b).__name__
            if kind in ("LineBox", "InlineReplacedBox", "BlockReplacedBox"):
                bottom = max(bottom, b.position_y + b.height)
            element = getattr(b, "element", None)
            if kind == "LineBox" and element is not None and "eyebrow" in (element.get("class") or ""):
                starts = True  # every chapter and every dimension opens with an eyebrow line
        out.append(((bottom - top) / box.height, starts))
    return out


def _group_context(v1, edition="full"):
    rng = random.Random(11)
    roles = ["leadership"] * 4 + ["staff"] * 10
    sets = [_at(v1, PROFILES["policy lowest"], rng) for _ in roles]
    members = [
        Member(role=r, scores={d.id: d.score for d in score(v1, a).dimensions}, answers=a)
        for r, a in zip(roles, sets, strict=True)
    ]
    summary = summarise(v1, members, {"leadership"})
    group = group_data_from_summary(summary, v1, answer_sets=sets, name="Workshop")
    return build_context(
        summary.result,
        organisation="Northwind",
        date=dt.date(2026, 1, 1),
        group=group,
        commentary="Short note.",
        edition=edition,
    )


@pytest.mark.parametrize(
    "profile", ["broadcasting", "mid-stage held by leadership", "near networked", "group"]
)
def test_no_page_holds_only_a_spilled_block(v1, profile):
    if profile == "group":
        context = _group_context(v1)
    else:
        result = score(v1, _at(v1, PROFILES[profile], random.Random(profile)))
        context = build_context(result, organisation="Kestrel", date=dt.date(2026, 1, 1), edition="full")
    for number, (fill, starts) in enumerate(_pages(context), start=3):
        assert starts or fill >= MIN_FILL, f"page {number} holds only {fill:.0%} of a page, spilled"


@pytest.mark.parametrize(
    "profile", ["broadcasting", "mid-stage held by leadership", "near networked", "group"]
)
def test_the_core_edition_is_a_page_per_part_and_at_most_eight(v1, profile):
    """The core: the summary under the cover band, then the position, each dimension and the
    roadmap on a page of its own, none spilling over (a workshop's short commentary follows the
    position on its page)."""
    if profile == "group":
        context = _group_context(v1, "core")
    else:
        result = score(v1, _at(v1, PROFILES[profile], random.Random(profile)))
        context = build_context(result, organisation="Kestrel", date=dt.date(2026, 1, 1))
    pages = _pages(context, skip=0)
    assert len(pages) <= 8
    for number, (_, starts) in enumerate(pages[1:], start=2):
        assert starts, f"page {number} holds a part spilled from the page before"


def _lines_of(context, css_class):
    prepared = prepare(context)
    fetcher = ReportURLFetcher()
    fetcher.assets.update(prepared.assets)
    css = CSS(string=prepared.css, base_url=BASE_URL, url_fetcher=fetcher)
    document = HTML(string=prepared.html, base_url=BASE_URL, url_fetcher=fetcher).render(stylesheets=[css])
    for page in document.pages:
        for b in page._page_box.descendants():
            element = getattr(b, "element", None)
            if (
                type(b).__name__ == "LineBox"
                and element is not None
                and css_class in (element.get("class") or "")
            ):
                yield b, page._page_box


def test_right_to_left_commentary_and_name_are_set_right_to_left(v1):
    result = score(v1, _at(v1, PROFILES["near networked"]))
    context = build_context(
        result,
        organisation="جمعية الإسكان الشمالية",
        date=dt.date(2026, 1, 1),
        commentary="نحن نعمل على تحسين الحوار مع المجتمع.\n\nAn English paragraph stays left to right.",
    )
    assert context.organisation_dir == "rtl" and context.commentary_dirs == ("rtl", "ltr")
    lines = list(_lines_of(context, "user-text"))
    arabic = [b for b, _ in lines if "نحن" in "".join(getattr(c, "text", "") for c in b.descendants())]
    english = [b for b, _ in lines if "English" in "".join(getattr(c, "text", "") for c in b.descendants())]
    assert arabic and english
    right = arabic[0].position_x + arabic[0].width  # the line box spans the paragraph's width
    short_ar = max(c.position_x + c.width for c in arabic[0].descendants() if hasattr(c, "text"))
    start_ar = min(c.position_x for c in arabic[0].descendants() if hasattr(c, "text"))
    start_en = min(c.position_x for c in english[0].descendants() if hasattr(c, "text"))
    # A short RTL line ends at the right margin and starts well inside it; the English one starts at the left.
    assert short_ar == pytest.approx(right, abs=2) and start_ar > start_en + 100


def test_emoji_are_drawn_from_the_installed_emoji_font(v1):
    import io

    from pypdf import PdfReader

    from reports import render_pdf

    result = score(v1, _at(v1, PROFILES["near networked"]))
    pdf = render_pdf(build_context(result, organisation="Harbour Network 🌊", date=dt.date(2026, 1, 1)))
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages[:1]:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Noto-Color-Emoji" in name for name in fonts), fonts  # not a missing-glyph box
