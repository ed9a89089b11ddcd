"""A submission's reply and stored scores are exactly those of the code before the submission
path was made faster (bench_submit): golden replies recorded from it for seeded answer sets, in
English and German, with and without a profile, some items left out or unsure."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from assessment.db.models import DimensionScoreRow
from assessment.domain.questionnaire import load_questionnaire

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "data" / "submit_golden.json"
VOLATILE = ("id", "created_at", "completed_at", "report_url")


def cases() -> list[dict[str, Any]]:
    q = load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml")
    rng = random.Random(23)
    out = []
    for n in range(24):
        answers: dict[str, object] = {}
        for item in q.items:
            roll = rng.random()
            if roll < 0.1:
                continue
            if roll < 0.2 and item.allow_unsure:
                answers[item.id] = "unsure"
            else:
                answers[item.id] = rng.choice(item.options).value
        body: dict[str, Any] = {"questionnaire": q.id, "answers": answers, "organisation": f"Org {n}"}
        if n % 2:
            body["language"] = "de"
        if n % 3 == 0:
            body.update(sector="Health and social care", size_band=rng.choice(["1-9", "50-249", "1000+"]))
        if n % 4 == 1:
            body["role"] = "leadership"
        out.append(body)
    return out


def replies(app: Flask) -> list[dict[str, Any]]:
    client = app.test_client()
    out = []
    for body in cases():
        response = client.post("/api/v1/assessments", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.get_data(as_text=True)
        reply = response.get_json()
        with app.app_context():
            session = app.extensions["database"].session()
            rows = session.execute(
                select(DimensionScoreRow.dimension, DimensionScoreRow.score, DimensionScoreRow.coverage)
                .where(DimensionScoreRow.assessment_id == reply["id"])
                .order_by(DimensionScoreRow.dimension)
            ).all()
            session.close()
        out.append(
            {"reply": {k: v for k, v in reply.items() if k not in VOLATILE}, "rows": [list(r) for r in rows]}
        )
    return out


def test_submissions_reply_and_store_what_they_did_before(app: Flask) -> None:
    assert replies(app) == json.loads(GOLDEN.read_text())
