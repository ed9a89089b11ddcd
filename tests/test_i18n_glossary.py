"""One German word for one idea: where the English names the overall index, the German says
"Gesamtindex", and "Social Organisation" where it names that end of the spectrum (as the method
document and the questionnaire do); no catalogue slips into a synonym a reader would take for
another figure or another idea."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
CATALOGUES = [
    REPO / "assessment" / "translations" / "de" / "LC_MESSAGES" / "messages.po",
    REPO / "reports" / "translations" / "de" / "LC_MESSAGES" / "messages.po",
]
# English term -> the German word that renders it, and words that must not stand in for it.
GLOSSARY = {
    "overall index": ("Gesamtindex", ("Gesamtwert", "Gesamtscore", "Gesamtpunktzahl")),
    # The named end of the spectrum, as the questionnaire's classification says it.
    "social organisation": ("Social Organisation", ("soziale Organisation", "sozialen Organisation")),
}


def _messages(path: Path) -> list[tuple[str, str]]:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    pairs = []
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((ids[0], text) for text in strings if text)
    return pairs


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_each_term_has_one_german_name(path):
    messages = _messages(path)
    for english, (german, rejected) in GLOSSARY.items():
        for source, text in messages:
            if english in source.lower():
                assert german in text, (source, text)
            assert not any(word in text for word in rejected), (source, text)


def test_a_message_both_catalogues_hold_reads_the_same_in_both():
    """A page and its PDF say one thing in one way: "Owner", "HR" or "Next (3-12 months)" is not
    "Verantwortlich" on the screen and "Zuständig" in the report."""
    app, report = ({(m.id, m.context): m.string for m in read_po(p.open("rb")) if m.id} for p in CATALOGUES)
    differ = {key: (app[key], report[key]) for key in app.keys() & report.keys() if app[key] != report[key]}
    assert differ == {}
