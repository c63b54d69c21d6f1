"""Everything of a trainee as a zip (privacy: the right to a copy): data.json and the audio files.

A turn is exported as its page shows it: the result, the attempt it was (and whether it counts),
the transcript correction with its history, the coach's notes and overrules; a classroom
conversation also has the customer's lines as the classmate read them (the words heard), and the
trainee's own readings as customer in other conversations.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.attempts import attempt_fields
from voicecoach.classroom.models import CustomerReading
from voicecoach.classroom.observations import readings_of
from voicecoach.incident import incident_dict
from voicecoach.review_service import turn_review
from voicecoach.store.models import BaselineRow, ConversationRow, IncidentReport, Note, Recording, TurnRow, User


def export_zip(session: Session, data_dir: Path, user: User) -> bytes:
    """All of a trainee's data: data.json and the audio files."""
    conversations = session.scalars(select(ConversationRow).where(ConversationRow.user_id == user.id)).all()
    baselines = session.scalars(select(BaselineRow).where(BaselineRow.user_id == user.id)).all()
    recordings = session.scalars(select(Recording).where(Recording.user_id == user.id)).all()
    own_readings = session.scalars(select(CustomerReading).where(CustomerReading.user_id == user.id)
                                   .order_by(CustomerReading.id)).all()
    data: dict[str, Any] = {
        "user": {"username": user.username, "display_name": user.display_name, "role": user.role},
        "baselines": [{"created_at": b.created_at.isoformat(), "status": b.status, "data": b.data} for b in baselines],
        "conversations": [
            {
                "id": c.id, "scenario": c.scenario_id, "state": c.state, "created_at": c.created_at.isoformat(),
                "notes": [n.text for n in session.scalars(select(Note).where(Note.conversation_id == c.id))],
                "incident": incident_dict(session.get(IncidentReport, c.id)),
                "turns": [_turn(session, t) for t in c.turns],
                "customer_readings": [_reading(r) for r in readings_of(session, c.id)],
            }
            for c in conversations
        ],
        "my_customer_readings": [{"conversation": r.conversation_id, **_reading(r)} for r in own_readings],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for recording in recordings:
            path = data_dir / recording.path
            if path.is_file():
                archive.write(path, f"audio/{path.name}")
    return buffer.getvalue()


def _turn(session: Session, turn: TurnRow) -> dict[str, Any]:
    return {
        "id": turn.id, "number": turn.number, "customer_line": turn.customer_line, "status": turn.status,
        # a stored result this release cannot read is exported as stored: the data is theirs
        "result": record.model_dump(mode="json") if (record := turn.record) else turn.result,
        "error": turn.error, "corrected_text": turn.corrected_text,
        "recording": Path(session.get(Recording, turn.recording_id).path).name,
        **attempt_fields(turn), **turn_review(session, turn),
    }


def _reading(reading: CustomerReading) -> dict[str, Any]:
    """A customer's line read aloud in a classroom round: the line, and the words heard (None until transcribed)."""
    return {"turn": reading.turn_number, "line": reading.line, "anger": reading.anger, "status": reading.status,
            "read_text": reading.text, "created_at": reading.created_at.isoformat()}
