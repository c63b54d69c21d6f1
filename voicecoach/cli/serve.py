"""`voicecoach serve`: run the web service with uvicorn."""

from __future__ import annotations

import ipaddress
import logging

import typer
import uvicorn

from voicecoach.config import get_settings

log = logging.getLogger(__name__)


def serve(
    host: str = typer.Option(None, help="Adres (standaard VOICECOACH_HOST of 127.0.0.1)."),
    port: int = typer.Option(None, help="Poort (standaard VOICECOACH_PORT of 8000)."),
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
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
