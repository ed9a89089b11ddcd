"""``render_pdf`` with a bound on time and memory, so no logo, name or commentary can hold a
web worker: the render runs in a warm child process (forked once, WeasyPrint already imported),
with an address-space limit, and is killed when it runs past its time. The worker that asked
gets ``RenderLimitExceeded`` with a message to show, and the next render forks a fresh child.

    from reports.bounded import render_pdf_bounded
    pdf = render_pdf_bounded(context)            # or RenderLimitExceeded

One child per web worker process, one render at a time in it (a lock): gunicorn's sync workers
handle one request at a time anyway. The child is forked on first use, so each worker gets its
own after gunicorn forks. The overhead is pickling the context and the PDF through a pipe
(about a millisecond for a 6-page report; bench/bench_report.py prints it).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from .context import ReportContext
from .render import prepare, render_pdf, render_prepared

# Defaults, overridable per call (the web app reads REPORT_RENDER_SECONDS and
# REPORT_RENDER_MEMORY_MB). A workshop report renders in about 1 s on a busy 2-core machine.
TIMEOUT_SECONDS = 15.0
MEMORY_BYTES = 1024 * 1024 * 1024  # headroom above the worker's own size


class RenderLimitExceeded(RuntimeError):
    """The render ran past its time or memory and was stopped; the message can be shown."""


def _virtual_size() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


# What a process manager stops or signals a worker with; the render child must obey each.
STOP_SIGNALS = frozenset(
    {signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2}
)


def _serve(conn: Connection, other_end: Connection, memory: int, parent: int) -> None:
    """The child: limit its own address space, then render whatever arrives until told to stop
    or until the worker that forked it is gone."""
    other_end.close()  # else the pipe never reports EOF when the worker dies
    # The worker's signal handlers came with the fork: gunicorn's catches SIGTERM to stop at its
    # leisure (and writes to a wakeup fd closed below), so the SIGTERM a stopping worker sends
    # this child was swallowed, and the worker waited on it for ever. The child obeys signals;
    # one sent before this point waited, blocked since the fork (``_start``), and acts now.
    signal.set_wakeup_fd(-1)
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    # Nothing else the worker had open stays open here: a copy of a socket or pipe held by this
    # child would keep it alive after the worker closed it (a client connection, the database,
    # a subprocess's stdin that waits for EOF).
    keep = conn.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 65536)
    limit = _virtual_size() + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            make, argument = job
            conn.send(("ok", make(argument)))
        except MemoryError:
            conn.send(("memory", None))
        except Exception as exc:
            conn.send(("error", exc))


class BoundedRenderer:
    def __init__(self, timeout: float = TIMEOUT_SECONDS, memory: int = MEMORY_BYTES):
        self.timeout = timeout
        self.memory = memory
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None
        self._pid = 0

    def _start(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._pid == os.getpid():
            assert self._conn is not None
            return self._conn
        self._stop()
        ctx = multiprocessing.get_context("fork")  # warm: WeasyPrint and the fonts are loaded
        parent, child = ctx.Pipe()
        self._process = ctx.Process(
            target=_serve, args=(child, parent, self.memory, os.getpid()), daemon=True, name="pdf-render"
        )
        # Blocked across the fork, so that none reaches the child while it still has the
        # worker's handlers (a worker told to stop the moment it forked would wait on it for ever).
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            self._process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        child.close()
        self._conn, self._pid = parent, os.getpid()
        return parent

    def _stop(self) -> None:
        if self._process is not None and self._pid == os.getpid():
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def render(
        self, context: Any, timeout: float | None = None, make: Callable[[Any], bytes] = render_pdf
    ) -> bytes:
        """``make(context)`` in the child: ``render_pdf`` unless another PDF maker is given (it and its
        argument must pickle: a module-level function and plain values)."""
        limit = self.timeout if timeout is None else timeout
        with self._lock:
            conn = self._start()
            conn.send((make, context))
            if not conn.poll(limit):
                self._stop()
                raise RenderLimitExceeded(
                    f"The report took longer than {limit:g} seconds to make and was stopped. If the "
                    "workshop has a complex logo, replace it with a simpler one and try again."
                )
            try:
                status, value = conn.recv()
            except (EOFError, OSError):
                self._stop()  # killed by the memory limit in native code, or crashed
                raise RenderLimitExceeded(
                    "The report needed more memory than allowed and was stopped. If the workshop "
                    "has a complex logo, replace it with a simpler one and try again."
                ) from None
        if status == "ok":
            return value
        if status == "memory":
            with self._lock:
                self._stop()  # a fresh child: the old heap may be fragmented near its limit
            raise RenderLimitExceeded(
                "The report needed more memory than allowed and was stopped. If the workshop has "
                "a complex logo, replace it with a simpler one and try again."
            )
        raise value

    def close(self) -> None:
        with self._lock:
            self._stop()


_renderer = BoundedRenderer()


def warm() -> None:
    """Fork the render child now (a worker's start-up), not on the first render."""
    with _renderer._lock:
        _renderer._start()


def configure(timeout: float | None = None, memory_mb: int | None = None) -> None:
    if timeout is not None:
        _renderer.timeout = float(timeout)
    if memory_mb is not None:
        _renderer.memory = int(memory_mb) * 1024 * 1024


def render_pdf_bounded(context: ReportContext, *, timeout: float | None = None) -> bytes:
    """``render_pdf(context)`` in the warm child, within its time and memory bounds. The HTML is
    made here, in the caller's locale (``force_locale``), and only laid out in the child: the
    child has no request or app context of its own to translate in."""
    return _renderer.render(prepare(context), timeout, render_prepared)


def run_bounded(make: Callable[[Any], bytes], argument: Any, *, timeout: float | None = None) -> bytes:
    """Any other PDF (the cohort comparison) made in the same warm child, within the same bounds."""
    return _renderer.render(argument, timeout, make)
