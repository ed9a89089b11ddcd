"""The social organisation self-assessment: a Flask application.

``create_app`` is the factory (``flask --app app run``); extensions are created unbound in
``extensions`` and bound here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, appcontext_pushed

from . import i18n
from .db import Database
from .services import push
from .services.questionnaires import QuestionnaireRegistry, use_registry
from .web.extensions import csrf, login_manager

REPO = Path(__file__).resolve().parent.parent


def _secret_key(instance: Path) -> str:
    """A key generated once into the instance folder: never in the repo, stable across restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _flag(value: str | None) -> bool | None:
    """An on/off environment setting; None when unset."""
    if value is None or not value.strip():
        return None
    return value.strip().lower() not in ("0", "false", "no", "off")


def _host_list(value: str) -> list[str] | None:
    """'a.example, .b.example' -> ['a.example', '.b.example']; None (no check) when empty."""
    hosts = [h.strip() for h in value.split(",") if h.strip()]
    return hosts or None


def _use_questionnaires(app: Flask, **_: Any) -> None:
    use_registry(app.extensions["questionnaires"])


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from .web import assets

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="web/templates",
        static_folder="web/static",
        # Fingerprinted, so WhiteNoise may let browsers keep every file for a year (web/assets.py).
        static_url_path=assets.static_url_path(Path(__file__).resolve().parent / "web" / "static"),
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'assessment.sqlite'}",
        QUESTIONNAIRE_DIR=str(REPO / "questionnaires"),
        DEFAULT_QUESTIONNAIRE="social-organisation",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a half-finished questionnaire must still submit hours later
        # The address phones are sent to (join URL, QR code); see README "Serving a workshop room".
        PUBLIC_URL=os.environ.get("PUBLIC_URL", ""),
        # Flask (>= 3.1) answers 400 to any other Host header when this list is set.
        TRUSTED_HOSTS=_host_list(os.environ.get("TRUSTED_HOSTS", "")),
        # Secure cookies always (they are also Secure whenever a request comes over HTTPS).
        SESSION_COOKIE_SECURE=_flag(os.environ.get("SESSION_COOKIE_SECURE")) is True,
        # How many reverse proxies in front of the app to trust for X-Forwarded-For/-Proto/-Host;
        # 0 (the default) trusts none, so no client can claim another address.
        TRUSTED_PROXIES=int(os.environ.get("TRUSTED_PROXIES") or 0),
        # Pages with a private token in their address send no Referer, so Flask-WTF's HTTPS-only
        # check that a Referer names this site would refuse their forms; the CSRF token (tied to
        # the session cookie, SameSite=Lax) is the protection.
        WTF_CSRF_SSL_STRICT=False,
        # Shared storage for the limit on wrong join codes; the database when unset.
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        # The room's push (assessment/services/push.py): Redis channel names start with this, so
        # two installations (or test runs) on one Redis never hear each other.
        PUSH_CHANNEL_PREFIX=os.environ.get("PUSH_CHANNEL_PREFIX") or "assessment:push:",
        # How long one event stream stays open before the browser reconnects on its own.
        PUSH_STREAM_SECONDS=float(os.environ.get("PUSH_STREAM_SECONDS") or 300),
        # Mail for "send me my link" (smtp://user:pass@host:587, smtps://...); unset: no mail.
        MAIL_URL=os.environ.get("MAIL_URL", ""),
        MAIL_FROM=os.environ.get("MAIL_FROM", ""),
        # Bounds of every PDF render (reports/bounded.py).
        REPORT_RENDER_SECONDS=float(os.environ.get("REPORT_RENDER_SECONDS") or 15),
        REPORT_RENDER_MEMORY_MB=int(os.environ.get("REPORT_RENDER_MEMORY_MB") or 1024),
        # Render a finished self-assessment's report while its results page is read, so the
        # download is served from the report cache (a "prerender" job, assessment/queue.py). On
        # unless set off, or TESTING (a test that wants it says so).
        REPORT_PRERENDER=_flag(os.environ.get("REPORT_PRERENDER")),
        # The app's languages (assessment/i18n.py): the default, and those offered by the switch
        # and matched against Accept-Language (each with a catalogue in */translations).
        DEFAULT_LOCALE=os.environ.get("DEFAULT_LOCALE") or "en_GB",
        LANGUAGES=os.environ.get("LANGUAGES") or "en_GB,de",
        # Times on pages and in reports are shown in this zone (stored in UTC).
        DEFAULT_TIMEZONE=os.environ.get("DEFAULT_TIMEZONE") or "Europe/London",
        # The job queue (assessment/queue.py): sqlite, redis or immediate; unset: Redis when
        # REDIS_URL is set, else a SQLite file in the instance folder (immediate under TESTING).
        JOB_QUEUE=os.environ.get("JOB_QUEUE", ""),
        JOB_QUEUE_NAME=os.environ.get("JOB_QUEUE_NAME") or "assessment-jobs",
        JOB_QUEUE_FILE=os.environ.get("JOB_QUEUE_FILE", ""),
        # How long a worker's claim on a job lasts unless renewed (it renews it every third):
        # a worker that dies mid-job is noticed within this, and its job run again.
        JOB_LEASE_SECONDS=float(os.environ.get("JOB_LEASE_SECONDS") or 6),
        # How long a download waits for its render before a 503 with Retry-After; unset: the
        # render bound, REPORT_RENDER_SECONDS.
        JOB_WAIT_SECONDS=float(os.environ.get("JOB_WAIT_SECONDS") or 0) or None,
        # Responses older than this many days are deleted every night at 03:30 UTC by a worker
        # (what `flask purge --older-than DAYS --yes` does); 0 or unset: never (docs/privacy.md).
        RETENTION_DAYS=int(os.environ.get("RETENTION_DAYS") or 0),
    )
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
    if app.config["REPORT_PRERENDER"] is None:
        app.config["REPORT_PRERENDER"] = not app.config.get("TESTING")
    if not app.config["JOB_QUEUE"] and app.config.get("TESTING"):
        app.config["JOB_QUEUE"] = "immediate"

    app.extensions["database"] = Database(app.config["DATABASE_URL"])
    broker = push.make_broker(app.config["REDIS_URL"], app.config["PUSH_CHANNEL_PREFIX"])
    app.extensions["push"] = broker
    push.install(app.extensions["database"].sessions, broker)
    app.extensions["questionnaires"] = QuestionnaireRegistry(app.config["QUESTIONNAIRE_DIR"])
    from . import queue

    queue.install(app)
    # Questionnaire translations come from this app's folder wherever its context is active.
    appcontext_pushed.connect(_use_questionnaires, app)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)

    from . import cli
    from .web import register_web

    cli.register(app)
    register_web(app)
    assets.register(app)  # outermost: static files never reach Flask
    return app
