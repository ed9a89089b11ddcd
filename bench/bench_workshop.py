"""Benchmark: a workshop of 200 participants submitting within a minute, against gunicorn on
127.0.0.1; then the facilitator's dashboard summary and the group PDF at 200 respondents.

DESIGN.md's budget: every answer saved, p95 submit latency under 100 ms.

    .venv/bin/python bench/bench_workshop.py                        # SQLite (WAL), temporary folder
    .venv/bin/python bench/bench_workshop.py --mode web             # phones: join page + 5 pages each
    .venv/bin/python bench/bench_workshop.py --spread 10            # everyone within 10 s instead
    .venv/bin/python bench/bench_workshop.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Modes: ``api`` (default) has each participant join (``POST /api/v1/groups/join`` with the code
and a role) and then send one ``POST /api/v1/assessments`` with the participant token it got;
``web`` walks what a phone does: GET the join page, POST the role, then for
each questionnaire page a GET and a POST (the last POST is the submission), with cookies and
CSRF tokens, redirects not followed. Participants arrive spread evenly (with jitter) over
``--spread`` seconds; each participant's requests run one after another. The clients run in
separate processes with a thread per participant. A PostgreSQL database given here is wiped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_submit import _free_port, _gunicorn, _wait_ready  # noqa: E402
from fresh import fresh_app  # noqa: E402

P95_BUDGET_MS = 100.0
ROLES = ["leadership"] * 3 + ["manager"] * 4 + ["communications"] * 2 + ["staff"] * 11


def _prepare(database_url: str) -> dict[str, str]:
    """A fresh schema, the questionnaires, a facilitator with a token and an open workshop."""
    from assessment.services import accounts, workshops
    from assessment.services.questionnaires import current_version

    app = fresh_app(database_url)
    with app.extensions["database"].session() as s:
        user = accounts.create_user(s, "bench@example.org", None)
        token = accounts.create_token(s, user)
        version = current_version(s, "social-organisation")
        group = workshops.create_workshop(
            s, user.id, version, name="Bench workshop", organisation="Bench Ltd"
        )
        s.commit()
        out = {"token": token, "group": group.id, "code": group.join_code}
    app.extensions["database"].engine.dispose()
    return out


def _answers(rng: random.Random, role: str) -> dict[str, object]:
    from assessment.cli.facilitators import demo_answers
    from assessment.domain.questionnaire import load_questionnaire

    q = load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml")
    return demo_answers(q, role, rng)


# --------------------------------------------------------------------------- one participant


class Phone:
    """A participant's browser: one connection per request, cookies kept, no redirects followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.latencies: list[tuple[str, float, int]] = []

    def request(self, kind: str, method: str, path: str, body: bytes | None = None, headers=None):  # type: ignore[no-untyped-def]
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        self.latencies.append((kind, time.perf_counter() - started, response.status))
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, data


def _participant_api(port: int, code: str, role: str, answers: dict) -> Phone:
    phone = Phone(port)
    json_type = {"Content-Type": "application/json"}
    joining = json.dumps({"code": code, "role": role}).encode()
    response, data = phone.request("join", "POST", "/api/v1/groups/join", joining, json_type)
    if response.status != 201:
        phone.latencies.append(("submit", 0.0, response.status))  # no token: a failed submission
        return phone
    token = json.loads(data)["participant_token"]
    body = json.dumps(
        {"questionnaire": "social-organisation", "answers": answers, "participant_token": token}
    )
    phone.request("submit", "POST", "/api/v1/assessments", body.encode(), json_type)
    return phone


CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _csrf(html: bytes) -> str:
    match = CSRF.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return (match.group(1) or match.group(2)).decode()


def _participant_web(
    port: int, code: str, role: str, answers: dict, pages: list[list[str]], phone: Phone | None = None
) -> Phone:
    """A phone's walk through the workshop; ``phone``: one of the caller's (bench_scaleout's
    retries on a server that went away)."""
    phone = phone or Phone(port)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    _, html = phone.request("page", "GET", f"/join/{code}")
    token = _csrf(html)
    response, _ = phone.request(
        "page", "POST", f"/join/{code}", urlencode({"role": role, "csrf_token": token}).encode(), form
    )
    location = response.headers.get("Location", "")
    match = re.search(r"/a/([\w-]+)/1$", location)
    if response.status != 302 or not match:
        phone.latencies.append(("submit", 0.0, response.status))  # counted as a failed submission
        return phone
    private = match.group(1)
    for number, items in enumerate(pages, start=1):
        _, html = phone.request("page", "GET", f"/a/{private}/{number}")
        fields = {i: str(answers[i]) for i in items if i in answers}
        last = number == len(pages)
        fields.update({"csrf_token": _csrf(html), "action": "finish" if last else "next"})
        phone.request(
            "submit" if last else "page", "POST", f"/a/{private}/{number}", urlencode(fields).encode(), form
        )
    return phone


def _client_process(
    port: int, mode: str, code: str, jobs: list[tuple[float, str, dict]], pages, start_at: float
):  # type: ignore[no-untyped-def]
    """Runs its participants, each in a thread that waits for its arrival time."""
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()

    def run(arrival: float, role: str, answers: dict) -> None:
        delay = start_at + arrival - time.time()
        if delay > 0:
            time.sleep(delay)
        try:
            if mode == "api":
                phone = _participant_api(port, code, role, answers)
            else:
                phone = _participant_web(port, code, role, answers, pages)
            found = phone.latencies
        except Exception as exc:  # a participant who failed is a failed submission, not a crash
            found = [("submit", 0.0, -1)]
            print(f"participant failed: {exc!r}", file=sys.stderr)
        with lock:
            results.extend(found)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * (len(ordered) - 1) + 0.5))]


def _timed_get(port: int, path: str, token: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(f"GET {path} -> {response.status}")
        times.append(time.perf_counter() - started)
    return times


def _stored(database_url: str, group_id: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from assessment.db import Database
    from assessment.db.models import Assessment

    database = Database(database_url)
    with database.session() as s:
        complete = s.scalar(
            select(func.count()).where(Assessment.group_id == group_id, Assessment.status == "complete")
        )
        total = s.scalar(select(func.count()).where(Assessment.group_id == group_id))
    database.engine.dispose()
    return int(complete or 0), int(total or 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--spread", type=float, default=60.0, help="seconds over which participants arrive")
    parser.add_argument("--mode", choices=["api", "web"], default="api")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 2), help="gunicorn sync workers"
    )
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary folder")
    args = parser.parse_args()
    if not 1 <= args.participants <= 1000 or not 1 <= args.spread <= 120:
        parser.error("keep it bounded: at most 1000 participants within at most 120 s")

    from assessment.domain.questionnaire import load_questionnaire

    q = load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml")
    pages = [[i.id for i in q.items_of(d.id)] for d in q.dimensions]
    rng = random.Random(200)
    with tempfile.TemporaryDirectory(prefix="bench-workshop-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'app.sqlite'}"
        setup = _prepare(url)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
        # The report's figure is its render in the app server, as before the job queue: the job
        # runs in the process that asks for it (no worker to start).
        env.update({"DATABASE_URL": url, "SECRET_KEY": "bench", "JOB_QUEUE": "immediate"})
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
        print(
            f"{args.participants} participants ({args.mode} mode) arriving over {args.spread:.0f} s; "
            f"gunicorn {args.workers} sync workers on 127.0.0.1; {database}; {os.cpu_count()} cores"
        )
        port = _free_port()
        server = _gunicorn("app:app", port, args.workers, env)
        try:
            _wait_ready(port, server)
            # Warm every worker (imports, first connection, questionnaire cache) outside the measurement.
            _timed_get(port, f"/api/v1/groups/{setup['group']}/summary", setup["token"], 4 * args.workers)
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
                    pool.submit(_client_process, port, args.mode, setup["code"], share, pages, start_at)
                    for share in shares
                ]
                results = [r for f in futures for r in f.result()]
            wall = time.perf_counter() - began - 2.0
            complete, total = _stored(url, setup["group"])

            summary_times = _timed_get(port, f"/api/v1/groups/{setup['group']}/summary", setup["token"], 20)
            pdf_times = _timed_get(port, f"/api/v1/groups/{setup['group']}/report.pdf", setup["token"], 4)[1:]
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()  # a worker that does not stop must not hide the results
                server.wait(timeout=30)

    submits = [(lat, status) for kind, lat, status in results if kind == "submit"]
    submit_ok = [lat for lat, status in submits if status in (201, 302)]
    everything = [lat for _, lat, status in results if status > 0]
    failures = [status for _, _, status in results if status not in (200, 201, 302)]
    print()
    print(
        f"submissions sent: {len(submits)}; answered OK: {len(submit_ok)}; complete rows stored: {complete}"
    )
    print(
        f"assessments in the workshop (complete or not): {total}; "
        f"failed requests: {len(failures)} {sorted(set(failures))}"
    )
    print(f"all done in {wall:.1f} s (arrivals spread over {args.spread:.0f} s)")
    if submit_ok:
        print(
            f"submit latency: p50 {1000 * statistics.median(submit_ok):.1f} ms, "
            f"p95 {1000 * _pct(submit_ok, 0.95):.1f} ms, "
            f"max {1000 * max(submit_ok):.1f} ms  (budget p95 < {P95_BUDGET_MS:.0f} ms)"
        )
    if args.mode == "web":
        print(
            f"every request ({len(everything)}): p50 {1000 * statistics.median(everything):.1f} ms, "
            f"p95 {1000 * _pct(everything, 0.95):.1f} ms"
        )
    print(
        f"dashboard summary at {complete} respondents (GET /api/v1/groups/<id>/summary, 20 runs): "
        f"median {1000 * statistics.median(summary_times):.1f} ms, "
        f"p95 {1000 * _pct(summary_times, 0.95):.1f} ms"
    )
    print(f"group PDF at {complete} respondents (warm, 3 runs): median {statistics.median(pdf_times):.2f} s")
    ok = complete == args.participants and submit_ok and _pct(submit_ok, 0.95) * 1000 < P95_BUDGET_MS
    print("within budget" if ok else "OVER BUDGET")


if __name__ == "__main__":
    main()
