"""The nabespreking of one student in a round: per conversation they answered in, each turn with
the techniques used, the aanjagers, the voice against their own calm baseline, the observers'
tallies and notes, and where class and machine disagreed (a discussion starter)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.accounts import may_see
from voicecoach.classroom.board import analysed, joined_times, judgements, latest_turns, turn_rows
from voicecoach.classroom.models import ClassRound, RoundConversation
from voicecoach.classroom.observations import marks_of
from voicecoach.classroom.rounds import get_round, members
from voicecoach.practice_service import NotFound, PracticeService
from voicecoach.store.models import ConversationRow, User
from voicecoach.vocabulary import AANJAGER, criterion_name

TECHNIQUE = "techniek:"  # a score criterion of a technique: 'techniek:open_vraag'

VOICE_CRITERIA = ("stem:", "stijging:")


def debrief(session: Session, service: PracticeService, viewer: User, round_id: int, student_id: int) -> dict[str, Any]:
    """Visible to the student themself and to who may see their practice (their group's teacher)."""
    round_ = get_round(session, viewer, round_id)
    student = session.get(User, student_id)
    if student is None or not may_see(session, viewer, student.id):
        raise NotFound("Deze nabespreking bestaat niet, of je mag hem niet zien.")
    scenario = service.scenario(round_.scenario_id)
    query = (select(ConversationRow).join(RoundConversation, RoundConversation.conversation_id == ConversationRow.id)
             .where(RoundConversation.round_id == round_.id, ConversationRow.user_id == student.id)
             .order_by(ConversationRow.created_at))
    conversations = []
    joined = joined_times(members(session, round_))
    for conversation in session.scalars(query):
        turns = latest_turns(conversation, round_.closed_at)
        rows = turn_rows(session, conversation, round_.closed_at)
        for row in rows:
            turn = turns.get(row["number"])
            record = analysed(turn)
            points = record.score.points if record and record.score else ()
            # what the feedback paid, each kind once in the order said ("begrip tonen, begrip tonen, …" read
            # as a stutter); the wording's labels listed a technique inside an aanjager that earned nothing
            paid = [p.criterion for p in points if p.points != 0]
            row["techniques"] = list(dict.fromkeys(criterion_name(c) for c in paid if c.startswith(TECHNIQUE)))
            row["aanjagers"] = list(dict.fromkeys(criterion_name(c) for c in paid if c.startswith(f"{AANJAGER}:")))
            row["voice"] = [p.explanation for p in points if p.criterion.startswith(VOICE_CRITERIA)]
        conversations.append({
            "id": conversation.id, "created_at": conversation.created_at, "outcome": conversation.state.get("outcome"),
            "stopped": _stopped_by(round_, conversation),
            "turns": rows, "agreement": judgements(list(turns.values()), marks_of(session, conversation.id), joined),
        })
    return {
        "round": round_, "scenario": scenario, "student": student, "conversations": conversations,
        "has_baseline": service.baseline_for(session, student) is not None,
    }


def _stopped_by(round_: ClassRound, conversation: ConversationRow) -> str | None:
    """Why a conversation without an outcome ended: the teacher started the next one ("next"), or
    closed the lesson while it ran ("closed"); None while it runs or when it had its own end."""
    if conversation.state.get("outcome") is not None:
        return None
    if round_.conversation_id != conversation.id:
        return "next"
    return "closed" if round_.closed_at is not None else None
