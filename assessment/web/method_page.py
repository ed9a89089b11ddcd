"""GET /method: how the scores are made, for the people who read the results and the reports,
rendered from ``docs/method.md`` or, for a reader in another language, its translation beside it
(``docs/method.de.md``), in English where there is none. Markdown, with raw HTML switched off so
the page only ever holds what the document says; tests/test_method_page.py keeps the translations
in step with the English document (headings, tables, every number)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..i18n import current_language

bp = Blueprint("method", __name__)

DOCS = Path(__file__).resolve().parents[2] / "docs"
METHOD_FILE = DOCS / "method.md"
SOURCE_LANGUAGE = "en"


def method_file(language: str) -> tuple[str, Path]:
    """The method document for a language ("de" -> docs/method.de.md) and the language it is
    written in: English, the source, when there is no translation."""
    if language != SOURCE_LANGUAGE:
        translation = DOCS / f"method.{language}.md"
        if translation.is_file():
            return language, translation
    return SOURCE_LANGUAGE, METHOD_FILE


@cache
def method_html(language: str = SOURCE_LANGUAGE) -> tuple[str, Markup]:
    """The method document in a language as HTML, with the language it is actually written in;
    once per language and process (the documents change only with a release)."""
    written_in, path = method_file(language)
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return written_in, Markup(md.render(path.read_text(encoding="utf-8")))  # noqa: S704 (raw HTML is off)


@bp.get("/method")
def page() -> str:
    written_in, body = method_html(current_language())
    return render_template("method.html", body=body, body_language=written_in)
