"""The report renderer's URL fetcher: serves the report's own files and this render's assets,
refuses everything else, whichever way a document asks."""

from __future__ import annotations

import pytest
from weasyprint.urls import URLFetchingError, fetch

from reports.fetcher import STATIC_FILES, Asset, RefusedURL, ReportURLFetcher, asset_url, static_url
from reports.render import html_to_pdf


@pytest.fixture
def fetcher() -> ReportURLFetcher:
    return ReportURLFetcher(
        {"chart.svg": Asset(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")}
    )


def test_serves_an_allow_listed_font_with_its_type(fetcher):
    name = next(iter(STATIC_FILES))
    response = fetcher.fetch(static_url(name))
    assert response.read()[:4] == b"OTTO"  # an OpenType (CFF) font file
    assert response.content_type == "font/otf"
    assert fetcher.requests == [(static_url(name), True)]


def test_serves_an_in_memory_asset(fetcher):
    response = fetcher.fetch(asset_url("chart.svg"))
    assert response.read().startswith(b"<svg")
    assert response.content_type == "image/svg+xml"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "file://localhost/etc/hostname",
        "http://127.0.0.1:9/logo.png",
        "https://example.com/font.otf",
        "HTTP://example.com/",
        "ftp://example.com/x",
        "data:image/png;base64,iVBORw0KGgo=",
        "data:text/css,body{color:red}",
        "//example.com/x.png",
        "x.png",
        "../fonts/Inter-Regular.otf",
        "report:static/../../../etc/passwd",
        "report:static/fonts/../fetcher.py",
        "report:static/fetcher.py",
        "report:static/fonts/LICENSE-Inter.txt",
        "report:asset/nothing-here.svg",
        "report:asset/../chart.svg",
        "report:/etc/passwd",
        "Report:static/fonts/Inter-Regular.otf",
    ],
)
def test_refuses_everything_else(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.requests == [(url, False)]
    assert fetcher.refused == [url]


def test_refusal_reaches_weasyprint_as_a_fetch_error_not_a_crash(fetcher):
    # WeasyPrint wraps a fetcher's exception in URLFetchingError and skips the resource.
    with pytest.raises(URLFetchingError), fetch(fetcher, "file:///etc/passwd"):
        pass


def test_the_inherited_urllib_opener_is_locked_too(fetcher):
    # Anything reaching the urllib OpenerDirector side (which could follow redirects) lands in
    # the same allow-list.
    with pytest.raises(RefusedURL):
        fetcher.open("http://127.0.0.1:9/redirect-me")
    assert fetcher.refused == ["http://127.0.0.1:9/redirect-me"]


def test_every_way_a_document_can_ask_goes_through_the_fetcher_and_is_refused():
    """img, link, @import, url() in CSS, @font-face, an SVG <image>, <a rel=attachment>,
    with file:, http:, https: and data: URLs. The PDF still renders, with none of them."""
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        b'width="20" height="20"><image href="file:///etc/hostname" width="10" height="10"/>'
        b'<image xlink:href="http://127.0.0.1:9/svg-image.png" width="10" height="10"/></svg>'
    )
    html = """<html><head>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="http://127.0.0.1:9/style.css">
      <style>
        @import url("https://example.com/import.css");
        body { background: url("file:///etc/hostname"); }
        li { list-style-image: url("http://127.0.0.1:9/bullet.png"); }
        @font-face { font-family: Evil; src: url("file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"); }
        h1 { font-family: Evil; }
      </style></head>
      <body><h1>Title</h1>
      <img src="file:///etc/passwd"><img src="https://example.com/x.png">
      <img src="data:image/svg+xml;base64,PHN2Zy8+">
      <img src="report:asset/with-image.svg">
      <a rel="attachment" href="file:///etc/passwd">attachment</a>
      <a rel="attachment" href="http://127.0.0.1:9/attachment.bin">attachment</a>
      <ul><li>text</li></ul></body></html>"""
    spy = ReportURLFetcher()
    pdf = html_to_pdf(html, "", {"with-image.svg": Asset(svg, "image/svg+xml")}, fetcher=spy)
    assert pdf.startswith(b"%PDF-")
    asked = [url for url, _ in spy.requests]
    for url in [
        "file:///etc/passwd",  # <link>, <img> and <a rel=attachment>
        "http://127.0.0.1:9/style.css",
        "https://example.com/import.css",
        "file:///etc/hostname",  # CSS background and the SVG's <image>
        "http://127.0.0.1:9/bullet.png",
        "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "https://example.com/x.png",
        "http://127.0.0.1:9/svg-image.png",
        "http://127.0.0.1:9/attachment.bin",
    ]:
        assert url in asked, f"{url} never reached the fetcher"
    assert any(url.startswith("data:") for url in asked)
    assert spy.served == ["report:asset/with-image.svg"]
    assert b"root:x:0:0" not in pdf
    assert b"/EmbeddedFile" not in pdf
