"""Benchmark: the cost curve of a group's read paths at 100, 1,000 and 10,000 responses in one
group: the workshop dashboard's summary (GET /api/v1/groups/<id>/summary), the workshop report's
context (what the PDF, Word file and slides are built from; not WeasyPrint's render), the CSV and
XLSX exports, and a cohort's before-vs-after comparison (its API body and its page/PDF context).

Each is timed warm (median of --runs) and its SQL statements are counted with an SQLAlchemy
event listener. DESIGN.md asks for SQL aggregation: the number of statements must not change with
the group's size, and no time may grow faster than the number of responses (the last columns:
time per response, and the growth against the previous size divided by the growth in responses,
which stays at or under 1 when the cost is at most linear).

    .venv/bin/python bench/bench_costcurve.py                     # SQLite in a temporary folder
    .venv/bin/python bench/bench_costcurve.py --sizes 100 1000    # quicker
    .venv/bin/python bench/bench_costcurve.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

A PostgreSQL database given here is wiped. The groups grow in place (100, then 900 more, ...),
so the largest size is built once.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ROLES = ("leadership", "manager", "staff", "communications")


def measured_paths(user_id: int, workshop_id: str, cohort_id: str) -> dict[str, Callable[[Any], object]]:
    """The read paths, each as the route calls it (a fresh session per call)."""
    from assessment.db.models import Group
    from assessment.services import comparison_report, exports, plans, workshops
    from assessment.services.cohorts import change
    from assessment.services.reports import full_group_context

    def summary(s: Any) -> object:
        group = workshops.owned_group(s, user_id, workshop_id)
        view = workshops.workshop_view(s, group)
        s.commit()
        body = workshops.summary_dict(view)
        body.update(plans.review_payload(plans.group_review(s, group, view.members)))
        return body

    def context(s: Any) -> object:
        return full_group_context(s, s.get(Group, workshop_id))

    def csv(s: Any) -> object:
        table = exports.response_table(s, s.get(Group, workshop_id), sheets=False)  # as the route
        return exports.to_csv(table).encode("utf-8-sig")

    def xlsx(s: Any) -> object:
        return exports.to_xlsx(exports.response_table(s, s.get(Group, workshop_id)))

    def cohort_change(s: Any) -> object:
        return change(s, s.get(Group, cohort_id), "pre", "post")

    def cohort_page(s: Any) -> object:
        return comparison_report.change_comparison(s, s.get(Group, cohort_id), "pre", "post")

    return {
        "dashboard summary": summary,
        "group report context": context,
        "export CSV": csv,
        "export XLSX": xlsx,
        "cohort before vs after": cohort_change,
        "cohort page/PDF context": cohort_page,
    }


def grow(
    app: Any, user_id: int, workshop_id: str, cohort_id: str, have: int, want: int, rng: random.Random
) -> None:
    """Add responses until both groups hold ``want`` (the cohort: half before, half after, paired)."""
    from assessment.cli.cohorts import START, course_answers
    from assessment.cli.facilitators import demo_answers
    from assessment.db.models import Group
    from assessment.services import cohorts, self_assessment
    from assessment.services.questionnaires import questionnaire_of

    database = app.extensions["database"]
    step = 500
    for start in range(have, want, step):
        with database.session() as s:
            workshop = s.get(Group, workshop_id)
            cohort = s.get(Group, cohort_id)
            q = questionnaire_of(workshop.questionnaire)
            for k in range(start, min(want, start + step)):
                role = ROLES[k % len(ROLES)]
                self_assessment.submit(s, q.id, demo_answers(q, role, rng), role=role, group=workshop)
            # The cohort's k-th response: person k // 2, before (even k) or after (odd k).
            for wave in ("pre", "post"):
                cohorts.set_open_wave(cohort, wave)
                for k in range(start, min(want, start + step)):
                    if (k % 2 == 0) != (wave == "pre"):
                        continue
                    level = {
                        d: v + (0.08 if wave == "post" else 0.0) + rng.gauss(0, 0.08)
                        for d, v in START.items()
                    }
                    self_assessment.submit(
                        s,
                        q.id,
                        course_answers(q, level, rng),
                        group=cohort,
                        wave=wave,
                        respondent_hash=cohorts.respondent_hash("bench", cohort.id, f"person{k // 2:06d}"),
                    )
            s.commit()


def measure(app: Any, call: Callable[[Any], object], runs: int) -> tuple[float, int]:
    """(median seconds warm, SQL statements of a warm call). Rule 18's pool sizes are cached
    for CACHE_SECONDS, so they are forgotten before each call: each run makes the same statements
    whatever its length."""
    from sqlalchemy import event

    from assessment.services import benchmarks

    engine = app.extensions["database"].engine
    count = [0]

    def listener(*_args: object) -> None:
        count[0] += 1

    times: list[float] = []
    statements: list[int] = []
    for n in range(runs + 1):  # the first call warms caches and moves the snapshot on: not timed
        benchmarks.forget()
        event.listen(engine, "before_cursor_execute", listener)
        count[0] = 0
        with app.extensions["database"].session() as s:
            started = time.perf_counter()
            call(s)
            s.commit()
            elapsed = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", listener)
        if n:
            times.append(elapsed)
            statements.append(count[0])
    return statistics.median(times), max(statements)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    sizes = sorted(set(args.sizes))
    if sizes[-1] > 20000:
        parser.error("keep it bounded: at most 20,000 responses")

    from fresh import fresh_app

    from assessment.services import accounts, cohorts, workshops
    from assessment.services.questionnaires import current_version

    with tempfile.TemporaryDirectory(prefix="bench-costcurve-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'app.sqlite'}"
        app = fresh_app(url)  # an empty database with the questionnaires registered
        with app.extensions["database"].session() as s:
            user = accounts.create_user(s, "bench@example.org", None)
            version = current_version(s, "social-organisation")
            workshop = workshops.create_workshop(s, user.id, version, name="Cost curve")
            cohort = cohorts.create_cohort(s, user.id, version, name="Cost curve cohort")
            s.commit()
            ids = (user.id, workshop.id, cohort.id)
        paths = measured_paths(*ids)
        rng = random.Random(23)
        results: dict[str, list[tuple[int, float, int]]] = {name: [] for name in paths}
        have = 0
        engine_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"{engine_name}; sizes {', '.join(f'{n:,}' for n in sizes)}; median of {args.runs} warm runs")
        for size in sizes:
            started = time.perf_counter()
            grow(app, *ids, have, size, rng)
            have = size
            print(
                f"built {size:,} responses in each group ({time.perf_counter() - started:.1f} s)", flush=True
            )
            for name, call in paths.items():
                seconds, statements = measure(app, call, args.runs)
                results[name].append((size, seconds, statements))
        app.extensions["database"].engine.dispose()

    print()
    print(f"{'path':<26}{'responses':>10}{'ms':>10}{'statements':>12}{'us/response':>13}{'growth':>9}")
    problems = []
    for name, rows in results.items():
        previous = None
        for size, seconds, statements in rows:
            growth = ""
            if previous is not None:
                # Time's growth over the responses' growth: <= 1 is at most linear.
                ratio = (seconds / previous[1]) / (size / previous[0])
                growth = f"{ratio:.2f}"
            print(
                f"{name:<26}{size:>10,}{seconds * 1000:>10.1f}{statements:>12}"
                f"{seconds * 1e6 / size:>13.1f}{growth:>9}"
            )
            previous = (size, seconds)
        counts = {statements for _, _, statements in rows}
        if len(counts) > 1:
            problems.append(f"{name}: statements change with size ({sorted(counts)})")
        first, last = rows[0], rows[-1]
        if len(rows) > 1 and last[1] / first[1] > 1.25 * last[0] / first[0]:
            problems.append(f"{name}: grows faster than linearly")
    print()
    print("\n".join(problems) if problems else "statements constant; nothing grows faster than linearly")


if __name__ == "__main__":
    main()
