"""`voicecoach serve`: run the web service with uvicorn."""

from __future__ import annotations

import ipaddress
import logging
import subprocess
import sys

import typer
import uvicorn

from voicecoach.config import get_settings

log = logging.getLogger(__name__)


def serve(
    host: str = typer.Option(None, help="Adres (standaard VOICECOACH_HOST of 127.0.0.1)."),
    port: int = typer.Option(None, help="Poort (standaard VOICECOACH_PORT of 8000)."),
    with_worker: bool = typer.Option(True, "--worker/--no-worker", help="Start ook een analyse-worker."),
) -> None:
    """Start de webdienst (standaard alleen bereikbaar op deze computer: 127.0.0.1:8000)."""
    from voicecoach.api.app import create_app

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
    worker = subprocess.Popen([sys.executable, "-m", "voicecoach", "worker"]) if with_worker else None
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
