"""HTML pages (Dutch). They render a shell; web/static/*.js fills it from the JSON API."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from voicecoach.accounts import REVIEWER_ROLES
from voicecoach.api.templating import templates
from voicecoach.progress import progress
from voicecoach.review_service import review_list
from voicecoach.store.models import Group, GroupMember, User
from sqlalchemy import select

from voicecoach.api.deps import AdminDep, LoginDep, ServiceDep, SessionDep, UserDep
from voicecoach.voice.baseline import CALIBRATION_TEXT

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    baseline = service.baseline_for(session, user)
    return templates.TemplateResponse(
        request,
        "home.html",
        {
            "user": user,
            "csrf_token": login.csrf_token,
            "progress": progress(session, user),
            "scenarios": list(service.scenarios.values()),
            "baseline": baseline.data if baseline else None,
            "calibration_text": CALIBRATION_TEXT,
        },
    )


@router.get("/gesprek/{conversation_id}", response_class=HTMLResponse)
def conversation_page(
    conversation_id: str, request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep
) -> HTMLResponse:
    conversation = service.conversation(session, user, conversation_id)
    return templates.TemplateResponse(
        request, "conversation.html", {"conversation_id": conversation.id, "user": user, "csrf_token": login.csrf_token}
    )


@router.get("/beoordelen", response_class=HTMLResponse)
def review_page(
    request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep,
    trainee: str | None = None, scenario: str | None = None, since: str | None = None, min_score: str | None = None,
) -> HTMLResponse:
    if user.role not in REVIEWER_ROLES:
        raise HTTPException(403, {"code": "forbidden", "message": "Alleen coaches en docenten bekijken gesprekken van anderen."})
    filters = {"trainee": trainee or None, "scenario": scenario or None, "since": since or None,
               "min_score": int(min_score) if min_score else None}
    conversations = review_list(
        session, user, trainee=filters["trainee"], scenario=filters["scenario"],
        since=datetime.fromisoformat(since) if since else None, min_score=filters["min_score"],
    )
    return templates.TemplateResponse(request, "review.html", {
        "user": user, "csrf_token": login.csrf_token, "conversations": conversations,
        "scenarios": list(service.scenarios.values()), "filters": filters,
    })


@router.get("/beheer", response_class=HTMLResponse)
def admin_page(request: Request, session: SessionDep, admin: AdminDep, login: LoginDep) -> HTMLResponse:
    users = session.scalars(select(User).order_by(User.username)).all()
    names = {u.id: u.username for u in users}
    groups = [
        {"id": g.id, "name": g.name,
         "members": [names[m.user_id] for m in session.scalars(select(GroupMember).where(GroupMember.group_id == g.id))]}
        for g in session.scalars(select(Group).order_by(Group.name))
    ]
    return templates.TemplateResponse(
        request, "admin.html", {"user": admin, "csrf_token": login.csrf_token, "users": users, "groups": groups}
    )
