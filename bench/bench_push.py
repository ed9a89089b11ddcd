"""Benchmark: the room's push under load, against gunicorn on 127.0.0.1 with the settings of
``scripts/run`` (threaded workers: a held stream takes a thread, not a process).

200 phones hold the room's event stream (``GET /join/<code>/events``) while 200 others walk the
whole questionnaire on the web pages (join, role, every page's GET and POST), arriving over a
minute. Then the facilitator opens a discussion round, and the time until every holder has heard
``round`` is measured. DESIGN.md's budget: every answer saved, p95 of a page under 300 ms, the
push on every phone within 2 s.

    .venv/bin/python bench/bench_push.py                       # SQLite (WAL), one worker, memory push
    .venv/bin/python bench/bench_push.py --redis redis://127.0.0.1:6379/7 --workers 2
    .venv/bin/python bench/bench_push.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Bounded: at most 500 holders and 500 answering participants, within at most 120 s of arrivals;
everything is on 127.0.0.1. A PostgreSQL database given here is wiped.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_submit import _free_port, _wait_ready  # noqa: E402
from bench_workshop import ROLES, _answers, _client_process, _csrf, _pct, _stored  # noqa: E402
from fresh import fresh_app  # noqa: E402

PAGE_P95_BUDGET_MS = 300.0
PUSH_BUDGET_S = 2.0
PASSWORD = "bench password 123"


def _prepare(database_url: str) -> dict[str, str]:
    """A fresh schema, a facilitator who can log in, and an open workshop."""
    from assessment.services import accounts, workshops
    from assessment.services.questionnaires import current_version

    app = fresh_app(database_url)
    with app.extensions["database"].session() as s:
        user = accounts.create_user(s, "push@example.org", PASSWORD)
        version = current_version(s, "social-organisation")
        group = workshops.create_workshop(s, user.id, version, name="Push bench", organisation="Bench Ltd")
        s.commit()
        out = {"group": group.id, "code": group.join_code}
    app.extensions["database"].engine.dispose()
    return out


def _server(port: int, workers: int, threads: int, env: dict[str, str]) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "--no-control-socket",
        # Held streams end at a restart after this long, as in scripts/run.
        "--graceful-timeout",
        "3",
        "--chdir",
        str(REPO),
        "app:app",
    ]
    return subprocess.Popen(command, env=env)


class Holder(threading.Thread):
    """One phone holding the room's stream: when it heard ``hello``, then each event."""

    def __init__(self, port: int, code: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.code, self.stop = port, code, stop
        self.connected_after: float | None = None
        self.heard: list[tuple[str, float]] = []
        self.error: str | None = None

    def run(self) -> None:
        started = time.perf_counter()
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(
                f"GET /join/{self.code}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Accept: text/event-stream\r\n\r\n".encode()
            )
            sock.settimeout(1.0)
            buffer = b""
            while not self.stop.is_set():
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                buffer += chunk
                for name in re.findall(rb"event: (\w+)\n", buffer):
                    now = time.perf_counter()
                    if name == b"hello" and self.connected_after is None:
                        self.connected_after = now - started
                    self.heard.append((name.decode(), now))
                buffer = buffer[buffer.rfind(b"\n\n") + 2 :] if b"\n\n" in buffer else buffer
            sock.close()
        except OSError as exc:
            self.error = repr(exc)


class Facilitator:
    """A logged-in browser: cookies kept, CSRF tokens read from the pages."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, data

    def login(self) -> None:
        _, html = self.request("GET", "/login")
        response, _ = self.request(
            "POST", "/login", {"email": "push@example.org", "password": PASSWORD, "csrf_token": _csrf(html)}
        )
        if response.status != 302:
            raise SystemExit(f"facilitator login -> {response.status}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--holders", type=int, default=200, help="phones holding the stream")
    parser.add_argument("--participants", type=int, default=200, help="phones answering meanwhile")
    parser.add_argument("--spread", type=float, default=60.0, help="seconds over which the answering arrive")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn gthread workers (1 without Redis)")
    parser.add_argument("--threads", type=int, default=400, help="threads per worker (scripts/run's default)")
    parser.add_argument("--processes", type=int, default=3, help="client processes for the answering")
    parser.add_argument("--redis", default="", help="REDIS_URL for the push across workers")
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary folder")
    args = parser.parse_args()
    if not (1 <= args.holders <= 500 and 1 <= args.participants <= 500 and 1 <= args.spread <= 120):
        parser.error("keep it bounded: at most 500 holders and 500 participants within 120 s")
    if args.workers > 1 and not args.redis:
        parser.error("several workers share the push only through Redis: give --redis")

    from assessment.domain.questionnaire import load_questionnaire

    q = load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml")
    pages = [[i.id for i in q.items_of(d.id)] for d in q.dimensions]
    rng = random.Random(20)
    with tempfile.TemporaryDirectory(prefix="bench-push-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'app.sqlite'}"
        setup = _prepare(url)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "REDIS_URL")}
        env.update(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "REPORT_PRERENDER": "0",
                "PUSH_STREAM_SECONDS": str(args.spread + 120),
                "PUSH_CHANNEL_PREFIX": f"bench-push-{uuid.uuid4().hex}:",
            }
        )
        if args.redis:
            env["REDIS_URL"] = args.redis
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
        print(
            f"{args.holders} phones holding the stream, {args.participants} answering "
            f"over {args.spread:.0f} s; "
            f"gunicorn gthread {args.workers} worker(s) x {args.threads} threads on 127.0.0.1; {database}; "
            f"push {'Redis' if args.redis else 'in memory'}; {os.cpu_count()} cores"
        )
        port = _free_port()
        server = _server(port, args.workers, args.threads, env)
        stop = threading.Event()
        try:
            _wait_ready(port, server)
            facilitator = Facilitator(port)
            facilitator.login()
            holders = [Holder(port, setup["code"], stop) for _ in range(args.holders)]
            for holder in holders:
                holder.start()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and sum(h.connected_after is not None for h in holders) < len(
                holders
            ):
                time.sleep(0.1)
            connected = [h.connected_after for h in holders if h.connected_after is not None]
            print(f"streams held: {len(connected)} of {args.holders}")

            jobs = [
                (
                    k * args.spread / args.participants + rng.uniform(0, args.spread / args.participants),
                    ROLES[k % len(ROLES)],
                    _answers(rng, ROLES[k % len(ROLES)]),
                )
                for k in range(args.participants)
            ]
            shares = [jobs[p :: args.processes] for p in range(args.processes)]
            start_at = time.time() + 2.0
            began = time.perf_counter()
            with ProcessPoolExecutor(max_workers=args.processes) as pool:
                futures = [
                    pool.submit(_client_process, port, "web", setup["code"], share, pages, start_at)
                    for share in shares
                ]
                results = [r for f in futures for r in f.result()]
            wall = time.perf_counter() - began - 2.0
            complete, total = _stored(url, setup["group"])

            # The facilitator's summary moves the snapshot on (rule 13) and the room hears it; then
            # a round opens and every holder should hear "round".
            facilitator.request("GET", f"/workshops/{setup['group']}/summary.json")
            _, html = facilitator.request("GET", f"/workshops/{setup['group']}/present/results")
            item = re.search(rb'name="item" value="([^"]+)"', html)
            opened = time.perf_counter()
            response, _ = facilitator.request(
                "POST",
                f"/workshops/{setup['group']}/rounds",
                {"item": item.group(1).decode() if item else q.items[0].id, "csrf_token": _csrf(html)},
            )
            if response.status != 302:
                raise SystemExit(f"opening the round -> {response.status}")
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not all(
                any(name == "round" for name, _ in h.heard) for h in holders
            ):
                time.sleep(0.02)
            delays = [
                min(at for name, at in h.heard if name == "round") - opened
                for h in holders
                if any(name == "round" for name, _ in h.heard)
            ]
            snapshots = sum(any(name == "snapshot" for name, _ in h.heard) for h in holders)
        finally:
            stop.set()
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)

    pages_ok = [lat for kind, lat, status in results if kind == "page" and status in (200, 302)]
    submits = [(lat, status) for kind, lat, status in results if kind == "submit"]
    everything = [lat for _, lat, status in results if status > 0]
    failures = [status for _, _, status in results if status not in (200, 201, 302)]
    print()
    print(f"answers: {len(submits)} submissions, {complete} complete rows stored ({total} started)")
    print(f"failed requests: {len(failures)} {sorted(set(failures))}")
    print(f"all answered in {wall:.1f} s (arrivals over {args.spread:.0f} s)")
    print(
        f"page requests ({len(pages_ok)}): p50 {1000 * statistics.median(pages_ok):.1f} ms, "
        f"p95 {1000 * _pct(pages_ok, 0.95):.1f} ms, max {1000 * max(pages_ok):.1f} ms "
        f"(budget p95 < {PAGE_P95_BUDGET_MS:.0f} ms)"
    )
    print(
        f"every request ({len(everything)}): p95 {1000 * _pct(everything, 0.95):.1f} ms; "
        f"stream connect p95 {1000 * _pct(connected, 0.95):.1f} ms"
    )
    print(f"holders that heard a snapshot: {snapshots} of {args.holders}")
    if delays:
        print(
            f"round opened -> heard by {len(delays)} of {args.holders} holders: "
            f"p50 {1000 * statistics.median(delays):.1f} ms, max {1000 * max(delays):.1f} ms "
            f"(budget {PUSH_BUDGET_S:.0f} s)"
        )
    errors = [h.error for h in holders if h.error]
    if errors:
        print(f"holder errors: {len(errors)}, e.g. {errors[0]}")
    ok = (
        complete == args.participants
        and pages_ok
        and _pct(pages_ok, 0.95) * 1000 < PAGE_P95_BUDGET_MS
        and len(delays) == args.holders
        and max(delays) < PUSH_BUDGET_S
    )
    print("within budget" if ok else "OVER BUDGET")


if __name__ == "__main__":
    main()
