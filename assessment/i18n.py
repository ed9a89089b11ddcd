"""The translation layer: Flask-Babel's gettext for the app's own text, and the choice of locale.

Text a person reads goes through ``_`` (``gettext``) or, where it is defined at import time (form
labels, module-level constants), ``_l`` (``lazy_gettext``), so that it is looked up in the
locale of the request or render that shows it. Two catalogues, merged at look-up: the web
layer's and services' text in ``assessment/translations``, the reports' in
``reports/translations``; ``scripts/i18n`` extracts, updates and compiles them (the compiled
``.mo`` files are built by ``scripts/setup``, never committed).

The locale of a request: the user's choice (the switch in every page's footer, kept in the
session), then the browser's ``Accept-Language``, then ``DEFAULT_LOCALE``. A report renders in
the language it is asked for (``force_locale``), whatever the request's.

A questionnaire's own text (items, options, stages, recommendations) is data, not gettext: it
comes from the sidecar translation beside the questionnaire file (``questionnaires/*.de.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel import Locale
from flask import Flask, current_app, has_app_context, request, session
from flask_babel import (
    Babel,
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    format_percent,
    format_time,
    get_locale,
    gettext,
    lazy_gettext,
    lazy_ngettext,
    ngettext,
    pgettext,
)

from .domain import text

__all__ = [
    "_",
    "_l",
    "current_language",
    "force_locale",
    "format_date",
    "format_datetime",
    "format_decimal",
    "format_number",
    "format_percent",
    "format_time",
    "get_locale",
    "gettext",
    "init_app",
    "language_of",
    "lazy_ngettext",
    "locales",
    "ngettext",
    "pgettext",
]

_ = gettext
_l = lazy_gettext

REPO = Path(__file__).resolve().parent.parent
CATALOGUES = (REPO / "assessment" / "translations", REPO / "reports" / "translations")
SESSION_KEY = "locale"


def language_of(locale: str | Locale) -> str:
    """The language part of a locale: "en_GB" -> "en", "de_AT" -> "de" (a questionnaire's
    translations are per language, the app's formats per locale)."""
    return str(locale).replace("-", "_").split("_")[0].lower()


def locales(app: Flask | None = None) -> list[str]:
    """The locales this installation offers, default first (``LANGUAGES``)."""
    config = (app or current_app).config
    offered = [code.strip() for code in config["LANGUAGES"].split(",") if code.strip()]
    default = config["DEFAULT_LOCALE"]
    return [default, *[code for code in offered if code != default]]


def _match(wanted: str | None, offered: list[str]) -> str | None:
    """The offered locale for a wanted one, by whole locale first, then by language."""
    if not wanted:
        return None
    wanted = wanted.replace("-", "_")
    for code in offered:
        if code.lower() == wanted.lower():
            return code
    for code in offered:
        if language_of(code) == language_of(wanted):
            return code
    return None


def select_locale() -> str:
    """The request's locale: the user's choice, then Accept-Language, then the default."""
    offered = locales()
    if request:
        chosen = _match(session.get(SESSION_KEY), offered)
        if chosen:
            return chosen
        by_browser = request.accept_languages.best_match(
            [code.replace("_", "-") for code in offered] + [language_of(c) for c in offered]
        )
        matched = _match(by_browser, offered)
        if matched:
            return matched
    return offered[0]


def current_language() -> str:
    """The language of the request or render in progress ("en", "de")."""
    locale = get_locale()
    return language_of(locale) if locale else language_of(current_app.config["DEFAULT_LOCALE"])


def choose(code: str) -> str | None:
    """Remember the user's choice of locale in the session; the offered code, or None when the
    installation does not offer it."""
    matched = _match(code, locales())
    if matched:
        session[SESSION_KEY] = matched
    return matched


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the app: catalogues, the locale selector, and the names templates use."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(str(path) for path in CATALOGUES))
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config.get("DEFAULT_TIMEZONE") or "UTC"
    Babel(app, locale_selector=select_locale)
    text.install(gettext, _text_language)  # findings' own words (domain/findings.py)

    @app.context_processor
    def _i18n_names() -> dict:
        return {
            "current_locale": str(get_locale() or app.config["DEFAULT_LOCALE"]),
            "current_language": current_language(),
            "offered_locales": [(code, _display_name(code)) for code in locales(app)],
        }


def _text_language() -> str:
    """The language gettext translates into now, "" outside an app (domain code stays English)."""
    return str(get_locale() or "") if has_app_context() else ""


def _display_name(code: str) -> str:
    """A locale's name in its own language ("Deutsch", "English"), as a switch shows it."""
    try:
        name = Locale.parse(code).get_language_name(code) or code
    except (ValueError, LookupError):
        return code
    return name[:1].upper() + name[1:]


# --------------------------------------------------------------------------- a report's language


def _default_locale() -> str:
    return current_app.config["DEFAULT_LOCALE"] if has_app_context() else "en_GB"


def report_locale(wanted: str | None) -> str:
    """The installation's locale for a wanted language ("de", "de_AT", "en"), or its default
    when it offers no such language (or none is wanted)."""
    if not has_app_context():
        return wanted or _default_locale()
    return _match(wanted, locales()) or _default_locale()


@contextmanager
def in_language(locale: str) -> Iterator[None]:
    """Build and prepare a report inside this: its prose, the template's text, its dates and
    numbers come out in ``locale`` (a no-op outside an app, where text stays English)."""
    with force_locale(locale):
        yield


def report_language() -> str:
    """The language being reported in ("de"): the locale ``in_language`` chose, else the default."""
    return current_language() if has_app_context() else language_of(_default_locale())
