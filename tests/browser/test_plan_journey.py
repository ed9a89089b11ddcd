"""The plan on a phone: a respondent finishes, opens "Review and edit before you share", names an
owner and a date, drops a step and moves one up by the buttons (each change autosaved), reloads
to find it kept, downloads the PDF with the plan, retakes, and sees "what you planned, and what
changed"."""

from __future__ import annotations

import io
import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from assessment.domain.questionnaire import Questionnaire

from .test_accessibility import serious

PHONE = {"width": 375, "height": 667}


def _answer_everything(page: Page, q: Questionnaire, social: bool) -> None:
    for number, dimension in enumerate(q.dimensions, start=1):
        for item in q.items_of(dimension.id):
            high = item.options[-1] if not item.reverse else item.options[0]
            low = item.options[0] if not item.reverse else item.options[-1]
            option = high if social else low
            page.locator(f'input[name="{item.id}"][value="{option.value}"]').locator("xpath=..").click()
        last = number == len(q.dimensions)
        page.get_by_role("button", name="Save and see my results" if last else "Save and continue").click()
        if not last:
            expect(page).to_have_url(re.compile(rf"/a/[^/]+/{number + 1}$"))
    expect(page).to_have_url(re.compile(r"/results/[^/]+$"))


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_edit_the_plan_on_a_phone_download_it_retake_and_see_what_changed(live_server, new_context, v1):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, accept_downloads=True)
    page = context.new_page()
    page.goto(live_server("/"))
    page.get_by_label("Organisation name").fill("Plan & Partners")
    page.get_by_role("button", name="Start the assessment").click()
    _answer_everything(page, v1, social=False)

    page.get_by_role("link", name="Review and edit before you share").click()
    expect(page.get_by_role("heading", name="Review and edit before you share")).to_be_visible()
    _fits(page)
    assert serious(page) == []  # axe-core: no serious or critical violations
    steps = page.locator("[data-plan-step]")
    count = steps.count()
    assert count >= 3
    second_title = steps.nth(1).locator("input[name$='-title']").input_value()
    status = page.locator(".plan-status")

    steps.nth(0).get_by_label("Owner").fill("Dana Smith")
    steps.nth(0).get_by_label("Due").fill("2027-03-14")
    steps.nth(0).get_by_label("Due").press("Tab")
    expect(status).to_have_text("Saved")
    steps.nth(count - 1).get_by_label("Status").select_option("dropped")
    expect(status).to_have_text("Saved")
    page.get_by_label("Agreed by").fill("Dana Smith")
    page.get_by_label("Agreed by").press("Tab")
    expect(status).to_have_text("Saved")
    # Keyboard: the focused "move up" button moves the second step to the top.
    up = steps.nth(1).get_by_role("button", name=re.compile(r"up$"))
    up.focus()
    page.keyboard.press("Enter")
    expect(steps.nth(0).locator("input[name$='-title']")).to_have_value(second_title)
    expect(status).to_have_text("Saved")

    page.reload()
    steps = page.locator("[data-plan-step]")
    expect(steps.nth(0).locator("input[name$='-title']")).to_have_value(second_title)
    expect(steps.nth(1).get_by_label("Owner")).to_have_value("Dana Smith")
    expect(steps.nth(count - 1).get_by_label("Status")).to_have_value("dropped")

    with page.expect_download() as download:
        page.get_by_role("link", name="Report (PDF)").click()
    pdf = download.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    # The core edition (the download) shows the plan; the full one also lists what it left out.
    assert "Plan agreed on" in text and "by Dana Smith" in text and "Left out of the plan" not in text

    page.get_by_role("link", name="Back to the results").click()
    page.get_by_role("button", name="Retake the assessment").click()
    expect(page).to_have_url(re.compile(r"/a/[^/]+/1$"))
    _answer_everything(page, v1, social=True)
    review = page.locator("section.plan-review")
    expect(review.get_by_role("heading", name="What you planned, and what changed")).to_be_visible()
    expect(review).to_be_visible()
    expect(review).to_contain_text("not proof")
    expect(review).to_contain_text(second_title)
    expect(review.locator("td.num").last).to_have_text(re.compile(r"^(\+\d+(\.\d)?|±0|–)$"))
    _fits(page)
    assert serious(page) == []
