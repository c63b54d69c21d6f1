"""HTML pages (Dutch). They render a shell; web/static/*.js fills it from the JSON API."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BeforeValidator, Field
from sqlalchemy import select

from voicecoach import transparency
from voicecoach.api.deps import AdminDep, LoginDep, ReviewerDep, ServiceDep, SessionDep, UserDep
from voicecoach.api.navigation import role_home
from voicecoach.api.templating import templates
from voicecoach.classroom.overview import assigned_to
from voicecoach.my_conversations import mark_seen, my_conversations, new_note_count
from voicecoach.progress import progress
from voicecoach.review_service import review_list, visible_trainees
from voicecoach.store.models import Group, GroupMember, User
from voicecoach.voice.baseline import CALIBRATION_TEXT


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value  # the filter form sends empty fields


def Filter(kind: type, **limits: Any) -> Any:  # noqa: N802 - used like a type in signatures
    """An optional query parameter of `kind` that an empty form field leaves unset."""
    return Annotated[Annotated[kind, Field(**limits)] | None, BeforeValidator(_blank_is_none), Query()]

router = APIRouter(include_in_schema=False)


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> Response:
    """Each role lands on its own home page; trainees on the scenarios."""
    if role_home(user.role) != "/":
        return RedirectResponse(role_home(user.role), status_code=303)
    return practise_page(request, session, service, user, login)


@router.get("/oefenen", response_class=HTMLResponse)
def practise_page(request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    baseline = service.baseline_for(session, user)
    conversations = my_conversations(session, service.scenarios, user)
    return templates.TemplateResponse(
        request,
        "home.html",
        {
            "user": user,
            "csrf_token": login.csrf_token,
            "progress": progress(session, user, service.scenarios),
            "scenarios": list(service.scenarios.values()),
            "baseline": baseline.data if baseline else None,
            "calibration_text": CALIBRATION_TEXT,
            "access": transparency.for_trainee(session, user),
            "new_notes": sum(c["new_notes"] for c in conversations),
            "assignments": assigned_to(session, service.scenarios, user),
        },
    )


@router.get("/gesprekken", response_class=HTMLResponse)
def conversations_page(request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    """Mijn gesprekken: the trainee's own conversations, with new coach notes marked."""
    return templates.TemplateResponse(request, "conversations.html", {
        "user": user, "csrf_token": login.csrf_token, "conversations": my_conversations(session, service.scenarios, user),
    })


@router.get("/gesprek/{conversation_id}", response_class=HTMLResponse)
def conversation_page(
    conversation_id: str, request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep
) -> HTMLResponse:
    conversation = service.conversation(session, user, conversation_id)
    scenario = service.scenario_of(conversation)
    new_notes = new_note_count(session, conversation) if conversation.user_id == user.id else 0
    seen_before = mark_seen(session, user, conversation)
    owner = user if conversation.user_id == user.id else session.get(User, conversation.user_id)
    return templates.TemplateResponse(request, "conversation.html", {
        "trainee_name": owner.display_name if owner is not None else "",
        "conversation_id": conversation.id, "user": user, "csrf_token": login.csrf_token, "scenario": scenario,
        "seen_before": seen_before.isoformat() if seen_before else "", "new_notes": new_notes,
        "is_owner": conversation.user_id == user.id, "max_seconds": int(service.settings.max_audio_seconds), "live_streaming": service.settings.live_streaming,
    })


@router.get("/beoordelen", response_class=HTMLResponse)
def review_page(
    request: Request, session: SessionDep, service: ServiceDep, user: ReviewerDep, login: LoginDep,
    trainee: Filter(str, max_length=200) = None, scenario: Filter(str, max_length=200) = None,
    since: Filter(date) = None, min_score: Filter(int, ge=-100_000, le=100_000) = None,
) -> HTMLResponse:
    filters = {"trainee": trainee, "scenario": scenario, "since": since.isoformat() if since else None, "min_score": min_score}
    conversations = review_list(
        session, user, service.scenarios, trainee=trainee, scenario=scenario,
        since=datetime.combine(since, time()) if since else None, min_score=min_score,
    )
    return templates.TemplateResponse(request, "review.html", {
        "user": user, "csrf_token": login.csrf_token, "conversations": conversations,
        "scenarios": list(service.scenarios.values()), "filters": filters, "trainees": visible_trainees(session, user),
        "access_changes": transparency.for_reviewer(session, user),
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
