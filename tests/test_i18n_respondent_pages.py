"""The respondent's pages in translation (issue 22): every word they show goes through gettext
(the pseudo-locale finds any that does not), and in German they read German, with German
numbers."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from flask import Flask

from .pseudo_locale import page_text, unmarked
from .test_room_messages import smtp_server  # noqa: F401 (a fixture)
from .web_helpers import answers, finish, start

ORGANISATION = "Kestrel Trust"
WORKSHOP = "Harbour Board Day"
COHORT = "Spring Leaders Course"


def _questionnaire_texts(app: Flask) -> list[str]:
    """The questionnaires' own text (items, options, dimension and stage names, recommendations):
    data from their files and translations, not gettext. Every string in the files, so that no
    text field is missed; to be swapped for the pseudo questionnaire translation once it exists."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str) and re.search(r"[^\W\d_]{2}", value):
            text = value.strip()
            # As the pages use it too: capitalised at a sentence's start, quoted without its
            # full stop (findings.quote), a short label wrapped over lines on a chart.
            found.extend([text, text[:1].upper() + text[1:], text.rstrip(".")])
            if len(text) < 40:
                found.extend(text.split())
        elif isinstance(value, dict):
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    for path in sorted(Path(app.config["QUESTIONNAIRE_DIR"]).glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def _pages(app: Flask, q) -> dict[str, str]:
    """Every respondent-facing page of the area, by name: its HTML in the app's locale."""
    from assessment.services import accounts, cohorts, workshops
    from assessment.services.questionnaires import current_version

    client = app.test_client()
    pages = {"landing": client.get("/").get_data(as_text=True)}
    token = start(client, organisation=ORGANISATION)
    pages["first page"] = client.get(f"/a/{token}/1").get_data(as_text=True)
    missing = client.post(f"/a/{token}/2", data={"action": "next"})  # nothing answered: errors
    assert missing.status_code == 422
    pages["question page with errors"] = missing.get_data(as_text=True)
    pages["delete"] = client.get(f"/a/{token}/delete").get_data(as_text=True)
    given = answers(q, low=[q.dimensions[0].id])
    results = finish(client, q, token, given)
    pages["results"] = client.get(results).get_data(as_text=True)
    pages["not found"] = client.get("/no/such/page").get_data(as_text=True)
    pages["login"] = client.get("/login").get_data(as_text=True)
    pages["signup"] = client.get("/signup").get_data(as_text=True)
    pages["join"] = client.get("/join").get_data(as_text=True)
    with app.extensions["database"].session() as s:
        owner = accounts.create_user(s, "tina@example.org", "correct horse battery")
        version = current_version(s, q.id)
        workshop = workshops.create_workshop(s, owner.id, version, name=WORKSHOP)
        cohort = cohorts.create_cohort(s, owner.id, version, name=COHORT)
        s.commit()
        codes = workshop.join_code, cohort.join_code
    pages["join role"] = client.get(f"/join/{codes[0]}").get_data(as_text=True)
    pages["cohort join"] = client.get(f"/cohorts/join/{codes[1]}").get_data(as_text=True)
    return pages


def _own(html: str) -> str:
    """The page without what the reports' layer writes into it, which the reports' catalogue
    translates (reports/translations, tested with the reports): the verdict's sentences
    (reports.prose, rule 15) and the server-drawn charts' own labels (reports.charts)."""
    html = re.sub(r'<div class="verdict">.*?</div>', "", html, flags=re.S)
    return re.sub(r'<div class="chart-svg">.*?</svg>\s*</div>', "", html, flags=re.S)


def test_every_respondent_page_has_its_text_through_gettext(pseudo_app, v1):
    # The language switch names each language in itself ("Deutsch"), by design; the wave's
    # label is the cohort's own data (its default from the cohort service).
    allowed = [*_questionnaire_texts(pseudo_app), ORGANISATION, WORKSHOP, COHORT, "Before the course"]
    allowed += ["Esperanto", "English"]
    found = {
        name: unmarked(page_text(_own(html)), allowed=allowed)
        for name, html in _pages(pseudo_app, v1).items()
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def _lang(html: str) -> str:
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_with_a_german_browser_the_respondent_reads_german(client, v1):
    landing = client.get("/", headers=GERMAN).get_data(as_text=True)
    assert _lang(landing) == "de"
    assert "Selbstbewertung beginnen" in landing and "So funktioniert es" in landing
    assert "An einem Workshop teilnehmen" in landing and "Keine Angabe" in landing
    assert "Start now" not in landing and "Start the assessment" not in landing

    token = start(client, organisation=ORGANISATION)
    page = client.get(f"/a/{token}/1", headers=GERMAN).get_data(as_text=True)
    assert _lang(page) == "de"
    assert "Speichern und weiter" in page and f"Seite 1 von {len(v1.dimensions)}" in page
    assert "Unsicher / weiß nicht" in page and "Diesen Link aufbewahren" in page
    assert "Save and continue" not in page and ">Next<" not in page

    results = client.get(finish(client, v1, token, answers(v1, low=[v1.dimensions[0].id])), headers=GERMAN)
    html = results.get_data(as_text=True)
    assert _lang(html) == "de"
    assert f"Ergebnisse für \u2068{ORGANISATION}\u2069" in html
    assert (
        "Gesamtindex" in html
        and "Womit Sie anfangen: Ihr Fahrplan" in html
        and "Bericht herunterladen" in html
    )
    assert "Jetzt (0–3 Monate)" in html  # the roadmap's horizon, a domain label marked with N_
    assert "100\xa0%" in html  # German puts a space before the percent sign
    for english in ("Your own results", "Overall index", "Where you stand", "Download PDF", "Your plan"):
        assert english not in html


def test_a_score_shown_with_a_decimal_has_a_decimal_comma_in_german(app, v1):
    """Rule 17 decides the digits (39.6 under a floor of 40 is not rounded up onto it); the
    language decides only the separator."""
    from flask import render_template_string

    template = "{{ 39.6|score(q) }} · {{ '−3.4'|decimal }} · {{ 45|score(q) }}"
    with app.test_request_context("/", headers=GERMAN):
        assert render_template_string(template, q=v1) == "39,6 · −3,4 · 45"
    with app.test_request_context("/"):
        assert render_template_string(template, q=v1) == "39.6 · −3.4 · 45"


def test_the_roadmap_words_for_effort_and_owner_are_all_translatable():
    from assessment.domain.questionnaire import EFFORTS, OWNERS
    from assessment.web.results import VOCABULARY

    assert set(EFFORTS) | set(OWNERS) == set(VOCABULARY)


def test_the_private_link_mail_is_written_in_the_language_of_the_page_that_asked(app, request):
    import email
    import time
    from email import policy

    controller, inbox = request.getfixturevalue("smtp_server")  # test_room_messages' own SMTP inbox
    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{controller.port}", MAIL_FROM="assess@example.org")
    client = app.test_client()
    token = start(client, organisation=ORGANISATION)
    sent = client.post(f"/a/{token}/send-link", data={"email": "md@example.org", "page": "1"}, headers=GERMAN)
    deadline = time.monotonic() + 5
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    message = email.message_from_string(inbox.messages[0][2], policy=policy.default)
    assert message["Subject"] == "Ihr privater Link zur Selbstbewertung"
    body = message.get_content()
    assert f"Hier ist der private Link zu Ihrer Selbstbewertung für {ORGANISATION}:" in body
    assert f"/a/{token}" in body and "Ihre Adresse wurde nicht gespeichert" in body
    shown = client.get(sent.location, headers=GERMAN).get_data(as_text=True)
    assert "Der Link ist unterwegs an md@example.org" in shown
