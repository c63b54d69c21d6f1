"""Request dependencies: database session, the practice service, the logged-in user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.orm import Session

from voicecoach.accounts import REVIEWER_ROLES, session_for
from voicecoach.api.security import same_origin
from voicecoach.practice_service import PracticeService
from voicecoach.store.models import SessionRow, User

COOKIE = "voicecoach_sessie"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
DbId = Annotated[int, Path(ge=1, le=2**62, description="Database id")]  # bounded: SQLite integers are 64-bit
LOGIN_REQUIRED = {"code": "login_required", "message": "Log eerst in."}
# Missing, or from an older login (a wrong code was told "ontbreekt", a test session)
CSRF_MISSING = {"code": "csrf", "message": "Deze actie is geweigerd (de beveiligingscode ontbreekt of is verlopen). Laad de pagina opnieuw."}
CROSS_ORIGIN = {"code": "cross_origin", "message": "Dit verzoek kwam van een andere website en is geweigerd. Open VoiceCoach zelf en probeer het daar."}


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
        raise HTTPException(401, LOGIN_REQUIRED)
    if request.method not in SAFE_METHODS:
        if request.headers.get("x-csrf-token") != login.csrf_token:
            raise HTTPException(403, CSRF_MISSING)
        if not same_origin(request):
            raise HTTPException(403, CROSS_ORIGIN)
    return login


LoginDep = Annotated[SessionRow, Depends(get_login)]


def get_user(login: LoginDep, session: SessionDep) -> User:
    user = session.get(User, login.user_id)
    if user is None or not user.active:
        raise HTTPException(401, LOGIN_REQUIRED)
    return user


UserDep = Annotated[User, Depends(get_user)]


def current_user(request: Request, session: Session) -> User:
    """The request's user checked again (logged in, active) for a second look later in the same
    request, e.g. after a held answer's wait (api/job_endings.py): logged out meanwhile is a 401."""
    return get_user(get_login(request, session), session)


def get_admin(user: UserDep) -> User:
    if user.role != "admin":
        raise HTTPException(403, {"code": "forbidden", "message": "Alleen een beheerder mag dit."})
    return user


AdminDep = Annotated[User, Depends(get_admin)]


def get_reviewer(user: UserDep) -> User:
    """A coach or teacher; whose practice they see is the service's check (accounts.reviewed_by)."""
    if user.role not in REVIEWER_ROLES:
        raise HTTPException(403, {"code": "forbidden", "message": "Alleen coaches en docenten bekijken gesprekken van anderen."})
    return user


ReviewerDep = Annotated[User, Depends(get_reviewer)]
