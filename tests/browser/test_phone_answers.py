"""Answers on a 375 px phone in Chromium: the first question is on the first screen, every answer
is saved as it is chosen (a fresh load of the page shows it ticked), and a page sent back with
errors lands on the first missed question."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

PHONE = {"width": 375, "height": 667}


def shot(page: Page, name: str) -> None:
    """Screenshots to look at, when SCREENSHOT_DIR is set."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def _start(page: Page, live_server) -> None:
    page.goto(live_server("/"))
    page.get_by_role("button", name="Start the assessment").click()
    expect(page).to_have_url(re.compile(r"/a/[^/]+/1$"))


def test_first_question_on_the_first_screen_and_answers_saved_as_chosen(live_server, new_context, v1):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    _start(page, live_server)
    first = page.locator("fieldset.question").first
    top = first.bounding_box()["y"]
    print(f"first question's top on a 375x667 phone: {top:.0f} px")
    assert top < 400, top  # well inside the first 667 px screen
    option = page.locator("fieldset.question").first.locator("input[type=radio]").first.bounding_box()
    assert option["y"] + option["height"] < PHONE["height"]  # and its first answer too
    shot(page, "phone-question-375")

    items = v1.items_of(v1.dimensions[0].id)
    chosen = {items[0].id: str(items[0].options[1].value), items[2].id: str(items[2].options[0].value)}
    for item_id, value in chosen.items():
        page.locator(f'input[name="{item_id}"][value="{value}"]').check()
    expect(page.locator("fieldset.question").nth(2).locator(".autosave-status")).to_have_text("Saved")
    expect(page.locator("fieldset.question").first.locator(".autosave-status")).to_have_text("Saved")

    # A fresh load (not the browser's restored form state): the server ticks what was saved.
    page.goto(page.url)
    for item_id, value in chosen.items():
        expect(page.locator(f'input[name="{item_id}"][value="{value}"]')).to_be_checked()
    expect(page.locator("input[type=radio]:checked")).to_have_count(2)
    expect(page.locator(".progress-text")).to_contain_text("2 of")

    # Save with the second question missed: the page comes back at that question, keyboard on it.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".question.has-error").first).to_be_visible()
    # The page's script moves there once loaded: its focus shows it has run, then the position.
    expect(page.locator(f'input[name="{items[1].id}"]').first).to_be_focused()
    box = page.locator(f"#q-{items[1].id}").bounding_box()
    assert -16 <= box["y"] < PHONE["height"] / 2, box
    shot(page, "phone-error-375")


def test_the_missed_question_is_reached_without_javascript(live_server, new_context, v1):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    _start(page, live_server)
    items = v1.items_of(v1.dimensions[0].id)
    page.locator(f'input[name="{items[0].id}"]').first.check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="Go to the first question that needs an answer").click()
    box = page.locator(f"#q-{items[1].id}").bounding_box()
    assert -16 <= box["y"] < PHONE["height"] / 2, box
    expect(page.locator(f'input[name="{items[0].id}"]').first).to_be_checked()
