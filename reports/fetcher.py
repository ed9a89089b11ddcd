"""The only way the PDF renderer may load anything: a locked-down WeasyPrint URL fetcher.

WeasyPrint's default fetcher embeds local files (``file:``), fetches ``http(s)`` and follows
redirects. A report contains user text (organisation names, commentary), so the renderer must
never read a file or reach the network because of something in a document. Every way a
document can ask for a resource (``<img>``, ``<link>``, ``@import``, ``url()`` in CSS,
``@font-face``, an ``<image>`` inside an SVG, ``<a rel="attachment">``) goes through
``URLFetcher.fetch``; this subclass answers only two kinds of URL:

- ``report:static/<name>``: a file from the allow-list below (the report's own fonts), read
  from ``reports/`` by exact name, so no path can climb out of the folder;
- ``report:asset/<name>``: bytes held in memory for this one render (charts, a logo).

Everything else (``file:``, ``http:``, ``https:``, ``data:``, ``ftp:``, relative URLs, unknown
names) raises ``RefusedURL``. No request ever leaves the process, so there is no redirect to
follow.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

SCHEME = "report:"
STATIC_PREFIX = SCHEME + "static/"
ASSET_PREFIX = SCHEME + "asset/"
REPORTS_DIR = Path(__file__).resolve().parent

# The exhaustive list of files a report may load from disk: (name under reports/, MIME type).
STATIC_FILES: dict[str, str] = {
    "fonts/Inter-Regular.otf": "font/otf",
    "fonts/Inter-Italic.otf": "font/otf",
    "fonts/Inter-SemiBold.otf": "font/otf",
    "fonts/Inter-Bold.otf": "font/otf",
}

log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A document asked for something outside the report's own assets."""


@dataclass(frozen=True)
class Asset:
    """Bytes served for one render under ``report:asset/<name>``."""

    data: bytes
    mime_type: str


_static_cache: dict[str, bytes] = {}


def _static_bytes(name: str) -> bytes:
    # The fonts are read once per process: every report uses them, and they never change.
    if name not in _static_cache:
        _static_cache[name] = (REPORTS_DIR / name).read_bytes()
    return _static_cache[name]


def static_url(name: str) -> str:
    if name not in STATIC_FILES:
        raise KeyError(f"{name!r} is not in reports.fetcher.STATIC_FILES")
    return STATIC_PREFIX + name


def asset_url(name: str) -> str:
    return ASSET_PREFIX + name


class ReportURLFetcher(URLFetcher):
    """Serves the report's own fonts and this render's in-memory assets; refuses everything else.

    ``requests`` records every URL asked for with the answer given (``True`` served,
    ``False`` refused), so tests and logs can show what a document tried to load.
    """

    def __init__(self, assets: Mapping[str, Asset] | None = None) -> None:
        # No protocols and no redirects for the inherited opener too, in case anything in
        # WeasyPrint ever reaches it directly instead of through fetch().
        super().__init__(allowed_protocols=frozenset(), allow_redirects=False, timeout=1)
        self.assets: dict[str, Asset] = dict(assets or {})
        self.requests: list[tuple[str, bool]] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        try:
            response = self._answer(url)
        except RefusedURL:
            self.requests.append((url, False))
            log.warning("report renderer refused to fetch %r", url[:200])
            raise
        self.requests.append((url, True))
        return response

    def _answer(self, url: str) -> URLFetcherResponse:
        if not isinstance(url, str):
            raise RefusedURL("not a URL")
        if url.startswith(STATIC_PREFIX):
            name = url[len(STATIC_PREFIX) :]
            mime = STATIC_FILES.get(name)
            if mime is None:
                raise RefusedURL(f"{name!r} is not one of the report's own files")
            return URLFetcherResponse(url, _static_bytes(name), {"Content-Type": mime})
        if url.startswith(ASSET_PREFIX):
            asset = self.assets.get(url[len(ASSET_PREFIX) :])
            if asset is None:
                raise RefusedURL("no such asset in this report")
            return URLFetcherResponse(url, asset.data, {"Content-Type": asset.mime_type})
        raise RefusedURL(f"the report renderer loads only its own assets, not {url[:80]!r}")

    @property
    def refused(self) -> list[str]:
        return [url for url, served in self.requests if not served]

    @property
    def served(self) -> list[str]:
        return [url for url, served in self.requests if served]
