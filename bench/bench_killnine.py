"""Check: 200 concurrent submissions against gunicorn on 127.0.0.1, a worker killed with
SIGKILL while they are in flight, then every acknowledged submission (HTTP 201 with an id) is
looked up in the database. Prints the figures; exits 1 if any acknowledged answer is lost.

    .venv/bin/python bench/bench_killnine.py                      # SQLite (WAL), temporary folder
    .venv/bin/python bench/bench_killnine.py --rounds 5 --clients 200
    .venv/bin/python bench/bench_killnine.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Bounded: at most 10 rounds of at most 500 clients, each round stops after 60 s, and gunicorn is
stopped when the script ends (also on Ctrl-C). A PostgreSQL database given here is wiped.
A submission whose connection died with its worker is "not acknowledged": the client was told
nothing, so it may or may not be stored; only acknowledged ones must be.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_submit import _free_port, _gunicorn, _prepare_app, _wait_ready  # noqa: E402


def _workers(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def _submit(port: int, body: dict, out: list, start: threading.Barrier) -> None:
    payload = json.dumps(body).encode()
    start.wait()
    began = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/v1/assessments", payload, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if response.status == 201:
            out.append(("ack", json.loads(data)["id"], time.perf_counter() - began))
        else:
            out.append(("status", response.status, time.perf_counter() - began))
    except (OSError, http.client.HTTPException) as exc:
        out.append(("dropped", type(exc).__name__, time.perf_counter() - began))


def _round(port: int, master: int, body: dict, clients: int, kill_after: float, n: int) -> dict:
    out: list = []
    start = threading.Barrier(clients + 1)
    threads = [
        threading.Thread(
            target=_submit, args=(port, body | {"organisation": f"round {n} client {k}"}, out, start)
        )
        for k in range(clients)
    ]
    for t in threads:
        t.start()
    start.wait()
    time.sleep(kill_after)
    victims = _workers(master)
    killed = None
    if victims:
        killed = victims[0]
        os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 60
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return {"out": out, "killed": killed, "hung": sum(t.is_alive() for t in threads)}


def _stored(database_url: str, ids: list[str]) -> set[str]:
    from sqlalchemy import select

    from assessment.db import make_engine
    from assessment.db.models import Assessment

    engine = make_engine(database_url)
    found: set[str] = set()
    with engine.connect() as connection:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(connection.execute(select(Assessment.id).where(Assessment.id.in_(chunk))).scalars())
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=200, help="concurrent submissions per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--kill-after", type=float, default=0.05, help="seconds into a round to kill a worker"
    )
    args = parser.parse_args()
    if not (1 <= args.rounds <= 10 and 1 <= args.clients <= 500):
        parser.error("keep it bounded: 1-10 rounds of 1-500 clients")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        body = _prepare_app(url)  # an empty database (created or wiped), the questionnaires
        port = _free_port()
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", PYTHONPATH=str(REPO))
        server = _gunicorn("app:app", port, args.workers, env)
        try:
            _wait_ready(port, server)
            time.sleep(1.0)  # every worker booted
            print(f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}; {url.split('://')[0]}")
            print(f"{'round':<7}{'clients':>8}{'acked':>7}{'other':>7}{'dropped':>9}{'hung':>6}"
                  f"{'p50 ms':>9}{'p95 ms':>9}  killed")  # fmt: skip
            acknowledged: list[str] = []
            for n in range(1, args.rounds + 1):
                r = _round(port, server.pid, body, args.clients, args.kill_after, n)
                acks = [x for x in r["out"] if x[0] == "ack"]
                acknowledged += [x[1] for x in acks]
                times = sorted(x[2] * 1000 for x in acks) or [0.0]
                p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
                print(
                    f"{n:<7}{args.clients:>8}{len(acks):>7}{sum(x[0] == 'status' for x in r['out']):>7}"
                    f"{sum(x[0] == 'dropped' for x in r['out']):>9}{r['hung']:>6}"
                    f"{statistics.median(times):>9.1f}{p95:>9.1f}  pid {r['killed']}"
                )
                time.sleep(1.5)  # gunicorn replaces the killed worker
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(20)
            except Exception:
                server.kill()
        stored = _stored(url, acknowledged)
        lost = len(set(acknowledged) - stored)
        print(f"acknowledged {len(acknowledged)}, found in the database {len(stored)}, lost {lost}")
        sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()
