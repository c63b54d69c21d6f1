"""Coach review and the trainee's own privacy controls (export, deletion)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from voicecoach import attempts, data_export, privacy, transparency
from voicecoach.api.deps import COOKIE, DbId, ReviewerDep, ServiceDep, SessionDep, UserDep
from voicecoach.api.schemas import ERRORS
from voicecoach.progress import progress
from voicecoach.review_service import add_note, correct_transcript, overrule, review_list, withdraw_note, withdraw_overrule

router = APIRouter(prefix="/api", tags=["review", "privacy"], responses=ERRORS)


Text = Field(max_length=5000)


class NoteIn(BaseModel):
    text: str = Text
    turn_id: str | None = Field(default=None, max_length=36)


class CorrectionIn(BaseModel):
    text: str = Text


class OverruleIn(BaseModel):
    label: str = Field(max_length=40)
    verdict: str = Field(max_length=20)
    reason: str = Text
    rule: str | None = Field(default=None, max_length=80)


@router.get("/review/conversations")
def list_for_review(
    session: SessionDep, service: ServiceDep, user: ReviewerDep,
    trainee: Annotated[str | None, Query(max_length=200)] = None, scenario: Annotated[str | None, Query(max_length=200)] = None,
    since: datetime | None = None, min_score: Annotated[int | None, Query(ge=-100_000, le=100_000)] = None,
) -> list[dict[str, Any]]:
    return review_list(session, user, service.scenarios, trainee=trainee, scenario=scenario, since=since, min_score=min_score)


@router.post("/conversations/{conversation_id}/notes", status_code=201)
def note(conversation_id: str, body: NoteIn, session: SessionDep, service: ServiceDep, user: ReviewerDep) -> dict[str, Any]:
    row = add_note(session, service, user, conversation_id, body.text, body.turn_id)
    return {"id": row.id, "text": row.text}


@router.post("/turns/{turn_id}/transcript", status_code=202)
def correct(turn_id: str, body: CorrectionIn, session: SessionDep, service: ServiceDep, user: ReviewerDep) -> dict[str, Any]:
    job = correct_transcript(session, service, user, turn_id, body.text)
    return {"turn_id": turn_id, "job_id": job.id, "status": "queued"}


@router.post("/turns/{turn_id}/overrules", status_code=201)
def add_overrule(turn_id: str, body: OverruleIn, session: SessionDep, service: ServiceDep, user: ReviewerDep) -> dict[str, Any]:
    row = overrule(session, service, user, turn_id, label=body.label, rule=body.rule, verdict=body.verdict, reason=body.reason)
    return {"id": row.id, "label": row.label, "verdict": row.verdict}


@router.delete("/notes/{note_id}", status_code=204)
def withdraw_own_note(note_id: DbId, session: SessionDep, user: ReviewerDep) -> Response:
    """Take back a note you wrote."""
    withdraw_note(session, user, note_id)
    return Response(status_code=204)


@router.delete("/overrules/{overrule_id}", status_code=204)
def withdraw_own_overrule(overrule_id: DbId, session: SessionDep, user: ReviewerDep) -> Response:
    """Take back a judgement you gave on a label: the turn is scored as VoiceCoach scored it."""
    withdraw_overrule(session, user, overrule_id)
    return Response(status_code=204)


@router.delete("/turns/{turn_id}", status_code=204)
def delete_turn(turn_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    # the trainee's own deletion: a conversation that stood on this turn reopens (voicecoach/attempts.py)
    attempts.delete_recording(session, service.settings.data_dir, service.turn(session, user, turn_id, write=True), user)
    return Response(status_code=204)


@router.delete("/conversations/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    conversation = service.conversation(session, user, conversation_id, write=True)
    privacy.delete_conversation(session, service.settings.data_dir, conversation, user)
    privacy.finish(session)
    return Response(status_code=204)


@router.get("/me/progress")
def my_progress(session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """Turns practised, scores over time, and how often each technique and accelerator was used
    (the coach's overrules included)."""
    return progress(session, user, service.scenarios)


@router.get("/me/access")
def my_access(session: SessionDep, user: UserDep) -> dict[str, Any]:
    """Who can hear your recordings (since when, added by whom), how often each opened one, and
    the account and group changes behind it."""
    return transparency.for_trainee(session, user)


@router.get("/me/export", response_class=Response,
            responses={200: {"content": {"application/zip": {}}, "description": "Al je gegevens en opnames"}})
def export(session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    data = data_export.export_zip(session, service.settings.data_dir, user)
    return Response(data, media_type="application/zip", headers={"Content-Disposition": 'attachment; filename="mijn-voicecoach.zip"'})


@router.delete("/me", status_code=204)
def delete_me(request: Request, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    privacy.delete_account(session, service.settings.data_dir, user)
    privacy.finish(session)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE)
    return response
