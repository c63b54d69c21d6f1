"""VoiceCoach's voice as the customer plays from the board (the projector laptop), not from the
medewerker's phone. The board says when the line starts playing and how much of it is left; the
phone hears it live (a "line" event) and sends `line_left` with an answer it starts while the
line still plays (README "Laat de klant uitpraten")."""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy.orm import Session

from voicecoach.classroom.events import publish
from voicecoach.classroom.rounds import ClassroomError, led_round
from voicecoach.practice_service import check_awaiting
from voicecoach.store.models import ConversationRow, User


def line_playing(session: Session, teacher: User, round_id: int, turn: int, seconds_left: float) -> dict[str, Any]:
    """Publish that the line of `turn` plays with `seconds_left` to go; `at` (server clock) lets the
    phone take off the time the event took to reach it, and ignore one replayed after it ended."""
    row = led_round(session, teacher, round_id)
    conversation = session.get(ConversationRow, row.conversation_id) if row.conversation_id and row.closed_at is None else None
    if conversation is None:
        raise ClassroomError("Er loopt nu geen gesprek in deze les.", code="no_conversation")
    check_awaiting(conversation, turn)  # the board played a line that was answered meanwhile
    data = {"conversation_id": conversation.id, "turn": turn, "seconds_left": round(seconds_left, 3), "at": time.time()}
    publish(session, row.id, "line", f"line:{conversation.id}:{turn}:{uuid.uuid4()}", data)
    session.commit()
    return data
