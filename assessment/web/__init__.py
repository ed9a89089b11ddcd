"""The web layer: Flask blueprints, forms and templates. Views stay thin: they call services."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from flask import Flask, Response, current_app, g, send_file
from sqlalchemy.orm import Session

from ..services.exports import Table, to_csv, to_xlsx

if TYPE_CHECKING:
    from ..queue import Queue


def db() -> Session:
    """The request's database session, closed when the request ends."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["database"].session()
    return g.db_session


def jobs() -> Queue:
    """The app's job queue: reports are rendered, and mail sent, by its workers."""
    from ..queue import queue_of

    return queue_of(current_app)


def pdf_response(pdf: bytes, filename: str, *, attachment: bool = False) -> Response:
    """A report as a download. Report URLs carry unguessable ids or need a login: keep the bytes
    out of shared caches, and never let a browser guess another type."""
    response = send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=attachment,
        download_name=filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def table_response(table: Table, filename: str, fmt: str) -> Response:
    """A response table as a CSV or XLSX download (``fmt``: "csv" or "xlsx"), never cached."""
    if fmt == "csv":
        body, mime = to_csv(table).encode("utf-8-sig"), "text/csv; charset=utf-8"
    else:
        body, mime = to_xlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def register_web(app: Flask) -> None:
    app.teardown_appcontext(_close_session)

    from . import hardening, security, throttle

    security.register(app)  # headers, the session cookie's Secure flag, trusted proxies
    hardening.register(app)  # unusable input refused before any view; JSON errors under /api/
    throttle.register(app)  # wrong join codes per address, on shared storage

    from . import api, respond, results

    app.register_blueprint(respond.bp)
    app.register_blueprint(results.bp)
    api.register(app)

    from . import api_groups, auth, facilitate

    app.register_blueprint(auth.bp)
    app.register_blueprint(facilitate.bp)
    api_groups.register(app)

    from . import api_cohorts, cohorts

    app.register_blueprint(cohorts.bp)
    api_cohorts.register(app)
    from . import api_benchmarks

    api_benchmarks.register(app)  # rule 18's comparison
    from . import benchmarks

    benchmarks.register(app)  # its panel, opt-in and withdrawal on the pages

    from . import report_routes

    report_routes.register(app)  # GET /api/v1/assessments/<id>/report.pdf

    from . import rounds

    app.register_blueprint(rounds.bp)  # results mode, discussion rounds

    from . import deletion

    app.register_blueprint(deletion.bp)  # a respondent deletes their own assessment

    from . import health

    health.register(app)  # instrument health: GET /api/v1/questionnaires/<id>/health and its page

    from . import api_plans, plan_pages

    api_plans.register(app)  # plans, plan.ics, report.docx, slides.pptx
    app.register_blueprint(plan_pages.bp)  # "Review and edit before you share"
    from . import method_page

    app.register_blueprint(method_page.bp)  # GET /method, from docs/method.md

    from . import push_routes

    app.register_blueprint(push_routes.bp)  # the room's event streams

    from . import keep_link

    app.register_blueprint(keep_link.bp)  # the private link by e-mail (MAIL_URL)
