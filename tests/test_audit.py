"""Issue 21, item 7: the dependency audit (scripts/audit.py) fails on a finding unless the ignore
file accepts it with a date and a reason, and says NOT AUDITED when it got no vulnerability data,
instead of pip-audit's silent "No known vulnerabilities found"."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "scripts" / "audit.py"
spec = importlib.util.spec_from_file_location("audit_script", PATH)
audit = importlib.util.module_from_spec(spec)
sys.modules["audit_script"] = audit  # its dataclass looks its module up there
spec.loader.exec_module(audit)

VULN = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "fix_versions": ["9.9"]}


def test_a_finding_fails_unless_accepted_with_a_date_and_a_reason():
    report = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": [VULN]}]}
    assert audit.judge(report, {}).findings == ["flask 3.1.3: PYSEC-2099-1"]
    accepted = audit.read_ignores(
        "# comment\nCVE-2099-0001  2026-12-01  not reachable: the app never calls it\n"
    )
    outcome = audit.judge(report, accepted)
    assert outcome.findings == [] and "2026-12-01: not reachable" in outcome.accepted[0]
    for bad in ("CVE-2099-0001", "CVE-2099-0001 2026-12-01", "CVE-2099-0001 yesterday because"):
        with pytest.raises(ValueError, match="ID  YYYY-MM-DD  reason"):
            audit.read_ignores(bad)


def test_packages_without_vulnerability_data_are_not_audited_not_clean():
    report = {
        "dependencies": [
            {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited"},
            {"name": "pyyaml", "version": "6.0.3", "vulns": []},
        ]
    }
    outcome = audit.judge(report, {})
    assert outcome.findings == [] and len(outcome.unaudited) == 1


def test_the_ignore_file_in_the_repo_is_well_formed():
    audit.read_ignores(audit.IGNORE_FILE.read_text(encoding="utf-8"))
