"""The trainee's own conversations ("Mijn gesprekken"), and which coach notes are new to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voicecoach.scenarios import Scenario
from voicecoach.store.models import ConversationRow, Note, User, utcnow
from voicecoach.turn_scores import conversation_totals


def new_note_count(session: Session, conversation: ConversationRow) -> int:
    """Notes written since the trainee last opened the conversation."""
    query = select(func.count()).select_from(Note).where(Note.conversation_id == conversation.id)
    if conversation.seen_at is not None:
        query = query.where(Note.created_at > conversation.seen_at)
    return session.scalar(query) or 0


def my_conversations(session: Session, scenarios: dict[str, Scenario], user: User) -> list[dict[str, Any]]:
    """The user's conversations, newest first, with title, date, turns, score, outcome, new notes."""
    rows = session.scalars(
        select(ConversationRow).where(ConversationRow.user_id == user.id).order_by(ConversationRow.created_at.desc())
    )
    result = []
    for conversation in rows:
        scenario = scenarios.get(conversation.scenario_id)
        if scenario is None:  # its scenario file was removed: nothing to show it with
            continue
        result.append({
            "id": conversation.id, "scenario": scenario.title, "created_at": conversation.created_at,
            "outcome": conversation.state.get("outcome"), "new_notes": new_note_count(session, conversation),
            **conversation_totals(session, scenario, conversation),
        })
    return result


def mark_seen(session: Session, user: User, conversation: ConversationRow) -> datetime | None:
    """The owner opened the conversation: remember when; returns the visit before this one."""
    if conversation.user_id != user.id:
        return None
    previous = conversation.seen_at
    conversation.seen_at = utcnow()
    session.commit()
    return previous
