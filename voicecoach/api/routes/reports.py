"""Printable reports for a portfolio: a conversation and a trainee's progress, as HTML and as PDF
(WeasyPrint). Who may open them follows the conversation and progress pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from voicecoach.api.deps import ServiceDep, SessionDep, UserDep
from voicecoach.api.templating import STATIC_DIR, templates
from voicecoach.progress_access import visible_trainee
from voicecoach.reports.content import conversation_report, progress_report
from voicecoach.reports.pdf import html_to_pdf
from voicecoach.store.models import User, utcnow

router = APIRouter(include_in_schema=False)


def _conversation(session, service, user: User, conversation_id: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    conversation = service.conversation(session, user, conversation_id)
    owner = session.get(User, conversation.user_id)
    return conversation_report(session, service.scenario_of(conversation), conversation, owner)


def _render(name: str, context: dict[str, Any]) -> str:
    return templates.get_template(name).render({**context, "made_at": utcnow()})


def _pdf(html: str, filename: str) -> Response:
    data = html_to_pdf(html, STATIC_DIR.as_uri() + "/")
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# The .pdf routes come first: "{conversation_id}" alone would also match "….pdf".
@router.get("/rapport/gesprek/{conversation_id}.pdf")
def conversation_pdf(conversation_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    context = _conversation(session, service, user, conversation_id)
    return _pdf(_render("reports/conversation.html", context), f"gesprek-{context['scenario'].id}.pdf")


@router.get("/rapport/gesprek/{conversation_id}", response_class=HTMLResponse)
def conversation_html(conversation_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> HTMLResponse:
    return HTMLResponse(_render("reports/conversation.html", _conversation(session, service, user, conversation_id)))


@router.get("/rapport/voortgang/{username}.pdf")
def progress_pdf(username: str, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    trainee = visible_trainee(session, user, username)
    context = {**progress_report(session, service.scenarios, trainee), "own": trainee.id == user.id}
    return _pdf(_render("reports/progress.html", context), f"voortgang-{trainee.username}.pdf")


@router.get("/rapport/voortgang/{username}", response_class=HTMLResponse)
def progress_html(username: str, session: SessionDep, service: ServiceDep, user: UserDep) -> HTMLResponse:
    trainee = visible_trainee(session, user, username)
    context = {**progress_report(session, service.scenarios, trainee), "own": trainee.id == user.id}
    return HTMLResponse(_render("reports/progress.html", context))
