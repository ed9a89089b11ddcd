"""Text and figures of the facilitator's pages in the request's language.

Domain and service code gives English messages marked with ``N_`` and their values separately
(``SnapshotState.note_message``, ``PerceptionGap.reason_message``, ``WorkshopError.template``):
the JSON API shows the English as it is, a page translates the message first and fills it in
after. Figures keep rule 17's digits (assessment/domain/figures.py); only the decimal separator
follows the locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.numbers import get_decimal_symbol
from flask import Flask

from ..domain.comparison_words import WORDS_PATTERN, head_message
from ..i18n import _, format_number, get_locale


def decimal_symbol() -> str:
    """The locale's decimal separator: "." in English, "," in German."""
    locale = get_locale()
    return get_decimal_symbol(locale) if locale else "."


def local_figure(text: Any) -> str:
    """A figure's text as rule 17 shows it ("39.6", "+14.9", "–"), with the locale's decimal
    separator ("39,6" in German); the digits never change."""
    shown = str(text)
    symbol = decimal_symbol()
    return shown if symbol == "." else shown.replace(".", symbol)


def translated(message: tuple[str, Mapping[str, Any]] | None) -> str | None:
    """A marked English message and its values, translated, then filled in."""
    if message is None:
        return None
    text, values = message
    return _(text) % dict(values) if values else _(text)


def workshop_error(exc: Any) -> str:
    """A WorkshopError's message in the page's language (the API keeps ``str(exc)``)."""
    template = getattr(exc, "template", None)
    if template is None:
        return str(exc)
    return translated((template, getattr(exc, "params", {}))) or str(exc)


def register(app: Flask) -> None:
    app.add_template_filter(local_figure, "lnum")
    app.add_template_global(words_text, "comparison_words")
    app.add_template_filter(local_interval, "linterval")


def format_count(value: int) -> str:
    """A count as the locale writes it (10,000 in English, 10.000 in German)."""
    return format_number(value)


def words_text(words: Any) -> str:
    """A comparison's words (comparison_words.EffectWords) in the page's language: the head with
    the points as the locale writes them, the tail as a whole phrase."""
    head = _(head_message(words.head, words.points)) % {"points": local_figure(words.points)}
    return _(WORDS_PATTERN) % {"head": head, "tail": _(words.tail)}


def local_interval(text: Any) -> str:
    """An interval as the comparison rows give it ("19.0 to 71.0") in the page's language and
    number format; any other text (a translated one, "–") only gets the decimal separator."""
    low, separator, high = str(text).partition(" to ")
    if not separator:
        return local_figure(text)
    return _("%(low)s to %(high)s") % {"low": local_figure(low), "high": local_figure(high)}
