"""Measure: how long the workshop PDF takes to render with the largest free text a facilitator may
enter (commentary, names), to choose the limits in assessment/domain/limits.py with headroom.

    .venv/bin/python bench/bench_limits.py                 # the accepted worst cases
    .venv/bin/python bench/bench_limits.py --probe         # also the probes' cases over the limits

Each case renders once, in this process and without the render bound, after one warm-up render.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fresh import fresh_app  # noqa: E402

from assessment.db.models import Group  # noqa: E402
from assessment.domain import limits  # noqa: E402
from assessment.services import accounts, participants, workshops  # noqa: E402
from assessment.services.questionnaires import current_version, questionnaire_of  # noqa: E402
from assessment.services.reports import group_report_context  # noqa: E402


def _answers(q):  # type: ignore[no-untyped-def]
    return {i.id: (i.lo + i.hi) // 2 for i in q.items}


def _cases(probe: bool) -> dict[str, dict[str, str]]:
    word = "x" * limits.COMMENTARY.max_chars
    name = "N" * limits.NAME.max_chars
    paragraphs = "\n\n".join("a" for _ in range(limits.COMMENTARY.max_paragraphs))
    longest = limits.COMMENTARY.max_chars // limits.COMMENTARY.max_paragraphs - 2
    full = "\n\n".join(("w" * longest) for _ in range(limits.COMMENTARY.max_paragraphs))
    prose = ("The board listens, but staff rarely hear back. " * 1000)[: limits.COMMENTARY.max_chars]
    cases = {
        "plain (no commentary)": {},
        "commentary: prose at the length limit": {"commentary": prose},
        "commentary: one unbroken word at the length limit": {"commentary": word},
        "commentary: one-letter paragraphs at the paragraph limit": {"commentary": paragraphs},
        "commentary: the paragraph limit, each paragraph one long word": {"commentary": full},
        "names: workshop, client and consultant at their limits, unbroken": {
            "name": name,
            "organisation": name,
            "consultant": name,
        },
        "everything at once": {"commentary": word, "name": name, "organisation": name, "consultant": name},
    }
    if probe:
        cases["probe: 20,000 characters without a space"] = {"commentary": "x" * 20000}
        cases["probe: 6,600 one-letter paragraphs"] = {"commentary": "\n\n".join("a" for _ in range(6600))}
    return cases


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--probe", action="store_true", help="also the probes' cases beyond the limits")
    args = parser.parse_args()
    from reports.render import render_pdf

    with tempfile.TemporaryDirectory() as folder:
        app = fresh_app(f"sqlite:///{folder}/b.sqlite")
        database = app.extensions["database"]
        with app.app_context(), database.session() as s:
            user = accounts.create_user(s, "bench@example.org", None)
            version = current_version(s, "social-organisation")
            q = questionnaire_of(version)
            group = workshops.create_workshop(s, user.id, version, name="Bench")
            s.flush()
            for role in ("staff", "staff", "manager", "leadership"):
                participants.submit(s, participants.join(s, group, role), _answers(q))
            s.commit()
            group_id = group.id
            timings = []
            for label, fields in _cases(args.probe).items():
                row = s.get(Group, group_id)
                row.commentary = fields.get("commentary", "")
                row.name = fields.get("name", "Bench")
                row.organisation = fields.get("organisation", "")
                row.settings = {**row.settings, "consultant": fields.get("consultant", "")}
                s.commit()
                context = group_report_context(workshops.workshop_view(s, row))
                if not timings:
                    render_pdf(context)  # warm-up: fonts, stylesheets
                started = time.perf_counter()
                pdf = render_pdf(context)
                seconds = time.perf_counter() - started
                timings.append(seconds)
                print(f"{seconds:7.2f} s  {len(pdf) // 1024:6d} KB  {label}", flush=True)


if __name__ == "__main__":
    main()
