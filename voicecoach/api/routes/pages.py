"""HTML pages (Dutch). They render a shell; web/static/*.js fills it from the JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from voicecoach.api.app import templates
from voicecoach.api.deps import LoginDep, ServiceDep, SessionDep, UserDep
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
