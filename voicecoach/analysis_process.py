"""The analysis runs in a child process of the worker, so a native crash, running out of memory or
hanging fails that one job (its attempt already counted) and never the worker.

The child loads the models once and then analyses one order at a time; the worker restarts it
when it dies. It gets SIGTERM when the worker dies and is the first to go when memory runs out.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from voicecoach.config import Settings
from voicecoach.errors import VoiceCoachError
from voicecoach.jobs import Interrupted, JobCrashed

log = logging.getLogger(__name__)


def _child(settings: Settings, connection: Connection, parent: int) -> None:
    from voicecoach.lifetime import die_with_parent, killed_first_when_out_of_memory, yield_to_interactive

    die_with_parent(parent)
    killed_first_when_out_of_memory()
    yield_to_interactive()  # before any thread starts: the model's threads inherit it
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the worker's to handle
    from voicecoach.practice_service import PracticeService

    service = PracticeService(settings)
    service.analyser.warm_up()
    kinds = service.handlers()
    connection.send(("ready", None))
    while True:
        try:
            kind, order = connection.recv()
        except EOFError:
            return
        try:
            connection.send(("ok", kinds[kind].run(order)))
        except VoiceCoachError as error:
            connection.send(("error", error.to_dict()))
        except BaseException:  # noqa: BLE001 - reported to the worker, which fails the attempt
            connection.send(("crash", traceback.format_exc(limit=5)))
            return  # after MemoryError or worse, start clean


class ChildRunner:
    """Runs each job's analysis in the (restartable) analysis process."""

    def __init__(self, settings: Settings, timeout_seconds: float) -> None:
        self.settings = settings
        self.timeout_seconds = timeout_seconds
        self._context = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._ready = False
        self._failed_starts = 0
        self._next_start = 0.0

    def ready(self, stop: threading.Event) -> bool:
        """Start the analysis process when needed; True once its models are loaded."""
        if self._process is None or not self._process.is_alive():
            if self._process is not None and not self._ready:  # it died while loading its models
                self._failed_starts += 1
                log.error("the analysis process stopped while starting (exit code %s)", self._process.exitcode)
                self._stop_process()
            if time.monotonic() < self._next_start:
                stop.wait(0.2)
                return False
            self._start()
        if not self._ready and self._connection.poll(0.2):
            try:
                self._ready = self._connection.recv()[0] == "ready"
                self._failed_starts = 0
                log.info("analysis process %s ready", self._process.pid)
            except EOFError:
                pass  # it died: the next call sees that
        return self._ready

    def run(self, kind: str, order: dict[str, Any], stop: threading.Event) -> dict[str, Any]:
        while not self.ready(stop):
            if stop.is_set():
                raise Interrupted
        self._connection.send((kind, order))
        started = time.monotonic()
        while not self._connection.poll(0.25):
            if stop.is_set():
                self._stop_process()
                raise Interrupted
            if not self._process.is_alive():
                code = self._process.exitcode
                self._stop_process()
                raise JobCrashed(f"the analysis process died (exit code {code})")
            if time.monotonic() - started > self.timeout_seconds:
                self._stop_process()
                raise JobCrashed(f"the analysis took longer than {self.timeout_seconds:.0f} s")
        try:
            status, payload = self._connection.recv()
        except EOFError:
            self._stop_process()
            raise JobCrashed("the analysis process died while answering") from None
        if status == "ok":
            return payload
        if status == "error":
            raise VoiceCoachError(payload["message"], code=payload["code"])
        self._stop_process()
        raise JobCrashed(payload)

    def close(self) -> None:
        self._stop_process()

    def _start(self) -> None:
        self._stop_process()
        ours, theirs = self._context.Pipe()
        self._process = self._context.Process(
            target=_child, args=(self.settings, theirs, os.getpid()), name="voicecoach-analysis", daemon=True
        )
        self._process.start()
        theirs.close()
        self._connection, self._ready = ours, False
        self._next_start = time.monotonic() + min(60.0, 2.0**self._failed_starts)  # back off a failing start
        log.info("analysis process %s started", self._process.pid)

    def _stop_process(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=10)
        if self._connection is not None:
            self._connection.close()
        self._process, self._connection, self._ready = None, None, False
