"""``flask --app app worker [--threads N]``: a worker of the job queue (assessment/queue.py), Huey's
own consumer with this app's tasks and periodic jobs. Run one per core on any machine that
reaches the database and the queue (Redis, or the SQLite file on the same machine)."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..queue import queue_of


def preload() -> None:
    """WeasyPrint, its fonts and the warm render child, before the first job: the first report
    then takes as long as any other."""
    import weasyprint

    from reports import bounded

    weasyprint.HTML(string="<p>warm</p>").write_pdf()
    bounded.warm()


@click.command("worker")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Jobs run at once. Renders take one at a time per process (one bounded child), so for "
    "more render throughput start more workers rather than threads.",
)
@with_appcontext
def worker_command(threads: int) -> None:
    """Run jobs from the queue (report renders, the pre-render, e-mail, the nightly retention
    purge) until stopped with Ctrl-C or SIGTERM; a job cut short is run again by another worker."""
    queue = queue_of(current_app)
    if queue.immediate:
        raise click.UsageError(
            "JOB_QUEUE=immediate runs each job in the process that queues it; a worker needs "
            "JOB_QUEUE=sqlite or redis (or REDIS_URL)."
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s")
    preload()
    # Redis hands a job over at once (a blocking pop); the SQLite queue is polled, by default
    # backing off to every 10 s when idle, which a waiting download would feel: a quarter second.
    consumer = queue.huey.create_consumer(
        workers=threads, worker_type="thread", periodic=True, initial_delay=0.05, max_delay=0.25
    )
    consumer.run()


def register(app: Flask) -> None:
    app.cli.add_command(worker_command)
