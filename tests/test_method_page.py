"""GET /method in the reader's language (assessment/web/method_page.py), and the translations of
docs/method.md kept in step with it: an edit of one document without the others fails here, with
a message naming what differs (headings, table rows, numbers, ids, then the rendered structure:
the same paragraphs, lists, tables and code in the same order)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from assessment.web import method_page

DOCS = Path(__file__).resolve().parent.parent / "docs"
ENGLISH = DOCS / "method.md"
TRANSLATIONS = sorted(DOCS.glob("method.*.md"))


def _article(html: str) -> str:
    return html.split('<article class="method-page panel"', 1)[1].split("</article>", 1)[0]


def test_a_german_reader_gets_the_german_document(client):
    html = client.get("/method", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    article = _article(html)
    assert article.startswith(' lang="de">')
    assert "<h1>Wie die Werte entstehen</h1>" in article and "<h2>5. Stufen</h2>" in article
    assert "How the scores are made" not in html and "<h2>5. Stages</h2>" not in article
    assert "nur auf Englisch" not in html  # the note for a language without a translation


def test_the_language_switch_chooses_the_document_too(client):
    client.post("/language", data={"locale": "de", "next": "/method"})
    html = client.get("/method", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "<h1>Wie die Werte entstehen</h1>" in html


@pytest.mark.parametrize("headers", [{}, {"Accept-Language": "en-GB"}, {"Accept-Language": "fr-FR"}])
def test_everyone_else_gets_the_english_document(client, headers):
    html = client.get("/method", headers=headers).get_data(as_text=True)
    article = _article(html)
    assert article.startswith(' lang="en">')
    assert "<h1>How the scores are made</h1>" in article and "<h2>5. Stages</h2>" in article
    assert "Wie die Werte entstehen" not in html and "described in English only" not in html


def test_an_offered_language_without_a_translation_gets_english_and_is_told_so(app):
    app.config["LANGUAGES"] = "en_GB,de,fr"  # French offered, with no docs/method.fr.md
    html = app.test_client().get("/method", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr"' in html and _article(html).startswith(' lang="en">')
    assert "<h1>How the scores are made</h1>" in html and 'role="note"' in html


def test_a_language_without_a_translation_falls_back_to_english():
    assert method_page.method_file("xx") == ("en", ENGLISH)
    assert method_page.method_file("en") == ("en", ENGLISH)
    assert method_page.method_file("de") == ("de", DOCS / "method.de.md")
    written_in, html = method_page.method_html("xx")
    assert written_in == "en" and "<h1>How the scores are made</h1>" in html


# ----------------------------------------------------------------- the documents kept in step


def _headings(text: str) -> list[str]:
    """Each heading's level and rule number in order ("##", "##12." ...); outside code blocks."""
    return [
        match.group(1) + (match.group(2) or "") for match in re.finditer(r"^(#{1,6}) +(\d+\.)?", text, re.M)
    ]


def _table_rows(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.lstrip().startswith("|"))


def _numbers(text: str) -> Counter[str]:
    """Every digit sequence, a decimal comma read as a point (German 0,6 is English 0.6)."""
    return Counter(number.replace(",", ".") for number in re.findall(r"\d+(?:[.,]\d+)?", text))


def _ids(text: str) -> Counter[str]:
    """Code spans without a space: ids, field names, options, paths (kept as they are)."""
    return Counter(span for span in re.findall(r"`([^`\n]+)`", text) if " " not in span)


def _elements(text: str) -> list[str]:
    """The HTML elements the page renders, in order (paragraphs, list items, table cells, code)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return re.findall(r"<(/?[a-z][a-z0-9]*)", md.render(text))


def _difference(what: str, english: Counter[str], translated: Counter[str]) -> list[str]:
    problems = []
    if missing := english - translated:
        problems.append(f"{what} only in English: {sorted(missing.elements())}")
    if extra := translated - english:
        problems.append(f"{what} only in the translation: {sorted(extra.elements())}")
    return problems


def test_there_is_a_german_translation():
    assert DOCS / "method.de.md" in TRANSLATIONS


@pytest.mark.parametrize("translation", TRANSLATIONS, ids=lambda path: path.name)
def test_a_translation_keeps_in_step_with_the_english_document(translation):
    english, translated = ENGLISH.read_text(encoding="utf-8"), translation.read_text(encoding="utf-8")
    problems = []
    levels = Counter(heading.rstrip("0123456789.") for heading in _headings(english))
    translated_levels = Counter(heading.rstrip("0123456789.") for heading in _headings(translated))
    for level in sorted(set(levels) | set(translated_levels)):
        if levels[level] != translated_levels[level]:
            problems.append(
                f"{levels[level]} headings of level {len(level)} in English, "
                f"{translated_levels[level]} in the translation"
            )
    if not problems and _headings(english) != _headings(translated):
        problems.append(f"headings in another order: {_headings(english)} vs {_headings(translated)}")
    if _table_rows(english) != _table_rows(translated):
        problems.append(
            f"{_table_rows(english)} table rows in English, {_table_rows(translated)} in the translation"
        )
    problems += _difference("numbers", _numbers(english), _numbers(translated))
    problems += _difference("ids and field names", _ids(english), _ids(translated))
    elements, translated_elements = _elements(english), _elements(translated)
    if not problems and elements != translated_elements:
        at = next(
            (
                i
                for i, pair in enumerate(zip(elements, translated_elements, strict=False))
                if pair[0] != pair[1]
            ),
            min(len(elements), len(translated_elements)),
        )
        problems.append(
            f"the rendered structure parts at element {at}: {elements[max(at - 3, 0) : at + 3]} "
            f"in English, {translated_elements[max(at - 3, 0) : at + 3]} in the translation"
        )
    assert not problems, f"{translation.name} differs from {ENGLISH.name}:\n  " + "\n  ".join(problems)


def test_the_step_check_names_what_differs():
    english = "# T\n\n## 1. A\n\nAt 0.6, `max_now` (4).\n\n| a |\n|---|\n"
    translated = "# T\n\n## 1. A\n\n### B\n\nBei 0,7, `max_jetzt` (4).\n\n| a |\n"
    assert _headings(english) == ["#", "##1."] and _headings(translated) == ["#", "##1.", "###"]
    assert _table_rows(english) == 2 and _table_rows(translated) == 1
    assert _difference("numbers", _numbers(english), _numbers(translated)) == [
        "numbers only in English: ['0.6']",
        "numbers only in the translation: ['0.7']",
    ]
    assert _difference("ids and field names", _ids(english), _ids(translated))[0].endswith("['max_now']")
