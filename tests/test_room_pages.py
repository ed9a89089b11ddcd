"""The room's pages with the Flask test client: the landing page's ways in, a participant's end
screen ("you and the room" only once the published snapshot allows it), the projector's results
mode without admin controls, and a discussion round from opening to the workshop PDF."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from .test_workshop import create, facilitator, group_row, join
from .web_helpers import answers, finish


def test_landing_offers_join_and_facilitator_sign_in_beside_the_self_assessment(client):
    html = client.get("/").get_data(as_text=True)
    assert "Join a workshop" in html and 'action="/join"' in html and 'name="code"' in html
    assert "Facilitator sign in" in html and 'href="/login"' in html
    assert "Start the assessment" in html


def test_the_landing_join_form_reaches_the_workshop(app):
    client, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(client)).join_code
    response = app.test_client().post("/join", data={"code": code.lower()})
    assert response.status_code == 302 and response.location == f"/join/{code}"


def _participants(app, code: str, v1, roles: list[str]) -> list[tuple[object, str, str]]:
    """Each participant in their own browser: (client, private token, results address)."""
    out = []
    for n, role in enumerate(roles):
        phone = app.test_client()
        token = join(phone, code, role)
        low = [v1.dimensions[n % len(v1.dimensions)].id]
        out.append((phone, token, finish(phone, v1, token, answers(v1, low=low))))
    return out


def test_end_screen_thanks_names_the_workshop_and_waits_for_k(app, v1):
    client, _ = facilitator(app, "ann@example.org")
    code = group_row(app, create(client, name="Board away-day")).join_code
    (phone, _, results), *_ = _participants(app, code, v1, ["staff", "staff"])
    html = phone.get(results).get_data(as_text=True)
    assert "Thank you for taking part in Board away-day" in html
    assert "The room's results appear here once at least 3 people have finished" in html
    assert "you-and-room" not in html


def test_end_screen_shows_you_and_the_room_from_the_published_snapshot(app, v1):
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    people = _participants(app, code, v1, ["staff", "staff", "manager"])
    phone, _, results = people[0]
    html = phone.get(results).get_data(as_text=True)
    assert "You and the room" in html and "you-and-room" in html
    summary = client.get(f"/workshops/{group_id}/summary.json").get_json()
    table = html[html.index("you-and-room") :]
    for d in v1.dimensions:
        room = summary["dimensions"][d.id]["mean"]
        assert re.search(
            rf"{re.escape(d.label)}</th><td class=\"num\">\d+</td><td class=\"num\">{room:.0f}<", table
        )


def test_results_mode_has_the_groups_charts_and_prompts_and_no_admin_controls(app, v1):
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    early = client.get(f"/workshops/{group_id}/present/results")
    assert early.status_code == 200 and "Figures appear once at least 3 people have finished" in early.text
    _participants(app, code, v1, ["staff", "staff", "manager"])
    html = client.get(f"/workshops/{group_id}/present/results").get_data(as_text=True)
    assert 'class="spectrum spectrum-wide"' in html and 'id="radar"' in html and "data-figure" in html
    assert html.count("data-step ") + html.count("data-step>") >= 1
    assert "Re-vote on the phones" in html
    for admin in ("/open", "/export.", "/settings", "/commentary", "Close for answers", "report.pdf"):
        assert admin not in html, admin
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    # Another facilitator cannot see it.
    other, _ = facilitator(app, "bob@example.org")
    assert other.get(f"/workshops/{group_id}/present/results").status_code == 404


def test_a_discussion_round_from_opening_to_the_pdf(app, v1):
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    people = _participants(app, code, v1, ["staff", "staff", "manager", "staff"])
    summary = client.get(f"/workshops/{group_id}/summary.json").get_json()
    prompt = summary["prompts"][0]
    item = v1.item(prompt["item"])

    # Nothing to vote on yet.
    phone, token, results = people[0]
    assert "Discussion round" not in phone.get(results).get_data(as_text=True)

    opened = client.post(f"/workshops/{group_id}/rounds", data={"item": item.id})
    assert opened.status_code == 302
    round_url = opened.location
    round_id = int(round_url.rsplit("/", 1)[1])
    page = client.get(round_url).get_data(as_text=True)
    assert item.text in page and "Before the discussion" in page
    # Keeps counting votes while open: in place with JavaScript, by a reload without.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert 'data-refresh="5"' in page and "round.js" in page
    before = [c["count"] for c in prompt["distribution"]]
    assert sum(before) == prompt["n"]

    end = phone.get(results).get_data(as_text=True)
    assert "After the discussion, how would you answer now?" in end and item.text in end

    # Everyone picks the same answer: agreement rises. The first person changes their mind once.
    same = str(item.options[0].value)
    phone.post(f"/a/{token}/rounds/{round_id}", data={"answer": str(item.options[-1].value)})
    for p, t, _ in people[:2]:
        assert p.post(f"/a/{t}/rounds/{round_id}", data={"answer": same}).status_code == 302
    page = client.get(round_url).get_data(as_text=True)
    assert "2 answers so far; shown when the round closes (from 3)" in page  # rule 13
    assert "Agreement rose" not in page
    p, t, _ = people[2]
    p.post(f"/a/{t}/rounds/{round_id}", data={"answer": same})
    page = client.get(round_url).get_data(as_text=True)
    # Rule 13: while the round is open the new answers are only counted; bars that moved with
    # each vote would show each person's answer to anyone comparing two looks at the projector.
    assert "3 answers so far; shown when the round closes" in page
    assert "spread (SD) 0.00" not in page and "Agreement rose" not in page

    # Invalid answers and strangers are refused.
    bad = phone.post(f"/a/{token}/rounds/{round_id}", data={"answer": "99"}, follow_redirects=True)
    assert "Please choose one of the answers shown" in bad.get_data(as_text=True)
    assert phone.post(f"/a/nope/rounds/{round_id}", data={"answer": same}).status_code == 404

    closed = client.post(f"{round_url}/close")
    assert closed.status_code == 302
    page = client.get(round_url).get_data(as_text=True)
    assert "3 answers · spread (SD) 0.00" in page
    assert "Agreement rose" in page
    # One vote per participant: the first person's second answer replaced their first.
    assert re.search(rf"{re.escape(item.options[0].label)}</th>.*?<td class=\"num\">3</td>", page, re.S)
    assert "closed" in page and "Close the round" not in page and "http-equiv" not in page
    assert "data-refresh" not in page  # a closed round stops asking for new figures
    late = people[3][0].post(
        f"/a/{people[3][1]}/rounds/{round_id}", data={"answer": same}, follow_redirects=True
    )
    assert "This round has been closed" in late.get_data(as_text=True)

    pdf = client.get(f"/workshops/{group_id}/report.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Discussion rounds" in text and "Round 1" in text
    assert "Agreement rose" in text


def test_a_round_needs_published_results(app, v1):
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    _participants(app, code, v1, ["staff"])
    response = client.post(
        f"/workshops/{group_id}/rounds", data={"item": v1.items[0].id}, follow_redirects=True
    )
    assert "A round needs published results first" in response.get_data(as_text=True)
    other, _ = facilitator(app, "bob@example.org")
    assert other.post(f"/workshops/{group_id}/rounds", data={"item": v1.items[0].id}).status_code == 404
