"""A pseudo-locale that shows which text escapes the translation layer.

Every message of the app's and the reports' catalogues, as extracted from the code by
``scripts/i18n extract``, is "translated" into itself between markers: "Start" becomes
"⟦Start⟧". A page, PDF or export rendered in that locale shows every translated string marked;
what it shows unmarked (besides figures, the test's own data and what a test names as allowed)
was never passed through gettext. The locale is Esperanto's code, ``eo``, only because Babel must
know a locale to format dates and numbers in it; no catalogue of the app is Esperanto.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
PSEUDO = "eo"
OPEN, CLOSE = "\u27e6", "\u27e7"
CATALOGUES = ("assessment", "reports")
_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _marked(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


def build_catalogues(folder: Path) -> str:
    """Compile the pseudo catalogues into ``folder``; the BABEL_TRANSLATION_DIRECTORIES value."""
    env = {**os.environ, "I18N_POT_DIR": str(folder)}
    subprocess.run([str(REPO / "scripts" / "i18n"), "extract"], check=True, env=env, cwd=REPO)
    directories = []
    for name in CATALOGUES:
        with (folder / f"{name}.pot").open("rb") as handle:
            template = read_po(handle)
        catalog = Catalog(locale=PSEUDO)
        for message in template:
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                string = tuple(_marked(message.id[min(i, 1)]) for i in range(catalog.num_plurals))
            else:
                string = _marked(message.id)
            catalog.add(message.id, string, context=message.context)
        target = folder / name / PSEUDO / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "messages.mo").open("wb") as handle:
            write_mo(handle, catalog)
        directories.append(str(folder / name))
    return ";".join(directories)


def write_translations(folder: Path, language: str, change: Callable[[str], str]) -> list[Path]:
    """Beside each questionnaire file of ``folder``, a complete translation into ``language``
    whose every text is its source's passed through ``change`` (questionnaires/FORMAT.md)."""
    from assessment.domain.questionnaire import load_questionnaire, questionnaire_files, translation_template

    written = []
    for path in questionnaire_files(folder):
        questionnaire = load_questionnaire(path)
        data = translation_template(questionnaire, language, change)
        target = path.with_name(f"{path.stem}.{language}{path.suffix}")
        # libyaml's dumper where PyYAML has it: the pure-Python one takes about a second per file.
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def write_pseudo_questionnaires(folder: Path) -> list[Path]:
    """The pseudo-locale's questionnaire translation: every item, option, dimension and stage
    name and recommendation between the markers, so that questionnaire text a page or report
    shows unmarked was not passed through ``translated()``."""
    return write_translations(folder, PSEUDO, _marked)


def unmarked(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The pieces of ``text`` with words outside every marker, once the ``allowed`` strings (the
    test's own data: names, commentary) are taken out."""
    found = []
    for line in text.splitlines():
        rest = line
        while True:  # a translated string may hold another: mark from the innermost out
            stripped = _MARKED.sub(" ", rest)
            if stripped == rest:
                break
            rest = stripped
        for item in sorted(allowed, key=len, reverse=True):
            rest = rest.replace(item, " ")
        if _WORD.search(rest):
            found.append(line.strip())
    return found


class _Text(HTMLParser):
    SKIP = frozenset({"script", "style", "noscript"})
    SHOWN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        values = dict(attrs)
        for name in self.SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def page_text(html: str) -> str:
    """What a person reads on a page: its text and the attributes a browser shows, one per line."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)
