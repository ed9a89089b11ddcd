"""From a ReportContext to PDF bytes: Jinja (autoescaped) to HTML, then WeasyPrint with the
locked fetcher. ``html_to_pdf`` is the one narrow function that touches WeasyPrint."""

from __future__ import annotations

import gc
import hashlib
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import jinja2
import weasyprint
from flask_babel import get_translations
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .context import ReportContext
from .fetcher import STATIC_FILES, Asset, ReportURLFetcher

REPORTS_DIR = Path(__file__).resolve().parent
CSS_PARTS = ("1-fonts.css", "2-variables.css", "3-pages.css", "4-styles.css")
# The base URL of the document: relative URLs resolve to report:... and so still go through
# the fetcher's allow-list, never to a file next to the process.
BASE_URL = "report:static/"
# Raise when the PDF bytes would change for the same HTML and CSS (say, new PDF options below),
# so that kept renders are not served for a different renderer.
RENDER_FORMAT = 1


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPORTS_DIR / "templates"),
        autoescape=True,  # every template, whatever its extension: all user text is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The catalogue is looked up when a message is shown, so the template is translated into the
    # language the caller renders in (``force_locale``); outside an app the text stays English.
    # Newstyle: ``_("%(n)s of %(total)s", n=1, total=2)``, values autoescaped; Jinja fills the
    # placeholders itself, so these only look the message up.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda text: get_translations().gettext(text),
        lambda singular, plural, n: get_translations().ngettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, text: get_translations().pgettext(context, text),
    )
    from .prose import lower_adjective, lower_word

    env.filters["inline"] = lower_word  # a label inside a sentence ("the broadcasting stage")
    env.filters["adjective"] = lower_adjective  # a rating after its noun ("effort low")
    return env


@cache
def stylesheet() -> str:
    """The print CSS, its four parts in order."""
    return "\n".join((REPORTS_DIR / "css" / name).read_text(encoding="utf-8") for name in CSS_PARTS)


def render_html(context: ReportContext, template: str = "report.html") -> str:
    return _environment().get_template(template).render(r=context)


def _accent_css(accent: str) -> str:
    # ``accent`` was validated as #rrggbb by build_context; checked again because it lands in CSS.
    if not (len(accent) == 7 and accent[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in accent[1:])):
        raise ValueError(f"not a colour: {accent!r}")
    return f":root {{ --accent: {accent}; }}"


def page_number_css() -> str:
    """The running header's "Page 2 of 8" in the report's language: the stylesheet's own rule is
    English, this one (later, so it wins) has the translated words around the two counters."""
    from assessment.i18n import _

    words = _("Page {page} of {pages}")
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", words):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append('"' + piece.replace("\\", "").replace('"', "").replace("\n", " ") + '"')
    return "@page { @top-right { content: " + " ".join(parts) + "; } }"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """WeasyPrint allocates hundreds of thousands of short-lived objects while it lays out a
    report, and Python's cyclic collector then runs again and again over the whole heap (about
    a tenth of the render time, measured A/B). Pausing it for the render (and only if it was running) leaves
    the garbage for the next ordinary collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_shared = threading.local()


def _shared_styles() -> tuple[FontConfiguration, CSS]:
    """The report's own stylesheet parsed once per thread, with its fonts loaded once: parsing
    it and loading Inter's four faces was about a tenth of every render (measured A/B). Per
    thread, because a FontConfiguration is not meant to be shared by concurrent renders. The
    static fetcher serves only the allow-listed font files; per-render assets never go here."""
    if getattr(_shared, "styles", None) is None:
        fonts = FontConfiguration()
        css = CSS(string=stylesheet(), base_url=BASE_URL, url_fetcher=ReportURLFetcher(), font_config=fonts)
        _shared.styles = (fonts, css)
    return _shared.styles  # type: ignore[no-any-return]


def html_to_pdf(
    html: str,
    css: str,
    assets: Mapping[str, Asset] | None = None,
    *,
    fetcher: ReportURLFetcher | None = None,
) -> bytes:
    """HTML and CSS strings to PDF bytes. Every resource either asks for goes through a
    ``ReportURLFetcher`` (pass one to inspect what was asked for); the output is a tagged
    PDF/UA-1 document whose title, author and language come from the HTML head."""
    fetcher = fetcher if fetcher is not None else ReportURLFetcher()
    if not isinstance(fetcher, ReportURLFetcher):
        raise TypeError("the report renderer only runs with a ReportURLFetcher")
    fetcher.assets.update(assets or {})
    with _collector_paused():
        base = stylesheet()
        if css.startswith(base):
            # The report's own stylesheet (the usual case): reuse it, parse only what follows.
            fonts, shared = _shared_styles()
            sheets = [
                shared,
                CSS(string=css[len(base) :], base_url=BASE_URL, url_fetcher=fetcher, font_config=fonts),
            ]
        else:
            fonts = FontConfiguration()
            sheets = [CSS(string=css, base_url=BASE_URL, url_fetcher=fetcher, font_config=fonts)]
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        return document.write_pdf(
            stylesheets=sheets,
            font_config=fonts,
            pdf_variant="pdf/ua-1",  # implies pdf_tags=True: a structure tree for screen readers
        )


def render_pdf(context: ReportContext, *, fetcher: ReportURLFetcher | None = None) -> bytes:
    """The report as PDF bytes."""
    return prepare(context).render(fetcher=fetcher)


@cache
def _renderer_fingerprint() -> bytes:
    """What else decides the bytes: WeasyPrint's version, this module's format, the fonts."""
    digest = hashlib.sha256(f"weasyprint {weasyprint.__version__}; format {RENDER_FORMAT}".encode())
    for name in sorted(STATIC_FILES):
        digest.update(name.encode() + b"\0" + (REPORTS_DIR / name).read_bytes())
    return digest.digest()


class PreparedReport:
    """A report ready for WeasyPrint: its HTML, CSS and assets, and ``key``, a SHA-256 of all of
    them and of the renderer, so two reports with the same key render to the same PDF. Building
    one costs a few milliseconds; rendering it, most of a second."""

    def __init__(
        self, html: str, css: str, assets: Mapping[str, Asset], edition: str = "", language: str = ""
    ) -> None:
        self.html, self.css, self.assets = html, css, dict(assets)
        digest = hashlib.sha256(_renderer_fingerprint())
        # The edition and the language change the HTML anyway; keyed explicitly so that an English
        # and a German render, or the two editions, can never share a row.
        digest.update(b"edition\0" + edition.encode() + b"\0")
        digest.update(b"language\0" + language.encode() + b"\0")
        for part in (html.encode(), css.encode()):
            digest.update(len(part).to_bytes(8, "big") + part)
        for name in sorted(self.assets):
            asset = self.assets[name]
            for part in (name.encode(), asset.mime_type.encode(), asset.data):
                digest.update(len(part).to_bytes(8, "big") + part)
        self.key = digest.hexdigest()

    def render(self, *, fetcher: ReportURLFetcher | None = None) -> bytes:
        return html_to_pdf(self.html, self.css, self.assets, fetcher=fetcher)


def prepare(context: ReportContext) -> PreparedReport:
    """The context's HTML, CSS and assets with the key they are kept under. The HTML is
    translated here, in the caller's locale: a bounded render's child only lays it out."""
    css = stylesheet() + "\n" + _accent_css(context.accent) + "\n" + page_number_css()
    return PreparedReport(render_html(context), css, context.assets, context.edition, context.language)


def render_prepared(prepared: PreparedReport) -> bytes:
    """A prepared report's PDF (module level, so the bounded renderer's child can be sent it)."""
    return prepared.render()
