"""LAN mode's HTTPS server, run beside the loopback server by `voicecoach serve`.

A thread checks the teacher's setting every few seconds and starts or stops a second uvicorn
server on all addresses, with the app's certificate and its own app instance whose Host check
also accepts this machine's addresses. Account management stays loopback-only."""

from __future__ import annotations

import logging
import threading

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from voicecoach.classroom.lan import ensure_certificate, lan_addresses, lan_enabled
from voicecoach.config import Settings

log = logging.getLogger(__name__)
CHECK_SECONDS = 2.0
# A stopping server lets requests under way finish this long, then ends them: a page's held ask
# (api/job_endings.py) or a stream waiting for its analysis would otherwise hold the stop up to
# their bound. A reply being stored is stored all the same: that runs in a worker thread, which
# the stop does not interrupt.
GRACEFUL_STOP_S = 5.0
LOOPBACK_ONLY = ("/beheer", "/api/admin")


class LoopbackOnlyPaths:
    """On the LAN server: account management answers 404 (it stays on the laptop itself)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(LOOPBACK_ONLY):
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Beheer kan alleen op de computer zelf."})
            return
        await self.app(scope, receive, send)


class LanServer:
    def __init__(self, settings: Settings, sessions) -> None:  # type: ignore[no-untyped-def]
        self.settings = settings
        self.sessions = sessions
        self._stop = threading.Event()
        self._server: uvicorn.Server | None = None
        self._serving: threading.Thread | None = None
        self._thread = threading.Thread(target=self._watch, name="lan-server", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _wanted(self) -> bool:
        try:
            with self.sessions() as session:
                return lan_enabled(session)
        except Exception:  # a busy database: keep the current state, ask again
            log.exception("could not read the LAN setting")
            return self._server is not None

    def _watch(self) -> None:
        while not self._stop.is_set():
            wanted = self._wanted()
            if wanted and self._server is None:
                self._start_server()
            elif not wanted and self._server is not None:
                self._stop_server()
            self._stop.wait(CHECK_SECONDS)
        self._stop_server()

    def _start_server(self) -> None:
        from voicecoach.api.app import create_app

        addresses = lan_addresses()
        cert = ensure_certificate(self.settings.data_dir / "lan", addresses)
        settings = self.settings.model_copy(update={"allowed_hosts": [*self.settings.allowed_hosts, *addresses]})
        app = LoopbackOnlyPaths(create_app(settings))
        config = uvicorn.Config(app, host="0.0.0.0", port=self.settings.lan_port, ssl_certfile=str(cert.cert_path),
                                ssl_keyfile=str(cert.key_path), log_level="info", timeout_graceful_shutdown=GRACEFUL_STOP_S)
        self._server = uvicorn.Server(config)
        self._serving = threading.Thread(target=self._server.run, name="lan-https", daemon=True)
        self._serving.start()
        log.warning("LAN-modus: VoiceCoach is nu ook bereikbaar op %s (HTTPS, vingerafdruk %s)",
                    ", ".join(f"https://{a}:{self.settings.lan_port}" for a in addresses), cert.fingerprint)

    def _stop_server(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            if self._serving is not None:
                self._serving.join(timeout=10)
            self._server, self._serving = None, None
            log.warning("LAN-modus uit: VoiceCoach is alleen nog op deze computer bereikbaar")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
