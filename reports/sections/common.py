"""Helpers every section shares: figures as shown (rule 17), dates, user text made drawable,
and the ``Chart`` a section hands to the template."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from html import unescape

from babel.dates import format_date as babel_format_date
from babel.numbers import get_decimal_symbol

from assessment.domain.figures import score_text as domain_score_text
from assessment.domain.questionnaire import Questionnaire
from assessment.domain.scoring import display, display_score, score_boundaries
from assessment.i18n import get_locale

HEADER_CHARS = 60  # the running header has one line; longer names are shortened there only
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Chart:
    url: str  # report:asset/<name>.svg, served by the locked fetcher
    svg: str
    alt: str


def report_locale() -> object | None:
    """The locale the report is being built in (``force_locale`` in the report service), or None
    outside an app (plain English, as the reports' own tests build them)."""
    try:
        return get_locale()
    except RuntimeError:
        return None


def report_language(default: str = "en") -> str:
    """The report's language as HTML's ``lang`` wants it ("de", "en-GB")."""
    locale = report_locale()
    return str(locale).replace("_", "-") if locale is not None else default


def date_display(date: dt.date) -> str:
    """ "22 November 2026", "22. November 2026": Babel's long date in the report's locale. Not
    strftime("%B"): month names must not depend on the server's locale."""
    locale = report_locale()
    if locale is not None:
        return babel_format_date(date, "long", locale=locale)
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


_FIGURE = re.compile(r"[+\-\u2212\u00b1]?\d+\.\d+%?")


def localised(text: str) -> str:
    """A figure as rule 17 printed it ("62.5", "+3.5", "±0.0") with the locale's decimal sign
    ("62,5"): the digits stay rule 17's, only the separator follows the locale (Babel's)."""
    locale = report_locale()
    if locale is None:
        return text
    symbol = get_decimal_symbol(locale)
    if symbol == ".":
        return text
    return _FIGURE.sub(lambda m: m.group(0).replace(".", symbol), text)


def score_text(value: float | None, q: Questionnaire, digits: int = 0) -> str:
    """``figures.score_text`` with the locale's decimal sign."""
    return localised(domain_score_text(value, q, digits))


def short(text: str, limit: int = HEADER_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def pct(value: float) -> str:
    locale = report_locale()
    if locale is not None and str(locale).startswith("de"):
        return f"{100 * value:.0f}\u00a0%"  # German sets a (non-breaking) space before the sign
    return f"{100 * value:.0f}%"


def fmt(value: float | None, digits: int = 0) -> str:
    return localised(display(value, digits))


def score_shown(q: Questionnaire, value: float | None) -> str:
    """A score as the report prints it: rounded, but never up onto a stage bound, the floor or
    the threshold it has not reached (so "40, below the floor of 40" cannot appear)."""
    return localised(display_score(value, score_boundaries(q)))


def owner_label(owner: str) -> str:
    return owner[:1].upper() + owner[1:] if owner and not owner.isupper() else owner


def lower_first(text: str) -> str:
    text = " ".join(text.split())
    first = text.split(" ", 1)[0]
    # An acronym ("HR", "FAQ") keeps its capitals; an ordinary first word does not.
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def drawable(text: str) -> str:
    """User text without the characters no font can draw: private-use code points, unpaired
    surrogates and code points unassigned in this Python's Unicode database. They would print
    as a box; leaving them out is cleaner. Emoji and every assigned script stay (the setup
    installs fonts for them)."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Co", "Cs", "Cn"))


def text_direction(text: str) -> str:
    """ "rtl" when the text's first strongly directional letter is Arabic, Hebrew, ... (the
    HTML ``dir="auto"`` rule, which WeasyPrint does not implement itself), else "ltr"."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def alt_text(svg: str) -> str:
    match = re.search(r'aria-label="([^"]*)"', svg)
    # The label was escaped for an XML attribute; the template escapes again for HTML.
    return unescape(match.group(1)) if match else ""


# WeasyPrint's search for a break inside a word (overflow-wrap: anywhere) grows with the square of
# the word's length: one 20,000-character word took a minute to set. A break opportunity every
# BREAK_EVERY characters of a long word (U+200B, which prints nothing) lets it break in linear
# time; the CSS rule stays as the fallback. bench/bench_limits.py measures it.
BREAK_EVERY = 30
ZERO_WIDTH_SPACE = "\u200b"
_LONG_RUN = re.compile(r"\S{" + str(BREAK_EVERY + 1) + ",}")


def breakable(text: str) -> str:
    """``text`` with a zero-width break opportunity in every run of more than BREAK_EVERY
    characters without a space, never inside a character sequence (before a combining mark, a
    joiner or a variation selector, or after a joiner)."""

    def split(match: re.Match[str]) -> str:
        run, out, since = match.group(0), [], 0
        for n, char in enumerate(run):
            if since >= BREAK_EVERY and _may_break_before(char) and run[n - 1] != "\u200d":
                out.append(ZERO_WIDTH_SPACE)
                since = 0
            out.append(char)
            since += 1
        return "".join(out)

    return _LONG_RUN.sub(split, text)


def _may_break_before(char: str) -> bool:
    if char in "\u200d\u200c" or "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return False
    if "\U0001f3fb" <= char <= "\U0001f3ff":  # skin-tone modifiers
        return False
    return not unicodedata.category(char).startswith("M")
