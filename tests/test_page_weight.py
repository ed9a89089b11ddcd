"""A phone's pages stay light: every page a participant or a self-assessor sees on a phone (join,
a question page, the workshop end screen, the results) weighs under 300 KB as sent, everything it
loads included, and static files come compressed with long cache lifetimes under fingerprinted
addresses (WhiteNoise)."""

from __future__ import annotations

import gzip
import re

from .test_workshop import create, facilitator, group_row, join
from .web_helpers import answers, finish, start

BUDGET = 300 * 1024
PHONE = {"Accept-Encoding": "br, gzip", "User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile"}
LINKED = re.compile(r'<(?:script[^>]+src|link[^>]+href|img[^>]+src)="([^"]+)"')


def _weight(client, path: str) -> tuple[int, dict[str, int]]:
    """Bytes on the wire for ``path`` and everything its HTML links (scripts, styles, icon,
    images). The HTML counts gzipped, as the reverse proxy sends it (docs/deploy.md); static
    files count as WhiteNoise sends them."""
    page = client.get(path, headers=PHONE)
    assert page.status_code == 200, path
    html = page.get_data(as_text=True)
    parts = {path: len(gzip.compress(page.get_data(), 6))}
    for url in sorted(set(LINKED.findall(html))):
        if url.startswith(("http:", "https:", "//", "#", "data:")):
            continue
        response = client.get(url, headers=PHONE)
        assert response.status_code == 200, url
        parts[url] = len(response.get_data())
        response.close()
    return sum(parts.values()), parts


def test_every_phone_page_with_all_it_loads_is_under_300_kb(app, v1):
    owner, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(owner)).join_code
    phone = app.test_client()
    join_weight, _ = _weight(phone, f"/join/{code}")
    token = join(phone, code, "staff")
    question_weight, _ = _weight(phone, f"/a/{token}/1")
    end = finish(phone, v1, token, answers(v1))
    end_weight, end_parts = _weight(phone, end)
    # The end screen's script fetches its live part when told (room.js): counted too.
    assessment_id = end.rsplit("/", 1)[1]
    part = phone.get(f"/results/{assessment_id}/room", headers=PHONE).get_data()
    end_weight += len(gzip.compress(part, 6))

    alone = app.test_client()
    results = finish(alone, v1, start(alone), answers(v1))
    results_weight, results_parts = _weight(alone, results)

    weights = {"join": join_weight, "question": question_weight, "end": end_weight, "results": results_weight}
    print("phone page weights (bytes):", weights)
    for name, weight in weights.items():
        assert weight < BUDGET, (name, weight)
    # No page a phone loads lists plotly.js: the charts are the server's SVGs.
    for parts in (end_parts, results_parts):
        assert not [url for url in parts if "plotly" in url], parts
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in alone.get(results).get_data(as_text=True)


def test_static_files_are_compressed_and_fingerprinted_for_a_year(app, client):
    html = client.get("/").get_data(as_text=True)
    style = re.search(r'href="(/static/[0-9a-f]{12}/style\.css)"', html)
    assert style, "the stylesheet's address carries the files' fingerprint"
    for encoding in ("br", "gzip"):
        response = client.get(style.group(1), headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert "immutable" in response.headers["Cache-Control"]
        max_age = re.search(r"max-age=(\d+)", response.headers["Cache-Control"])
        assert max_age and int(max_age.group(1)) >= 365 * 24 * 3600
        response.close()
    plain = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]
    plain.close()
    plotly = client.get("/assets/plotly.min.js?v=1", headers={"Accept-Encoding": "gzip"})
    assert plotly.headers["Content-Encoding"] == "gzip" and len(plotly.get_data()) < 1_600_000
    plotly.close()


def test_favicon_is_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/x-icon", "image/vnd.microsoft.icon")
    assert icon.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    icon.close()
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
