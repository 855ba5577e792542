"""Long-lived render worker processes, so renders can have a real time limit.

A WeasyPrint layout cannot be interrupted from inside the process, so HTML
renders run in a child process that is killed (and replaced on the next
render) when it overruns. Children are forked from a 'forkserver' that has
already imported WeasyPrint and the template engine, so a replacement starts
in milliseconds, and a child is reused for many renders, so the cost per
render is one round trip over a pipe.

The pool is per parent process and thread-safe: each concurrent render
takes its own worker; at most ``MAX_IDLE`` idle workers are kept.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import NoReturn

from assets.rendering.errors import RenderError, RenderLimitExceeded

logger = logging.getLogger(__name__)

MAX_IDLE = 4
#: A worker is replaced after this many renders, bounding any slow growth.
MAX_RENDERS_PER_WORKER = 500
_PRELOAD = ["assets.rendering.jobs"]


#: A reply's fourth item when the child leaves after it.
RETIRE = "retire"
OUT_OF_MEMORY = (
    "This document needed more memory than a render may use and was stopped. "
    "Simplify the template or ask an administrator."
)


def _mp_context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


_START_LOCK = threading.Lock()


def _start(process) -> None:
    """Start ``process``, also from a daemonic process (a Celery prefork
    pool's child is one, and multiprocessing refuses children to those).
    The rule exists so children do not outlive their parent; a render
    worker already leaves when its pipe closes, so it may be started.
    A pool child's key is of billiard's kind, which the forkserver's
    pickler refuses: it is handed over as a plain multiprocessing one."""
    current = multiprocessing.current_process()
    with _START_LOCK:
        config = current._config
        saved = {name: config.get(name) for name in ("daemon", "authkey")}
        config["daemon"] = False
        config["authkey"] = multiprocessing.process.AuthenticationString(bytes(saved["authkey"]))
        process.authkey = bytes(saved["authkey"])
        try:
            process.start()
        finally:
            config.update(saved)


def _serve(conn: Connection, settings_values: dict, temp_dir: str) -> None:  # pragma: no cover
    """Child main loop: receive a job, send back ("ok", result) or ("error", class, message).

    The child removes its temp folder however it ends short of SIGKILL: when
    the parent goes away (the pipe closes, even if the parent was killed with
    no chance to clean up), or on SIGTERM (a service manager stopping the
    whole process group, or multiprocessing stopping daemon children at
    exit). A killed child's folder is removed by the parent (RenderWorker.stop)."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        _serve_jobs(conn, settings_values, temp_dir)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)


def _exit_on_sigterm(signum, frame) -> NoReturn:  # pragma: no cover
    raise SystemExit(128 + signum)


def _serve_jobs(conn: Connection, settings_values: dict, temp_dir: str) -> None:  # pragma: no cover
    from assets.rendering.html_job import configure_worker
    from assets.rendering.jobs import run_job

    configure_worker(settings_values, temp_dir)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        out_of_memory = False
        try:
            reply = ("ok", run_job(job))
        except RenderError as exc:
            reply = ("error", type(exc).__name__, exc.message)
        except MemoryError:
            out_of_memory = True
            reply = ("error", "RenderLimitExceeded", OUT_OF_MEMORY, RETIRE)
        except Exception:  # the worker must survive whatever a template does
            logger.exception("Render job failed")
            reply = ("error", "RenderError", "The document could not be rendered.")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return
        if out_of_memory:
            return  # a fresh worker replaces this one, whatever the allocator kept


class RenderWorker:
    """One child process and the parent's end of its pipe."""

    def __init__(self, settings_values: dict) -> None:
        self.temp_dir = tempfile.mkdtemp(prefix="cobrand-render-")
        context = _mp_context()
        parent_end, child_end = context.Pipe(duplex=True)
        self.process = context.Process(
            target=_serve,
            args=(child_end, settings_values, self.temp_dir),
            daemon=True,
            name="cobrand-render-worker",
        )
        _start(self.process)
        child_end.close()
        self.conn = parent_end
        self.pid = self.process.pid
        self.renders = 0
        self.stopped = False

    def alive(self) -> bool:
        return not self.stopped and self.process.is_alive()

    def call(self, job: dict, timeout: float) -> object:
        """Run one job; kill the child and raise RenderLimitExceeded on overrun."""
        try:
            self.conn.send(job)
        except OSError as exc:  # the child died after alive() was checked
            self._stopped_unexpectedly(exc)
        if not self.conn.poll(timeout):
            self.stop()
            raise RenderLimitExceeded(
                f"This document took longer than {timeout:g} seconds to render and was "
                "stopped. Simplify the template or ask an administrator."
            )
        try:
            reply = self.conn.recv()
        except (EOFError, OSError) as exc:
            # The child died during the job. Killed by a signal, it most
            # likely ran out of memory: past its limit, an allocation in
            # native code (layout, images) ends the process.
            self.process.join(timeout=5)
            signalled = (self.process.exitcode or 0) < 0
            if not signalled:
                self._stopped_unexpectedly(exc)
            self.stop()
            raise RenderLimitExceeded(OUT_OF_MEMORY) from exc
        self.renders += 1
        if reply[-1] == RETIRE:
            self.stop()
        return reply

    def _stopped_unexpectedly(self, exc: BaseException) -> NoReturn:
        self.stop()
        raise RenderError("The renderer stopped unexpectedly; please try again.") from exc

    def stop(self) -> None:
        """Kill the child and reap it, so no process or pipe is left behind."""
        if self.stopped:
            return
        self.stopped = True
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()
        self.process.close()
        shutil.rmtree(self.temp_dir, ignore_errors=True)


class WorkerPool:
    def __init__(self, settings_factory: Callable[[], dict]) -> None:
        self._idle: list[RenderWorker] = []
        self._busy: set[RenderWorker] = set()
        self._lock = threading.Lock()
        self._owner = os.getpid()
        self._settings_factory = settings_factory

    def _take(self) -> RenderWorker:
        with self._lock:
            if self._owner != os.getpid():  # forked parent: the workers are not ours
                self._idle, self._busy, self._owner = [], set(), os.getpid()
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    self._busy.add(worker)
                    return worker
                worker.stop()
        worker = RenderWorker(self._settings_factory())
        with self._lock:
            self._busy.add(worker)
        return worker

    def _give_back(self, worker: RenderWorker) -> None:
        with self._lock:
            self._busy.discard(worker)
            fresh = worker.renders < MAX_RENDERS_PER_WORKER
            if fresh and worker.alive() and len(self._idle) < MAX_IDLE:
                self._idle.append(worker)
                return
        worker.stop()

    def run(self, job: dict, *, timeout: float) -> object:
        """Run ``job`` in a worker within ``timeout`` seconds and return its reply."""
        worker = self._take()
        try:
            return worker.call(job, timeout)
        finally:
            self._give_back(worker)

    def pids(self) -> list[int]:
        """Process ids of live workers (for monitoring and the memory benchmark)."""
        with self._lock:
            return [w.pid for w in [*self._idle, *self._busy] if w.alive()]

    def shutdown(self) -> None:
        """Stop every idle worker (busy ones stop when their render ends)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()
