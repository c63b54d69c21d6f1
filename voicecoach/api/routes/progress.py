"""Progress: the trainee's own, and per trainee and per group for their coaches and teachers
(pages with chart.js plots, and the JSON behind them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from voicecoach.api.deps import DbId, LoginDep, ServiceDep, SessionDep, UserDep
from voicecoach.api.schemas import ERRORS
from voicecoach.api.templating import templates
from voicecoach.progress import group_progress, progress
from voicecoach.progress_access import reviewer_groups, visible_group, visible_trainee
from voicecoach.review_service import visible_trainees

api = APIRouter(prefix="/api/progress", tags=["progress"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)


@api.get("/trainees/{username}")
def trainee_progress(username: str, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """A trainee's progress (yourself, or a trainee of your groups as coach or teacher)."""
    return progress(session, visible_trainee(session, user, username), service.scenarios)


@api.get("/groups/{group_id}")
def group_progress_json(group_id: DbId, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """Per trainee of one of your groups: conversations, points and accelerators per turn, weakest point."""
    group, members = visible_group(session, user, group_id)
    return {"group": group.name, **group_progress(session, members, service.scenarios)}


@pages.get("/voortgang", response_class=HTMLResponse)
def progress_home(request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    """Trainees see their own progress; coaches and teachers choose a group or a trainee."""
    if user.role == "trainee":
        return _trainee_page(request, session, service, user, login, user)
    return templates.TemplateResponse(request, "progress_overview.html", {
        "user": user, "csrf_token": login.csrf_token, "groups": reviewer_groups(session, user),
        "trainees": visible_trainees(session, user),
    })


@pages.get("/voortgang/deelnemer/{username}", response_class=HTMLResponse)
def trainee_page(username: str, request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    return _trainee_page(request, session, service, user, login, visible_trainee(session, user, username))


@pages.get("/voortgang/groep/{group_id}", response_class=HTMLResponse)
def group_page(group_id: DbId, request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    group, members = visible_group(session, user, group_id)
    return templates.TemplateResponse(request, "progress_group.html", {
        "user": user, "csrf_token": login.csrf_token, "group": group, **group_progress(session, members, service.scenarios),
    })


router = APIRouter()
router.include_router(api)
router.include_router(pages)


def _trainee_page(request, session, service, user, login, trainee) -> HTMLResponse:  # type: ignore[no-untyped-def]
    return templates.TemplateResponse(request, "progress.html", {
        "user": user, "csrf_token": login.csrf_token, "trainee": trainee, "own": trainee.id == user.id,
        "progress": progress(session, trainee, service.scenarios),
    })
