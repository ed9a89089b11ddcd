"""The pages work under the Content-Security-Policy: landing, a question page, results with the
plotly radar, the workshop dashboard and the present page load with no CSP violation reported
by Chromium (neither a console message nor a securitypolicyviolation event)."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from .test_workshop_journey import _answer_all_pages

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '')));
"""


def _watched(context: BrowserContext, console: list[str]) -> Page:
    context.add_init_script(WATCH)
    page = context.new_page()
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    return page


def _violations(page: Page, console: list[str]) -> list[str]:
    events = page.evaluate("window.__csp")
    return events + [m for m in console if "Content Security Policy" in m or "Refused to" in m]


def test_pages_work_under_the_csp_with_no_violations(live_server, new_context, v1):
    console: list[str] = []
    facilitator = _watched(new_context(), console)
    facilitator.goto(live_server("/signup"))
    facilitator.get_by_label("E-mail").fill("csp@example.org")
    facilitator.get_by_label("Password", exact=True).fill("a long enough password")
    facilitator.get_by_label("Repeat the password").fill("a long enough password")
    facilitator.get_by_role("button", name="Create account").click()
    facilitator.get_by_role("link", name="New workshop").first.click()
    facilitator.get_by_label("Workshop name").fill("CSP workshop")
    facilitator.get_by_role("button", name="Create workshop").click()
    expect(facilitator).to_have_url(re.compile(r"/workshops/[\w-]+$"))
    dashboard = facilitator.url
    code = facilitator.locator(".join-strip .code").inner_text().strip()

    phone = _watched(new_context(viewport={"width": 375, "height": 740}, is_mobile=True), console)
    phone.goto(live_server("/"))
    expect(phone.get_by_role("button").first).to_be_visible()
    phone.goto(live_server(f"/join/{code}"))
    phone.get_by_label("Staff").check()
    phone.get_by_role("button", name="Start answering").click()
    _answer_all_pages(phone, v1, high=True)
    # A phone keeps the server-drawn radar (plotly.js is for wide screens only).
    expect(phone.locator("#radar")).to_have_attribute("data-drawn", "true")
    expect(phone.locator('#radar svg[data-chart="radar"]')).to_be_visible()
    phone.screenshot(path=str(live_server.app.instance_path) + "/csp-results-375.png", full_page=True)
    assert _violations(phone, console) == []

    # Two more responses, so the group's figures are published (rule 13: at least 3).
    api = live_server.app.test_client()
    answers = {i.id: (i.options[0] if i.reverse else i.options[-1]).value for i in v1.items}
    for _ in range(2):
        joined = api.post("/api/v1/groups/join", json={"code": code, "role": "staff"}).get_json()
        body = {"questionnaire": v1.id, "answers": answers, "participant_token": joined["participant_token"]}
        assert api.post("/api/v1/assessments", json=body).status_code == 201
    facilitator.goto(dashboard)
    expect(facilitator.locator("#count-complete")).to_have_text("3", timeout=15_000)
    expect(facilitator.locator("#radar .main-svg").first).to_be_attached()
    facilitator.screenshot(
        path=str(live_server.app.instance_path) + "/csp-dashboard-1280.png", full_page=True
    )
    assert _violations(facilitator, console) == []
    facilitator.goto(dashboard + "/present")
    expect(facilitator.get_by_text(code).first).to_be_visible()
    assert _violations(facilitator, console) == []
