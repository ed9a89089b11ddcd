"""Rendered reports are kept, keyed by everything they show: a repeat download of an unchanged
report is served without rendering, and any change a reader would see renders afresh."""

from __future__ import annotations

import datetime as dt

from assessment.db.models import Assessment
from assessment.domain.result import score
from assessment.services import report_cache
from assessment.services.report_cache import cache_size
from reports import Branding, build_context, prepare

from .test_report_web import _answers, _text


def test_repeat_download_is_served_from_the_cache_with_the_same_bytes(client, app, done, renders):
    url = f"/api/v1/assessments/{done}/report.pdf"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second.data == first.data
    assert len(renders) == 1  # rendered once, kept, served again
    with app.extensions["database"].session() as session:
        assert cache_size(session) == 1


def test_a_change_the_reader_would_see_renders_again(client, app, done, renders):
    url = f"/api/v1/assessments/{done}/report.pdf"
    before = client.get(url).data
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        session.get(Assessment, done).organisation = "Osprey Trust"
    after = client.get(url).data
    assert len(renders) == 2
    assert "Osprey Trust" in _text(after) and "Kestrel Trust" in _text(before)
    with db.session() as session:
        assert cache_size(session) == 2


def test_the_key_covers_answers_organisation_branding_and_commentary(v1):
    answers = _answers(v1)
    base = build_context(score(v1, answers), organisation="A", date=dt.date(2026, 1, 1))
    same = build_context(score(v1, dict(answers)), organisation="A", date=dt.date(2026, 1, 1))
    assert prepare(base).key == prepare(same).key
    item = v1.items[0]
    other_value = next(o.value for o in item.options if o.value != answers[item.id])
    variants = [
        build_context(
            score(v1, {**answers, item.id: other_value}), organisation="A", date=dt.date(2026, 1, 1)
        ),
        build_context(score(v1, answers), organisation="B", date=dt.date(2026, 1, 1)),
        build_context(score(v1, answers), organisation="A", date=dt.date(2026, 1, 2)),
        build_context(score(v1, answers), organisation="A", date=dt.date(2026, 1, 1), commentary="Note"),
        build_context(
            score(v1, answers),
            organisation="A",
            date=dt.date(2026, 1, 1),
            branding=Branding(accent="#aa3300"),
        ),
        build_context(
            score(v1, answers),
            organisation="A",
            date=dt.date(2026, 1, 1),
            branding=Branding(logo=b"<svg xmlns='http://www.w3.org/2000/svg'/>", logo_mime="image/svg+xml"),
        ),
    ]
    keys = {prepare(c).key for c in variants}
    assert len(keys) == len(variants) and prepare(base).key not in keys


def test_a_busy_database_costs_the_download_nothing_but_the_keeping(client, app, done, monkeypatch, caplog):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("INSERT INTO report_cache", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(report_cache, "insert", locked)
    response = client.get(f"/api/v1/assessments/{done}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "report not kept (database is locked)" in caplog.text
    with app.extensions["database"].session() as session:
        assert cache_size(session) == 0
