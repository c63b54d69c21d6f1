"""Login, logout and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from voicecoach.accounts import AccountError, log_in, log_out, session_for
from voicecoach.api.templating import templates
from voicecoach.api.deps import COOKIE, LoginDep, SessionDep, UserDep

router = APIRouter()


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/login", include_in_schema=False)
def login(
    request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()]
):  # type: ignore[no-untyped-def]
    try:
        token, _row = log_in(session, username.strip(), password)
    except AccountError as error:
        status = 429 if error.code == "rate_limited" else 401
        return templates.TemplateResponse(request, "login.html", {"error": error.message}, status_code=status)
    response = RedirectResponse("/", status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure, max_age=7 * 24 * 3600)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, session: SessionDep, csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:
    token = request.cookies.get(COOKIE)
    login = session_for(session, token)
    if login is not None and csrf_token == login.csrf_token:  # a form cannot send the header
        log_out(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/api/me", tags=["accounts"])
def me(user: UserDep, login: LoginDep) -> dict[str, Any]:
    """The logged-in user, and the CSRF token that state-changing requests must send."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "csrf_token": login.csrf_token}
