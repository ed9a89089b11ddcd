"""The API reference page: Swagger UI served by the app itself renders every operation of the
document under a strict Content-Security-Policy, asking no other site for anything."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit


def test_the_api_reference_renders_from_local_files_under_a_strict_csp(live_server, new_context, tmp_path):
    context = new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    hosts: set[str] = set()
    # The app has no favicon (a 404 the browser asks for on every site); anything else counts.
    page.on(
        "console", lambda m: problems.append(m.text) if m.type == "error" and "404" not in m.text else None
    )
    page.on(
        "response", lambda r: problems.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc) if r.url.startswith("http") else None)
    response = page.goto(live_server("/api/v1/docs"))
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/assessments", "/assessments/{assessment_id}", "/groups", "/questionnaires"):
        assert path in [s.replace("\u200b", "") for s in summaries], summaries
    page.locator("#operations-assessments-createAssessment .opblock-summary").click()
    page.locator("#operations-assessments-createAssessment .opblock-body").wait_for()
    page.screenshot(
        path=Path(os.environ.get("SCREENSHOT_DIR", tmp_path)) / "api-reference-1280.png", full_page=False
    )
    assert not problems, problems
    assert hosts == {urlsplit(live_server()).netloc}
