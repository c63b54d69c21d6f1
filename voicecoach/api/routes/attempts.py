"""JSON API for the trainee's own second chances: another attempt at a line, which attempt to
keep, and fixing what was misheard (voicecoach/attempts.py, voicecoach/corrections.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from voicecoach.api.deps import ServiceDep, SessionDep, UserDep
from voicecoach.api.reply_id import ReplyUuid, reply_id
from voicecoach.api.schemas import AUDIO_BODY, ERRORS, Accepted
from voicecoach.api.uploads import read_limited
from voicecoach.attempts import keep, retry
from voicecoach.corrections import correct_own

router = APIRouter(prefix="/api", tags=["practice"], responses=ERRORS)


class OwnCorrectionIn(BaseModel):
    text: str = Field(max_length=5000)


class Kept(BaseModel):
    turn_id: str
    kept: bool
    customer_line: str
    """The line the conversation now stands on (empty when the kept attempt ended it)."""


@router.post("/turns/{turn_id}/attempts", status_code=202, response_model=Accepted, response_model_exclude_none=True,
             openapi_extra=AUDIO_BODY)
async def upload_attempt(turn_id: str, request: Request, session: SessionDep, service: ServiceDep, user: UserDep,
                         reply: ReplyUuid = None) -> dict[str, Any]:
    """Answer the same customer line again (raw audio body); it counts once kept. The same `reply`
    sent again is answered with the attempt it made (api/reply_id.py)."""
    data = await read_limited(request, service.settings.max_upload_bytes)
    turn, job = await run_in_threadpool(retry, session, service, user, turn_id, data, reply_id=reply_id(reply))
    return {"turn_id": turn.id, "job_id": job.id, "status": turn.status}


@router.post("/turns/{turn_id}/keep", response_model=Kept)
def keep_attempt(turn_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """Keep this attempt: the conversation goes on from it."""
    turn = keep(session, service, user, turn_id)
    return {"turn_id": turn.id, "kept": True, "customer_line": turn.conversation.customer_line}


@router.post("/turns/{turn_id}/own-correction", status_code=202, response_model=Accepted)
def correct_own_words(turn_id: str, body: OwnCorrectionIn, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """The trainee fixes what was misheard in their newest reply; it is scored again on those words."""
    job = correct_own(session, service, user, turn_id, body.text)
    return {"turn_id": turn_id, "job_id": job.id, "status": "queued"}
