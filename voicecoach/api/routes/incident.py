"""The practice incident report of a conversation (voicecoach/incident.py): the trainee writes it, the coach reads it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from voicecoach.api.deps import ServiceDep, SessionDep, UserDep
from voicecoach.api.schemas import ERRORS
from voicecoach.incident import SOURCE, incident_dict, reportable, save_incident
from voicecoach.store.models import IncidentReport
from voicecoach.vocabulary import SEED_FILES

router = APIRouter(prefix="/api/conversations", tags=["incident"], responses=ERRORS)


class IncidentIn(BaseModel):
    what: str = Field(max_length=5000)
    happened_when: str = Field(max_length=1000)
    who: str = Field(max_length=1000)


@router.get("/{conversation_id}/incident")
def get_incident(conversation_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """Whether the conversation's ending asks for a report, the report if written, and whether you may write it."""
    conversation = service.conversation(session, user, conversation_id)
    return {
        "reportable": reportable(conversation, service.scenario_of(conversation)), "may_write": conversation.user_id == user.id,
        "incident": incident_dict(session.get(IncidentReport, conversation.id)), "source_title": SEED_FILES[SOURCE],
    }


@router.put("/{conversation_id}/incident")
def put_incident(conversation_id: str, body: IncidentIn, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    conversation = service.conversation(session, user, conversation_id, write=True)
    return {"incident": incident_dict(save_incident(session, conversation, service.scenario_of(conversation), body.model_dump()))}
