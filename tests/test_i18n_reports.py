"""The reports in the pseudo-locale (every catalogue message marked, tests/pseudo_locale.py) and
in German: the individual PDF (core and full), the workshop's PDF, Word file and slides show no
text that escaped gettext, and a German assessment's report is German and cached apart.

PDF text comes from ``pdftotext``, which breaks a long message over lines: so the whole text is
joined into one run before the markers are taken out, and what is left is reported word run by
word run (``_leftovers``). Where it sets two blocks side by side it may also cut a message apart;
``_pdf_leftovers`` takes two extractions that cut in different places and reports what both leave."""

from __future__ import annotations

import io
import random
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from babel.dates import format_date
from flask import Flask

from assessment import create_app
from assessment.db.models import Assessment
from assessment.i18n import language_of
from assessment.services import self_assessment
from assessment.services.report_cache import cache_size, cached_pdf
from assessment.services.reports import assessment_report_context, in_language

from .pseudo_locale import CLOSE, OPEN
from .test_report_web import _answers
from .test_workshop import create, facilitator, group_row, join, plausible
from .web_helpers import finish

ORGANISATION = "Kestrel Trust"
_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[^\W\d_]{2,}")
_WORDS = re.compile(r"[^\W\d_]{2,}(?:\W+[^\W\d_]{2,})*")


def _questionnaire_texts(app: Flask) -> list[str]:
    """Every text of the installed questionnaires (w22q's pseudo sidecar replaces this at merge)."""
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.append(" ".join(node.split()))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in Path(app.config["QUESTIONNAIRE_DIR"]).glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return [t for t in texts if t]


def _pdf_text(pdf: bytes, *mode: str) -> str:
    out = subprocess.run(["pdftotext", *mode, "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


def _pdf_leftovers(pdf: bytes, allowed: list[str]) -> list[str]:
    """What a PDF shows unmarked, by two extractions: the reading order and ``-layout``. Each
    can cut a marked message apart where it sets two blocks side by side (a wrapped cover fact,
    the full edition's two poles), but never in the same place; text that escaped gettext is
    left over in both. So a run counts when its words are left over in the other one too."""
    reading = _leftovers(_pdf_text(pdf), allowed)
    layout = {word for run in _leftovers(_pdf_text(pdf, "-layout"), allowed) for word in _WORD.findall(run)}
    return [run for run in reading if all(word in layout for word in _WORD.findall(run))]


def _leftovers(text: str, allowed: list[str]) -> list[str]:
    """The word runs left once the marked messages (innermost first) and the allowed strings are
    taken out of ``text`` joined into one line."""
    rest = " ".join(text.split())
    # Letter-spaced capitals (the cover's kicker, eyebrows) come out one or two letters a word.
    rest = re.sub(r"(?:\b[^\W\d_]{1,2}\b ){3,}[^\W\d_]{1,2}\b", " ", rest)
    # (Headings set in capitals by the stylesheet show the allowed texts upper-cased.)
    spaced = {" ".join(a.split()) for a in allowed if a.strip()}
    # (and answers quoted without their closing full stop)
    spaced |= {a.rstrip(".") for a in spaced}
    known = sorted(spaced | {a.upper() for a in spaced}, key=len, reverse=True)
    # Long allowed texts first (a message may hold one, and the PDF may set its closing marker a
    # line further on), then the marked messages innermost first, then the long texts again.
    # Short ones (a name, a role) only inside what is left: taken out of a longer text first,
    # they would leave fragments of it that are no longer found in it.
    long_texts = [a for a in known if len(a) >= 30]
    for item in long_texts:
        rest = rest.replace(item, " ")
    while True:
        stripped = _MARKED.sub(" ", rest)
        if stripped == rest:
            break
        rest = stripped
    rest = " ".join(rest.split())
    for item in long_texts:
        rest = rest.replace(item, " ")
    vocabulary = {word for a in allowed for word in _WORD.findall(a)}
    short = re.compile("|".join(re.escape(a) for a in known if len(a) < 30) or "(?!)")
    left = []
    for run in _WORDS.findall(rest):
        for piece in short.split(run):  # a fragment split at a short text is still a fragment
            for part in _WORDS.findall(piece):
                # A table cell's or a chart label's text wraps, its lines set between other
                # cells' lines: a line found verbatim inside an allowed text is such a line, and
                # so is a label's half (one or two words of the allowed texts) set on its own.
                words = _WORD.findall(part)
                if any(part in item for item in known):
                    continue
                if len(words) <= 2 and all(w in vocabulary for w in words):
                    continue
                left.append(part)
    return left


def _allowed(app: Flask, *extra: str) -> list[str]:
    import datetime as dt

    today = format_date(dt.date.today(), "long", locale="eo")
    return [*_questionnaire_texts(app), ORGANISATION, today, "/method", "method", *extra]


def _complete(app: Flask, v1, organisation: str = ORGANISATION) -> str:
    with app.extensions["database"].session() as session, session.begin():
        # Answered in the installation's default language (the pseudo-locale's, or German).
        language = language_of(app.config["DEFAULT_LOCALE"])
        answers = _answers(v1)
        assessment, _ = self_assessment.submit(
            session, v1.id, answers, organisation=organisation, language=language
        )
        return assessment.id


@pytest.fixture(scope="module")
def german_app(tmp_path_factory) -> Flask:
    """An installation whose default language is German (an assessment without a language of
    its own is reported in it)."""
    folder = tmp_path_factory.mktemp("german")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{folder / 'de.db'}",
            "QUESTIONNAIRE_DIR": str(Path(__file__).resolve().parent.parent / "questionnaires"),
            "DEFAULT_LOCALE": "de",
            "LANGUAGES": "de,en_GB",
        }
    )
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    return app


@pytest.mark.parametrize("edition", ["core", "full"])
def test_the_individual_report_has_no_unmarked_text(pseudo_app, v1, edition, monkeypatch):
    from reports import bounded

    monkeypatch.setattr(bounded._renderer, "timeout", 120.0)  # the full edition, on a busy machine
    assessment_id = _complete(pseudo_app, v1)
    response = pseudo_app.test_client().get(
        f"/api/v1/assessments/{assessment_id}/report.pdf?edition={edition}"
    )
    assert response.status_code == 200
    left = _pdf_leftovers(response.data, _allowed(pseudo_app))
    assert left == [], left


def test_the_workshop_report_and_its_files_have_no_unmarked_text(pseudo_app, v1):
    from docx import Document
    from pptx import Presentation

    owner, _token = facilitator(pseudo_app, "ann@example.org")
    group_id = create(owner)
    code = group_row(pseudo_app, group_id).join_code
    rng = random.Random(8)
    for role in ("leadership", "staff", "staff", "manager"):
        phone = pseudo_app.test_client()
        finish(phone, v1, join(phone, code, role), plausible(v1, role, rng))
    allowed = _allowed(
        pseudo_app,
        "Board away-day",
        "Acme Housing",
        "Clear View Consulting",
        "rwg",  # the agreement statistic's symbol, r with "wg(j)" set as a subscript
    )
    pdf = owner.get(f"/workshops/{group_id}/report.pdf")
    assert pdf.status_code == 200
    left = _pdf_leftovers(pdf.data, allowed)
    assert left == [], left
    docx = owner.get(f"/workshops/{group_id}/report.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    left = _leftovers(text, allowed)
    assert left == [], left
    pptx = owner.get(f"/workshops/{group_id}/slides.pptx")
    shapes = [s for slide in Presentation(io.BytesIO(pptx.data)).slides for s in slide.shapes]
    text = "\n".join(s.text_frame.text for s in shapes if s.has_text_frame)
    left = _leftovers(text, allowed)
    assert left == [], left


def test_a_german_assessments_core_report_is_german(german_app, v1):
    assessment_id = _complete(german_app, v1, "Genossenschaft Kestrel eG")
    response = german_app.test_client().get(f"/api/v1/assessments/{assessment_id}/report.pdf")
    assert response.status_code == 200
    text = " ".join(_pdf_text(response.data).split())
    # (Eyebrows are letter-spaced capitals in the PDF's text: the headings below are not.)
    for heading in (
        "Wo die Organisation steht",
        "Erste Prioritäten",
        "Fahrplan für den Wandel",
        "Seite 2 von 8",
    ):
        assert heading in text
    for english in (
        "Page 2 of",
        "Where the organisation stands",
        "First priorities",
        "Migration roadmap",
    ):
        assert english not in text
    assert re.search(r"\d{1,2}\. \w+ \d{4}", text)  # "2. Dezember 2026"
    # A rating after its noun is small in German too; the poles are quoted (one has a comma).
    assert re.search(r"Aufwand (gering|mittel|hoch) · Wirkung (gering|mittel|hoch)", text), text
    assert "zwischen „Organisation, die Social Media nutzt“ und „Social Organisation“ steht" in text
    assert re.search(r"Der Fahrplan beginnt mit „[^“]+“; Zeitraum: (Jetzt|Als Nächstes|Später) \(", text)


def test_the_cache_keeps_an_english_and_a_german_report_apart(german_app, v1):
    assessment_id = _complete(german_app, v1, "Zwei Sprachen eG")
    database = german_app.extensions["database"]
    with german_app.app_context(), database.session() as session:
        assessment = session.get(Assessment, assessment_id)
        before = cache_size(session)
        with in_language("en_GB"):
            english = cached_pdf(session, assessment_report_context(assessment))
        with in_language("de"):
            german = cached_pdf(session, assessment_report_context(assessment))
        assert cache_size(session) == before + 2
    assert "First priorities" in " ".join(_pdf_text(english).split())
    assert "Erste Prioritäten" in " ".join(_pdf_text(german).split())


def test_the_cohort_comparison_report_has_no_unmarked_text(pseudo_app):
    from .test_cohorts import new_cohort, submit

    api = pseudo_app.test_client()
    _owner, token = facilitator(pseudo_app, "tom@example.org")
    auth = {"Authorization": f"Bearer {token}"}
    with pseudo_app.app_context():
        from assessment.services.questionnaires import QuestionnaireRegistry

        q = {v.version: v for v in QuestionnaireRegistry(pseudo_app.config["QUESTIONNAIRE_DIR"]).files()}[
            "1.0"
        ]
    first = new_cohort(api, token, name="Spring course")
    second = new_cohort(api, token, name="Autumn course")
    for cohort, levels in ((first, [1, 2, 1, 2, 1]), (second, [3, 3, 2, 4, 3])):
        for n in range(4):
            shifted = [min(4, level + n % 2) for level in levels]
            answer = submit(api, q, cohort["join_code"], shifted, f"code-{cohort['id'][:4]}-{n}")
            assert answer.status_code == 201, answer.get_json()
    pdf = api.get(f"/api/v1/cohorts/compare.pdf?a={first['id']}&b={second['id']}", headers=auth)
    assert pdf.status_code == 200
    symbols = ("Hedges", "Holm", "Welch", "d_z")  # the statistics' own names
    # A wave's name is the trainer's (stored with the cohort, renamed at will), like its own name.
    from assessment.services.cohorts import DEFAULT_WAVES

    waves = [label for _id, label in DEFAULT_WAVES]  # the API's defaults, as this cohort has them
    names = ("Spring course", "Autumn course", *waves, *(w.upper() for w in waves))
    left = _pdf_leftovers(pdf.data, _allowed(pseudo_app, *names, *symbols))
    assert left == [], left
