"""Writes a self-assessment's Word report and a workshop's Word report and slides (from plain
report contexts, as the app does), converts each to PDF with LibreOffice headless and, with
poppler's pdftoppm, to PNG pages to look at. Run through ``scripts/office-to-pdf``, which
installs LibreOffice (Debian's libreoffice-writer-nogui and libreoffice-impress-nogui) first.

    .venv/bin/python bench/office_to_pdf.py OUT_DIR
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader

from assessment.domain import plan as rules
from assessment.domain.groups import Member, summarise
from assessment.domain.questionnaire import load_questionnaire
from assessment.domain.result import score
from reports import build_context, group_data_from_summary
from reports.docx_report import docx_report
from reports.plan_section import plan_section, with_plan
from reports.slides import workshop_slides

REPO = Path(__file__).resolve().parent.parent


def _plan(result) -> rules.Plan:  # type: ignore[no-untyped-def]
    steps = [
        rules.PlanStep(
            e.recommendation.id, e.recommendation.title, "Dana Smith", dt.date(2027, 3, 1 + n), "planned"
        )
        for n, e in enumerate(result.roadmap[:5])
    ]
    steps.append(rules.PlanStep("custom-board", "Brief the board on the plan", "Chair", dt.date(2027, 1, 20)))
    return rules.Plan("What we agreed at the away day.", {}, tuple(steps), "Dana Smith")


def contexts():  # type: ignore[no-untyped-def]
    q = load_questionnaire(REPO / "questionnaires" / "social-organisation.yaml")
    rng = random.Random(3)
    answers = {i.id: rng.randint(i.lo, i.hi) for i in q.items}
    result = score(q, answers)
    single = build_context(result, organisation="Kestrel Housing Trust", date=dt.date.today())
    single = with_plan(
        single, plan_section(_plan(result), q, agreed_on=dt.date.today(), roadmap=result.roadmap)
    )
    members = []
    for n in range(9):
        given = {i.id: rng.randint(i.lo, i.hi) for i in q.items}
        members.append(
            Member(
                role="leadership" if n < 3 else "staff",
                scores={d.id: d.score for d in score(q, given).dimensions},
                answers=given,
            )
        )
    summary = summarise(q, members, ["leadership"], 3)
    data = group_data_from_summary(summary, q, answer_sets=[m.answers for m in members], name="Away day")
    group = build_context(
        summary.result,
        organisation="Acme Housing",
        date=dt.date.today(),
        prepared_by="Clear View Consulting",
        respondent_label="Workshop “Away day”, 9 participants",
        group=data,
    )
    group = with_plan(
        group,
        plan_section(_plan(summary.result), q, agreed_on=dt.date.today(), roadmap=summary.result.roadmap),
    )
    return single, group


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    single, group = contexts()
    files = {
        "self-assessment.docx": docx_report(single),
        "workshop.docx": docx_report(group),
        "workshop-slides.pptx": workshop_slides(group),
    }
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice is not installed: run scripts/office-to-pdf", file=sys.stderr)
        return 2
    failures = 0
    with tempfile.TemporaryDirectory() as profile:
        for name, data in files.items():
            path = out / name
            path.write_bytes(data)
            # A profile of its own, so a LibreOffice already running elsewhere is not disturbed.
            run = subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    str(path),
                ],
                capture_output=True,
                text=True,
                timeout=240,
            )
            pdf = path.with_suffix(".pdf")
            if run.returncode != 0 or not pdf.exists():
                print(f"{name}: conversion failed ({run.returncode}): {run.stderr.strip()}", file=sys.stderr)
                failures += 1
                continue
            pages = len(PdfReader(pdf).pages)
            print(f"{name}: {len(data)} bytes -> {pdf.name}, {pages} pages")
            if shutil.which("pdftoppm"):
                subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(out / path.stem)], check=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "office-pdf")))
