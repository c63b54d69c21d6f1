"""Coach review and the trainee's own privacy controls (export, deletion)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel

from voicecoach import privacy
from voicecoach.accounts import REVIEWER_ROLES
from voicecoach.api.deps import COOKIE, ServiceDep, SessionDep, UserDep
from voicecoach.progress import progress
from voicecoach.review_service import add_note, correct_transcript, overrule, review_list

router = APIRouter(prefix="/api", tags=["review", "privacy"])


class NoteIn(BaseModel):
    text: str
    turn_id: str | None = None


class CorrectionIn(BaseModel):
    text: str


class OverruleIn(BaseModel):
    label: str
    verdict: str
    reason: str
    rule: str | None = None


@router.get("/review/conversations")
def list_for_review(
    session: SessionDep, service: ServiceDep, user: UserDep, trainee: str | None = None, scenario: str | None = None,
    since: datetime | None = None, min_score: int | None = None,
) -> list[dict[str, Any]]:
    if user.role not in REVIEWER_ROLES:
        raise HTTPException(403, {"code": "forbidden", "message": "Alleen coaches en docenten bekijken gesprekken van anderen."})
    return review_list(session, user, service.scenarios, trainee=trainee, scenario=scenario, since=since, min_score=min_score)


@router.post("/conversations/{conversation_id}/notes", status_code=201)
def note(conversation_id: str, body: NoteIn, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    row = add_note(session, service, user, conversation_id, body.text, body.turn_id)
    return {"id": row.id, "text": row.text}


@router.post("/turns/{turn_id}/transcript", status_code=202)
def correct(turn_id: str, body: CorrectionIn, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    job = correct_transcript(session, service, user, turn_id, body.text)
    return {"turn_id": turn_id, "job_id": job.id, "status": "queued"}


@router.post("/turns/{turn_id}/overrules", status_code=201)
def add_overrule(turn_id: str, body: OverruleIn, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    row = overrule(session, service, user, turn_id, label=body.label, rule=body.rule, verdict=body.verdict, reason=body.reason)
    return {"id": row.id, "label": row.label, "verdict": row.verdict}


@router.delete("/turns/{turn_id}", status_code=204)
def delete_turn(turn_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    privacy.delete_turn(session, service.settings.data_dir, service.turn(session, user, turn_id, write=True), user)
    session.commit()
    return Response(status_code=204)


@router.delete("/conversations/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    conversation = service.conversation(session, user, conversation_id, write=True)
    privacy.delete_conversation(session, service.settings.data_dir, conversation, user)
    session.commit()
    return Response(status_code=204)


@router.get("/me/progress")
def my_progress(session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """Turns practised, scores over time, and how often each technique and accelerator was used
    (the coach's overrules included)."""
    return progress(session, user, service.scenarios)


@router.get("/me/export")
def export(session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    data = privacy.export_zip(session, service.settings.data_dir, user)
    return Response(data, media_type="application/zip", headers={"Content-Disposition": 'attachment; filename="mijn-voicecoach.zip"'})


@router.delete("/me", status_code=204)
def delete_me(request: Request, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    privacy.delete_account(session, service.settings.data_dir, user)
    session.commit()
    response = Response(status_code=204)
    response.delete_cookie(COOKIE)
    return response
