"""The room's push: short events about a group ("snapshot", "round", "closed", and for the
facilitator also "progress" and "vote") sent to the pages that hold its event stream, so they
fetch what they may show instead of reloading on a timer. No Flask here.

An event says only *that* something changed, never a figure: a page told of a new snapshot asks
for it through the same views that apply rule 13, so the stream can never show more than a page.

Events are announced on a database session and go out only when it commits (a rolled-back
change is never announced). In one process a ``MemoryBroker`` hands them to the waiting streams;
with ``REDIS_URL`` a ``RedisBroker`` publishes them on Redis, and one listener thread per process
hands what any server published to that process's own streams, so several app servers share them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

ROOM_EVENTS = frozenset({"snapshot", "round", "closed"})  # what phones and the projector hear
FACILITATOR_EVENTS = ROOM_EVENTS | {"progress", "vote"}  # the dashboard hears counts move too
_PENDING = "push_pending"
_QUEUE_SIZE = 64  # a stream that falls this far behind drops events; its page refetches anyway


def room_channel(group_id: str) -> str:
    return f"room:{group_id}"


def facilitator_channel(group_id: str) -> str:
    return f"facilitator:{group_id}"


@dataclass(frozen=True)
class Message:
    channel: str
    event: str
    data: dict[str, Any]

    def sse(self) -> str:
        """The message as one server-sent event (``event:`` and a single ``data:`` line)."""
        return f"event: {self.event}\ndata: {json.dumps(self.data, separators=(',', ':'))}\n\n"

    def dumps(self) -> str:
        return json.dumps({"channel": self.channel, "event": self.event, "data": self.data})

    @classmethod
    def loads(cls, text: str | bytes) -> Message:
        body = json.loads(text)
        return cls(channel=str(body["channel"]), event=str(body["event"]), data=dict(body["data"]))


class Subscription:
    """One stream's queue of messages of one channel; close it (or use ``with``) when done."""

    def __init__(self, hub: Hub, channel: str):
        self.hub, self.channel = hub, channel
        self.queue: queue.Queue[Message] = queue.Queue(maxsize=_QUEUE_SIZE)

    def get(self, timeout: float) -> Message | None:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.hub._remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class Hub:
    """This process's streams, by channel."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = {}

    def subscribe(self, channel: str) -> Subscription:
        subscription = Subscription(self, channel)
        with self._lock:
            self._subscribers.setdefault(channel, set()).add(subscription)
        return subscription

    def _remove(self, subscription: Subscription) -> None:
        with self._lock:
            found = self._subscribers.get(subscription.channel)
            if found is not None:
                found.discard(subscription)
                if not found:
                    del self._subscribers[subscription.channel]

    def deliver(self, message: Message) -> None:
        with self._lock:
            targets = list(self._subscribers.get(message.channel, ()))
        for subscription in targets:
            # A full queue drops the event: that page refetches everything at its next one.
            with contextlib.suppress(queue.Full):
                subscription.queue.put_nowait(message)

    def listening(self, channel: str | None = None) -> int:
        with self._lock:
            if channel is None:
                return sum(len(s) for s in self._subscribers.values())
            return len(self._subscribers.get(channel, ()))


class MemoryBroker(Hub):
    """One process: a publish is a delivery."""

    def publish(self, message: Message) -> None:
        self.deliver(message)

    def close(self) -> None:
        pass


class RedisBroker(Hub):
    """Several processes or servers: publish on Redis, and one listener thread per process
    delivers every message of ``prefix`` to this process's streams. A lost Redis connection is
    retried; the pages fall back to polling while their stream is down."""

    def __init__(self, url: str, prefix: str = "assessment:push:"):
        super().__init__()
        import redis

        self.prefix = prefix
        self.client = redis.Redis.from_url(url)
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="push-redis", daemon=True)
        self._thread.start()

    def publish(self, message: Message) -> None:
        try:
            self.client.publish(self.prefix + message.channel, message.dumps())
        except Exception:  # a push lost is a page that polls; the saved change stands
            log.warning("push: Redis publish failed", exc_info=True)

    def wait_ready(self, timeout: float = 5.0) -> bool:
        return self._ready.wait(timeout)

    def _listen(self) -> None:
        while not self._stop.is_set():
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.psubscribe(self.prefix + "*")
                self._ready.set()
                while not self._stop.is_set():
                    raw = pubsub.get_message(timeout=1.0)
                    if raw is None or raw.get("type") != "pmessage":
                        continue
                    try:
                        self.deliver(Message.loads(raw["data"]))
                    except (ValueError, KeyError, TypeError):
                        log.warning("push: unreadable message on Redis ignored")
            except Exception:
                log.warning("push: Redis listener lost its connection; retrying", exc_info=True)
                self._stop.wait(1.0)
            finally:
                try:
                    pubsub.close()
                except Exception:
                    log.debug("push: closing a broken Redis subscription failed", exc_info=True)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)
        self.client.close()


Broker = MemoryBroker | RedisBroker


def make_broker(redis_url: str = "", prefix: str = "assessment:push:") -> Broker:
    return RedisBroker(redis_url, prefix) if redis_url else MemoryBroker()


def announce(session: Session, group_id: str, name: str, **data: Any) -> None:
    """Send ``name`` about ``group_id`` to its streams once ``session`` commits. ``data`` must
    hold no figure (ids and flags only)."""
    if name not in FACILITATOR_EVENTS:
        raise ValueError(f"unknown push event {name!r}")
    if not session.in_transaction():
        session.begin()  # so a rollback, even before any SQL, forgets what was announced
    pending: list[Message] = session.info.setdefault(_PENDING, [])
    body = {"type": name, **data}
    if name in ROOM_EVENTS:
        pending.append(Message(room_channel(group_id), name, body))
    pending.append(Message(facilitator_channel(group_id), name, body))


def install(sessions: sessionmaker[Session], broker: Broker) -> None:
    """Publish what a session announced when it commits; forget it when it rolls back."""

    def _after_commit(session: Session) -> None:
        pending = session.info.pop(_PENDING, None)
        if not pending:
            return
        seen: set[tuple[str, str, str]] = set()
        for message in pending:
            key = (message.channel, message.event, json.dumps(message.data, sort_keys=True))
            if key not in seen:  # two completions in one commit are one "progress"
                seen.add(key)
                broker.publish(message)

    def _after_rollback(session: Session, _previous: object) -> None:
        session.info.pop(_PENDING, None)

    event.listen(sessions, "after_commit", _after_commit)
    # "soft": also a rollback() before any SQL was sent, which the DBAPI never sees.
    event.listen(sessions, "after_soft_rollback", _after_rollback)


def stream(
    subscription: Subscription, *, seconds: float, keepalive: float = 15.0, retry_ms: int = 3000
) -> Iterator[str]:
    """A text/event-stream body: a ``retry`` hint and a ``hello`` event at once (so the page knows
    the stream holds and may stop polling), then each message as it comes and a comment every
    ``keepalive`` seconds, for at most ``seconds`` (the browser reconnects on its own)."""
    import time

    deadline = time.monotonic() + seconds
    try:
        yield f"retry: {retry_ms}\nevent: hello\ndata: {{}}\n\n"
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            message = subscription.get(timeout=min(keepalive, left))
            yield ": keepalive\n\n" if message is None else message.sse()
    finally:
        subscription.close()
