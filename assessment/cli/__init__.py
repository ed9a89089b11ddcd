"""The ``flask --app app ...`` commands, one module per subject: ``questionnaires`` (init,
questionnaire validate, score), ``facilitators`` (user create, token create, demo),
``reports`` (report), ``cohorts`` (demo-cohort), ``retention`` (purge), ``operations`` (backup)
and ``worker`` (worker: the job queue's)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import cohorts, facilitators, operations, questionnaires, reports, retention, worker

    questionnaires.register(app)
    facilitators.register(app)
    reports.register(app)
    cohorts.register(app)
    retention.register(app)
    operations.register(app)
    worker.register(app)

    from . import (
        benchmarks,
        health,  # noqa: F401  (adds `questionnaire health` to the questionnaire group)
    )

    benchmarks.register(app)  # benchmark export/import/status, demo-benchmark
