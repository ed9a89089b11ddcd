"""Rule 18 on the pages: the opt-in on the start page and at the end (off by default), the
results page's comparison (figures as shown, the group named with its n), withdrawing, and a
facilitator adding a closed workshop's means once."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from sqlalchemy import select

from assessment.db.models import Assessment, BenchmarkEntry
from assessment.domain.figures import score_text
from assessment.web.forms import SECTORS, SIZE_BANDS

from .test_benchmark_api import random_answers
from .test_workshop import create, facilitator, join
from .web_helpers import start

SIZE = SIZE_BANDS[1][0]


def test_the_opt_in_is_offered_in_plain_words_and_off_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert "Add our anonymous scores to the comparison for organisations like ours" in html
    assert "never a name or organisation" in html
    box = re.search(r'<input type="checkbox" name="benchmark"[^>]*>', html).group(0)
    assert "checked" not in box


def test_opting_in_at_the_start_needs_sector_and_size(app, client):
    response = client.post("/start", data={"questionnaire": "social-organisation", "benchmark": "y"})
    assert response.status_code == 422
    assert "choose your sector and number of employees" in response.get_data(as_text=True)
    start(client, benchmark="y", sector=SECTORS[0], size_band=SIZE)
    with app.extensions["database"].session() as s:
        assert [a.benchmark for a in s.scalars(select(Assessment))] == [True]


def _finish_with_choice(client, q, rng, *, sector=SECTORS[0], size=SIZE, opt_in=True):
    token = start(client, sector=sector, size_band=size)
    given = random_answers(q, rng)
    total = len(q.dimensions)
    for number in range(1, total + 1):
        data = {i.id: str(given[i.id]) for i in q.items_of(q.dimensions[number - 1].id)}
        data["action"] = "finish" if number == total else "next"
        if number == total and opt_in:
            data["benchmark"] = "1"
        response = client.post(f"/a/{token}/{number}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    return response.location, token


def test_the_results_page_compares_with_the_group_and_withdraws(app, v1):
    rng = random.Random(11)
    client = app.test_client()
    page, _ = _finish_with_choice(client, v1, rng)
    html = client.get(page).get_data(as_text=True)
    assert (
        "There is no comparison to show yet" in html and "10 more are needed" in html
    )  # its own is not shown yet
    assert "Withdraw our scores from the comparison" in html
    for _ in range(9):
        _finish_with_choice(app.test_client(), v1, rng)
    html = client.get(page).get_data(as_text=True)
    assert f"Compared with <strong>10 organisations: {SECTORS[0]}, {SIZE_BANDS[1][1]}</strong>" in html
    with app.extensions["database"].session() as s:
        overall = [a.overall for a in s.scalars(select(Assessment))]
    median = score_text(float(np.percentile(overall, 50)), v1)
    q1, q3 = (
        score_text(float(np.percentile(overall, 25)), v1),
        score_text(float(np.percentile(overall, 75)), v1),
    )
    row = re.search(r'<tr class="total">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells[1:3] == [median, f"{q1}–{q3}"]
    assert 'id="benchmark-chart"' in html and "data-figure" in html
    # Withdrawing keeps the entry shown until the next snapshot, then it goes.
    response = client.post(page + "/benchmark", data={"choice": "out"})
    assert response.status_code == 302
    with app.extensions["database"].session() as s:
        assert s.query(BenchmarkEntry).filter(BenchmarkEntry.leaving.is_(True)).count() == 1
    html = client.get(page).get_data(as_text=True)
    assert "Add our anonymous scores" in html and "10 organisations" in html


def test_not_opting_in_at_the_end_adds_nothing_and_a_stranger_cannot_choose(app, v1):
    rng = random.Random(2)
    client = app.test_client()
    page, _ = _finish_with_choice(client, v1, rng, opt_in=False)
    with app.extensions["database"].session() as s:
        assert s.query(BenchmarkEntry).count() == 0
    assert app.test_client().post(page + "/benchmark", data={"choice": "in"}).status_code == 403
    assert client.post(page + "/benchmark", data={"choice": "in"}).status_code == 302
    with app.extensions["database"].session() as s:
        assert s.query(BenchmarkEntry).count() == 1


def test_a_closed_workshop_adds_its_means_once(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    with app.extensions["database"].session() as s:
        from assessment.db.models import Group

        code = s.get(Group, group_id).join_code
    rng = random.Random(4)
    means = []
    for _ in range(4):
        phone = app.test_client()
        token = join(phone, code, "staff")
        given = random_answers(v1, rng)
        total = len(v1.dimensions)
        for number in range(1, total + 1):
            data = {i.id: str(given[i.id]) for i in v1.items_of(v1.dimensions[number - 1].id)}
            data["action"] = "finish" if number == total else "next"
            assert phone.post(f"/a/{token}/{number}", data=data).status_code == 302
    with app.extensions["database"].session() as s:
        rows = list(s.scalars(select(Assessment).where(Assessment.group_id == group_id)))
        means = {
            d.id: np.mean([next(r.score for r in a.scores if r.dimension == d.id) for a in rows])
            for d in v1.dimensions
        }
    dashboard = f"/workshops/{group_id}"
    assert "Add the group's means" not in owner.get(dashboard).get_data(as_text=True)
    owner.post(f"/workshops/{group_id}/open", data={"open": "0"})
    assert "Add the group's means to the comparison" in owner.get(dashboard).get_data(as_text=True)
    data = {"sector": SECTORS[3], "size_band": SIZE}
    assert owner.post(f"/workshops/{group_id}/benchmark", data=data).status_code == 302
    assert owner.post(f"/workshops/{group_id}/benchmark", data=data).status_code == 302
    with app.extensions["database"].session() as s:
        (entry,) = s.scalars(select(BenchmarkEntry))
        assert entry.origin == "workshop" and entry.sector == SECTORS[3]
        assert {x.dimension: x.score for x in entry.scores} == pytest.approx(
            {k: float(v) for k, v in means.items()}
        )
    assert "are in the anonymous comparison" in owner.get(dashboard).get_data(as_text=True)
    other, _ = facilitator(app, "bob@example.org")
    assert other.post(f"/workshops/{group_id}/benchmark", data=data).status_code == 404
