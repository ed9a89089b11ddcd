"""Rule 18 in the PDF: the core report's comparison section and its SVG chart (the same figures as
the API, shown through rule 17), and the workshop report comparing the group's means."""

from __future__ import annotations

import io
import random
import re

import numpy as np
from pypdf import PdfReader

from assessment.domain import benchmark as rule
from assessment.domain.figures import score_text, shown_number
from assessment.services import benchmarks
from assessment.services.reports import assessment_report_context
from assessment.web.forms import SECTORS, SIZE_BANDS
from reports.benchmark_section import benchmark_section, benchmark_x

from .test_benchmark_api import quartiles, submit

SIZE = SIZE_BANDS[2][0]


def test_an_empty_pool_says_how_many_more_are_needed(v1):
    own = {"overall": 50.0, **{d.id: 50.0 for d in v1.dimensions}}
    section, assets = benchmark_section(
        v1, rule.Withheld(rule.WITHHELD_EMPTY, 10), own, own_sector=None, own_size_band=None
    )
    assert section.withheld == rule.WITHHELD_EMPTY and section.needed == 10 and assets == {}


def test_the_report_shows_the_comparison_the_api_gives(app, client, v1):
    rng = random.Random(9)
    bodies = [submit(client, v1, rng, benchmark=True, sector=SECTORS[4], size_band=SIZE) for _ in range(10)]
    mine = bodies[0]
    api = client.get(f"/api/v1/assessments/{mine['id']}").get_json()["benchmark"]
    with app.extensions["database"].session() as s:
        from assessment.db.models import Assessment

        context = assessment_report_context(s.get(Assessment, mine["id"]))
    b = context.benchmark
    assert b.n == 10 and b.group_label == f"{SECTORS[4]}, {SIZE_BANDS[2][1]}" and not b.fallback
    overall = [x["scores"]["overall"] for x in bodies]
    total = b.rows[-1]
    assert total.is_total and total.median == score_text(float(np.percentile(overall, 50)), v1)
    assert total.percentile == shown_number(api["overall"]["percentile"]).text
    for row, d in zip(b.rows, v1.dimensions, strict=False):
        q = quartiles([x["scores"]["dimensions"][d.id] for x in bodies])
        assert row.middle == f"{score_text(q['q1'], v1)}\u2013{score_text(q['q3'], v1)}"
    # The chart places each median at full precision.
    svg = context.assets["benchmark.svg"].data.decode()
    medians = [float(m) for m in re.findall(r'data-median="([^"]+)"', svg)]
    assert medians[-1] == api["overall"]["median"]
    assert f'x1="{benchmark_x(medians[-1]):.2f}'.rstrip("0").rstrip(".") in svg


def test_the_pdf_has_the_section_and_the_workshop_report_compares_its_means(app, client, v1):
    rng = random.Random(12)
    bodies = [submit(client, v1, rng, benchmark=True, sector=SECTORS[1], size_band=SIZE) for _ in range(10)]
    pdf = client.get(f"/api/v1/assessments/{bodies[0]['id']}/report.pdf")
    assert pdf.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "compares with similar organisations" in text and "Compared with 10 organisations" in text

    from assessment.services.reports import group_report_context
    from assessment.services.workshops import workshop_view

    from .test_workshop import create, facilitator, join

    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    from assessment.db.models import Group

    with app.extensions["database"].session() as s:
        code = s.get(Group, group_id).join_code
    for _ in range(3):
        phone = app.test_client()
        token = join(phone, code, "staff")
        from .test_benchmark_api import random_answers

        given = random_answers(v1, rng)
        for number in range(1, len(v1.dimensions) + 1):
            dim = v1.dimensions[number - 1].id
            data = {i.id: str(given[i.id]) for i in v1.items_of(dim)}
            data["action"] = "finish" if number == len(v1.dimensions) else "next"
            assert phone.post(f"/a/{token}/{number}", data=data).status_code == 302
    owner.post(f"/workshops/{group_id}/open", data={"open": "0"})
    owner.post(f"/workshops/{group_id}/benchmark", data={"sector": SECTORS[1], "size_band": SIZE})
    with app.extensions["database"].session() as s:
        view = workshop_view(s, s.get(Group, group_id))
        context = group_report_context(view)
        b = context.benchmark
        assert b.is_group and b.n == 10  # the workshop's own entry waits for the next snapshot
        means = view.summary.result
        assert b.rows[-1].score == score_text(means.overall, v1)
    benchmarks.forget()
