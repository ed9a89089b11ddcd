"""Benchmark: the scaled-out shape on this machine, with a crash in the middle.

Starts on 127.0.0.1 two gunicorn app servers behind nginx (Debian's package, run as a process of
this script with a configuration written to a temporary folder, never the system service), two
job-queue workers (``flask --app app worker``), on PostgreSQL (a fresh database of its own) and
Redis (one database number). Then, within ``--spread`` seconds, 200 workshop participants walk
the phone's web flow (bench_workshop's: join page, role, each questionnaire page GET and POST)
and 50 self-assessors submit through the API (with an Idempotency-Key) and download their PDF
report. Halfway through, one app server and one worker are killed with SIGKILL (each with its
whole process group, as a machine that dies).

Clients behave as people and API clients do: a request that fails because a server went away
(a 502 or 504 from nginx, a dropped connection) is sent again, a 503 with Retry-After is waited
out, at most ``ATTEMPTS`` times. Afterwards the database is checked: every acknowledged answer
is stored exactly once (each acknowledged participant's response complete with the answers it
sent, no second complete response, each acknowledged API submission stored once under its key)
and every report was delivered. It prints the throughput, p95 per request kind, the reports'
latency and what the kill cost, and stops everything it started, also on an error or Ctrl-C.

    apt-get install -y nginx       # once; the script never starts the system service
    .venv/bin/python bench/bench_scaleout.py
    .venv/bin/python bench/bench_scaleout.py --participants 50 --self-assessors 10 --spread 20

Without a ``worker`` command (a release before the job queue) it runs with what exists: reports
render inside the app servers, and it says so.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
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
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_submit import _free_port, _gunicorn, _wait_ready  # noqa: E402
from bench_workshop import ROLES, Phone, _answers, _participant_web, _pct, _prepare  # noqa: E402

ATTEMPTS = 6  # per request, counting the first
RETRY_STATUSES = (502, 503, 504)
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/wt_w23b_scaleout"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 1m;
    upstream app {{
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=10s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A refused connection goes to the other server (nothing was sent yet); a request
            # in flight on a server that dies is a 502 its client sends again.
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            proxy_read_timeout 90s;
            proxy_buffering off;
        }}
    }}
}}
"""


# --------------------------------------------------------------------------- clients


class RetryingPhone(Phone):
    """bench_workshop's phone that sends a request again when the server it reached went away,
    and keeps (kind, wall-clock start, seconds, status) of every attempt."""

    def __init__(self, port: int):
        super().__init__(port)
        self.attempts: list[tuple[str, float, float, int]] = []
        self.private: str | None = None

    def request(self, kind: str, method: str, path: str, body: bytes | None = None, headers=None):  # type: ignore[no-untyped-def]
        for attempt in range(ATTEMPTS):
            began, started = time.time(), time.perf_counter()
            try:
                response, data = super().request(kind, method, path, body, headers)
            except (OSError, http.client.HTTPException):
                self.attempts.append((kind, began, time.perf_counter() - started, -1))
                time.sleep(0.2 * (attempt + 1))
                continue
            self.attempts.append((kind, began, time.perf_counter() - started, response.status))
            found = re.search(r"/a/([\w-]+)/1$", response.headers.get("Location", ""))
            if found and self.private is None:
                self.private = found.group(1)
            if response.status not in RETRY_STATUSES or attempt == ATTEMPTS - 1:
                return response, data
            time.sleep(min(float(response.headers.get("Retry-After") or 0.2 * (attempt + 1)), 5.0))
        raise ConnectionError(f"{method} {path}: no answer in {ATTEMPTS} attempts")


def _participant(port: int, code: str, role: str, answers: dict, pages: list[list[str]]) -> dict[str, Any]:
    phone = RetryingPhone(port)
    error = None
    try:
        _participant_web(port, code, role, answers, pages, phone=phone)
    except Exception as exc:  # a participant who gave up is counted, not a crash of the bench
        error = repr(exc)
    finishes = [status for kind, _, _, status in phone.attempts if kind == "submit"]
    return {
        "kind": "participant",
        "private": phone.private,
        "answers": answers,
        "acknowledged": bool(finishes) and finishes[-1] == 302,
        "attempts": phone.attempts,
        "error": error,
    }


def _api(port: int, method: str, path: str, body: bytes | None, headers: dict[str, str], timeout: float):  # type: ignore[no-untyped-def]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def _self_assessor(port: int, number: int, answers: dict, deadline: float) -> dict[str, Any]:
    """POST /api/v1/assessments with an Idempotency-Key (sent again with the same key), then
    GET its report.pdf until the PDF arrives (503 with Retry-After waited out)."""
    attempts: list[tuple[str, float, float, int]] = []
    organisation = f"Self-assessor {number:03d}"
    body = json.dumps(
        {"questionnaire": "social-organisation", "answers": answers, "organisation": organisation}
    ).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    out: dict[str, Any] = {
        "kind": "self",
        "organisation": organisation,
        "answers": answers,
        "id": None,
        "acknowledged": False,
        "report": None,
        "report_seconds": None,
        "attempts": attempts,
        "error": None,
    }

    def send(kind: str, method: str, path: str, payload: bytes | None, head: dict[str, str]):  # type: ignore[no-untyped-def]
        for attempt in range(ATTEMPTS * 3):
            began, started = time.time(), time.perf_counter()
            try:
                response, data = _api(port, method, path, payload, head, timeout=60)
            except (OSError, http.client.HTTPException):
                attempts.append((kind, began, time.perf_counter() - started, -1))
                time.sleep(0.2 * (attempt + 1))
                continue
            attempts.append((kind, began, time.perf_counter() - started, response.status))
            if response.status not in RETRY_STATUSES or time.time() > deadline:
                return response, data
            time.sleep(min(float(response.headers.get("Retry-After") or 0.2 * (attempt + 1)), 5.0))
        raise ConnectionError(f"{method} {path}: no answer in {ATTEMPTS * 3} attempts")

    try:
        response, data = send("api submit", "POST", "/api/v1/assessments", body, headers)
        if response.status != 201:
            out["error"] = f"submit: {response.status} {data[:200]!r}"
            return out
        out["acknowledged"], out["id"] = True, json.loads(data)["id"]
        started = time.perf_counter()
        response, data = send("report", "GET", f"/api/v1/assessments/{out['id']}/report.pdf", None, {})
        if response.status == 200 and data.startswith(b"%PDF"):
            out["report"], out["report_seconds"] = len(data), time.perf_counter() - started
        else:
            out["error"] = f"report: {response.status} {data[:200]!r}"
    except Exception as exc:
        out["error"] = repr(exc)
    return out


def _client_process(port: int, code: str, jobs: list[tuple], pages, start_at: float, deadline: float):  # type: ignore[no-untyped-def]
    """One client process: a thread per person, each waiting for its arrival time."""
    results: list[dict[str, Any]] = []
    lock = threading.Lock()

    def run(arrival: float, who: str, number: int, role: str, answers: dict) -> None:
        delay = start_at + arrival - time.time()
        if delay > 0:
            time.sleep(delay)
        if who == "participant":
            found = _participant(port, code, role, answers, pages)
        else:
            found = _self_assessor(port, number, answers, deadline)
        with lock:
            results.append(found)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# --------------------------------------------------------------------------- the processes


def _signal(process: subprocess.Popen, number: int) -> None:
    """``number`` to the process's whole group (a gunicorn master and its workers, nginx's)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, number)


class Processes:
    """Everything the bench starts, each in a session of its own so that it is killed whole."""

    def __init__(self) -> None:
        self.started: dict[str, subprocess.Popen] = {}

    def add(self, name: str, process: subprocess.Popen) -> subprocess.Popen:
        self.started[name] = process
        return process

    def kill(self, name: str) -> None:
        process = self.started[name]
        _signal(process, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                _signal(process, signal.SIGTERM)
        for process in self.started.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL)
                process.wait(timeout=10)


def _fresh_database(url: str) -> None:
    """Drop and create the database the URL names (on the same server's ``postgres`` database)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"unexpected database name {name!r}")
    server = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def _has_worker_command() -> bool:
    """Whether this release has ``flask worker`` (its module), without starting a Flask CLI."""
    import importlib.util

    return importlib.util.find_spec("assessment.cli.worker") is not None


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _start_nginx(processes: Processes, folder: Path, port: int, port_a: int, port_b: int) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is not installed: apt-get install -y nginx")
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    os.chmod(folder, 0o755)  # nginx's worker runs as another user and must reach its temp paths
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, port=port, port_a=port_a, port_b=port_b))
    process = processes.add(
        "nginx", subprocess.Popen([nginx, "-c", str(conf), "-p", str(folder)], start_new_session=True)
    )
    _wait_ready(port, process)


# --------------------------------------------------------------------------- the run


def _stored(url: str, group_id: str, people: list[dict[str, Any]]) -> dict[str, Any]:
    """What the database holds for the people's acknowledged answers."""
    from sqlalchemy import func, select

    from assessment.db import Database
    from assessment.db.models import Assessment

    database = Database(url)
    checks: dict[str, Any] = {"missing": [], "different": [], "duplicates": 0}
    with database.session() as s:
        for person in people:
            if not person["acknowledged"]:
                continue
            if person["kind"] == "participant":
                row = s.scalar(select(Assessment).where(Assessment.token == person["private"]))
            else:
                row = s.get(Assessment, person["id"])
            if row is None or row.status != "complete":
                checks["missing"].append(person.get("private") or person.get("id"))
            elif {k: v for k, v in (row.answers or {}).items()} != {
                k: v for k, v in person["answers"].items() if v is not None
            }:
                checks["different"].append(row.id)
        complete_in_group = int(
            s.scalar(
                select(func.count()).where(Assessment.group_id == group_id, Assessment.status == "complete")
            )
            or 0
        )
        in_group = int(s.scalar(select(func.count()).where(Assessment.group_id == group_id)) or 0)
        self_rows = int(
            s.scalar(
                select(func.count()).where(
                    Assessment.group_id.is_(None), Assessment.organisation.like("Self-assessor %")
                )
            )
            or 0
        )
        jobs = _jobs(s)
    database.engine.dispose()
    acknowledged = sum(1 for p in people if p["kind"] == "participant" and p["acknowledged"])
    participants = sum(1 for p in people if p["kind"] == "participant" and p["private"])
    selves = sum(1 for p in people if p["kind"] == "self" and p["acknowledged"])
    checks.update(
        complete_in_group=complete_in_group,
        acknowledged_participants=acknowledged,
        # A second complete response of one person, or a stored answer nobody was told about.
        duplicates=max(0, complete_in_group - acknowledged) + max(0, self_rows - selves),
        unfinished_joins=in_group - participants,
        self_rows=self_rows,
        acknowledged_self=selves,
        jobs=jobs,
    )
    return checks


def _jobs(s: Any) -> dict[str, int] | None:
    """The job queue's rows (None before the queue existed): how many, re-run, failed."""
    from sqlalchemy import inspect, text

    if "jobs" not in inspect(s.get_bind()).get_table_names():
        return None
    row = s.execute(
        text(
            "SELECT count(*), sum(CASE WHEN attempts > 1 THEN 1 ELSE 0 END), "
            "sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END) FROM jobs"
        )
    ).one()
    return {"jobs": int(row[0] or 0), "run_again": int(row[1] or 0), "failed": int(row[2] or 0)}


def _print_report(people: list[dict[str, Any]], checks: dict[str, Any], info: dict[str, Any]) -> bool:
    attempts = [a for p in people for a in p["attempts"]]
    ok = [a for a in attempts if a[3] in (200, 201, 302)]
    kill_at = info["kill_at"]
    wall = info["wall"]
    print()
    print(
        f"{len(attempts)} requests in {wall:.1f} s: {len(ok) / wall:.1f} answered requests/s "
        f"({len(attempts) - len(ok)} attempts failed or refused and were sent again)"
    )
    kinds = ["page", "submit", "api submit", "report"]
    labels = {
        "page": "page (join, GET/POST page)",
        "submit": "finish (last page POST)",
        "api submit": "API submit",
        "report": "report download attempt",
    }
    print()
    print(f"{'request kind':<30}{'n':>6}{'ok':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind in kinds:
        mine = [a for a in attempts if a[0] == kind]
        good = [a[2] for a in mine if a[3] in (200, 201, 302)]
        if not mine:
            continue
        p50 = f"{1000 * statistics.median(good):.0f}" if good else "-"
        p95 = f"{1000 * _pct(good, 0.95):.0f}" if good else "-"
        top = f"{1000 * max(good):.0f}" if good else "-"
        print(f"{labels[kind]:<30}{len(mine):>6}{len(good):>6}{p50:>9}{p95:>9}{top:>9}")
    reports = [p["report_seconds"] for p in people if p["kind"] == "self" and p["report_seconds"] is not None]
    selves = [p for p in people if p["kind"] == "self"]
    print()
    if reports:
        print(
            f"reports delivered: {len(reports)} of {len(selves)}; latency (first request to PDF, "
            f"retries included): p50 {statistics.median(reports):.2f} s, p95 {_pct(reports, 0.95):.2f} s, "
            f"max {max(reports):.2f} s"
        )
    else:
        print(f"reports delivered: 0 of {len(selves)}")
    # What the kill cost: failed attempts, and latency in the 10 s after it against the 10 s before.
    failed_after = [a for a in attempts if a[3] not in (200, 201, 302) and kill_at <= a[1] < kill_at + 30]
    before = [a[2] for a in ok if kill_at - 10 <= a[1] < kill_at and a[0] != "report"]
    after = [a[2] for a in ok if kill_at <= a[1] < kill_at + 10 and a[0] != "report"]
    retried_people = sum(1 for p in people if any(a[3] not in (200, 201, 302) for a in p["attempts"]))
    print(
        f"the kill (app server {info['killed_server']} and {info['killed_worker']}, SIGKILL at "
        f"{info['kill_offset']:.0f} s): {len(failed_after)} failed attempts in the 30 s after it "
        f"({', '.join(f'{s}: {n}' for s, n in _statuses(failed_after)) or 'none'}), "
        f"{retried_people} people sent something again"
    )
    if before and after:
        print(
            f"  requests' p95 in the 10 s before the kill {1000 * _pct(before, 0.95):.0f} ms, "
            f"in the 10 s after {1000 * _pct(after, 0.95):.0f} ms"
        )
    jobs = checks["jobs"]
    if jobs is not None:
        print(
            f"  job queue: {jobs['jobs']} jobs, {jobs['run_again']} run again after a worker died, "
            f"{jobs['failed']} failed"
        )
    errors = [p["error"] for p in people if p["error"]]
    print()
    print(
        f"workshop: {checks['acknowledged_participants']} finishes acknowledged, "
        f"{checks['complete_in_group']} complete responses stored, "
        f"{checks['unfinished_joins']} joins left unfinished (a join whose reply was lost, sent again)"
    )
    print(
        f"self-assessors: {checks['acknowledged_self']} submissions acknowledged, "
        f"{checks['self_rows']} stored"
    )
    print(
        f"acknowledged but missing: {len(checks['missing'])}; stored with other answers: "
        f"{len(checks['different'])}; stored twice or unacknowledged: {checks['duplicates']}"
    )
    if errors:
        print(f"people who gave up: {len(errors)}; first: {errors[0]}")
    everyone = sum(1 for p in people if p["kind"] == "participant")
    good = (
        not checks["missing"]
        and not checks["different"]
        and checks["duplicates"] == 0
        and len(reports) == len(selves)
        and checks["acknowledged_participants"] == everyone
    )
    print("every acknowledged answer stored once, every report delivered" if good else "CHECKS FAILED")
    return good


def _statuses(attempts: list[tuple[str, float, float, int]]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for a in attempts:
        label = "connection lost" if a[3] < 0 else str(a[3])
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--self-assessors", type=int, default=50)
    parser.add_argument("--spread", type=float, default=60.0, help="seconds over which people arrive")
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction of --spread")
    parser.add_argument("--app-workers", type=int, default=2, help="gunicorn workers per app server")
    # A download waiting for its render holds two database connections (its session and the
    # job poll): more than 7 threads would exhaust SQLAlchemy's default pool of 5 + 10.
    parser.add_argument("--threads", type=int, default=6, help="threads per gunicorn worker")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--timeout", type=float, default=420.0, help="the clients' bound, seconds")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE, help="PostgreSQL; dropped and created")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help="its database is emptied first")
    args = parser.parse_args()
    if not (1 <= args.participants <= 400 and 0 <= args.self_assessors <= 100 and 5 <= args.spread <= 120):
        parser.error("keep it bounded: at most 400 participants and 100 self-assessors within 120 s")
    if not args.database_url.startswith("postgresql"):
        parser.error("the scale-out runs on PostgreSQL (several servers share one database)")

    import redis

    processes = Processes()
    # SIGTERM (and Ctrl-C) end the run through the finally below, which stops every process.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    from assessment.domain.questionnaire import load_questionnaire

    q = load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml")
    pages = [[i.id for i in q.items_of(d.id)] for d in q.dimensions]
    rng = random.Random(4)
    folder = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    try:
        _fresh_database(args.database_url)
        redis.Redis.from_url(args.redis_url).flushdb()
        setup = _prepare(args.database_url)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "JOB_QUEUE")}
        env.update(
            {
                "DATABASE_URL": args.database_url,
                "REDIS_URL": args.redis_url,
                "SECRET_KEY": "bench",
                "TRUSTED_PROXIES": "1",  # nginx in front: the client address is X-Forwarded-For
            }
        )
        workers = _has_worker_command()
        ports = [_free_port() for _ in range(3)]
        if len(set(ports)) < 3 or not all(_port_free(p) for p in ports):
            raise SystemExit("could not find three free ports on 127.0.0.1")
        port, port_a, port_b = ports
        gunicorn_options = ("--worker-class", "gthread", "--threads", str(args.threads), "--timeout", "120")
        for name, p in (("app server A", port_a), ("app server B", port_b)):
            processes.add(
                name, _gunicorn("app:app", p, args.app_workers, env, gunicorn_options, start_new_session=True)
            )
        if workers:
            flask = str(Path(sys.executable).parent / "flask")
            for name in ("worker 1", "worker 2"):
                log = open(folder / f"{name.replace(' ', '-')}.log", "wb")  # noqa: SIM115 (lives with the process)
                processes.add(
                    name,
                    subprocess.Popen(
                        [flask, "--app", "app", "worker"],
                        cwd=REPO,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    ),
                )
        for p, name in ((port_a, "app server A"), (port_b, "app server B")):
            _wait_ready(p, processes.started[name], timeout=60)
        _start_nginx(processes, folder, port, port_a, port_b)
        print(
            f"nginx :{port} -> gunicorn :{port_a}, :{port_b} ({args.app_workers} gthread workers x "
            f"{args.threads} threads each); "
            + (
                "2 job-queue workers (flask worker)"
                if workers
                else "NO job-queue worker in this release: reports render in the app servers"
            )
            + f"; PostgreSQL {args.database_url.rsplit('/', 1)[1]}; Redis {args.redis_url}; "
            f"{os.cpu_count()} cores"
        )
        print(
            f"{args.participants} participants (web flow) and {args.self_assessors} self-assessors "
            f"(API submit + report) arriving over {args.spread:.0f} s; "
            f"SIGKILL at {args.kill_at * args.spread:.0f} s"
        )
        # Warm both servers (imports, first connections) outside the measurement; gunicorn
        # listens before its workers have imported the app.
        for p in (port_a, port_b):
            for _ in range(2 * args.app_workers):
                _api(p, "GET", "/api/v1/questionnaires", None, {}, timeout=120)
        jobs: list[tuple] = []
        for k in range(args.participants):
            role = ROLES[k % len(ROLES)]
            jobs.append((rng.uniform(0, args.spread), "participant", k, role, _answers(rng, role)))
        for k in range(args.self_assessors):
            jobs.append((rng.uniform(0, args.spread * 0.9), "self", k, "", _answers(rng, "leadership")))
        rng.shuffle(jobs)
        start_at = time.time() + 2.0
        deadline = start_at + args.timeout
        shares = [jobs[p :: args.processes] for p in range(args.processes)]
        with ProcessPoolExecutor(max_workers=args.processes) as pool:
            futures = [
                pool.submit(_client_process, port, setup["code"], share, pages, start_at, deadline)
                for share in shares
            ]
            kill_at = start_at + args.kill_at * args.spread
            time.sleep(max(0.0, kill_at - time.time()))
            processes.kill("app server A")
            killed_worker = "worker 1" if workers else "no worker"
            if workers:
                processes.kill("worker 1")
            # Every client stops retrying at the deadline; requests have their own timeouts.
            people = [r for f in futures for r in f.result(timeout=max(1.0, deadline + 120 - time.time()))]
        wall = time.time() - start_at
        checks = _stored(args.database_url, setup["group"], people)
        info = {
            "kill_at": kill_at,
            "kill_offset": kill_at - start_at,
            "wall": wall,
            "killed_server": "A",
            "killed_worker": killed_worker,
        }
        ok = _print_report(people, checks, info)
    finally:
        processes.stop_all()
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
