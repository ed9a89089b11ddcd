"""The core report (the default) and the full one: both routes take ``?edition=full`` and refuse an
unknown edition with a 422 naming it, the CLI takes ``--full``, both editions are cached apart, and
the full one adds the contents, every answer, the coverage and the method. The method appendix
and the cover point to the app's own /method page, rendered from docs/method.md."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader

from assessment.domain.result import score
from assessment.services.report_cache import cache_size
from reports import build_context, prepare, render_html

from .test_report_content import PROFILES, _at
from .test_workshop import create, facilitator, group_row, join, plausible
from .web_helpers import finish


def _pages(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_the_full_edition_adds_contents_answers_coverage_and_method(v1):
    result = score(v1, _at(v1, PROFILES["policy lowest"]))
    core = build_context(result, organisation="A", date=dt.date(2026, 1, 1))
    full = build_context(result, organisation="A", date=dt.date(2026, 1, 1), edition="full")
    assert core.edition == "core" and full.edition == "full"
    assert [c.id for c in core.chapters] == ["summary", "position", "dimensions", "roadmap"]
    assert [c.id for c in full.chapters] == [
        "summary",
        "position",
        "dimensions",
        "roadmap",
        "method",
        "answers",
    ]
    core_html, full_html = render_html(core), render_html(full)
    assert 'class="toc"' in full_html and 'class="toc"' not in core_html
    assert "Every answer" in full_html and "Every answer" not in core_html
    assert "Method and coverage" in full_html and "Method and coverage" not in core_html
    assert "/method" in core_html and "/method" in full_html  # the cover (and appendix) point there
    assert prepare(core).key != prepare(full).key


def test_an_unknown_edition_is_refused_with_its_name(v1):
    result = score(v1, _at(v1, PROFILES["policy lowest"]))
    try:
        build_context(result, organisation="A", date=dt.date(2026, 1, 1), edition="deluxe")
    except ValueError as exc:
        assert "'deluxe'" in str(exc) and "core" in str(exc) and "full" in str(exc)
    else:
        raise AssertionError("an unknown edition was accepted")


def test_both_editions_download_cached_apart_and_an_unknown_one_is_a_422(app, client, done, renders):
    core = client.get(f"/api/v1/assessments/{done}/report.pdf")
    full = client.get(f"/api/v1/assessments/{done}/report.pdf?edition=full")
    assert core.status_code == full.status_code == 200
    assert (
        "-full-" in full.headers["Content-Disposition"]
        and "-full-" not in core.headers["Content-Disposition"]
    )
    core_pages, core_text = _pages(core.data)
    full_pages, full_text = _pages(full.data)
    assert core_pages <= 8 < full_pages
    assert "Every answer" in full_text and "Every answer" not in core_text
    assert len(renders) == 2
    with app.extensions["database"].session() as session:
        assert cache_size(session) == 2
    again = client.get(f"/api/v1/assessments/{done}/report.pdf?edition=core")
    assert again.data == core.data and len(renders) == 2  # served from the cache
    bad = client.get(f"/api/v1/assessments/{done}/report.pdf?edition=deluxe")
    assert bad.status_code == 422
    (error,) = bad.get_json()["errors"]
    assert error["field"] == "edition" and "'deluxe'" in error["message"]
    spec = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/assessments/{assessment_id}/report.pdf", "/groups/{group_id}/report.pdf"):
        operation = spec[path]["get"]
        assert "422" in operation["responses"]
        (param,) = [p for p in operation["parameters"] if p["name"] == "edition"]
        assert param["in"] == "query" and param["schema"]["enum"] == ["core", "full"]


def test_the_workshop_report_in_both_editions(app, v1):
    import random

    owner, token = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    rng = random.Random(8)
    for role in ("leadership", "staff", "staff", "manager"):
        phone = app.test_client()
        finish(phone, v1, join(phone, code, role), plausible(v1, role, rng))
    headers = {"Authorization": f"Bearer {token}"}
    core = app.test_client().get(f"/api/v1/groups/{group_id}/report.pdf", headers=headers)
    full = owner.get(f"/workshops/{group_id}/report.pdf?edition=full")
    assert core.status_code == full.status_code == 200
    core_pages, core_text = _pages(core.data)
    _, full_text = _pages(full.data)
    assert core_pages <= 8
    assert "The group's view" in full_text and "The group's view" not in core_text
    bad = app.test_client().get(f"/api/v1/groups/{group_id}/report.pdf?edition=x", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "edition"
    dashboard = owner.get(f"/workshops/{group_id}").get_data(as_text=True)
    assert f"/workshops/{group_id}/report.pdf?edition=full" in dashboard


def test_cli_writes_the_full_edition(runner, done, tmp_path):
    core, full = tmp_path / "core.pdf", tmp_path / "full.pdf"
    assert runner.invoke(args=["report", done, "-o", str(core)]).exit_code == 0
    outcome = runner.invoke(args=["report", done, "-o", str(full), "--full"])
    assert outcome.exit_code == 0, outcome.output
    assert _pages(core.read_bytes())[0] <= 8 < _pages(full.read_bytes())[0]


def test_the_method_page_speaks_to_clients(client):
    page = client.get("/method")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "How the scores are made" in html and "<h2>" in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b[\w-]+/[\w/.-]+\.(md|py|yaml)\b|\bLikert\b|\bseries\b", text, re.I)
    assert "<script" not in html.split("</main>")[0].split("<main")[1]  # raw HTML is off
