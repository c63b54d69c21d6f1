"""The board's numbered event log. Actions in the web process publish at once; a turn analysed by
a worker (another process) is noticed by `sync_turns`, which any board poll runs. Each event has a
key, so the same news is logged once however many processes notice it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voicecoach.classroom.models import ClassRound, CustomerReading, RoundEvent
from voicecoach.store.models import TurnRow


def publish(session: Session, round_id: int, kind: str, key: str, data: dict[str, Any]) -> None:
    """Log an event unless one with this key exists (the caller commits)."""
    if session.scalar(select(RoundEvent.id).where(RoundEvent.round_id == round_id, RoundEvent.key == key)) is not None:
        return
    try:
        with session.begin_nested():
            session.add(RoundEvent(round_id=round_id, kind=kind, key=key, data=data))
    except IntegrityError:  # another process logged it first
        pass


def sync_turns(session: Session, round_: ClassRound) -> None:
    """Log the current conversation's new, analysed or failed turns and customer readings."""
    if round_.conversation_id is None:
        return
    turns = session.scalars(select(TurnRow).where(TurnRow.conversation_id == round_.conversation_id))
    for turn in turns:
        stamp = turn.analysed_at.isoformat() if turn.analysed_at and turn.status == "done" else turn.status
        publish(session, round_.id, "turn", f"turn:{turn.id}:{stamp}", {"number": turn.number, "status": turn.status, "turn_id": turn.id})
    readings = session.scalars(select(CustomerReading).where(CustomerReading.conversation_id == round_.conversation_id))
    for reading in readings:
        publish(session, round_.id, "reading", f"reading:{reading.id}:{reading.status}", {"number": reading.turn_number, "status": reading.status})
    session.commit()


def events_after(session: Session, round_id: int, after: int) -> list[RoundEvent]:
    return list(session.scalars(select(RoundEvent).where(RoundEvent.round_id == round_id, RoundEvent.id > after).order_by(RoundEvent.id)))


def last_event_id(session: Session, round_id: int) -> int:
    found = session.scalar(select(RoundEvent.id).where(RoundEvent.round_id == round_id).order_by(RoundEvent.id.desc()).limit(1))
    return found or 0
