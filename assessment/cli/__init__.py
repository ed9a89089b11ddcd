"""The ``flask --app app ...`` commands, one module per subject: ``questionnaires`` (init,
questionnaire validate, score), ``facilitators`` (user create, token create, demo),
``reports`` (report), ``retention`` (purge) and ``operations`` (backup)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import facilitators, operations, questionnaires, reports, retention

    questionnaires.register(app)
    facilitators.register(app)
    reports.register(app)
    retention.register(app)
    operations.register(app)
