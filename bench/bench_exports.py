"""Benchmark: exporting a workshop of 1,000 responses to CSV and XLSX (query + file), and the
number of SQL statements it takes. DESIGN.md's budget: under 0.3 s, queries not growing.

    .venv/bin/python bench/bench_exports.py
    .venv/bin/python bench/bench_exports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

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
    parser.add_argument("--responses", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from fresh import fresh_app
    from sqlalchemy import event

    from assessment.cli.facilitators import demo_answers
    from assessment.db.models import Group
    from assessment.services import accounts, exports, self_assessment, workshops
    from assessment.services.questionnaires import current_version, questionnaire_of

    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'app.sqlite'}"
        app = fresh_app(url)  # an empty database with the questionnaires registered
        rng = random.Random(1)
        with app.extensions["database"].session() as s:
            user = accounts.create_user(s, "bench@example.org", None)
            version = current_version(s, "social-organisation")
            q = questionnaire_of(version)
            group = workshops.create_workshop(s, user.id, version, name="Export bench")
            for k in range(args.responses):
                role = ("leadership", "manager", "staff", "communications")[k % 4]
                self_assessment.submit(s, q.id, demo_answers(q, role, rng), role=role, group=group)
            s.commit()
            group_id = group.id

        engine = app.extensions["database"].engine
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        timings: dict[str, list[float]] = {"csv": [], "xlsx": []}
        for _ in range(args.runs):
            for fmt in ("csv", "xlsx"):
                statements.clear()
                with app.extensions["database"].session() as s:
                    started = time.perf_counter()
                    # As the route: a CSV has no further sheets.
                    table = exports.response_table(s, s.get(Group, group_id), sheets=fmt == "xlsx")
                    exports.to_csv(table).encode("utf-8-sig") if fmt == "csv" else exports.to_xlsx(table)
                    timings[fmt].append(time.perf_counter() - started)
                queries = len(statements)
        engine.dispose()

    print(
        f"{args.responses} responses, {len(q.items)} items; "
        f"{'PostgreSQL' if 'postgresql' in url else 'SQLite'}"
    )
    for fmt, values in timings.items():
        print(f"{fmt}: median {1000 * statistics.median(values[1:]):.0f} ms (warm, {args.runs - 1} runs)")
    print(f"SQL statements per export: {queries}")


if __name__ == "__main__":
    main()
