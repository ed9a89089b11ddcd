"""Serving a workshop room: the join URL and QR code come from PUBLIC_URL or a trusted host, never
from whatever Host header a request carries; the present page warns when phones could not open
its link, and shows the address they would use."""

from __future__ import annotations

import segno

from assessment import create_app
from assessment.web import room

from .test_workshop import create, facilitator, group_row


def _qr_for(url: str) -> bytes:
    svg = segno.make(url, error="m", micro=False).svg_inline(scale=10, border=2)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    ).encode()


def _also_for(client, host: str) -> None:
    """The test client keeps cookies per domain: send the login to another host name too."""
    cookie = client.get_cookie("session", domain="localhost")
    client.set_cookie("session", cookie.value, domain=host)


def test_a_strangers_host_header_never_reaches_the_join_url_or_qr(app, monkeypatch):
    monkeypatch.setattr(room, "lan_addresses", lambda: ["192.168.1.20"])
    client, token = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    evil = {"Host": "evil.example"}
    _also_for(client, "evil.example")
    present = client.get(f"/workshops/{group_id}/present", headers=evil).get_data(as_text=True)
    dashboard = client.get(f"/workshops/{group_id}", headers=evil).get_data(as_text=True)
    qr = client.get(f"/workshops/{group_id}/qr.svg", headers=evil).data
    assert "evil.example" not in present and "evil.example" not in dashboard
    # Not the stranger's host: this machine's own address (the test server listens on port 80).
    assert f"http://192.168.1.20/join/{code}" in present
    assert qr == _qr_for(f"http://192.168.1.20/join/{code}")
    assert qr != _qr_for(f"http://evil.example/join/{code}")
    created = app.test_client().post(
        "/api/v1/groups",
        json={"name": "API workshop", "questionnaire": "social-organisation"},
        headers={**evil, "Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201
    assert created.get_json()["join_url"].startswith("http://192.168.1.20/join/")


def test_public_url_wins_over_every_host(app):
    app.config["PUBLIC_URL"] = "https://workshops.example.org/"
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    _also_for(client, "evil.example")
    for host in ("evil.example", "localhost"):
        html = client.get(f"/workshops/{group_id}/present", headers={"Host": host}).get_data(as_text=True)
        assert f"https://workshops.example.org/join/{code}" in html
        assert "evil.example" not in html
        assert "Phones cannot open this link" not in html
    qr = client.get(f"/workshops/{group_id}/qr.svg").data
    assert qr == _qr_for(f"https://workshops.example.org/join/{code}")


def test_trusted_hosts_are_used_and_any_other_host_is_refused(database_url, questionnaire_dir):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "QUESTIONNAIRE_DIR": str(questionnaire_dir),
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_HOSTS": ["room.example", "localhost"],
        }
    )
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    try:
        client, _ = facilitator(app, "ann@example.org")
        group_id = create(client)
        code = group_row(app, group_id).join_code
        _also_for(client, "room.example")
        _also_for(client, "evil.example")
        html = client.get(f"/workshops/{group_id}/present", headers={"Host": "room.example:8000"})
        assert f"http://room.example:8000/join/{code}" in html.get_data(as_text=True)
        refused = client.get(f"/workshops/{group_id}/present", headers={"Host": "evil.example"})
        assert refused.status_code == 400
        assert "evil.example" not in refused.get_data(as_text=True)
    finally:
        app.extensions["database"].engine.dispose()


def test_trusted_hosts_come_from_the_environment(monkeypatch, database_url, questionnaire_dir):
    monkeypatch.setenv("TRUSTED_HOSTS", " room.example , .venue.example,")
    app = create_app({"DATABASE_URL": database_url, "QUESTIONNAIRE_DIR": str(questionnaire_dir)})
    assert app.config["TRUSTED_HOSTS"] == ["room.example", ".venue.example"]
    app.extensions["database"].engine.dispose()


def test_present_page_warns_before_anyone_scans_a_loopback_link(app, monkeypatch):
    monkeypatch.setattr(room, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.7"])
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client)
    code = group_row(app, group_id).join_code
    _also_for(client, "127.0.0.1")
    _also_for(client, "192.168.1.20")
    html = client.get(f"/workshops/{group_id}/present", headers={"Host": "127.0.0.1:5000"}).get_data(
        as_text=True
    )
    assert "Phones cannot open this link" in html
    # The warning comes before the link and the QR code people would scan.
    assert html.index("Phones cannot open this link") < html.index('class="present-qr"')
    assert f"http://192.168.1.20:5000/join/{code}" in html and f"http://10.0.0.7:5000/join/{code}" in html
    assert f'href="http://192.168.1.20:5000/workshops/{group_id}/present"' in html
    assert "--host 0.0.0.0" in html

    # Opened at the network address, the link is the one phones use: no warning.
    lan = client.get(f"/workshops/{group_id}/present", headers={"Host": "192.168.1.20:5000"})
    text = lan.get_data(as_text=True)
    assert f"http://192.168.1.20:5000/join/{code}" in text
    assert "Phones cannot open this link" not in text


def test_no_network_address_says_so(app, monkeypatch):
    monkeypatch.setattr(room, "lan_addresses", lambda: [])
    client, _ = facilitator(app, "ann@example.org")
    group_id = create(client)
    html = client.get(f"/workshops/{group_id}/present").get_data(as_text=True)
    assert "Phones cannot open this link" in html
    assert "no network address phones could reach" in html


def test_loopback_recognised_in_every_spelling():
    for host in ("localhost", "localhost:5000", "127.0.0.1", "127.1.2.3:80", "[::1]:5000", "::1"):
        assert room.is_loopback(host), host
    for host in ("192.168.1.20:5000", "evil.example", "example.org:443", "[2001:db8::1]:80"):
        assert not room.is_loopback(host), host


def test_lan_addresses_are_real_non_loopback_ipv4():
    import ipaddress

    for address in room.lan_addresses():
        parsed = ipaddress.ip_address(address)
        assert parsed.version == 4 and not parsed.is_loopback
