"""The respondent's flow with the Flask test client: landing, start, pages, resume, finish."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assessment import create_app
from assessment.db.models import Assessment, DimensionScoreRow, Group, User
from assessment.services.questionnaires import current_version

from .web_helpers import answers, count_assessments, finish, load, page_data, start


def test_landing_explains_the_assessment_and_offers_a_start_form(client, v1):
    html = client.get("/").get_data(as_text=True)
    assert v1.poles["low"]["label"] in html and v1.poles["high"]["label"] in html
    assert f"about {v1.estimated_minutes} minutes" in html
    for label in ("Organisation name", "Sector", "Number of employees", "Your role"):
        assert label in html
    for role in v1.roles:
        assert f'value="{role.id}"' in html
    assert 'action="/start"' in html


def test_start_saves_the_details_and_opens_page_one(app, client):
    response = client.post(
        "/start",
        data={
            "organisation": "  Acme Housing  ",
            "sector": "Charity and non-profit",
            "size_band": "50-249",
            "role": "leadership",
            "questionnaire": "social-organisation",
        },
    )
    assert response.status_code == 302
    token = response.location.split("/")[2]
    assert response.location == f"/a/{token}/1"
    (row,) = load(app)
    assert (row.organisation, row.sector, row.size_band, row.role) == (
        "Acme Housing",
        "Charity and non-profit",
        "50-249",
        "leadership",
    )
    assert row.token == token and row.id != token and len(token) >= 22


def test_start_with_everything_blank_is_fine(app, client):
    start(client)
    assert count_assessments(app) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("organisation", "x" * 201, "under 200 characters"),
        ("role", "emperor", "Not a valid choice"),
        ("size_band", "a million", "Not a valid choice"),
    ],
)
def test_start_form_errors_are_shown_next_to_the_field(app, client, field, value, message):
    response = client.post("/start", data={field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-error"[^>]*>.*{message}', html, re.S)
    assert f'aria-describedby="{field}-error"' in html or f'{field}-error"' in html
    assert count_assessments(app) == 0


def test_first_page_shows_progress_the_resume_link_and_the_dimension(client, v1):
    token = start(client)
    html = client.get(f"/a/{token}/1").get_data(as_text=True)
    d = v1.dimensions[0]
    assert f"Page 1 of {len(v1.dimensions)}" in html
    assert f"http://localhost/a/{token}" in html
    assert f"<h1>{d.label}</h1>" in html
    for item in v1.items_of(d.id):
        assert f'name="{item.id}"' in html
    # full option labels and fieldset/legend per item; unsure only where allowed
    first = v1.items_of(d.id)[0]
    assert first.options[0].label in html
    assert html.count("<fieldset") == len(v1.items_of(d.id))
    assert html.count("<legend>") == len(v1.items_of(d.id))
    unsure_items = [i for i in v1.items_of(d.id) if i.allow_unsure]
    assert html.count('value="unsure"') == len(unsure_items)
    assert 'value="back"' not in html  # nothing before the first page


def test_next_without_answers_names_each_unanswered_item_and_saves_nothing(app, client, v1):
    token = start(client)
    response = client.post(f"/a/{token}/1", data={"action": "next"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for item in v1.items_of(v1.dimensions[0].id):
        assert f'id="{item.id}-error"' in html
    assert "Please choose an answer" in html
    (row,) = load(app)
    assert row.answers == {}


def test_a_partly_answered_page_keeps_what_was_ticked_when_it_comes_back_with_errors(client, v1):
    token = start(client)
    first, second = v1.items_of(v1.dimensions[0].id)[:2]
    response = client.post(f"/a/{token}/1", data={first.id: str(first.hi), "action": "next"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'name="{first.id}" value="{first.hi}" id="[^"]+" checked', html)
    assert f'id="{second.id}-error"' in html and f'id="{first.id}-error"' not in html


def test_a_tampered_value_is_refused_with_a_message_at_the_item(app, client, v1):
    token = start(client)
    given = answers(v1)
    data = page_data(v1, 1, given)
    item = v1.items_of(v1.dimensions[0].id)[0]
    data[item.id] = "99"
    response = client.post(f"/a/{token}/1", data=data)
    assert response.status_code == 422
    assert re.search(
        rf'id="{item.id}-error"[^>]*>.*Not a valid choice', response.get_data(as_text=True), re.S
    )
    assert load(app)[0].answers == {}


def test_unsure_where_it_is_not_allowed_is_refused(client, v1):
    token = start(client)
    item = next(i for i in v1.items_of(v1.dimensions[0].id) if not i.allow_unsure)
    data = page_data(v1, 1, answers(v1))
    data[item.id] = "unsure"
    assert client.post(f"/a/{token}/1", data=data).status_code == 422


def test_next_saves_the_page_and_back_keeps_the_answers(app, client, v1):
    token = start(client)
    given = answers(v1)
    response = client.post(f"/a/{token}/1", data=page_data(v1, 1, given))
    assert response.location == f"/a/{token}/2"
    (row,) = load(app)
    assert row.answers == {i.id: given[i.id] for i in v1.items_of(v1.dimensions[0].id)}
    assert row.page == 2
    # Back from page 2 with half of it answered: allowed, and what was answered is saved.
    partial = {i.id: given[i.id] for i in v1.items_of(v1.dimensions[1].id)[:2]}
    response = client.post(f"/a/{token}/2", data=page_data(v1, 2, partial, "back"))
    assert response.location == f"/a/{token}/1"
    assert all(load(app)[0].answers[k] == v for k, v in partial.items())
    html = client.get(f"/a/{token}/1").get_data(as_text=True)
    for item in v1.items_of(v1.dimensions[0].id):
        assert re.search(rf'name="{item.id}" value="{given[item.id]}" id="[^"]+" checked', html)
    html = client.get(f"/a/{token}/2").get_data(as_text=True)
    for item_id, value in partial.items():
        assert re.search(rf'name="{item_id}" value="{value}" id="[^"]+" checked', html)


def test_unsure_is_saved_as_unsure(app, client, v1):
    token = start(client)
    given = answers(v1)
    item = next(i for i in v1.items_of(v1.dimensions[0].id) if i.allow_unsure)
    given[item.id] = "unsure"
    client.post(f"/a/{token}/1", data=page_data(v1, 1, given))
    assert load(app)[0].answers[item.id] == "unsure"


def test_the_private_link_resumes_where_the_respondent_left_off_in_another_browser(app, client, v1):
    token = start(client)
    given = answers(v1)
    client.post(f"/a/{token}/1", data=page_data(v1, 1, given))
    client.post(f"/a/{token}/2", data=page_data(v1, 2, given))
    other = app.test_client()  # a new browser: no cookies
    response = other.get(f"/a/{token}")
    assert response.status_code == 302 and response.location == f"/a/{token}/3"
    html = other.get(f"/a/{token}/1").get_data(as_text=True)
    assert " checked" in html


def test_unknown_token_and_page_out_of_range_are_404_pages(client):
    response = client.get("/a/not-a-real-token")
    assert response.status_code == 404 and "private link does not match" in response.get_data(as_text=True)
    assert client.get("/a/not-a-real-token/1").status_code == 404
    token = start(client)
    response = client.get(f"/a/{token}/9")
    assert response.status_code == 404 and "pages 1 to 5" in response.get_data(as_text=True)
    assert client.get(f"/a/{token}/0").status_code == 404


def test_finishing_scores_once_and_shows_the_results(app, client, v1):
    token = start(client, organisation="Acme")
    location = finish(client, v1, token, answers(v1))
    (row,) = load(app)
    assert row.status == "complete" and location == f"/results/{row.id}"
    assert row.overall == pytest.approx(100.0)
    assert len(row.scores) == len(v1.dimensions)
    assert client.get(location).status_code == 200


def test_submitting_the_last_page_twice_never_makes_two_results(app, client, v1):
    token = start(client)
    given = answers(v1)
    finish(client, v1, token, given)
    last = len(v1.dimensions)
    again = client.post(f"/a/{token}/{last}", data=page_data(v1, last, given, "finish"))
    assert again.status_code == 302 and again.location.startswith("/results/")
    assert count_assessments(app) == 1
    with app.extensions["database"].session() as session:
        assert len(session.scalars(select(DimensionScoreRow)).all()) == len(v1.dimensions)


def test_a_finished_assessment_resumes_to_its_results(app, client, v1):
    token = start(client)
    location = finish(client, v1, token, answers(v1))
    assert app.test_client().get(f"/a/{token}").location == location


def _closed_group_assessment(app) -> str:
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        version = current_version(session, "social-organisation")
        owner = User(email="facilitator@example.org", name="F", password_hash="x")
        group = Group(
            owner=owner, name="Board away-day", questionnaire=version, join_code="ABC123", is_open=True
        )
        assessment = Assessment(questionnaire=version, group=group, role="staff", answers={})
        session.add_all([owner, group, assessment])
        session.flush()
        return assessment.token


def _close(app) -> None:
    db = app.extensions["database"]
    with db.session() as session, session.begin():
        session.scalar(select(Group)).is_open = False


def test_a_closed_workshop_refuses_to_save_and_loses_nothing(app, client, v1):
    token = _closed_group_assessment(app)
    given = answers(v1)
    assert client.post(f"/a/{token}/1", data=page_data(v1, 1, given)).status_code == 302
    saved = dict(load(app)[0].answers)
    _close(app)
    response = client.post(f"/a/{token}/2", data=page_data(v1, 2, given))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Board away-day has been closed" in html and "is kept" in html
    # what was just ticked is still on the page, and the saved answers are untouched
    item = v1.items_of(v1.dimensions[1].id)[0]
    assert re.search(rf'name="{item.id}" value="{given[item.id]}" id="[^"]+" checked', html)
    assert load(app)[0].answers == saved


def test_a_group_participant_finishing_sees_their_results(app, client, v1):
    token = _closed_group_assessment(app)
    location = finish(client, v1, token, answers(v1))
    html = client.get(location).get_data(as_text=True)
    assert "Overall index" in html
    assert "Retake the assessment" not in html  # workshops are not retaken in a private series


@pytest.fixture
def csrf_app(database_url, questionnaire_dir):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "QUESTIONNAIRE_DIR": str(questionnaire_dir),
        }
    )
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    yield app
    app.extensions["database"].engine.dispose()


def test_every_form_needs_its_csrf_token(csrf_app, v1):
    client = csrf_app.test_client()
    html = client.get("/").get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert client.post("/start", data={"organisation": "Acme"}).status_code == 400
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/start", data={"organisation": "Acme", "csrf_token": csrf})
    assert response.status_code == 302
    token = response.location.split("/")[2]
    page = client.get(f"/a/{token}/1").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert client.post(f"/a/{token}/1", data=page_data(v1, 1, answers(v1))).status_code == 400
    assert count_assessments(csrf_app, status="complete") == 0


@pytest.fixture
def seven_app(database_url, questionnaire_dir):
    """The app with the tests' seven-point questionnaire installed beside the shipped one."""
    import shutil
    from pathlib import Path

    shutil.copy(Path(__file__).parent / "data" / "seven-point.yaml", questionnaire_dir / "seven-point.yaml")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "QUESTIONNAIRE_DIR": str(questionnaire_dir),
            "WTF_CSRF_ENABLED": False,
        }
    )
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    yield app
    app.extensions["database"].engine.dispose()


def test_the_flow_reads_everything_from_the_questionnaire_file(seven_app, seven):
    """Another file (1-7 scale, three dimensions, its own roles and labels) drives the same pages."""
    client = seven_app.test_client()
    landing = client.get("/?questionnaire=seven-point").get_data(as_text=True)
    assert seven.title in landing and 'value="boss"' in landing and 'value="leadership"' not in landing
    response = client.post("/start", data={"questionnaire": "seven-point", "role": "worker"})
    token = response.location.split("/")[2]
    page = client.get(f"/a/{token}/1").get_data(as_text=True)
    assert "Page 1 of 3" in page and "<h1>Alpha</h1>" in page
    assert "Very rarely" in page and 'name="a1" value="7"' in page
    assert page.count('value="unsure"') == 1  # only a3 allows it
    given = {i.id: (i.lo if i.reverse else i.hi) for i in seven.items}
    location = finish(client, seven, token, given)
    html = client.get(location).get_data(as_text=True)
    assert seven.classifications["social_organisation"]["label"] in html
    assert html.count('<article class="card') == 3
    assert "five" not in html.lower() and "minutes" not in landing  # no count or timing from v1
