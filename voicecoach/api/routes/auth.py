"""Login, logout and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from voicecoach.accounts import SESSION_DAYS, log_in, log_out
from voicecoach.api.deps import COOKIE, CROSS_ORIGIN, LoginDep, SessionDep, UserDep
from voicecoach.api.error_codes import ERROR_STATUS
from voicecoach.api.schemas import ERRORS
from voicecoach.api.security import same_origin
from voicecoach.api.templating import templates
from voicecoach.errors import VoiceCoachError

router = APIRouter()


def _login_page(request: Request, error: str | None, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return templates.TemplateResponse(request, "login.html", {"error": error}, status_code=status, headers=headers)


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    return _login_page(request, None)


@router.post("/login", include_in_schema=False)
def login(
    request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    """Login CSRF (another site or port logging this browser into another account) is refused by
    the same-origin check; the user name is normalised and bounded in `log_in`."""
    if not same_origin(request):
        return _login_page(request, CROSS_ORIGIN["message"], 403)
    address = request.client.host if request.client else "onbekend"
    try:
        token, _row = log_in(session, username, password, address)
    except VoiceCoachError as error:
        retry = getattr(error, "retry_after", None)
        return _login_page(request, error.message, ERROR_STATUS.get(error.code, 401), {"Retry-After": str(retry)} if retry else None)
    response = RedirectResponse("/", status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure, max_age=SESSION_DAYS * 24 * 3600)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, session: SessionDep) -> Response:
    """Always ends the session, without asking for the form token: logging out cannot harm the
    user. Only a post from this site itself counts (no GET, no other site or port), so a
    strange page cannot log people out behind their backs."""
    if not same_origin(request):
        return _login_page(request, CROSS_ORIGIN["message"], 403)
    log_out(session, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/api/me", tags=["accounts"], responses=ERRORS)
def me(user: UserDep, login: LoginDep) -> dict[str, Any]:
    """The logged-in user, and the CSRF token that state-changing requests must send."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "csrf_token": login.csrf_token}
