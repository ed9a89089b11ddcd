"""Marking text for translation without depending on the translation layer.

Domain code is plain Python, so it cannot call Flask-Babel; where it produces text a person reads
(a validation message, a word for an effect size), it marks the English with ``N_`` so that
``scripts/i18n extract`` finds it, and the layer that shows it translates it with ``_(text)``
(placeholders filled after translation: ``_(message) % values``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker's name
    """The message unchanged: only a mark for the extractor."""
    return message


class MarkedError(ValueError):
    """An error whose message is fit to show a person: English, marked with ``N_``, its
    ``%(name)s`` placeholders filled from ``params``. The API shows ``str(exc)``; a page
    translates ``template`` first, then fills it in (``web.local.translated``)."""

    def __init__(self, message: str, **params: Any) -> None:
        self.template = message
        self.params = params
        super().__init__(message % params if params else message)


def _no_language() -> str:
    return ""


_translate: Callable[[str], str] = N_
_language: Callable[[], str] = _no_language


def install(translate: Callable[[str], str], language: Callable[[], str]) -> None:
    """Let domain code translate a marked message where the sentence is built from pieces it
    fills in itself (a finding quotes the answer inside its own words): the app installs its
    gettext and the current language once; without it, text stays English."""
    global _translate, _language
    _translate, _language = translate, language


def T_(message: str) -> str:  # noqa: N802 - read as the gettext family's names
    """``message`` (marked with ``N_``) in the current language, as the installed layer gives it."""
    return _translate(message)


def text_language() -> str:
    """The language ``T_`` translates into now ("" before the app installs its layer): a cache of
    sentences built with ``T_`` keys on it."""
    return _language()
