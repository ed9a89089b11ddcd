"""What the pages promise holds: a closed workshop disables the answers and says so (no "it will be
saved" that cannot come true), a cohort's end screen compares only within the wave, the phone
landing's call to action comes first, the private link is offered on the first page and by
e-mail when mail is configured, results opened on another device offer a retake, and the
smaller items a room noticed."""

from __future__ import annotations

import re
import socket
import time

import pytest

from assessment.db.models import Group

from .test_workshop import create, facilitator, group_row, join
from .web_helpers import answers, finish, page_data, start


def test_a_closed_workshop_disables_the_answers_and_says_so(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner, name="Board away-day")
    code = group_row(app, group_id).join_code
    phone = app.test_client()
    token = join(phone, code, "staff")
    page = phone.get(f"/a/{token}/1").get_data(as_text=True)
    # Open: the note is there for the script, hidden; the controls work; the stream is named.
    assert re.search(r'id="closed-note" hidden>Board away-day is closed', page)
    answers_form = page[page.index('class="questions') : page.index("</form>")]  # not the footer's switch
    assert f'data-events-url="/join/{code}/events"' in page and " disabled" not in answers_form

    owner.post(f"/workshops/{group_id}/open", data={"open": "0"})
    page = phone.get(f"/a/{token}/1").get_data(as_text=True)
    assert 'id="closed-note">Board away-day is closed, so no more answers can be saved.' in page
    radios = re.findall(r'<input type="radio"[^>]*>', page)
    assert radios and all(" disabled" in r for r in radios)
    assert re.search(r'value="next" class="button button-primary" disabled', page)
    item = v1.items_of(v1.dimensions[0].id)[0]
    saved = phone.post(f"/a/{token}/answer", data={"item": item.id, "value": str(item.hi)})
    assert saved.status_code == 409
    body = saved.get_json()
    assert body["closed"] is True and "is closed, so no more answers can be saved" in body["error"]
    assert "press the button" not in body["error"]


def _cohort(app, owner_token: str) -> dict:
    api = app.test_client()
    response = api.post(
        "/api/v1/groups",
        json={
            "name": "Spring course",
            "questionnaire": "social-organisation",
            "kind": "cohort",
            "waves": [{"id": "before", "label": "Before the course"}, {"id": "after", "label": "After it"}],
        },
        headers={"Authorization": f"Bearer {owner_token}"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _submit(app, q, code: str, respondent: str, low: list[str]) -> None:
    body = {
        "questionnaire": "social-organisation",
        "answers": answers(q, low=low),
        "group_code": code,
        "respondent_code": respondent,
    }
    assert app.test_client().post("/api/v1/assessments", json=body).status_code == 201


def _open_wave(app, group_id: str, wave: str) -> None:
    with app.extensions["database"].session() as s:
        group = s.get(Group, group_id)
        group.settings = {**group.settings, "open_wave": wave}
        s.commit()


def test_the_cohort_end_screen_compares_only_within_the_wave_once_k_finished_in_it(app, v1):
    _, token = facilitator(app, "tess@example.org")
    cohort = _cohort(app, token)
    code, waves = cohort["join_code"], ["before", "after"]
    for n in range(4):  # the first wave, all at their least social in the first area
        _submit(app, v1, code, f"first-{n}", low=[v1.dimensions[0].id])
    _open_wave(app, cohort["id"], waves[1])

    phone = app.test_client()
    joined = phone.post(f"/cohorts/join/{code}", data={"respondent_code": "mine-77", "confirm": "mine-77"})
    assert joined.status_code == 302, joined.get_data(as_text=True)
    private = joined.location.split("/")[2]
    results = finish(phone, v1, private, answers(v1))
    html = phone.get(results).get_data(as_text=True)
    assert "You and your wave" in html and "You and the room" not in html
    assert "“After it”" in html
    assert "once at least 3 people have finished" in html and "you-and-room" not in html
    assert "Look up at the screen" not in html  # workshop wording

    # Rule 13: the snapshot moves on once 3 more have finished since it last did (here all in the
    # second wave), and only then does the wave have its 3.
    for n in range(3):
        _submit(app, v1, code, f"second-{n}", low=[])
    html = phone.get(results).get_data(as_text=True)
    assert "you-and-room" in html and "Your wave" in html
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td></tr>', html
    )
    first = dict((label, wave) for label, _, wave in rows)[v1.dimensions[0].label]
    # Everyone in the second wave answered at the top of the first area; the first wave's lowest
    # answers would pull the mean down if they were mixed in.
    assert first == "100"


def test_the_landing_call_to_action_comes_before_everything_else(app, client):
    html = client.get("/").get_data(as_text=True)
    hero = html[html.index('class="hero"') :]
    assert hero.index('class="hero-start"') < hero.index('class="lede"')
    assert hero.index(">Start now</button>") < hero.index("Join a workshop")
    form = re.search(r'<form class="hero-start" method="post" action="/start">(.*?)</form>', html, re.S)
    assert form and 'name="questionnaire" value="social-organisation"' in form.group(1)
    started = client.post("/start", data={"questionnaire": "social-organisation"})
    assert started.status_code == 302 and re.fullmatch(r"/a/[\w-]+/1", started.location)


def test_keep_this_link_on_the_first_page_and_no_mail_without_mail_url(client, v1):
    token = start(client)
    first = client.get(f"/a/{token}/1").get_data(as_text=True)
    keep = first.index('class="keep-link"')
    # Named at the top, in the progress line, before the first question; offered after them.
    jump = first.index('href="#resume-heading" class="keep-link-jump">Keep this link</a>')
    assert jump < first.index('<fieldset class="question') < keep
    assert "Keep this link" in first and 'data-copy="#resume-url"' in first
    assert f"/a/{token}" in first[keep:]
    assert "send-link" not in first
    assert client.post(f"/a/{token}/send-link", data={"email": "a@example.org"}).status_code == 404
    later = client.get(f"/a/{token}/2").get_data(as_text=True)
    assert 'class="keep-link"' not in later and "Your private link" in later


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[tuple[str, list[str], str]] = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode()))
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_the_private_link_is_sent_by_mail_when_mail_is_configured(app, client, smtp_server):
    controller, inbox = smtp_server
    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{controller.port}", MAIL_FROM="assess@example.org")
    token = start(client, organisation="Acme Housing")
    first = client.get(f"/a/{token}/1").get_data(as_text=True)
    assert "Send it to me by e-mail" in first and f'action="/a/{token}/send-link"' in first
    # Never a form inside the answers' form (a browser would drop it): its fields point to it.
    answers_form = first[first.index('class="questions') : first.index("</form>")]
    assert "<form" not in answers_form
    assert 'form="send-link-form"' in first and first.count('id="send-link-form"') == 1

    bad = client.post(f"/a/{token}/send-link", data={"email": "not an address", "page": "1"})
    assert bad.status_code == 302 and not inbox.messages
    assert "does not look like an e-mail address" in client.get(bad.location).get_data(as_text=True)

    sent = client.post(f"/a/{token}/send-link", data={"email": "md@example.org", "page": "1"})
    assert sent.status_code == 302 and sent.location == f"/a/{token}/1"
    deadline = time.monotonic() + 5
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    sender, recipients, text = inbox.messages[0]
    assert sender == "assess@example.org" and recipients == ["md@example.org"]
    assert f"/a/{token}" in text and "Acme Housing" in text and "Subject: Your private link" in text
    assert "The link is on its way to md@example.org" in client.get(sent.location).get_data(as_text=True)


def test_results_opened_on_another_device_offer_a_retake_with_the_private_link(app, client, v1):
    token = start(client)
    results = finish(client, v1, token, answers(v1))
    other = app.test_client()
    html = other.get(results).get_data(as_text=True)
    assert "Download PDF" in html and "Retake with this link" in html
    assessment_id = results.rsplit("/", 1)[1]
    wrong = other.post(f"/results/{assessment_id}/retake", data={"private_link": "http://x/a/not-it"})
    assert wrong.status_code == 302 and wrong.location == results
    retake = other.post(
        f"/results/{assessment_id}/retake", data={"private_link": f"http://localhost/a/{token}"}
    )
    assert retake.status_code == 302 and re.fullmatch(r"/a/[\w-]+/1", retake.location)
    assert retake.location != f"/a/{token}/1"  # a new assessment in the series


def test_the_answered_counter_and_the_missed_banner_have_hooks_for_the_script(client, v1):
    token = start(client)
    items = v1.items_of(v1.dimensions[0].id)
    missed = client.post(f"/a/{token}/1", data=page_data(v1, 1, {items[0].id: items[0].hi}))
    assert missed.status_code == 422
    html = missed.get_data(as_text=True)
    assert f'">0 of {len(v1.items)} questions answered</span>' in html  # nothing saved from a refused page
    assert 'class="flash flash-error"' in html and 'class="error-jump"' in html
    for n, item in enumerate(items[:2], start=1):
        saved = client.post(f"/a/{token}/answer", data={"item": item.id, "value": str(item.hi)})
        assert saved.get_json()["answered"] == n  # what app.js writes into #answered-count


def _round(app, v1, votes: int):  # type: ignore[no-untyped-def]
    """A workshop of four with a round on the first item and ``votes`` re-votes at its top."""
    from .test_room_pages import _participants

    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    people = _participants(app, code, v1, ["staff", "staff", "manager", "staff"])
    item = v1.items[0]
    opened = owner.post(f"/workshops/{group_id}/rounds", data={"item": item.id})
    round_url = opened.location
    round_id = round_url.rsplit("/", 1)[1]
    for phone, token, _ in people[:votes]:
        phone.post(f"/a/{token}/rounds/{round_id}", data={"answer": str(item.options[-1].value)})
    return owner, round_url


def test_both_sides_of_a_round_share_one_scale(app, v1):
    owner, round_url = _round(app, v1, votes=3)
    html = owner.get(round_url).get_data(as_text=True)
    meters = re.findall(r'<meter min="0" max="(\d+)" value="(\d+)"', html)
    assert meters and len({m for m, _ in meters}) == 1  # the same maximum on both sides
    assert int(meters[0][0]) == max(int(v) for _, v in meters)


def test_a_round_closed_with_no_votes_says_so(app, v1):
    owner, round_url = _round(app, v1, votes=0)
    assert "0 answers so far" in owner.get(round_url).get_data(as_text=True)
    owner.post(round_url + "/close")
    html = owner.get(round_url).get_data(as_text=True)
    assert "No one answered again before the round closed." in html and "0 answers so far" not in html


def test_times_on_the_live_pages_are_written_in_the_pages_locale(app):
    """Never the browser's own default: the page hands the script its locale (en-GB, de)."""
    from pathlib import Path

    script = (Path(app.static_folder) / "facilitate.js").read_text(encoding="utf-8")
    assert "toLocaleTimeString(T.locale" in script and "toLocaleTimeString()" not in script
