"""axe-core (bundled by axe-playwright-python) finds no serious or critical violations on the
landing page, a question page with errors and the results page; the pages fit a 375 px screen."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from assessment.domain.questionnaire import Questionnaire

AXE = Axe()


def serious(page: Page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _finish(page: Page, q: Questionnaire) -> None:
    for number, dimension in enumerate(q.dimensions, start=1):
        for item in q.items_of(dimension.id):
            page.locator(f'input[name="{item.id}"]').nth(1).check()
        last = number == len(q.dimensions)
        page.get_by_role("button", name="Save and see my results" if last else "Save and continue").click()
        if not last:
            expect(page).to_have_url(re.compile(rf"/a/[^/]+/{number + 1}$"))
    expect(page).to_have_url(re.compile(r"/results/"))
    expect(page.locator("#radar")).to_have_attribute("data-drawn", "true")


@pytest.mark.parametrize("width", [1280, 375])
def test_no_serious_or_critical_violations_and_no_sideways_scrolling(live_server, new_context, v1, width):
    page = new_context(viewport={"width": width, "height": 800}).new_page()

    def fits() -> bool:
        return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(live_server("/"))
    assert serious(page) == [], "landing"
    assert fits(), "landing scrolls sideways"

    page.get_by_role("button", name="Start the assessment").click()
    expect(page).to_have_url(re.compile(r"/a/[^/]+/1$"))
    page.get_by_role("button", name="Save and continue").click()  # nothing answered: errors shown
    expect(page.locator(".error-message").first).to_be_visible()
    assert serious(page) == [], "question page with errors"
    assert fits(), "question page scrolls sideways"

    _finish(page, v1)
    assert serious(page) == [], "results"
    assert fits(), "results scroll sideways"
