"""Protections on every request: security headers, no caching of personal data, a body limit for
everything but the audio uploads, trusted Host names, and the same-origin check that blocks login
CSRF (a page on another site or port posting to /login or /logout)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voicecoach.config import Settings

BODY_LIMIT = 64_000  # JSON and form bodies: a note, a correction, a login
# Raw audio bodies; api/uploads.read_limited bounds them by VOICECOACH_MAX_UPLOAD_BYTES.
UPLOADS = re.compile(r"^/api/(conversations/[^/]+/turns|turns/[^/]+/attempts|baselines|rounds/\d+/readings)$")

# No inline script anywhere; inline styles only because wavesurfer.js and Swagger UI set them.
CSP = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:", "media-src 'self' blob:", "connect-src 'self'", "font-src 'self'",
    "worker-src 'self' blob:", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin (not no-referrer): browsers then send the real Origin on same-origin form posts
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
}


class SecurityHeaders:
    """Adds HEADERS to every response, and `Cache-Control: no-store` to all but the static files
    (pages, JSON and recordings are personal; school laptops are shared)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        personal = not scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if personal:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, {"code": "too_large", "message": f"Dit bericht is te groot (meer dan {BODY_LIMIT // 1000} kB). Maak de tekst korter."})


class BodyLimit:
    """Refuses bodies over BODY_LIMIT (declared or streamed) with a Dutch 413, uploads excepted."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"] == "POST" and UPLOADS.match(scope["path"])):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > BODY_LIMIT:
            await _refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > BODY_LIMIT:
                raise BodyTooLarge()  # FastAPI turns it into the 413 while it reads the body
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(scope, receive, send)


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    from fastapi.responses import JSONResponse

    error = BodyTooLarge()
    await JSONResponse({"error": error.detail}, status_code=413)(scope, receive, send)


def allowed_hosts(settings: Settings) -> list[str]:
    """This computer by name and address, the configured host unless it is a wildcard address,
    and VOICECOACH_ALLOWED_HOSTS (the name other computers use to reach the service)."""
    hosts = ["127.0.0.1", "localhost", *settings.allowed_hosts]
    if settings.host not in ("0.0.0.0", "::", ""):
        hosts.append(settings.host)
    return list(dict.fromkeys(hosts))


def same_origin(request: Request) -> bool:
    """False when a browser says the request comes from another origin (another site, or another
    port on this computer). Clients that are not browsers send neither header and pass: they cannot
    be made to act for a victim."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return True
    return urlsplit(source).netloc == request.headers.get("host", "")
