"""A trainer's course in Chromium: sign up, create a cohort, participants join on phones with a
code they make up and answer before the course; the trainer opens the next wave, they answer
again (one mistypes their code), the match report shows pairs and the unmatched on each side,
and the before/after comparison opens with its charts and its PDF; then last year's cohort is
compared with this year's."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from playwright.sync_api import Page, expect

from assessment.domain.questionnaire import Questionnaire

from .test_accessibility import serious

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def _option(item, level: int):  # type: ignore[no-untyped-def]
    """The option ``level`` (0 least social .. 4 most) of the way along the item's own options
    (choice items may have fewer than five), counted from the social end for reverse-keyed items."""
    at = round(level / 4 * (len(item.options) - 1))
    return item.options[len(item.options) - 1 - at] if item.reverse else item.options[at]


def _answer(page: Page, q: Questionnaire, level: int) -> None:
    """Every item at option ``level`` (0 least social .. 4 most), page by page."""
    for number, dimension in enumerate(q.dimensions, start=1):
        expect(page).to_have_url(re.compile(rf"/a/[^/]+/{number}$"))
        for item in q.items_of(dimension.id):
            option = _option(item, level)
            page.locator(f'input[name="{item.id}"][value="{option.value}"]').check()
        last = number == len(q.dimensions)
        page.get_by_role("button", name="Save and see my results" if last else "Save and continue").click()
    expect(page).to_have_url(re.compile(r"/results/"))


def _phone(new_context, live_server, code: str, respondent_code: str) -> Page:  # type: ignore[no-untyped-def]
    phone = new_context(**PHONE).new_page()
    phone.goto(live_server(f"/join/{code}"))
    expect(phone.get_by_role("heading", name="Make up a code you will remember")).to_be_visible()
    phone.get_by_label("Your code").fill(respondent_code)
    phone.get_by_label("The same code again").fill(respondent_code)
    phone.get_by_role("button", name="Start answering").click()
    return phone


def _api_answers(client: FlaskClient, q: Questionnaire, code: str, respondent_code: str, level: int) -> None:
    answers = {i.id: _option(i, level).value for i in q.items}
    response = client.post(
        "/api/v1/assessments",
        json={
            "questionnaire": q.id,
            "answers": answers,
            "group_code": code,
            "respondent_code": respondent_code,
        },
    )
    assert response.status_code == 201, response.get_json()


def test_trainer_runs_a_course_before_and_after(live_server, new_context, v1):
    trainer = new_context().new_page()
    trainer.goto(live_server("/signup"))
    trainer.get_by_label("Your name").fill("Tina Trainer")
    trainer.get_by_label("E-mail").fill("tina@example.org")
    trainer.get_by_label("Password", exact=True).fill("a long enough password")
    trainer.get_by_label("Repeat the password").fill("a long enough password")
    trainer.get_by_role("button", name="Create account").click()

    trainer.goto(live_server("/cohorts"))
    trainer.get_by_role("link", name="New cohort").first.click()
    trainer.get_by_label("Cohort name").fill("Social leadership, spring")
    trainer.get_by_role("button", name="Create cohort").click()
    expect(trainer).to_have_url(re.compile(r"/cohorts/[\w-]+$"))
    cohort_url = trainer.url
    code = trainer.locator(".join-panel .code").inner_text().strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code)
    expect(trainer.locator(".join-qr svg")).to_be_visible()

    # Before the course: three phones in the browser, three more through the API.
    api = live_server.app.test_client()
    people = [("Ma 07 ln", 1), ("jo12kr", 2), ("su30pa", 1)]
    for n, (respondent_code, level) in enumerate(people):
        phone = _phone(new_context, live_server, code, respondent_code)
        if n == 0:
            assert serious(phone) == [], "code page"
        _answer(phone, v1, level)
    for n in range(3):
        _api_answers(api, v1, code, f"extra{n}", 1 + n % 2)

    # A second answer with the same code in the same wave is refused, nothing replaced.
    again = new_context(**PHONE).new_page()
    again.goto(live_server(f"/join/{code}"))
    again.get_by_label("Your code").fill("MA07LN")
    again.get_by_label("The same code again").fill("ma07ln")
    again.get_by_role("button", name="Start answering").click()
    expect(again.locator(".error-message")).to_contain_text("already answered")

    trainer.reload()
    trainer.get_by_role("button", name="Open the next wave: After the course").click()
    expect(trainer.locator(".flash")).to_contain_text("now open")

    # After the course: two people type their code differently (capitals, spaces), one mistypes.
    for respondent_code, level in [("MA07LN", 3), ("JO 12 KR", 3), ("su03pa", 2)]:
        _answer(_phone(new_context, live_server, code, respondent_code), v1, level)
    for n in range(3):
        _api_answers(api, v1, code, f"EXTRA{n}", 3)

    trainer.goto(cohort_url)
    report = trainer.locator(".match-figures").first
    expect(report).to_contain_text("5 matched pairs")
    expect(report).to_contain_text("1 answered only “Before the course”")
    expect(report).to_contain_text("1 answered only “After the course”")
    trainer.get_by_role("link", name="Compare Before the course with After the course").click()
    expect(trainer).to_have_url(re.compile(r"/change\?"))
    expect(trainer.locator("#pairs")).to_have_text("5")
    expect(trainer.locator("#means-chart .main-svg").first).to_be_attached()
    expect(trainer.locator("#dist-chart .main-svg").first).to_be_attached()
    expect(trainer.locator("#compare-table")).to_contain_text("small sample")
    expect(trainer.locator("#compare-table tr[data-row=overall]")).to_contain_text("improvement")
    assert serious(trainer) == [], "comparison page"
    pdf = trainer.request.get(
        live_server(trainer.get_by_role("link", name="Download PDF").get_attribute("href"))
    )
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # On a phone the comparison reads as cards and never scrolls sideways.
    trainer.set_viewport_size({"width": 375, "height": 740})
    trainer.reload()
    expect(trainer.locator("#means-chart .main-svg").first).to_be_attached()
    assert trainer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The statistics' p and Holm p are two labelled blocks, one under the other, never run together.
    p_box = trainer.locator("#stats-table tr[data-row=overall] td[data-label='p']").bounding_box()
    dialogue = trainer.locator("#stats-table tr[data-row=dialogue]")
    p_cell, holm_cell = dialogue.locator("td[data-label='p']"), dialogue.locator("td[data-label='Holm p']")
    assert (
        p_box is not None
        and holm_cell.bounding_box()["y"] >= p_cell.bounding_box()["y"] + p_cell.bounding_box()["height"] - 1
    )

    # Last year's cohort, compared with this one.
    trainer.set_viewport_size({"width": 1280, "height": 900})
    trainer.goto(live_server("/cohorts/new"))
    trainer.get_by_label("Cohort name").fill("Social leadership, last year")
    trainer.get_by_role("button", name="Create cohort").click()
    last_code = trainer.locator(".join-panel .code").inner_text().strip()
    for n in range(4):
        _api_answers(api, v1, last_code, f"last{n}", n % 3)
    trainer.goto(live_server("/cohorts"))
    trainer.get_by_label("First cohort (the reference)").select_option(label="Social leadership, last year")
    trainer.get_by_label("Compared with").select_option(label="Social leadership, spring")
    trainer.get_by_role("button", name="Compare", exact=True).click()
    expect(trainer.get_by_role("heading", level=1)).to_have_text(
        "Social leadership, spring compared with Social leadership, last year"
    )
    expect(trainer.locator("#stats-table")).to_contain_text("Hedges")
    # Each side defaults to its latest wave with answers (spring: after the course), and says so.
    expect(trainer.locator(".wave-note")).to_contain_text("latest wave with complete answers")
    expect(trainer.locator("#compare-table")).not_to_contain_text("improvement")
    expect(trainer.locator("#means-chart .main-svg").first).to_be_attached()
