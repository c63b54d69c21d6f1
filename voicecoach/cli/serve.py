"""`voicecoach serve`: run the web service with uvicorn."""

from __future__ import annotations

import ipaddress
import logging
import os
import subprocess
import sys
import threading
import time

import typer
import uvicorn

from voicecoach.config import get_settings
from voicecoach.lifetime import die_with_parent

log = logging.getLogger(__name__)


def serve(
    host: str = typer.Option(None, help="Adres (standaard VOICECOACH_HOST of 127.0.0.1)."),
    port: int = typer.Option(None, help="Poort (standaard VOICECOACH_PORT of 8000)."),
    with_worker: bool = typer.Option(True, "--worker/--no-worker", help="Start ook een analyse-worker."),
) -> None:
    """Start de webdienst (standaard alleen bereikbaar op deze computer: 127.0.0.1:8000)."""
    from voicecoach.api.app import create_app
    from voicecoach.cli.lan_server import GRACEFUL_STOP_S, LanServer

    settings = get_settings()
    if host is not None or port is not None:
        settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    if not _is_loopback(settings.host):
        log.warning(
            "VoiceCoach luistert op %s: opnames zijn persoonsgegevens; andere computers kunnen "
            "de dienst nu bereiken.",
            settings.host,
        )
    app = create_app(settings)  # migrates the database before any worker starts
    app.state.worker_expected = with_worker
    from voicecoach.streaming.session import LIVE_WORK, warm_up

    LIVE_WORK.submit(warm_up, lambda: app.state.service.analyser.live_whisper)  # streamed replies: model ready
    supervisor = WorkerSupervisor() if with_worker else None
    if supervisor is not None:
        supervisor.start()
    lan = LanServer(settings, app.state.sessions)  # HTTPS for the class's phones, only when a teacher turns it on
    lan.start()
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", timeout_graceful_shutdown=GRACEFUL_STOP_S)
    finally:
        lan.stop()
        if supervisor is not None:
            supervisor.stop()


class WorkerSupervisor:
    """Keeps one `voicecoach worker` running beside the server and restarts it when it dies.

    The worker gets SIGTERM from the kernel when the server dies (even by SIGKILL), so no worker
    outlives its server."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._process: subprocess.Popen | None = None
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _watch(self) -> None:
        # Popen runs here, in the thread that lives as long as the server: the parent-death signal
        # fires when the thread that forked the child ends.
        delay = 1.0
        server = os.getpid()
        while not self._stopping.is_set():
            started = time.monotonic()
            self._process = subprocess.Popen(
                [sys.executable, "-m", "voicecoach", "worker"], preexec_fn=lambda: die_with_parent(server)
            )
            code = self._process.wait()
            if self._stopping.is_set():
                return
            delay = 1.0 if time.monotonic() - started > 60 else min(delay * 2, 60.0)
            log.error("the analysis worker stopped (exit code %s); restarting it in %.0f s", code, delay)
            self._stopping.wait(delay)

    def stop(self) -> None:
        self._stopping.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self._thread.join(timeout=5)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
