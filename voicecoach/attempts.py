"""Attempts at one customer line. "Probeer opnieuw" answers the line the conversation stands on
again; every attempt keeps the customer's state after it (`state_after`, `line_after`), the trainee
keeps one and the conversation goes on from it, so the customer is moved once, by the kept attempt.

Also where the conversation stands after the trainee deletes a recording (`delete_recording`: the
conversation reopens instead of looking finished); the state rules are in `attempt_state`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from voicecoach import privacy
from voicecoach.attempt_state import attempts_at, follow, is_current_line
from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import Job, TurnRow, User

if TYPE_CHECKING:
    from voicecoach.practice_service import PracticeService


def retry(
    session: Session, service: PracticeService, user: User, turn_id: str, data: bytes, *, reply_id: str | None = None
) -> tuple[TurnRow, Job]:
    """Another recorded answer to the line of `turn_id`; it counts once the trainee keeps it. The
    same recording sent again (`reply_id`) gets the attempt it made, not a second one."""
    turn = service.turn(session, user, turn_id, write=True)
    stored = service.stored_reply(session, turn.conversation, reply_id)
    if stored is not None:
        return stored
    if not is_current_line(turn) or not any(t.status == "done" for t in attempts_at(turn.conversation, turn.number)):
        raise VoiceCoachError(
            "Alleen je laatste beantwoorde klantzin kun je opnieuw proberen, voordat je op de volgende antwoordt.",
            code="cannot_retry",
        )
    return service.store_turn(
        session, user, turn.conversation, data, number=turn.number,
        state_before=dict(turn.state_before), customer_line=turn.customer_line, set_aside=True, reply_id=reply_id,
    )


def keep(session: Session, service: PracticeService, user: User, turn_id: str) -> TurnRow:
    """The trainee keeps this attempt: the others are set aside and the conversation goes on from it."""
    turn = service.turn(session, user, turn_id, write=True)
    if turn.status != "done" or turn.state_after is None or not is_current_line(turn):
        raise VoiceCoachError(
            "Deze poging kun je niet kiezen: kies een geanalyseerde poging bij je laatste klantzin.",
            code="cannot_keep",
        )
    for attempt in attempts_at(turn.conversation, turn.number):
        attempt.set_aside = attempt.id != turn.id
    follow(turn.conversation, turn)
    session.commit()
    return turn


def delete_recording(session: Session, data_dir: Path, turn: TurnRow, actor: User) -> None:
    """Delete a turn at the trainee's request. When the conversation stood on it, it goes on from
    the newest other analysed attempt at that line, or else goes back to the line itself (open
    again, also after the end) so the trainee can answer it anew."""
    conversation = turn.conversation
    if not turn.set_aside and is_current_line(turn):
        others = [t for t in attempts_at(conversation, turn.number) if t.id != turn.id]
        analysed = [t for t in others if t.status == "done" and t.state_after is not None]
        for other in others:
            other.set_aside = bool(analysed) and other is not analysed[-1]
        if analysed:
            follow(conversation, analysed[-1])
        else:
            conversation.state = dict(turn.state_before)
            conversation.customer_line = turn.customer_line
            conversation.finished_at = None
    privacy.delete_turn(session, data_dir, turn, actor)
    privacy.finish(session)


def attempt_fields(turn: TurnRow) -> dict[str, Any]:
    """What the pages need about a turn's attempts and its correction."""
    conversation = turn.conversation
    corrected = turn.corrected_text is not None
    return {
        "set_aside": turn.set_aside,
        "attempt": [t.id for t in attempts_at(conversation, turn.number)].index(turn.id) + 1,
        "current_line": is_current_line(turn),
        "corrected_by": None if not corrected else "trainee" if turn.corrected_by == conversation.user_id else "coach",
    }
