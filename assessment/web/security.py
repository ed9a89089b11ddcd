"""Response headers, the session cookie and the trusted-proxy setting.

A small after_request rather than Flask-Talisman: Talisman's last release (1.1.0) is from 2023,
it redirects to HTTPS and fixes the session cookie's Secure flag from static settings, and a
per-page Referrer-Policy needs a decorator on every view. What this app needs is a handful of
headers chosen from the URL, which fits in one function that can be read in a minute.

- Content-Security-Policy: scripts only from this site (every script, plotly.js included, is a
  static file; no inline script or on* handler anywhere). ``style-src`` allows inline styles:
  plotly.js writes its own <style> rules and style attributes into the chart at run time, and
  three templates size bars with a ``style`` attribute. Inline styles cannot run code, so this
  keeps the protection that matters (no injected script) while the charts work.
- ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``: no page can be framed (clickjacking).
- ``X-Content-Type-Options: nosniff`` on every response.
- ``Referrer-Policy: no-referrer`` on every page whose address holds a private token, id or join
  code (resume links, results, join pages, workshop pages), so a link followed from there never
  carries the token to another site; ``same-origin`` elsewhere.
- ``Cache-Control: no-store`` on every dynamic response that does not set its own: pages carry
  answers, results, CSRF tokens or a facilitator's groups, none of which may sit in a cache.
- The session cookie is ``Secure`` whenever the request came over HTTPS (``request.is_secure``,
  which honours X-Forwarded-Proto only behind a trusted proxy) or ``SESSION_COOKIE_SECURE`` is
  set.
"""

from __future__ import annotations

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Static files may be cached (plotly.js is versioned in its URL); everything else is private.
CACHEABLE_ENDPOINTS = frozenset({"static", "results.plotly_js"})


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with Secure set per request: on whenever the browser
    reached the app over HTTPS, so a deployment behind TLS needs no extra setting."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Without a session cookie (every API call) the session starts empty, as Flask's own
        # would, without building the signing serializer Flask builds first (2% of a submission).
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        return bool(request) and request.is_secure


def _holds_token() -> bool:
    # Every route whose address carries a variable part carries something private: a resume
    # token, an assessment id (the results link), a group id or a join code.
    return bool(request.view_args)


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer" if _holds_token() else "same-origin"
    if request.endpoint not in CACHEABLE_ENDPOINTS and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(add_headers)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Only behind proxies we run: otherwise anyone could claim any address or scheme.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
