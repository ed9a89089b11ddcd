"""Benchmark: cohort comparisons over 10,000 assessments (two cohorts of 2,500 people, each
answering before and after), timed through the services the API calls, with the number of SQL
statements each takes. DESIGN.md's budget: under 300 ms, aggregated in SQL.

    .venv/bin/python bench/bench_cohorts.py
    .venv/bin/python bench/bench_cohorts.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

A PostgreSQL database given here is wiped.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=2500, help="per cohort; each answers twice")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from fresh import fresh_app
    from sqlalchemy import event, func, select

    from assessment.cli.cohorts import START, course_answers
    from assessment.db.models import Assessment
    from assessment.services import accounts, cohorts, comparison_report, self_assessment
    from assessment.services.questionnaires import current_version, questionnaire_of

    with tempfile.TemporaryDirectory(prefix="bench-cohorts-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'app.sqlite'}"
        app = fresh_app(url)  # an empty database with the questionnaires registered
        rng = random.Random(3)
        started = time.perf_counter()
        with app.extensions["database"].session() as s:
            user = accounts.create_user(s, "bench@example.org", None)
            version = current_version(s, "social-organisation")
            q = questionnaire_of(version)
            groups = [cohorts.create_cohort(s, user.id, version, name=f"Cohort {n}") for n in range(2)]
            s.flush()
            for group in groups:
                people = [{d: v + rng.gauss(0, 0.1) for d, v in START.items()} for _ in range(args.people)]
                for wave, gain in (("pre", 0.0), ("post", 0.08)):
                    cohorts.set_open_wave(group, wave)
                    for n, base in enumerate(people):
                        level = {d: v + gain + rng.gauss(0, 0.05) for d, v in base.items()}
                        code_hash = cohorts.respondent_hash("bench", group.id, f"person{n:05d}")
                        self_assessment.submit(
                            s,
                            q.id,
                            course_answers(q, level, rng),
                            group=group,
                            wave=wave,
                            respondent_hash=code_hash,
                        )
            s.commit()
            total = s.scalar(select(func.count()).select_from(Assessment))
        print(f"built {total} assessments in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")

        engine = app.extensions["database"].engine
        statements = [0]

        def count(*_args: object) -> None:
            statements[0] += 1

        def timed(label: str, call) -> None:  # type: ignore[no-untyped-def]
            times = []
            for _ in range(args.runs):
                with app.extensions["database"].session() as s:
                    statements[0] = 0
                    event.listen(engine, "before_cursor_execute", count)
                    t0 = time.perf_counter()
                    call(s)
                    times.append(time.perf_counter() - t0)
                    event.remove(engine, "before_cursor_execute", count)
            print(
                f"{label}: median {statistics.median(times) * 1000:.0f} ms, "
                f"best {min(times) * 1000:.0f} ms, {statements[0]} statements (budget 300 ms)"
            )

        ids = [g.id for g in groups]

        def compare(s):  # type: ignore[no-untyped-def]
            a, b = (cohorts.owned_cohort(s, user.id, i) for i in ids)
            return cohorts.compare_cohorts(s, a, b, "post", "post")

        def change(s):  # type: ignore[no-untyped-def]
            group = cohorts.owned_cohort(s, user.id, ids[0])
            return cohorts.change(s, group, "pre", "post")

        def page(s):  # type: ignore[no-untyped-def]
            group = cohorts.owned_cohort(s, user.id, ids[0])
            return comparison_report.change_comparison(s, group, "pre", "post")

        timed("cohort vs cohort (2 x 2,500 of 10,000)", compare)
        timed("before vs after (2,500 pairs of 10,000)", change)
        timed("before vs after page/PDF context with charts' values", page)


if __name__ == "__main__":
    main()
