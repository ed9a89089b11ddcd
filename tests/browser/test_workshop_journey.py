"""A workshop in Chromium: a facilitator signs up and creates a workshop, opens its dashboard;
three participants on their own phones join by the code and finish; the open dashboard says
that two are not yet a group (rule 13), then shows the 3 complete responses without being
reloaded."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from assessment.domain.questionnaire import Questionnaire

from .test_accessibility import serious


def _answer_all_pages(page: Page, q: Questionnaire, high: bool) -> None:
    for number, dimension in enumerate(q.dimensions, start=1):
        expect(page).to_have_url(re.compile(rf"/a/[^/]+/{number}$"))
        for item in q.items_of(dimension.id):
            option = item.options[-1] if high != item.reverse else item.options[0]
            page.locator(f'input[name="{item.id}"][value="{option.value}"]').check()
        last = number == len(q.dimensions)
        page.get_by_role("button", name="Save and see my results" if last else "Save and continue").click()
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

    for n, role in enumerate(["Leadership / board", "Staff", "Staff"]):
        phone = new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
        phone.goto(live_server("/join"))
        phone.get_by_label("Workshop code").fill(code.lower())
        phone.get_by_role("button", name="Join").click()
        if n == 0:
            assert serious(phone) == [], "role page"
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.get_by_label(role).check()
        phone.get_by_role("button", name="Start answering").click()
        _answer_all_pages(phone, v1, high=n == 0)
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
