"""Hostile logos are refused at upload with a message naming the limit, and every PDF render is
bounded: a logo that slipped in before the checks (stored directly) makes a clear 503 while the
worker keeps serving other requests, and the next report renders normally."""

from __future__ import annotations

import struct
import threading
from pathlib import Path

import pytest

from assessment.db.models import Group
from assessment.services import logos

from .test_workshop import PNG, create, facilitator

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'


def png(width: int, height: int) -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
        + struct.pack(">II", width, height)
        + b"\x08\x02\x00\x00\x00"
        + b"\x00" * 64
    )


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", height, width) + b"\x03" + b"\x01\x22\x00" * 3
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def nested_use(fanout: int, levels: int) -> bytes:
    defs = ['<g id="l0"><rect width="1" height="1"/></g>']
    for n in range(1, levels + 1):
        defs.append(f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * fanout + "</g>")
    return (SVG_HEAD + "<defs>" + "".join(defs) + f'</defs><use href="#l{levels}"/></svg>').encode()


DEEP = (SVG_HEAD + "<g>" * 5000 + "</g>" * 5000 + "</svg>").encode()
CYCLE = (SVG_HEAD + '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>').encode()
MANY = (SVG_HEAD + '<rect width="1" height="1"/>' * 3500 + "</svg>").encode()


def _upload(client, group_id, data, name="logo.svg"):
    import io

    return client.post(
        f"/workshops/{group_id}/settings",
        data={
            "name": "Board away-day",
            "roles": ["leadership", "staff"],
            "leadership_roles": ["leadership"],
            "min_group_size": "3",
            "logo": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png(12000, 12000), "12000 x 12000 pixels"),
        (png(4097, 10), "4097 x 10 pixels"),
        (png(4096, 4096), "megapixels"),
        (jpeg(20000, 300), "20000 x 300 pixels"),
        (DEEP, "more than 50 levels deep"),
        (MANY, "more than 3000 elements"),
        (nested_use(10, 7), "&lt;use&gt; references"),
        (nested_use(10, 5), "&lt;use&gt; references"),
        (CYCLE, "refers back to itself"),
    ],
)
def test_hostile_logos_are_refused_naming_the_limit(app, data, message):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    response = _upload(owner, group_id, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.extensions["database"].session() as s:
        assert s.get(Group, group_id).logo is None  # nothing saved


def test_a_refused_logo_is_explained_in_the_pages_language(app):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    owner.post("/language", data={"locale": "de"})  # the footer's switch
    response = _upload(owner, group_id, png(12000, 12000))
    assert response.status_code == 422
    assert "Das Logo hat 12000 x 12000 Pixel" in response.get_data(as_text=True)
    response = _upload(owner, group_id, CYCLE)
    assert "das auf sich selbst zurückverweist" in response.get_data(as_text=True)


@pytest.mark.parametrize("data", [png(800, 300), jpeg(1200, 400), PNG, nested_use(3, 3)])
def test_ordinary_logos_are_accepted(app, data):
    owner, _ = facilitator(app, "ann@example.org")
    group_id = create(owner)
    assert _upload(owner, group_id, data).status_code == 302


def test_expanded_size_counts_every_use():
    # 1 root use + 3 groups of 3 uses each expanding a 2-element group: counted by hand.
    root = logos._parse_bounded(nested_use(3, 2))
    # l0 = g+rect = 2; l1 = 1 + 3*(1+2) = 10; l2 = 1 + 3*(1+10) = 34; defs = 1+2+10+34 = 47;
    # root use = 1 + 34 = 35; svg = 1 + 47 + 35 = 83
    assert logos._expanded_size(root) == 83


def test_a_render_past_its_bound_is_a_503_and_the_worker_lives(app, v1):
    owner, token = facilitator(app, "ann@example.org")
    group_id = create(owner)
    # As if stored before the upload checks existed: the renderer is the last line of defence.
    with app.extensions["database"].session() as s:
        group = s.get(Group, group_id)
        group.logo, group.logo_mime = nested_use(10, 7), "image/svg+xml"
        s.commit()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    from reports import bounded

    bounded.configure(timeout=3)
    try:
        outcome = {}

        def slow() -> None:
            outcome["page"] = owner.get(f"/workshops/{group_id}/report.pdf")

        render = threading.Thread(target=slow)
        render.start()
        # Served while the render runs: the worker is not held by it.
        other = app.test_client()
        assert other.get("/api/v1/questionnaires").status_code == 200
        render.join(60)
        page = outcome["page"]
        assert page.status_code == 503
        assert "longer than 3 seconds" in page.get_data(as_text=True) or "memory" in page.get_data(
            as_text=True
        )
        api = app.test_client().get(
            f"/api/v1/groups/{group_id}/report.pdf", headers={"Authorization": f"Bearer {token}"}
        )
        assert api.status_code == 503 and "stopped" in api.get_json()["error"]
        # A fresh child renders the next report (with the usual bound: a cold child on a
        # busy machine may need more than 3 s).
        bounded.configure(timeout=bounded.TIMEOUT_SECONDS)
        with app.extensions["database"].session() as s:
            s.get(Group, group_id).logo = None
            s.commit()
        response = owner.get(f"/workshops/{group_id}/report.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), response.get_data(
            as_text=True
        )[-600:]
    finally:
        bounded.configure(timeout=bounded.TIMEOUT_SECONDS)


def test_a_worker_with_a_warm_render_child_stops_when_told_to(tmp_path):
    """gunicorn's worker catches SIGTERM to stop gracefully; the render child it forks inherited
    that handler, so the SIGTERM a stopping worker sends its child was caught and ignored, and the
    worker waited for the child for ever: a stopped server left a worker and its child running.
    Here a process with such a handler forks the child and exits; it must be gone within seconds,
    and so must the child."""
    import os
    import signal
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import os, signal, sys
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))  # as gunicorn's worker does
        read, write = os.pipe()
        os.set_blocking(write, False)
        signal.set_wakeup_fd(write)
        from reports import bounded
        bounded.warm()
        print(bounded._renderer._process.pid, flush=True)
        sys.exit(0)  # multiprocessing's exit handler stops the daemonic child, then joins it
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=20,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
    except subprocess.TimeoutExpired as exc:
        for pid in (exc.stdout or b"").split():  # the child, left behind: stopped here instead
            os.kill(int(pid), signal.SIGKILL)
        pytest.fail("a process with a warm render child did not exit within 20 s of being told to")
    assert done.returncode == 0, done.stderr
    child = int(done.stdout.split()[0])
    assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text()
