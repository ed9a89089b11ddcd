"""Known-vulnerability audit of the pinned requirements (pip-audit), honest about what it could
check. Exit status: 0 audited, nothing found (or only what .ci/audit-ignore.txt accepts, each
with a date and a reason); 1 a finding, or a malformed ignore file; 3 NOT AUDITED: pip-audit
could not get vulnerability data for some pinned package (no vulnerability service reachable
from this machine), which pip-audit itself reports as "No known vulnerabilities found".

    .venv/bin/python scripts/audit.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
IGNORE_FILE = REPO / ".ci" / "audit-ignore.txt"
FOUND, NOT_AUDITED = 1, 3
LINE = re.compile(r"^(?P<id>\S+)\s+(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<reason>\S.*)$")


@dataclass(frozen=True)
class Outcome:
    findings: list[str]  # "package version: ID" not accepted by the ignore file
    accepted: list[str]
    unaudited: list[str]  # "package version: why"


def read_ignores(text: str) -> dict[str, str]:
    """ID -> "date: reason"; ValueError naming the line when one has no date or reason."""
    accepted: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if not match:
            raise ValueError(f"{IGNORE_FILE.name} line {number}: write 'ID  YYYY-MM-DD  reason'")
        date.fromisoformat(match["date"])
        accepted[match["id"]] = f"{match['date']}: {match['reason']}"
    return accepted


def judge(report: dict, accepted: dict[str, str]) -> Outcome:
    """pip-audit's JSON report against the accepted IDs (a vulnerability's aliases count too)."""
    findings, kept, unaudited = [], [], []
    for dependency in report.get("dependencies", []):
        name = " ".join(str(dependency[k]) for k in ("name", "version") if k in dependency)
        if "skip_reason" in dependency:
            unaudited.append(f"{name}: {dependency['skip_reason']}")
            continue
        for vuln in dependency.get("vulns", []):
            ids = [vuln.get("id", "?"), *vuln.get("aliases", [])]
            known = next((i for i in ids if i in accepted), None)
            (kept if known else findings).append(
                f"{name}: {ids[0]}" + (f" ({accepted[known]})" if known else "")
            )
    return Outcome(findings, kept, unaudited)


def main() -> int:
    try:
        accepted = read_ignores(IGNORE_FILE.read_text(encoding="utf-8") if IGNORE_FILE.exists() else "")
    except ValueError as exc:
        print(f"dependency audit: {exc}", file=sys.stderr)
        return FOUND
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
    command += ["--no-deps", "--disable-pip"]
    for name in REQUIREMENTS:
        command += ["-r", str(REPO / name)]
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)  # noqa: S603
    try:
        report = json.loads(run.stdout or "{}")
    except ValueError:
        report = {}
    if not report.get("dependencies"):
        print("dependency audit: NOT AUDITED, pip-audit gave no report:", file=sys.stderr)
        print((run.stderr or run.stdout).strip()[-2000:], file=sys.stderr)
        return NOT_AUDITED
    outcome = judge(report, accepted)
    for line in outcome.accepted:
        print(f"dependency audit: accepted {line}")
    for line in outcome.findings:
        print(f"dependency audit: FOUND {line}", file=sys.stderr)
    if outcome.findings:
        return FOUND
    if outcome.unaudited:
        print(
            f"dependency audit: NOT AUDITED. No vulnerability data for {len(outcome.unaudited)} of "
            f"{len(report['dependencies'])} pinned packages (the vulnerability service is not "
            "reachable from here), so the absence of findings means nothing. For example:",
            file=sys.stderr,
        )
        for line in outcome.unaudited[:5]:
            print(f"  {line}", file=sys.stderr)
        return NOT_AUDITED
    print(f"dependency audit: {len(report['dependencies'])} pinned packages, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
