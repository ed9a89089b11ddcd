"""GET /method: how the scores are made, for the people who read the results and the reports,
rendered from ``docs/method.md`` (Markdown, with raw HTML switched off so the page only ever holds
what the document says)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

bp = Blueprint("method", __name__)

METHOD_FILE = Path(__file__).resolve().parents[2] / "docs" / "method.md"


@cache
def method_html() -> Markup:
    """The method document as HTML, once per process (it changes only with a release)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return Markup(md.render(METHOD_FILE.read_text(encoding="utf-8")))  # noqa: S704 (raw HTML is off)


@bp.get("/method")
def page() -> str:
    return render_template("method.html", body=method_html())
