"""Where people land: each role's home page, and back to the page asked for after logging in
(`/login?next=/gesprek/…`, accepted only as a local path)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ROLE_HOMES = {"coach": "/beoordelen", "teacher": "/beoordelen", "admin": "/beheer"}
"""Trainees land on the scenarios at "/"."""


def role_home(role: str) -> str:
    return ROLE_HOMES.get(role, "/")


def safe_next(value: str | None) -> str | None:
    """`value` if it is a path on this site (never another host, never the login page itself)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or any(ord(c) < 32 for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return None
    return value


def login_url(path: str, query: str = "") -> str:
    """The login page, remembering the page that was asked for."""
    target = safe_next(path + (f"?{query}" if query else ""))
    return "/login" if target in (None, "/") else f"/login?next={quote(target, safe='')}"


class ReturnAfterLogin:
    """After a successful login (a 303 to "/"), go to the local page named in `?next=` instead.

    Pure ASGI, and it touches only `POST /login`: the login handler itself stays unaware of it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/login":
            await self.app(scope, receive, send)
            return
        target = safe_next(parse_qs(scope["query_string"].decode("latin-1")).get("next", [None])[0])
        if target is None:
            await self.app(scope, receive, send)
            return

        async def send_to_target(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 303:
                message = {**message, "headers": [
                    (name, target.encode() if name == b"location" and value == b"/" else value)
                    for name, value in message["headers"]
                ]}
            await send(message)

        await self.app(scope, receive, send_to_target)
