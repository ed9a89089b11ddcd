"""Marking text for translation without depending on the translation layer.

Domain code is plain Python, so it cannot call Flask-Babel; where it produces text a person reads
(a validation message, a word for an effect size), it marks the English with ``N_`` so that
``scripts/i18n extract`` finds it, and the layer that shows it translates it with ``_(text)``
(placeholders filled after translation: ``_(message) % values``).
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker's name
    """The message unchanged: only a mark for the extractor."""
    return message
