"""The workshop PDF as a facilitator downloads it: the request that moves the snapshot on (rule
13) renders and keeps the report too, and below k the PDF is short and says why it has no figures."""

from __future__ import annotations

import io
import random
import time

from pypdf import PdfReader

from .test_workshop import create, facilitator, group_row, join, plausible
from .web_helpers import finish


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_download_that_publishes_new_responses_is_served_at_once(app, v1, renders):
    owner, token = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    rng = random.Random(5)
    for role in ("leadership", "staff", "staff", "manager"):
        phone = app.test_client()
        finish(phone, v1, join(phone, code, role), plausible(v1, role, rng))
    # Nobody looked at the dashboard: this download is what publishes the four responses, and it
    # must not wait on its own unfinished write to keep the rendered bytes.
    started = time.monotonic()
    pdf = owner.get(f"/workshops/{group_id}/report.pdf")
    assert pdf.status_code == 200, pdf.get_data(as_text=True)[:500]
    assert time.monotonic() - started < 10
    assert "4 participants" in _text(pdf.data)
    again = app.test_client().get(
        f"/api/v1/groups/{group_id}/report.pdf", headers={"Authorization": f"Bearer {token}"}
    )
    assert again.status_code == 200 and again.data == pdf.data
    assert len(renders) == 1  # the first download kept its bytes; the second was served them


def test_below_k_the_pdf_is_the_cover_and_why_it_has_no_figures(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    commentary = {"commentary": "We meet again on Friday.", "listed": []}
    assert owner.post(f"/workshops/{group_id}/commentary", data=commentary).status_code == 302
    phone = app.test_client()
    finish(phone, v1, join(phone, code, "staff"), plausible(v1, "staff", random.Random(2)))
    pdf = owner.get(f"/workshops/{group_id}/report.pdf")
    assert pdf.status_code == 200
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    text = _text(pdf.data)
    assert len(pages) == 2  # not a dozen pages of "not enough answers"
    assert "Figures appear once at least 3 people have finished (1 so far)" in text
    assert "We meet again on Friday." in text
    for absent in ("Overall index", "Migration roadmap", "Strengths", "Dialogue", "/ 100", "appendix"):
        assert absent not in text
