"""A managing director's journey in Chromium: start, answer two pages (the first by keyboard
alone), close the browser, resume by the private link in a new one, finish, see the radar."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from assessment.domain.questionnaire import Questionnaire


def _answer_by_mouse(page: Page, q: Questionnaire, number: int) -> None:
    for item in q.items_of(q.dimensions[number - 1].id):
        option = item.options[-1] if not item.reverse else item.options[0]
        page.locator(f'input[name="{item.id}"][value="{option.value}"]').locator("xpath=..").click()


def test_start_answer_leave_resume_finish_and_see_the_radar(live_server, new_context, v1):
    first = new_context()
    page = first.new_page()
    page.goto(live_server("/"))
    page.get_by_label("Organisation name").fill("Journey & Sons")
    page.get_by_label("Your role").select_option("leadership")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page).to_have_url(re.compile(r"/a/[^/]+/1$"))
    expect(page.get_by_text("Page 1 of 5")).to_be_visible()
    resume = page.locator("#resume-url").input_value()
    assert resume.startswith(live_server.url + "/a/")

    # Page 1 by keyboard alone: Space ticks a radio group's first option, Tab moves to the next group.
    items = v1.items_of(v1.dimensions[0].id)
    page.locator(f'input[name="{items[0].id}"]').first.focus()
    for n, _item in enumerate(items):
        page.keyboard.press("ArrowDown")  # arrow keys move the choice within the group
        if n < len(items) - 1:
            page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save and continue")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/a/[^/]+/2$"))

    _answer_by_mouse(page, v1, 2)
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(r"/a/[^/]+/3$"))
    first.close()  # the browser is closed: nothing but the private link remains

    second = new_context()
    page = second.new_page()
    page.goto(resume)
    expect(page).to_have_url(re.compile(r"/a/[^/]+/3$"))
    answered = len(v1.items_of(v1.dimensions[0].id)) + len(v1.items_of(v1.dimensions[1].id))
    expect(page.locator(".progress-text")).to_contain_text(
        f"{answered} of {len(v1.items)} questions answered"
    )
    page.get_by_role("button", name="Back").click()  # page 2 kept its answers
    expect(page).to_have_url(re.compile(r"/a/[^/]+/2$"))
    checked = page.locator("input[type=radio]:checked")
    expect(checked).to_have_count(len(v1.items_of(v1.dimensions[1].id)))
    page.get_by_role("button", name="Save and continue").click()
    for number in (3, 4):
        _answer_by_mouse(page, v1, number)
        page.get_by_role("button", name="Save and continue").click()
        expect(page).to_have_url(re.compile(rf"/a/[^/]+/{number + 1}$"))
    _answer_by_mouse(page, v1, 5)
    page.get_by_role("button", name="Save and see my results").click()

    expect(page).to_have_url(re.compile(r"/results/[^/]+$"))
    # The name sits between Unicode direction isolates (a right-to-left name keeps its order).
    heading = re.compile("Results for \u2068?Journey & Sons\u2069?")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    radar = page.locator("#radar")
    expect(radar).to_have_attribute("data-drawn", "true")
    # plotly drew both traces (scores and targets) as polar paths
    expect(radar.locator("svg.main-svg")).not_to_have_count(0)
    expect(radar.locator(".scatterlayer .trace")).to_have_count(2)
    expect(page.get_by_role("link", name="Download PDF")).to_have_attribute(
        "href", re.compile(r"^/api/v1/assessments/[^/]+/report\.pdf$")
    )
    # the numbers are on the page without the chart: the first-page answers were the lowest option
    expect(page.locator("table.figures").first).to_contain_text(v1.dimensions[0].label)
