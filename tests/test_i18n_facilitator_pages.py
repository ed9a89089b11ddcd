"""Issue 22, the facilitator's and trainer's side: every page a facilitator or trainer reads, and
the export they download, rendered in the pseudo-locale (tests/pseudo_locale.py) shows no text
outside gettext; and the dashboard in German reads in German, with decimal commas.

Allowed unmarked: the test's own data (names, codes, addresses), the questionnaire's own text
(``_questionnaire_texts``: data translated by its sidecar file, not by gettext), the names of the
languages in the switch (each in its own language, by design) and statistical symbols.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from assessment.db.models import Group
from assessment.domain.questionnaire import load_questionnaire

from .pseudo_locale import CLOSE, OPEN, page_text, unmarked
from .test_cohorts import level_answers, new_cohort, open_wave
from .test_workshop import create, facilitator, group_row, join
from .web_helpers import answers, finish

REPO = Path(__file__).resolve().parent.parent
NAMES = [
    "Social Organisation Self-Assessment",
    "Before the course",
    "After the course",
    "pre",
    "post",
    "Board away-day",
    "Acme Housing",
    "Clear View Consulting",
    "Spring course",
    "Autumn course",
]
# Symbols of statistics, the same in every language; the languages' own names in the switch.
SYMBOLS = ["rwg(j)", "dz", "Hedges' g", "Esperanto", "English", "Deutsch"]
# Inline elements inside one sentence (a link, a bold code, a figure): the sentence is one
# message with the element as a placeholder, so the reader's line is the whole sentence.
_INLINE = re.compile(r"</?(?:a|strong|span|sub|kbd|em|b)(?:\s[^>]*)?>")


def _questionnaire_texts(app: Flask) -> list[str]:
    """Every string of the installed questionnaires (text and ids): data, translated by the
    questionnaire's sidecar file rather than gettext (swapped for w22q's pseudo sidecar when it
    lands)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.extend(part.strip() for part in value.splitlines() if len(part.strip()) > 1)
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(key)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for path in sorted(Path(app.config["QUESTIONNAIRE_DIR"]).glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


# The spectrum on the projector's results slide is results/_spectrum.html, the results page's
# partial (w22web1's area, checked with that page): left out here.
_SPECTRUM = re.compile(r'<svg class="spectrum .*?</svg>', re.S)


def _text(html: str) -> str:
    return page_text(_INLINE.sub("", _SPECTRUM.sub("", html)))


def _base_literals() -> list[str]:
    """The literal text of base.html, the layout every page extends (w22web1's, outside this
    area): allowed here while it is there; once it goes through gettext it leaves this list."""
    source = (REPO / "assessment" / "web" / "templates" / "base.html").read_text(encoding="utf-8")
    literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "\n", source, flags=re.S)
    return [line for line in page_text(literal).splitlines() if line.strip()]


def _escaped(app: Flask, html: str, *extra: str) -> list[str]:
    allowed = [*NAMES, *SYMBOLS, *extra, *_base_literals(), *_questionnaire_texts(app)]
    return unmarked(_text(html), allowed=allowed)


def _get(client: FlaskClient, url: str) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture
def room(pseudo_app: Flask, v1) -> dict:
    """A facilitator with a workshop of five finished responses (leaders and others, answering
    differently, so every figure, gap and prompt shows) and an open discussion round."""
    client, _token = facilitator(pseudo_app, "ann@example.org")
    group_id = create(client)
    code = group_row(pseudo_app, group_id).join_code
    q = v1
    for n, role in enumerate(["leadership", "leadership", "leadership", "staff", "staff", "staff"]):
        phone = pseudo_app.test_client()
        token = join(phone, code, role)
        finish(phone, q, token, answers(q, low=[q.dimensions[n % len(q.dimensions)].id] if n % 2 else []))
    summary = client.get(f"/workshops/{group_id}/summary.json").get_json()
    item = summary["prompts"][0]["item"]
    opened = client.post(f"/workshops/{group_id}/rounds", data={"item": item})
    assert opened.status_code == 302, opened.get_data(as_text=True)
    return {"client": client, "id": group_id, "code": code, "round": opened.location}


def test_every_workshop_page_of_the_facilitator_is_translated(pseudo_app, room):
    client, group_id = room["client"], room["id"]
    join_url = f"http://localhost/join/{room['code']}"
    pages = {
        "list": "/workshops",
        "new": "/workshops/new",
        "dashboard": f"/workshops/{group_id}",
        "present": f"/workshops/{group_id}/present",
        "present results": f"/workshops/{group_id}/present/results",
        "round": room["round"],
        "settings": f"/workshops/{group_id}/settings",
        "commentary": f"/workshops/{group_id}/commentary",
        "delete": f"/workshops/{group_id}/delete",
        "plan": f"/workshops/{group_id}/plan",
        "health": "/questionnaires/health",
    }
    problems: list[str] = []
    for name, url in pages.items():
        html = _get(client, url)
        assert OPEN in html, name
        found = _escaped(pseudo_app, html, join_url, room["code"], "ann@example.org")
        problems.extend(f"{name}: {line}" for line in found)
    assert problems == [], "\n".join(problems)
    # Closed: the benchmark offer on the dashboard, and the present page's closed line.
    assert client.post(f"/workshops/{group_id}/open", data={"open": "0"}).status_code == 302
    for url in (f"/workshops/{group_id}", f"/workshops/{group_id}/present"):
        html = _get(client, url)
        assert _escaped(pseudo_app, html, join_url, room["code"]) == [], url
    assert "benchmark-workshop-heading" in _get(client, f"/workshops/{group_id}")


def test_the_dashboards_script_gets_its_words_from_the_page(pseudo_app, room):
    html = _get(room["client"], f"/workshops/{room['id']}")
    block = html.split('<script type="application/json" id="live-text">', 1)[1].split("</script>", 1)[0]
    words = json.loads(block)
    texts = [v for v in words.values() if isinstance(v, str)] + list(words["agreement"].values())
    unmarked_words = [
        t for t in texts if t != words["locale"] and not (t.startswith(OPEN) and t.endswith(CLOSE))
    ]
    assert unmarked_words == []
    for script in ("facilitate.js", "cohorts.js", "present-results.js", "plan.js"):
        source = (REPO / "assessment" / "web" / "static" / script).read_text(encoding="utf-8")
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", source, flags=re.S)
        # A sentence in quotes would be English a person reads: none is left in the scripts.
        assert re.findall(r"\"[A-Z][a-z]+ [a-z]+ [a-z]+[^\"]*\"", code) == [], script


def test_the_export_names_its_columns_in_the_facilitators_language(pseudo_app, room):
    client = room["client"]
    body = client.get(f"/workshops/{room['id']}/export.csv").get_data(as_text=True)
    header, ids, *rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert ids[:6] == ["respondent", "role", "status", "started", "completed", "overall"]
    assert all(h.startswith(OPEN) and h.endswith(CLOSE) for h in header[:6]), header[:6]
    assert len(rows) == 6 and {r[1] for r in rows} == {"leadership", "staff"}  # ids stay ids


def _cohorts(app: Flask) -> tuple[FlaskClient, dict, dict]:
    client, token = facilitator(app, "tina@example.org")
    api = app.test_client()
    q = load_questionnaire(REPO / "questionnaires" / "social-organisation-1.0.yaml")
    spring = new_cohort(api, token, name="Spring course")
    autumn = new_cohort(api, token, name="Autumn course")
    levels = [[1, 2, 1, 0, 2], [2, 2, 1, 1, 2], [2, 3, 2, 1, 1], [3, 2, 2, 0, 2], [1, 1, 1, 1, 3]]
    later = [[2, 2, 2, 1, 2], [2, 3, 1, 2, 3], [3, 3, 3, 1, 1], [4, 3, 2, 1, 2], [2, 2, 2, 1, 3]]

    def submit(group: dict, level: list[int], code: str, wave: str | None = None) -> None:
        body = {
            "questionnaire": "social-organisation",
            "answers": level_answers(q, level),
            "group_code": group["join_code"],
            "respondent_code": code,
        } | ({"wave": wave} if wave else {})
        assert api.post("/api/v1/assessments", json=body).status_code == 201

    for n, level in enumerate(levels):
        submit(spring, level, f"code{n}s")
        submit(autumn, later[n], f"code{n}a")
    open_wave(app, spring["id"], "post")
    for n, level in enumerate(later):
        submit(spring, level, f"code{n}s", "post")
    return client, spring, autumn


def test_every_cohort_page_of_the_trainer_is_translated(pseudo_app):
    client, spring, autumn = _cohorts(pseudo_app)
    with pseudo_app.app_context(), pseudo_app.extensions["database"].session() as s:
        code = s.get(Group, spring["id"]).join_code
    pages = {
        "list": "/cohorts",
        "new": "/cohorts/new",
        "show": f"/cohorts/{spring['id']}",
        "present": f"/cohorts/{spring['id']}/present",
        "change": f"/cohorts/{spring['id']}/change?from=pre&to=post",
        "compare": f"/cohorts/compare?a={autumn['id']}&b={spring['id']}",
    }
    join_url = f"http://localhost/join/{code}"
    problems: list[str] = []
    for name, url in pages.items():
        html = _get(client, url)
        assert OPEN in html, name
        # The comparison's headline and caveats are the comparison report's sentences (w22rep's
        # catalogue, reports/comparison.py): allowed here until they are marked there.
        found = _escaped(pseudo_app, html, join_url, code, autumn["join_code"], "tina@example.org")
        report_sentences = [line for line in found if _from_comparison_report(line)]
        problems.extend(f"{name}: {line}" for line in found if line not in report_sentences)
    assert problems == [], "\n".join(problems)


def _comparison_report_literals() -> list[str]:
    """The literal pieces of the sentences reports/comparison.py writes (headline, caveats,
    withheld reasons: w22rep's area, translated with the reports)."""
    import ast

    tree = ast.parse((REPO / "reports" / "comparison.py").read_text(encoding="utf-8"))
    pieces = [
        piece.strip(" :;,.")
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value
        for piece in re.split(r"\{[^}]*\}", node.value)
    ]
    return [piece for piece in pieces if len(piece) > 12]


def _from_comparison_report(line: str) -> bool:
    """A line that carries a sentence of reports/comparison.py."""
    return any(piece in line for piece in _comparison_report_literals())


def test_the_dashboard_in_german_reads_in_german_with_decimal_commas(app, v1):
    client, _token = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    q = v1
    for n, role in enumerate(["leadership", "leadership", "leadership", "staff", "staff", "staff"]):
        phone = app.test_client()
        finish(phone, q, join(phone, code, role), answers(q, low=[q.dimensions[n % 5].id] if n % 2 else []))
    html = client.get(f"/workshops/{group_id}", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(
        as_text=True
    )
    for german in (
        "Live-Ergebnisse",
        "Zugangscode",
        "Werte und Übereinstimmung je Bereich",
        "Wahrnehmungslücke",
        "Fünf Fragen zur Diskussion",
        "Für Antworten schließen",
    ):
        assert german in html, german
    table = html.split('id="stats-table"', 1)[1].split("</table>", 1)[0]
    means = re.findall(r'<td class="num">(\d+,\d)</td>', table)
    assert means, "no mean with a decimal comma"
    assert not re.search(r'<td class="num">\d+\.\d</td>', table)
    assert "Results" not in html and "Group verdict" not in html
