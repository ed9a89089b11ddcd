"""Every catalogue complete: each message of each .po translated, none fuzzy, and its
placeholders (%(name)s) the same as the English. Prints file:line: problem; exit 1 on any.

    .venv/bin/python scripts/i18n_check.py        (or: scripts/i18n check)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
CATALOGUES = ("assessment/translations", "reports/translations")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(po_file: Path) -> list[str]:
    """What is wrong with one .po file, as 'file:line: problem' lines."""
    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    where = po_file.relative_to(REPO)
    for message in catalog:
        if not message.id:
            continue
        line = message.lineno or 0
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            found.append(f"{where}:{line}: fuzzy translation of {ids[0]!r}")
        if not all(strings):
            found.append(f"{where}:{line}: no translation of {ids[0]!r}")
            continue
        wanted = _placeholders(ids[-1])
        for string in strings:
            if _placeholders(string) != wanted and _placeholders(string) != _placeholders(ids[0]):
                found.append(f"{where}:{line}: placeholders of {ids[0]!r} differ in {string!r}")
    return found


def main() -> int:
    files = sorted(f for c in CATALOGUES for f in (REPO / c).glob("*/LC_MESSAGES/messages.po"))
    found = [problem for f in files for problem in problems(f)]
    for problem in found:
        print(problem)
    print(f"{len(files)} catalogue(s), {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
