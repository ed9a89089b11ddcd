"""Static files through WhiteNoise: compressed once ahead of time (gzip and Brotli files beside
each original, so nothing is compressed per request) and cached for a year under fingerprinted
addresses.

The fingerprint is a digest of every static file's content, put in the address
(``/static/<digest>/app.js``; ``url_for('static', ...)`` builds it), so a changed file is a new
address and a browser never keeps a stale one. The plain ``/static/<name>`` stays served for old
links with a short lifetime. plotly.js (from the plotly package, no CDN) is served the same way at
``/assets/plotly.min.js?v=<version>``: immutable, since the version is in the query.

The compressed copies live in the instance folder (``instance/static-build/<digest>/``), built
on the first start after a change; a build is written to a temporary folder and renamed into
place, so two processes starting together never serve a half-written file.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import plotly
from flask import Flask
from whitenoise import WhiteNoise

YEAR = 365 * 24 * 3600
SHORT = 3600
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
COMPRESSIBLE = (".js", ".css", ".svg", ".txt", ".json", ".html", ".map", ".ico")
BIG = 1_000_000  # Brotli's top quality takes most of a minute on plotly.js; good enough is faster


def digest_of(folder: Path) -> str:
    """A short fingerprint of every file under ``folder`` (names and contents)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _compress(path: Path) -> None:
    data = path.read_bytes()
    Path(str(path) + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
    try:
        import brotli
    except ImportError:  # gzip alone is still served compressed
        return
    Path(str(path) + ".br").write_bytes(brotli.compress(data, quality=6 if len(data) > BIG else 11))


def build(source: Path, target_root: Path) -> tuple[str, Path, Path]:
    """Copies of the static files and of plotly.js with their compressed versions; returns the
    digest, the static folder and plotly's folder of the build."""
    digest = digest_of(source)
    built = target_root / digest
    if not (built / ".complete").exists():
        target_root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=target_root))
        shutil.copytree(source, work / "static")
        vendor = work / "vendor" / plotly.__version__
        vendor.mkdir(parents=True)
        shutil.copy2(PLOTLY_JS, vendor / "plotly.min.js")
        for path in list(work.rglob("*")):
            if path.is_file() and path.suffix in COMPRESSIBLE:
                _compress(path)
        (work / ".complete").write_text(digest, encoding="utf-8")
        try:
            os.rename(work, built)
        except OSError:  # another process finished the same build first
            shutil.rmtree(work, ignore_errors=True)
    return digest, built / "static", built / "vendor" / plotly.__version__


def static_url_path(source: Path) -> str:
    return f"/static/{digest_of(source)}"


def register(app: Flask) -> None:
    """Serve the static files and plotly.js through WhiteNoise, compressed and cached."""
    source = Path(app.static_folder or "")
    digest, static, vendor = build(source, Path(app.instance_path) / "static-build")
    fingerprinted = f"/static/{digest}/"

    def immutable(_path: str, url: str) -> bool:
        return url.startswith(fingerprinted) or url == "/assets/plotly.min.js"

    def headers(found: object, _path: str, url: str) -> None:
        found["X-Content-Type-Options"] = "nosniff"  # type: ignore[index]

    wrapped = WhiteNoise(
        app.wsgi_app,
        max_age=SHORT,
        immutable_file_test=immutable,
        add_headers_function=headers,
        allow_all_origins=False,
    )
    wrapped.add_files(str(static), prefix=fingerprinted)
    wrapped.add_files(str(static), prefix="/static/")
    wrapped.add_files(str(vendor), prefix="/assets/")
    # Browsers ask for /favicon.ico whatever the page says; the same file, at the root.
    wrapped.add_file_to_dictionary("/favicon.ico", str(static / "favicon.ico"), stat_cache=None)
    app.wsgi_app = wrapped  # type: ignore[method-assign]
