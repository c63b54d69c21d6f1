"""Request dependencies: database session, the practice service, the logged-in user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from voicecoach.accounts import session_for
from voicecoach.practice_service import PracticeService
from voicecoach.store.models import SessionRow, User

COOKIE = "voicecoach_sessie"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_service(request: Request) -> PracticeService:
    return request.app.state.service


SessionDep = Annotated[Session, Depends(get_session)]
ServiceDep = Annotated[PracticeService, Depends(get_service)]


def get_login(request: Request, session: SessionDep) -> SessionRow:
    """The caller's login; state-changing requests must also carry its CSRF token."""
    login = session_for(session, request.cookies.get(COOKIE))
    if login is None:
        raise HTTPException(401, {"code": "login_required", "message": "Log eerst in."})
    if request.method not in SAFE_METHODS and request.headers.get("x-csrf-token") != login.csrf_token:
        raise HTTPException(403, {"code": "csrf", "message": "Deze actie is geweigerd (beveiligingscode ontbreekt). Laad de pagina opnieuw."})
    return login


LoginDep = Annotated[SessionRow, Depends(get_login)]


def get_user(login: LoginDep, session: SessionDep) -> User:
    return session.get(User, login.user_id)


UserDep = Annotated[User, Depends(get_user)]


def get_admin(user: UserDep) -> User:
    if user.role != "admin":
        raise HTTPException(403, {"code": "forbidden", "message": "Alleen een beheerder mag dit."})
    return user


AdminDep = Annotated[User, Depends(get_admin)]
