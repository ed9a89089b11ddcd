"""The cost curve's paths (bench/bench_costcurve.py) take the same number of SQL statements at
any size of group: the workshop report's context, and a cohort's before-vs-after comparison
with its page/PDF context. (The dashboard summary and the exports: tests/test_exports.py.)"""

from __future__ import annotations

import random

from sqlalchemy import event

from assessment.cli.cohorts import START, course_answers
from assessment.cli.facilitators import demo_answers
from assessment.db.models import Group
from assessment.services import accounts, cohorts, comparison_report, self_assessment, workshops
from assessment.services.questionnaires import current_version
from assessment.services.reports import full_group_context


def _groups(app, v1, n: int) -> tuple[str, str]:
    """A workshop with n complete responses and a cohort of n people answering before and after."""
    rng = random.Random(n)
    with app.extensions["database"].session() as s:
        user = accounts.create_user(s, f"curve{n}@example.org", None)
        version = current_version(s, "social-organisation")
        workshop = workshops.create_workshop(s, user.id, version, name=f"Curve {n}")
        cohort = cohorts.create_cohort(s, user.id, version, name=f"Curve cohort {n}")
        s.flush()
        for k in range(n):
            role = ("leadership", "manager", "staff")[k % 3]
            self_assessment.submit(s, v1.id, demo_answers(v1, role, rng), role=role, group=workshop)
        for wave, gain in (("pre", 0.0), ("post", 0.1)):
            cohorts.set_open_wave(cohort, wave)
            for k in range(n):
                level = {d: v + gain for d, v in START.items()}
                code = cohorts.respondent_hash("test", cohort.id, f"person{k}")
                self_assessment.submit(
                    s, v1.id, course_answers(v1, level, rng), group=cohort, wave=wave, respondent_hash=code
                )
        s.commit()
        return workshop.id, cohort.id


def _statements(app, call) -> list[str]:  # type: ignore[no-untyped-def]
    engine = app.extensions["database"].engine
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    call()  # the first call moves the snapshot on (rule 13): one UPDATE that later calls skip
    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_group_report_and_cohort_comparison_statements_do_not_grow(app, v1):
    counts: dict[str, list[int]] = {"report": [], "change": [], "page": []}
    for n in (3, 30):
        workshop_id, cohort_id = _groups(app, v1, n)

        def report(workshop_id: str = workshop_id, n: int = n) -> None:
            with app.extensions["database"].session() as s:
                context = full_group_context(s, s.get(Group, workshop_id))
                assert context.group.n == n

        def change(cohort_id: str = cohort_id, n: int = n) -> None:
            with app.extensions["database"].session() as s:
                body = cohorts.change(s, s.get(Group, cohort_id), "pre", "post")
                assert body["overall"]["n"] == n

        def page(cohort_id: str = cohort_id) -> None:
            with app.extensions["database"].session() as s:
                comparison_report.change_comparison(s, s.get(Group, cohort_id), "pre", "post")

        for name, call in (("report", report), ("change", change), ("page", page)):
            counts[name].append(len(_statements(app, call)))
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} statements at 3 responses, {large} at 30"
