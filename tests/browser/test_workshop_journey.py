"""A workshop in Chromium: a facilitator signs up and creates a workshop, opens its dashboard;
three participants on their own phones join by the code and finish, one of them on a phone set to
German, who answers the questionnaire in German; the open dashboard says that two are not yet a
group (rule 13), then shows the 3 complete responses without being reloaded, counted as one group
whatever the language; the facilitator downloads the workshop's report in German."""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from assessment.domain.questionnaire import Questionnaire

from .test_accessibility import serious

ENGLISH = {"code": "Workshop code", "join": "Join", "start": "Start answering"}
ENGLISH |= {"next": "Save and continue", "last": "Save and see my results"}
GERMAN = {"code": "Zugangscode", "join": "Teilnehmen", "start": "Mit den Antworten beginnen"}
GERMAN |= {"next": "Speichern und weiter", "last": "Speichern und Ergebnisse ansehen"}


def _answer_all_pages(page: Page, q: Questionnaire, high: bool, words: dict[str, str] = ENGLISH) -> None:
    for number, dimension in enumerate(q.dimensions, start=1):
        expect(page).to_have_url(re.compile(rf"/a/[^/]+/{number}$"))
        for item in q.items_of(dimension.id):
            option = item.options[-1] if high != item.reverse else item.options[0]
            page.locator(f'input[name="{item.id}"][value="{option.value}"]').check()
        last = number == len(q.dimensions)
        page.get_by_role("button", name=words["last"] if last else words["next"]).click()
    expect(page).to_have_url(re.compile(r"/results/"))


def test_facilitator_sees_three_participants_finish_live(live_server, new_context, v1):
    facilitator = new_context().new_page()
    facilitator.goto(live_server("/signup"))
    facilitator.get_by_label("Your name").fill("Fran Facilitator")
    facilitator.get_by_label("E-mail").fill("fran@example.org")
    facilitator.get_by_label("Password", exact=True).fill("a long enough password")
    facilitator.get_by_label("Repeat the password").fill("a long enough password")
    facilitator.get_by_role("button", name="Create account").click()
    expect(facilitator).to_have_url(re.compile(r"/workshops$"))

    facilitator.get_by_role("link", name="New workshop").first.click()
    facilitator.get_by_label("Workshop name").fill("Browser workshop")
    facilitator.get_by_label("Client organisation").fill("Acme Housing")
    facilitator.get_by_role("button", name="Create workshop").click()
    expect(facilitator).to_have_url(re.compile(r"/workshops/[\w-]+$"))
    code = facilitator.locator(".join-strip .code").inner_text().strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code)
    expect(facilitator.locator("#count-complete")).to_have_text("0")

    for n, role in enumerate(["Leadership / board", "Mitarbeitende", "Staff"]):
        german = n == 1  # this phone's browser asks for German
        words = GERMAN if german else ENGLISH
        phone_options = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
        phone = new_context(**phone_options, locale="de-DE" if german else "en-GB").new_page()
        phone.goto(live_server("/join"))
        phone.get_by_label(words["code"]).fill(code.lower())
        phone.get_by_role("button", name=words["join"]).click()
        if n == 0:
            assert serious(phone) == [], "role page"
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.get_by_label(role).check()
        phone.get_by_role("button", name=words["start"]).click()
        if german:  # the questionnaire's own text comes from its German translation
            expect(phone.locator("html")).to_have_attribute("lang", "de")
            expect(phone.locator("h1")).to_have_text("Dialog")  # "Dialogue" in English
        _answer_all_pages(phone, v1, high=n == 0, words=words)
        if n == 1:
            # Rule 13: two finished are not yet a group; the page says so without reloading.
            expect(facilitator.locator("#published-note")).to_contain_text(
                "Figures appear once at least 3 people have finished (2 so far)", timeout=15_000
            )

    # No reload: the page fetched the summary on its own and updated the numbers and charts.
    expect(facilitator.locator("#count-complete")).to_have_text("3", timeout=15_000)
    expect(facilitator.locator("#count-started")).to_have_text("3")
    expect(facilitator.locator("#stats-table tbody tr").first.locator("td").first).to_have_text("3")
    expect(facilitator.locator("#radar .main-svg").first).to_be_attached()
    expect(facilitator.locator("#gap")).to_contain_text("Withheld")
    expect(facilitator.locator("#prompts li.prompt").first).to_be_visible()
    assert serious(facilitator) == [], "dashboard"
    assert facilitator.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert facilitator.evaluate("performance.getEntriesByType('navigation')[0].type") != "reload"

    # The facilitator's choice of language for the report: German, for all three respondents.
    with facilitator.expect_download() as download_info:
        facilitator.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'r.pdf';"
            " document.body.appendChild(a); a.click(); }",
            facilitator.url + "/report.pdf?lang=de",
        )
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "ZUSAMMENFASSUNG" in text.upper() and "Seite 2 von" in text and "Einbindung der Führung" in text
    assert "Teilnehmende" in text  # the cover: the workshop's three, in German
    assert "EXECUTIVE SUMMARY" not in text.upper() and "Page 2 of" not in text
