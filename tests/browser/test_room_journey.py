"""The issue's "Done when" journey in Chromium: the facilitator projects the results mode, five
phones (375 px) join, one reloads mid-page and keeps its answers, one opens the join link again
and gets its own response back; the facilitator runs a discussion round on a disputed item, the
phones re-vote, the round is closed, the workshop is closed and its PDF downloaded."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .test_phone_answers import shot

PHONE = {"width": 375, "height": 667}
PROJECTOR = {"width": 1280, "height": 720}
ROLES = ["Leadership / board", "Staff", "Staff", "Manager", "Staff"]


def _answer_page(page: Page, q, number: int, pick: int) -> None:
    for n, item in enumerate(q.items_of(q.dimensions[number - 1].id)):
        option = item.options[(pick + n) % len(item.options)]
        page.locator(f'input[name="{item.id}"][value="{option.value}"]').check()


def _submit(page: Page, q, number: int) -> None:
    last = number == len(q.dimensions)
    page.get_by_role("button", name="Save and see my results" if last else "Save and continue").click()


def test_a_workshop_room_from_projector_to_pdf(live_server, new_context, v1):
    projector = new_context(viewport=PROJECTOR).new_page()
    projector.goto(live_server("/signup"))
    projector.get_by_label("Your name").fill("Rita Room")
    projector.get_by_label("E-mail").fill("rita@example.org")
    projector.get_by_label("Password", exact=True).fill("a long enough password")
    projector.get_by_label("Repeat the password").fill("a long enough password")
    projector.get_by_role("button", name="Create account").click()
    projector.get_by_role("link", name="New workshop").first.click()
    projector.get_by_label("Workshop name").fill("Room journey")
    projector.get_by_label("Client organisation").fill("Acme Housing")
    projector.get_by_role("button", name="Create workshop").click()
    expect(projector).to_have_url(re.compile(r"/workshops/[\w-]+$"))
    dashboard_url = projector.url
    code = projector.locator(".join-strip .code").inner_text().strip()

    # The join screen warns before anyone scans: the test server listens on 127.0.0.1 only.
    projector.get_by_role("link", name="Present join screen").click()
    expect(projector.locator("#loopback-warning")).to_contain_text("Phones cannot open this link")
    shot(projector, "projector-join-1280")
    projector.get_by_role("link", name="Show the results").click()
    expect(projector).to_have_url(re.compile(r"/present/results$"))
    expect(projector.get_by_text("Figures appear once at least 3 people have finished")).to_be_visible()
    for admin in ("Close for answers", "Settings", "Responses (CSV)", "Report (PDF)"):
        expect(projector.get_by_text(admin)).to_have_count(0)

    phones: list[Page] = []
    for n, role in enumerate(ROLES):
        phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        phones.append(phone)
        phone.goto(live_server("/"))
        phone.get_by_label("Code shown on the screen").fill(code.lower())
        phone.get_by_role("button", name="Join", exact=True).click()
        phone.get_by_label(role).check()
        phone.get_by_role("button", name="Start answering").click()
        for number in range(1, len(v1.dimensions) + 1):
            expect(phone).to_have_url(re.compile(rf"/a/[^/]+/{number}$"))
            _answer_page(phone, v1, number, pick=n)
            if n == 1 and number == 2:
                # Mid-page: a fresh load of the page (not the browser's remembered form state).
                # Every answer's own save has come back (they may finish in any order).
                saved = phone.locator(".autosave-status", has_text="Saved")
                expect(saved).to_have_count(len(v1.items_of(v1.dimensions[1].id)))
                phone.goto(phone.url)
                ticked = phone.locator("input[type=radio]:checked")
                expect(ticked).to_have_count(len(v1.items_of(v1.dimensions[1].id)))
            _submit(phone, v1, number)
        expect(phone).to_have_url(re.compile(r"/results/"))
        expect(phone.get_by_text("Thank you for taking part in Room journey")).to_be_visible()
    shot(phones[0], "phone-end-375")

    # Phone 3 opens the join link again: its own response back, not a second one.
    own = phones[2].url
    phones[2].goto(live_server(f"/join/{code}"))
    expect(phones[2]).to_have_url(own)
    expect(phones[2].get_by_text("You and the room")).to_be_visible()
    expect(phones[2].locator(".you-and-room tbody tr")).to_have_count(len(v1.dimensions))

    # The projector: the group's spectrum and radar, then the disputed questions one at a time.
    projector.reload()
    expect(projector.locator(".spectrum-wide")).to_be_visible()
    expect(projector.locator("#radar")).to_have_attribute("data-drawn", "true")
    shot(projector, "projector-results-1280")
    # Slides: the overview first (a 720 px projector shows one at a time), then each question.
    steps = projector.locator("[data-step]")
    expect(steps.nth(0)).to_be_hidden()
    projector.keyboard.press("ArrowRight")
    expect(projector.locator(".spectrum-wide")).to_be_hidden()
    expect(steps.nth(0)).to_be_visible()
    expect(steps.nth(1)).to_be_hidden()
    projector.keyboard.press("ArrowRight")
    expect(steps.nth(1)).to_be_visible()
    expect(steps.nth(0)).to_be_hidden()
    projector.get_by_role("button", name="← Previous").click()
    expect(steps.nth(0)).to_be_visible()
    shot(projector, "projector-disputed-1280")
    question = steps.nth(0).locator(".rm-question").inner_text()
    steps.nth(0).get_by_role("button", name="Re-vote on the phones after the discussion").click()
    expect(projector).to_have_url(re.compile(r"/rounds/\d+$"))
    expect(projector.locator("h1")).to_have_text(question)

    # The phones re-vote from their end screen; everyone lands on the same answer.
    for phone in phones[:4]:
        phone.reload()
        vote = phone.locator("#round")
        expect(vote).to_contain_text(question)
        vote.locator("input[type=radio]").first.check()
        vote.get_by_role("button", name="Send my answer").click()
        expect(vote.locator(".round-thanks")).to_have_text(
            "Thank you: your answer is in. You can change it until the facilitator closes the round."
        )
        expect(phone.locator(".flash")).to_have_count(0)  # said once, where the round is
    shot(phones[0], "phone-round-375")
    # The projector keeps up by itself, in place: no reload flashes the screen or takes a click.
    # While open the new answers are only counted (rule 13: bars moving with each vote would show
    # each person's answer); they are shown when the round closes.
    projector.evaluate("window.sameRoundPage = true")
    expect(projector.get_by_text("4 answers so far; shown when the round closes")).to_be_visible()
    assert projector.evaluate("window.sameRoundPage === true")
    shot(projector, "projector-round-1280")
    projector.get_by_role("button", name="Close the round").click()
    expect(projector.get_by_text("discussion round closed")).to_be_visible()
    expect(projector.locator("#agreement")).to_contain_text("Agreement rose")
    expect(projector.get_by_text("4 answers · spread (SD) 0.00")).to_be_visible()

    # Close the workshop and download its PDF, which records the round.
    projector.goto(dashboard_url)
    projector.get_by_role("button", name="Close for answers").click()
    expect(projector.get_by_text("Closed: new answers refused")).to_be_visible()
    with projector.expect_download() as download_info:
        projector.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'r.pdf';"
            " document.body.appendChild(a); a.click(); }",
            dashboard_url + "/report.pdf",
        )
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Discussion rounds" in text and "Agreement rose" in text
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        (Path(folder) / "workshop.pdf").write_bytes(pdf)
