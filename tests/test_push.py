"""The room's push: events announced on a session go out only when it commits, the two streams
(room by join code, facilitator by group) carry the right events and never a figure, several
app servers share them through Redis, and the pages fetch what they may show when told."""

from __future__ import annotations

import html
import json
import os
import re
import time
import uuid

import pytest

from assessment.services import push

from .test_workshop import create, facilitator, group_row, join
from .web_helpers import answers, finish

REDIS_TEST_URL = os.environ.get("PUSH_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _events(chunks: list[str]) -> list[tuple[str, dict]]:
    """(event, data) of each server-sent event in the chunks read so far."""
    found = []
    for block in "".join(chunks).split("\n\n"):
        lines = dict(
            line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":")
        )
        if "event" in lines:
            found.append((lines["event"], json.loads(lines["data"])))
    return found


class Reader:
    """A stream opened with the test client, read one chunk at a time."""

    def __init__(self, response):
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/event-stream"
        assert response.headers["Cache-Control"] == "no-store"
        self.response = response
        self.chunks = iter(response.response)
        self.read: list[str] = []

    def next_event(self) -> tuple[str, dict]:
        while True:
            raw = next(self.chunks)
            chunk = raw.decode() if isinstance(raw, bytes) else raw
            self.read.append(chunk)
            if not chunk.startswith(": keepalive"):
                return _events([self.read[-1]])[-1]

    def close(self) -> None:
        self.response.close()


def test_announced_events_go_out_on_commit_and_never_on_rollback(app):
    broker = app.extensions["push"]
    with (
        broker.subscribe(push.room_channel("g1")) as room,
        broker.subscribe(push.facilitator_channel("g1")) as desk,
    ):
        with app.extensions["database"].session() as s:
            push.announce(s, "g1", "progress")
            push.announce(s, "g1", "round", round=4, open=True)
            s.rollback()
            assert room.get(0.05) is None and desk.get(0.05) is None
            push.announce(s, "g1", "progress")
            push.announce(s, "g1", "progress")  # one commit, one "progress"
            push.announce(s, "g1", "closed", open=False)
            s.commit()
        assert room.get(0.5) == push.Message("room:g1", "closed", {"type": "closed", "open": False})
        assert room.get(0.05) is None  # "progress" is the facilitator's only
        got = [desk.get(0.5), desk.get(0.5), desk.get(0.05)]
        assert [m.event for m in got if m] == ["progress", "closed"]
    assert broker.listening() == 0
    with pytest.raises(ValueError):
        push.announce(app.extensions["database"].session(), "g1", "figures")


def test_phones_hear_a_round_a_snapshot_and_the_close_with_no_figure_in_any_event(app, v1):
    app.config["PUSH_STREAM_SECONDS"] = 5
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    assert app.test_client().get("/join/ZZZZZZ/events").status_code == 404
    stream = Reader(app.test_client().get(f"/join/{code.lower()}/events", buffered=False))
    assert stream.next_event() == ("hello", {})
    assert stream.read[0].startswith("retry: ")
    desk = Reader(owner.get(f"/workshops/{group_id}/events", buffered=False))
    assert desk.next_event() == ("hello", {})

    for role in ("staff", "staff", "manager"):
        phone = app.test_client()
        finish(phone, v1, join(phone, code, role), answers(v1))
    # The facilitator's page hears each start and finish and fetches the summary, which moves
    # the snapshot on (rule 13): only then does the room hear "snapshot".
    assert desk.next_event()[0] == "progress"
    owner.get(f"/workshops/{group_id}/summary.json")
    assert stream.next_event() == ("snapshot", {"type": "snapshot"})

    item = v1.items[0].id
    owner.post(f"/workshops/{group_id}/rounds", data={"item": item})
    name, data = stream.next_event()
    assert name == "round" and data["open"] is True and set(data) == {"type", "round", "open"}
    owner.post(f"/workshops/{group_id}/rounds/{data['round']}/close")
    assert stream.next_event() == ("round", {"type": "round", "round": data["round"], "open": False})
    owner.post(f"/workshops/{group_id}/open", data={"open": "0"})
    assert stream.next_event() == ("closed", {"type": "closed", "open": False})
    for event, body in _events(stream.read):
        assert set(body) <= {"type", "round", "open"}, (event, body)  # ids and flags, no figure
    stream.close()
    desk.close()


def test_only_the_owner_hears_the_facilitator_stream(app):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    other, _ = facilitator(app, "bob@example.org")
    assert other.get(f"/workshops/{group_id}/events").status_code == 404
    assert app.test_client().get(f"/workshops/{group_id}/events").status_code in (302, 401)


def test_a_stream_ends_by_itself_and_lets_go_of_its_subscription(app):
    app.config["PUSH_STREAM_SECONDS"] = 0.3
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    started = time.monotonic()
    body = app.test_client().get(f"/join/{code}/events").get_data(as_text=True)
    assert time.monotonic() - started < 3
    assert body.startswith("retry: ") and "event: hello" in body
    assert app.extensions["push"].listening() == 0


def test_the_end_screen_part_a_phone_fetches_follows_the_snapshot(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    code = group_row(app, group_id).join_code
    phone = app.test_client()
    results = finish(phone, v1, join(phone, code, "staff"), answers(v1))
    assessment_id = results.rsplit("/", 1)[1]
    page = phone.get(results).get_data(as_text=True)
    assert f'data-events-url="/join/{code}/events"' in page
    assert f'data-part-url="/results/{assessment_id}/room"' in page
    assert "push.js" in page and "room.js" in page
    assert "Reload this page" not in page and "This page updates by itself" in page
    for role in ("staff", "manager"):
        other = app.test_client()
        finish(other, v1, join(other, code, role), answers(v1))
    part = phone.get(f"/results/{assessment_id}/room").get_data(as_text=True)
    assert "you-and-room" in part and 'id="round-slot" data-round="none"' in part
    assert "<html" not in part  # a part, not a page
    assert app.test_client().get("/results/nope/room").status_code == 404


def _closed_notes(part: str) -> tuple[str, list[str]]:
    """The note an end screen keeps ready for "closed", and the notes it shows."""
    ready = re.search(r'id="room-figures"[^>]*data-closed-note="([^"]*)"', part)
    assert ready, part
    shown = re.findall(r'<p class="room-closed" role="status">([^<]*)</p>', part)
    return html.unescape(ready.group(1)), [html.unescape(text) for text in shown]


def test_the_close_note_a_phone_shows_at_once_is_true_whatever_the_close_reveals(app, v1):
    """room.js shows the note it holds as soon as "closed" arrives, before its refetch brings the
    server's. Closing publishes every complete response (rule 13), so a close can reveal the
    room's figures: the note held says only what is true either way, and is the server's own
    note when the figures stay hidden."""
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner, name='Ann & "Bob" <away-day>')
    code = group_row(app, group_id).join_code
    phone = app.test_client()
    part_url = finish(phone, v1, join(phone, code, "staff"), answers(v1)) + "/room"
    held = 'Ann & "Bob" <away-day> is closed: no more answers are coming in.'
    for others, revealed in ((0, False), (2, True)):  # alone; then three, below k until the close
        for role in ("staff", "manager")[:others]:
            other = app.test_client()
            finish(other, v1, join(other, code, role), answers(v1))
        part = phone.get(part_url).get_data(as_text=True)
        assert _closed_notes(part) == (held, []) and "you-and-room" not in part
        owner.post(f"/workshops/{group_id}/open", data={"open": "0"})
        part = phone.get(part_url).get_data(as_text=True)
        assert ("you-and-room" in part) is revealed
        final = 'Ann & "Bob" <away-day> is closed: the figures below are final for now.'
        assert _closed_notes(part) == (held, [final if revealed else held])
        owner.post(f"/workshops/{group_id}/open", data={"open": "1"})


def test_redis_shares_events_between_two_app_servers():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_TEST_URL).ping()
    except redis.RedisError:
        pytest.fail(f"the Redis push test needs Redis at {REDIS_TEST_URL}")
    prefix = f"test-push-{uuid.uuid4().hex}:"
    one, two = push.RedisBroker(REDIS_TEST_URL, prefix), push.RedisBroker(REDIS_TEST_URL, prefix)
    stranger = push.RedisBroker(REDIS_TEST_URL, f"other-{uuid.uuid4().hex}:")
    try:
        assert one.wait_ready() and two.wait_ready() and stranger.wait_ready()
        with two.subscribe("room:g") as heard, stranger.subscribe("room:g") as elsewhere:
            one.publish(push.Message("room:g", "round", {"type": "round", "open": True}))
            assert heard.get(3.0) == push.Message("room:g", "round", {"type": "round", "open": True})
            assert elsewhere.get(0.3) is None  # another prefix: another installation or test run
    finally:
        for broker in (one, two, stranger):
            broker.close()
