"""Request dependencies: database session, the practice service, the current user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from voicecoach.practice_service import PracticeService
from voicecoach.store.models import User


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_service(request: Request) -> PracticeService:
    return request.app.state.service


SessionDep = Annotated[Session, Depends(get_session)]
ServiceDep = Annotated[PracticeService, Depends(get_service)]


def get_user(session: SessionDep, service: ServiceDep) -> User:
    """The single local trainee until accounts exist (issue 8 replaces this with a login)."""
    return service.local_user(session)


UserDep = Annotated[User, Depends(get_user)]
