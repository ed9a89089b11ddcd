"""The results page in Chromium shows rule 11's strengths and weaknesses by their practice,
including a reverse-keyed item shown by its social practice, after a 'Not applicable' answer."""

from __future__ import annotations

import os
import re

from playwright.sync_api import Page, expect

from assessment.domain.questionnaire import Questionnaire


def _answer(page: Page, q: Questionnaire, number: int, social: bool) -> None:
    for item in q.items_of(q.dimensions[number - 1].id):
        if not social and item.allow_not_applicable:
            value = "not_applicable"
        else:
            high = item.options[-1] if not item.reverse else item.options[0]
            low = item.options[0] if not item.reverse else item.options[-1]
            value = str((high if social else low).value)
        page.locator(f'input[name="{item.id}"][value="{value}"]').locator("xpath=..").click()


def test_results_page_shows_strengths_and_weaknesses_by_practice(live_server, new_context, v1):
    page = new_context().new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server("/"))
    page.get_by_role("button", name="Start the assessment").click()
    count = len(v1.dimensions)
    for number in range(1, count + 1):
        _answer(page, v1, number, social=v1.dimensions[number - 1].id != "policy")
        last = number == count
        page.get_by_role("button", name="Save and see my results" if last else "Save and continue").click()
    expect(page).to_have_url(re.compile(r"/results/[^/]+$"))

    # Long lists fold after the first few: open them, as a reader would.
    for more in page.locator("details.practice-more summary").all():
        more.click()
    strengths = page.locator(".practices > div:nth-child(1)")
    weaknesses = page.locator(".practices > div:nth-child(2)")
    # The practices of the current file (1.2), by their item ids.
    expect(strengths).to_contain_text(v1.item("ld_back_after_mistake").practice)
    # dl_posts_about_ourselves is reverse-keyed: the practice, never the reversed question
    assert v1.item("dl_posts_about_ourselves").reverse
    expect(strengths).to_contain_text(v1.item("dl_posts_about_ourselves").practice)
    expect(page.locator("#practices-heading").locator("xpath=..")).not_to_contain_text("announcements about")
    # A weakness quotes the answer given, a reverse-keyed one with its question (rule 15).
    expect(weaknesses).to_contain_text(v1.item("po_routine_reply_waits").text.rstrip("."))
    # Not applicable answers are neither strength nor weakness.
    assert v1.item("po_checker_suggests").allow_not_applicable
    expect(weaknesses).not_to_contain_text(v1.item("po_checker_suggests").text.rstrip("."))
    expect(weaknesses.locator("li")).to_have_count(
        sum(1 for i in v1.items_of("policy") if not i.allow_not_applicable)
    )

    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:  # for looking at the page by eye; the assertions above are the test
        section = page.locator("#practices-heading").locator("xpath=..")
        page.screenshot(path=f"{shots}/results-1280.png", full_page=True)
        section.screenshot(path=f"{shots}/practices-1280.png")
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=f"{shots}/results-375.png", full_page=True)
        section.screenshot(path=f"{shots}/practices-375.png")
        print("scrollWidth at 375:", page.evaluate("document.documentElement.scrollWidth"))
