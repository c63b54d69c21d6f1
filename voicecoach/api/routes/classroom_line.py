"""The board tells the round that VoiceCoach's customer line is playing (classroom/line_playing.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from voicecoach.api.deps import DbId, SessionDep, UserDep
from voicecoach.api.line_left import MAX_LINE_LEFT_S
from voicecoach.api.routes.classroom import feed
from voicecoach.api.schemas import ERRORS
from voicecoach.classroom.line_playing import line_playing

router = APIRouter(prefix="/api/rounds", tags=["classroom"], responses=ERRORS)


class LinePlayingIn(BaseModel):
    turn: int = Field(ge=1, le=1000)
    seconds_left: float = Field(ge=0, le=MAX_LINE_LEFT_S)


@router.post("/{round_id}/line-playing", status_code=201)
def customer_line_playing(round_id: DbId, body: LinePlayingIn, request: Request, session: SessionDep, user: UserDep) -> dict[str, Any]:
    """The board started (or resumed) playing the customer's line of `turn`: `seconds_left` to go."""
    data = line_playing(session, user, round_id, body.turn, body.seconds_left)
    feed(request).notify(round_id)
    return data
