"""The limits of every free text a report (PDF, Word, PowerPoint) or page shows: one place, so a
text that is accepted always renders within ``REPORT_RENDER_SECONDS``. Refuse at entry, never at
render. Plain Python: forms, API schemas and services read the same numbers.

The numbers were found by measuring the workshop PDF (``bench/bench_limits.py``) with the worst
accepted input: the longest text as one unbroken word (broken by CSS, ``overflow-wrap: anywhere``
in reports/css and on the pages), the most paragraphs, and every name at its longest, all at once.
See docs/privacy.md and docs/api.md for the figures.

Use ``check`` (or ``TextLimit.problem``) for new fields: a plan text, for example, is a
``LONG_TEXT``; a title a ``NAME``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextLimit:
    """How much text a field holds: characters, and paragraphs (blocks between blank lines)."""

    max_chars: int
    max_paragraphs: int | None = None  # None: one line of text, paragraphs are not counted

    def problem(self, text: str, label: str) -> str | None:
        """A sentence naming the limit ``text`` breaks, or None when it is within them."""
        if len(text) > self.max_chars:
            return TOO_LONG.format(label=label, limit=self.max_chars, length=len(text))
        if self.max_paragraphs is not None:
            count = paragraph_count(text)
            if count > self.max_paragraphs:
                return TOO_MANY_PARAGRAPHS.format(label=label, limit=self.max_paragraphs, count=count)
        return None


TOO_LONG = "{label} is {length:,} characters long; the limit is {limit:,} characters."
TOO_MANY_PARAGRAPHS = "{label} has {count:,} paragraphs; the limit is {limit:,} paragraphs."


def paragraph_count(text: str) -> int:
    """Paragraphs as the report sets them: blocks of text between blank lines."""
    count, in_paragraph = 0, False
    for line in text.splitlines():
        if line.strip():
            if not in_paragraph:
                count += 1
            in_paragraph = True
        else:
            in_paragraph = False
    return count


# A workshop's executive commentary, and any other long text a report prints as paragraphs
# (plan texts, notes).
COMMENTARY = TextLimit(max_chars=20_000, max_paragraphs=200)
LONG_TEXT = COMMENTARY
# Names printed on a cover or in a heading: a workshop's or cohort's name, a client organisation,
# a consultant or firm.
NAME = TextLimit(max_chars=200)
# Short texts: a sector, a role or a size band as typed.
SHORT_TEXT = TextLimit(max_chars=100)


def check(text: str, limit: TextLimit, label: str) -> str | None:
    """``limit.problem(text, label)``: the refusal's sentence, or None."""
    return limit.problem(text, label)
