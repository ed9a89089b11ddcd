"""Helpers for the web and API tests: answers that land where a test needs them, and a
respondent who clicks through the whole flow with the Flask test client."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.db.models import Assessment
from assessment.domain.questionnaire import Item, Questionnaire


def best(item: Item) -> int:
    """The most social answer (the low end of a reverse-keyed item)."""
    return item.lo if item.reverse else item.hi


def worst(item: Item) -> int:
    return item.hi if item.reverse else item.lo


def answers(q: Questionnaire, low: Iterable[str] = ()) -> dict[str, int]:
    """Every item at its most social, except the dimensions in ``low`` at their least social."""
    low = set(low)
    return {i.id: worst(i) if i.dimension in low else best(i) for i in q.items}


def page_data(
    q: Questionnaire, number: int, given: Mapping[str, object], action: str = "next"
) -> dict[str, str]:
    dimension = q.dimensions[number - 1]
    data = {i.id: str(given[i.id]) for i in q.items_of(dimension.id) if i.id in given}
    data["action"] = action
    return data


def start(client: FlaskClient, **fields: str) -> str:
    """Start from the landing page; returns the private token."""
    response = client.post("/start", data={"questionnaire": "social-organisation", **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location.split("/")[2]


def finish(client: FlaskClient, q: Questionnaire, token: str, given: Mapping[str, object]) -> str:
    """Answer every page and finish; returns the results address."""
    total = len(q.dimensions)
    response = None
    for number in range(1, total + 1):
        action = "finish" if number == total else "next"
        response = client.post(f"/a/{token}/{number}", data=page_data(q, number, given, action))
        assert response.status_code == 302, response.get_data(as_text=True)
    assert response is not None and response.location.startswith("/results/")
    return response.location


def count_assessments(app, **where: object) -> int:
    with app.extensions["database"].session() as session:
        query = select(func.count()).select_from(Assessment)
        for name, value in where.items():
            query = query.where(getattr(Assessment, name) == value)
        return session.scalar(query)


def load(app, **where: object) -> list[Assessment]:
    with app.extensions["database"].session() as session:
        query = select(Assessment)
        for name, value in where.items():
            query = query.where(getattr(Assessment, name) == value)
        rows = list(session.scalars(query))
        for row in rows:
            _ = row.scores, row.group  # load before the session closes
        return rows


def api_join(client: FlaskClient, code: str, role: str = "staff") -> str:
    """Join a workshop over the API (POST /api/v1/groups/join); returns the participant token."""
    response = client.post("/api/v1/groups/join", json={"code": code, "role": role})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["participant_token"]


def workshop_body(client: FlaskClient, q: Questionnaire, code: str, role: str = "staff", **extra) -> dict:
    """A workshop participant's submission for POST /api/v1/assessments: joins first."""
    body = {"questionnaire": q.id, "answers": answers(q), "participant_token": api_join(client, code, role)}
    body.update(extra)
    return body
