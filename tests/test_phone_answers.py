"""Answers are never lost on a phone: each answer is saved as it is chosen (the autosave endpoint
the page's script posts to), a stale or sessionless form post for a valid private link shows the
page again with the posted answers and a plain message, and a page sent back with errors takes
the respondent to the first missed question."""

from __future__ import annotations

import re
import threading

from sqlalchemy import select

from assessment.db.models import Assessment

from .test_web_respond import csrf_app  # noqa: F401  (fixture)
from .web_helpers import answers, load, page_data, start


def _checked(html: str, item: str) -> list[str]:
    return re.findall(rf'name="{item}" value="([^"]+)" id="[^"]+" checked', html)


def test_an_answer_saved_as_it_is_chosen_is_ticked_after_a_reload(app, client, v1):
    token = start(client)
    first, second = v1.items_of(v1.dimensions[0].id)[:2]
    page = client.get(f"/a/{token}/1").get_data(as_text=True)
    assert f'data-autosave-url="/a/{token}/answer"' in page
    saved = client.post(f"/a/{token}/answer", data={"item": first.id, "value": str(first.hi)})
    assert saved.status_code == 200
    assert saved.get_json() == {"saved": {first.id: first.hi}, "answered": 1}
    client.post(f"/a/{token}/answer", data={"item": second.id, "value": "unsure"})
    reloaded = client.get(f"/a/{token}/1").get_data(as_text=True)
    assert _checked(reloaded, first.id) == [str(first.hi)]
    assert _checked(reloaded, second.id) == ["unsure"] or not second.allow_unsure
    (row,) = load(app)
    assert row.answers[first.id] == first.hi and row.page == 0  # the page reached is unchanged


def test_autosave_refuses_a_bad_answer_by_name_and_keeps_the_rest(app, client, v1):
    token = start(client)
    item = v1.items_of(v1.dimensions[0].id)[0]
    client.post(f"/a/{token}/answer", data={"item": item.id, "value": str(item.lo)})
    bad = client.post(f"/a/{token}/answer", data={"item": item.id, "value": str(item.hi + 5)})
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["item"] == item.id
    unknown = client.post(f"/a/{token}/answer", data={"item": "nope", "value": "1"})
    assert unknown.status_code == 422 and unknown.get_json()["errors"][0]["item"] == "nope"
    (row,) = load(app)
    assert row.answers == {item.id: item.lo}
    assert client.post("/a/not-a-token/answer", data={"item": item.id, "value": "1"}).status_code == 404


def test_autosave_never_changes_a_finished_response(app, client, v1):
    from .web_helpers import finish

    token = start(client)
    finish(client, v1, token, answers(v1))
    item = v1.items[0]
    refused = client.post(f"/a/{token}/answer", data={"item": item.id, "value": str(item.lo)})
    assert refused.status_code == 409 and "error" in refused.get_json()
    (row,) = load(app)
    assert row.answers[item.id] == answers(v1)[item.id]


def test_autosave_needs_the_pages_csrf_token(csrf_app, v1):  # noqa: F811
    client = csrf_app.test_client()
    landing = client.get("/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', landing).group(1)
    token = client.post("/start", data={"csrf_token": csrf}).location.split("/")[2]
    page = client.get(f"/a/{token}/1").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    item = v1.items_of(v1.dimensions[0].id)[0]
    data = {"item": item.id, "value": str(item.hi)}
    refused = client.post(f"/a/{token}/answer", data=data)
    assert refused.status_code == 400 and "expired" in refused.get_json()["error"]
    assert load(csrf_app)[0].answers == {}
    assert client.post(f"/a/{token}/answer", data=data, headers={"X-CSRFToken": csrf}).status_code == 200
    assert load(csrf_app)[0].answers == {item.id: item.hi}


def test_a_stale_post_shows_the_page_again_with_the_posted_answers(csrf_app, v1):  # noqa: F811
    given = answers(v1)
    posted = page_data(v1, 1, given)
    for label, extra, fresh_browser in (
        ("expired token", {"csrf_token": "a-token-from-yesterday"}, False),
        ("no session at all", {}, True),  # the browser was killed and the tab restored
    ):
        client = csrf_app.test_client()
        landing = client.get("/").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', landing).group(1)
        token = client.post("/start", data={"csrf_token": csrf}).location.split("/")[2]
        sender = csrf_app.test_client() if fresh_browser else client
        response = sender.post(f"/a/{token}/1", data={**posted, **extra})
        html = response.get_data(as_text=True)
        assert response.status_code == 400, label
        assert "your answers were not saved yet" in html and "press the button again" in html, label
        for item in v1.items_of(v1.dimensions[0].id):
            assert _checked(html, item.id) == [str(given[item.id])], (label, item.id)
        assert load(csrf_app, token=token)[0].answers == {}, label  # nothing from an unproven post
        again = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        saved = sender.post(f"/a/{token}/1", data={**posted, "csrf_token": again})
        assert saved.status_code == 302 and saved.location.endswith(f"/a/{token}/2"), label
        assert load(csrf_app, token=token)[0].answers == {k: given[k] for k in posted if k != "action"}


def test_a_stale_post_for_an_unknown_private_link_is_a_404(csrf_app, v1):  # noqa: F811
    response = csrf_app.test_client().post("/a/not-a-token/1", data=page_data(v1, 1, answers(v1)))
    assert response.status_code == 404


def test_errors_take_the_respondent_to_the_first_missed_question(client, v1):
    token = start(client)
    items = v1.items_of(v1.dimensions[0].id)
    given = {items[0].id: items[0].hi}  # the second and later questions are missed
    response = client.post(f"/a/{token}/1", data=page_data(v1, 1, given))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    # Without script, a link at the top goes to the anchor at the first missed question.
    assert 'href="#first-error"' in html
    anchor = html.index('id="first-error"')
    assert html.index(f'id="q-{items[0].id}"') < anchor < html.index(f'id="q-{items[1].id}"')
    assert html.count('id="first-error"') == 1
    fresh = client.get(f"/a/{token}/1").get_data(as_text=True)
    assert 'id="first-error"' not in fresh and 'href="#first-error"' not in fresh


def test_pages_carry_no_inline_script_or_event_handler(client, v1):
    token = start(client)
    for path in ("/", f"/a/{token}/1", f"/a/{token}/{len(v1.dimensions)}"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path


def test_answers_saved_at_the_same_moment_are_all_kept(app, v1):
    """A phone ticks several answers in quick succession and their saves arrive together: each
    request reads the stored answers and writes them back with its own added, so without a lock
    one save overwrote another (on SQLite, which has no row locks: the page said "Saved" for
    every answer and a reload showed five of seven)."""
    token = start(app.test_client())
    items = v1.items_of(v1.dimensions[0].id) + v1.items_of(v1.dimensions[1].id)
    barrier = threading.Barrier(len(items))
    statuses: list[int] = []

    def save(item) -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post(f"/a/{token}/answer", data={"item": item.id, "value": str(item.lo)}).status_code
        )

    threads = [threading.Thread(target=save, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [200] * len(items)
    with app.extensions["database"].session() as s:
        stored = s.scalar(select(Assessment).where(Assessment.token == token)).answers
    assert set(stored) == {i.id for i in items}
