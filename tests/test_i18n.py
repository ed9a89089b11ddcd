"""The translation layer (assessment/i18n.py): which locale a request gets, the switch, the
catalogues' completeness, and the pseudo-locale that finds text outside gettext."""

from __future__ import annotations

from pathlib import Path

from flask_babel import format_decimal, format_time

from assessment import i18n

from .pseudo_locale import CLOSE, OPEN, page_text, unmarked

REPO = Path(__file__).resolve().parent.parent


def _lang(html: str) -> str:
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def test_without_a_choice_or_a_browser_language_the_page_is_in_the_default(client):
    page = client.get("/")
    assert _lang(page.get_data(as_text=True)) == "en-GB"


def test_the_browser_language_chooses_among_those_offered(client):
    assert (
        _lang(client.get("/", headers={"Accept-Language": "de-AT,de;q=0.9"}).get_data(as_text=True)) == "de"
    )
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert _lang(html) == "en-GB"  # French is not offered: the installation's default


def test_the_switch_remembers_the_choice_over_the_browser_language(client):
    answer = client.post("/language", data={"locale": "de", "next": "/method"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/method")
    html = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert _lang(html) == "de"
    assert "Sprache" in html  # the switch's own label, from the German catalogue


def test_the_switch_refuses_an_unknown_language_and_never_leaves_the_site(client):
    refused = client.post("/language", data={"locale": "xx"})
    assert refused.status_code == 400
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        answer = client.post("/language", data={"locale": "en_GB", "next": target})
        assert answer.headers["Location"] in ("/", "http://localhost/")


def test_the_switch_is_on_every_page_and_marks_the_current_language(client):
    html = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'value="de" lang="de" aria-describedby="language-label" aria-current="true"' in html
    assert (
        'value="en_GB" lang="en-GB"' in html and ">English</button>" in html and ">Deutsch</button>" in html
    )


def test_numbers_and_times_follow_the_locale(app):
    from datetime import time

    with app.test_request_context("/"):
        with i18n.force_locale("de"):
            assert format_decimal(2.5) == "2,5"
            assert format_time(time(15, 5), "short") == "15:05"
        with i18n.force_locale("en_GB"):
            assert format_decimal(2.5) == "2.5"
            assert format_time(time(15, 5), "short") == "15:05"


def test_every_catalogue_is_complete():
    import importlib.util

    spec = importlib.util.spec_from_file_location("i18n_check", REPO / "scripts" / "i18n_check.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    files = sorted(f for c in check.CATALOGUES for f in (REPO / c).glob("*/LC_MESSAGES/messages.po"))
    assert files, "no catalogue found"
    assert [p for f in files for p in check.problems(f)] == []


def test_the_pseudo_locale_marks_translated_text_and_finds_the_rest(pseudo_app):
    html = pseudo_app.test_client().get("/").get_data(as_text=True)
    assert f"{OPEN}Language{CLOSE}" in html
    assert unmarked(f"{OPEN}Start{CLOSE} 42 %") == []
    assert unmarked(f"{OPEN}Score of {OPEN}Dialogue{CLOSE}{CLOSE}: 45") == []
    assert unmarked("Kestrel Trust scored 45", allowed=["Kestrel Trust"]) == ["Kestrel Trust scored 45"]
    assert unmarked("Kestrel Trust", allowed=["Kestrel Trust"]) == []
    assert page_text('<p title="Hint">x<script>var a</script></p>') == "Hint\nx"
