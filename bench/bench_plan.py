"""The largest plan the API accepts against the same report without a plan, side by side in one
run (absolute times differ threefold between machines; the ratio is the figure):

    .venv/bin/python bench/bench_plan.py
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader

from assessment.domain import plan as rules
from assessment.domain.questionnaire import load_questionnaire
from assessment.domain.result import score
from reports import build_context, render_pdf
from reports.plan_section import plan_section, with_plan

REPO = Path(__file__).resolve().parent.parent


def main(rounds: int = 3) -> None:
    q = load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml")
    result = score(q, {i.id: (i.hi if i.reverse else i.lo) for i in q.items})
    base = build_context(result, organisation="Benchmark Trust", date=dt.date.today())
    steps = tuple(
        rules.PlanStep(
            f"custom-{n}",
            ("Title words " * 20)[: rules.STEP_TITLE_MAX],
            "O" * rules.STEP_OWNER_MAX,
            dt.date(2027, 1, 1),
            "planned",
            ("word " * 100)[: rules.STEP_NOTE_MAX],
        )
        for n in range(rules.STEPS_MAX)
    )
    largest = rules.Plan(
        ("A sentence of the introduction. " * 200)[: rules.INTRODUCTION_MAX],
        {d.id: ("note " * 400)[: rules.AREA_NOTE_MAX] for d in q.dimensions},
        steps,
        "A" * rules.AGREED_BY_MAX,
    )
    planned = with_plan(base, plan_section(largest, q, agreed_on=dt.date.today(), roadmap=result.roadmap))
    times: dict[str, list[float]] = {"without a plan": [], "largest plan": []}
    pages = {}
    render_pdf(base)  # warm
    for _ in range(rounds):
        for name, context in (("without a plan", base), ("largest plan", planned)):
            started = time.perf_counter()
            pdf = render_pdf(context)
            times[name].append(time.perf_counter() - started)
            pages[name] = len(PdfReader(io.BytesIO(pdf)).pages)
    for name, values in times.items():
        print(f"{name:16} {statistics.median(values):6.2f} s median  {pages[name]} pages")
    ratio = statistics.median(times["largest plan"]) / statistics.median(times["without a plan"])
    print(f"ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
