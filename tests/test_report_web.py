"""The report's entry points: GET /api/v1/assessments/<id>/report.pdf and
``flask --app app report ID -o FILE``."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from assessment.domain.scoring import UNSURE
from assessment.services import self_assessment
from assessment.services.questionnaires import current_version


def _answers(v1):
    answers = {}
    for n, item in enumerate(v1.items):
        values = sorted(o.value for o in item.options)
        answers[item.id] = values[(n * 2) % len(values)]
    answers[next(i.id for i in v1.items if i.allow_unsure)] = UNSURE
    return answers


@pytest.fixture
def assessments(app, v1):
    """A complete assessment by a Greek organisation and one still in progress."""
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        done, result = self_assessment.submit(
            session, v1.id, _answers(v1), organisation="Ωmega Housing Trust", role="leadership"
        )
        version = current_version(session, v1.id)
        pending = self_assessment.start_assessment(session, version, organisation="Half Done Ltd")
        ids = {"done": done.id, "pending": pending.id}
    return ids, result


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_report_pdf_download(client, assessments):
    ids, result = assessments
    response = client.get(f"/api/v1/assessments/{ids['done']}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # An ASCII name for old clients, the UTF-8 name for the rest.
    assert "mega-housing-trust-social-organisation-report-" in disposition
    assert "filename*=UTF-8''%CF%89mega-housing-trust-social-organisation-report-" in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    text = _text(response.data)
    assert "Ωmega Housing Trust" in text
    assert "Self-assessment (Leadership / board)" in text
    assert result.classification.label in text
    # The results page links here: the API's report_url is this address.
    body = client.get(f"/api/v1/assessments/{ids['done']}").get_json()
    assert body["report_url"].endswith(f"/api/v1/assessments/{ids['done']}/report.pdf")


def test_unknown_assessment_is_404_json(client):
    response = client.get("/api/v1/assessments/no-such-id/report.pdf")
    assert response.status_code == 404
    assert response.get_json() == {"error": "no assessment with this id"}


def test_unfinished_assessment_is_409_with_a_reason(client, assessments):
    ids, _ = assessments
    response = client.get(f"/api/v1/assessments/{ids['pending']}/report.pdf")
    assert response.status_code == 409
    assert "not finished" in response.get_json()["error"]
    # The refusal is part of the published contract.
    documented = client.get("/api/v1/openapi.json").json["paths"]["/assessments/{assessment_id}/report.pdf"]
    assert "409" in documented["get"]["responses"]


def test_cli_writes_the_report(runner, assessments, tmp_path):
    ids, result = assessments
    target = tmp_path / "out.pdf"
    outcome = runner.invoke(args=["report", ids["done"], "-o", str(target)])
    assert outcome.exit_code == 0, outcome.output
    assert f"Wrote {target}" in outcome.output
    assert result.classification.label in _text(target.read_bytes())


def test_cli_names_the_problem(runner, assessments, tmp_path):
    ids, _ = assessments
    outcome = runner.invoke(args=["report", "nope", "-o", str(tmp_path / "x.pdf")])
    assert outcome.exit_code == 1 and "no assessment with id 'nope'" in outcome.output
    outcome = runner.invoke(args=["report", ids["pending"], "-o", str(tmp_path / "x.pdf")])
    assert outcome.exit_code == 1 and "not finished" in outcome.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("organisation", "expected"),
    [
        ("Acme Housing Ltd.", "acme-housing-ltd-social-organisation-report-2026-11-22.pdf"),
        ("../../etc/passwd", "etc-passwd-social-organisation-report-2026-11-22.pdf"),
        ('A"\r\nSet-Cookie: x=1', "a-set-cookie-x-1-social-organisation-report-2026-11-22.pdf"),
        ("Ελληνική Εταιρεία", "ελληνική-εταιρεία-social-organisation-report-2026-11-22.pdf"),
        ("", "social-organisation-report-2026-11-22.pdf"),
    ],
)
def test_download_names_are_safe(organisation, expected):
    import datetime as dt

    from assessment.services.reports import report_filename

    assert report_filename(organisation, dt.date(2026, 11, 22)) == expected


def test_report_charts_show_the_numbers_the_api_and_results_page_show(app, client, assessments):
    """The PDF's charts are drawn from the same scores the JSON API (and the web page) gives."""
    import xml.etree.ElementTree as ET

    from assessment.services.reports import assessment_report_context

    ids, _ = assessments
    body = client.get(f"/api/v1/assessments/{ids['done']}").get_json()
    with app.extensions["database"].session() as session:
        context = assessment_report_context(self_assessment.get_assessment(session, ids["done"]))
    radar = ET.fromstring(context.radar.svg)
    drawn = {
        p.get("data-dimension"): float(p.get("data-score"))
        for p in radar.iter()
        if p.get("class") == "score-point"
    }
    assert drawn == {k: v for k, v in body["scores"]["dimensions"].items() if v is not None}
    spectrum = ET.fromstring(context.spectrum.svg)
    (overall,) = [g for g in spectrum.iter() if g.get("class") == "overall"]
    assert float(overall.get("data-score")) == body["scores"]["overall"]
    assert context.classification_label == body["classification"]["label"]
