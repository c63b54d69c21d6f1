"""What the class contributes to a round: observers' checklist taps and notes, and the customer's
lines read aloud by a student or the teacher (their recording, transcribed by the queue)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.classroom.events import publish
from voicecoach.classroom.models import ClassRound, CustomerReading, ObserverMark
from voicecoach.classroom.rounds import ClassroomError, customer_of, get_round, member
from voicecoach.coach_judgement import LABEL_KEYS
from voicecoach.jobs import enqueue
from voicecoach.store.models import ConversationRow, Job, Recording, User
from voicecoach.store.recordings import discard_recording_file, store_recording
from voicecoach.vocabulary import AANJAGER

if TYPE_CHECKING:
    from voicecoach.analysis import Analyser
    from voicecoach.practice_service import PracticeService

CHECKLIST = tuple(key for key in LABEL_KEYS if key != AANJAGER)  # an observer names the kind of aanjager
MAX_NOTE = 500


def current_conversation(session: Session, round_: ClassRound) -> ConversationRow:
    conversation = session.get(ConversationRow, round_.conversation_id) if round_.conversation_id else None
    if conversation is None:
        raise ClassroomError("Het rollenspel is nog niet begonnen: de docent kiest eerst de rollen.", code="not_started")
    return conversation


def answering_turn(conversation: ConversationRow) -> int:
    """The turn being answered now (the medewerker's next reply)."""
    return int(conversation.state["turn"]) + 1


def is_observer(session: Session, round_: ClassRound, user: User) -> bool:
    """An observing student, or the teacher while they do not play the customer."""
    if round_.teacher_id == user.id:
        return customer_of(session, round_) != user.id
    found = member(session, round_, user.id)
    return found is not None and found.role == "observer"


def add_mark(session: Session, user: User, round_id: int, label: str | None, note: str | None, turn: int | None) -> ObserverMark:
    """An observer taps a checklist item and/or writes a note for a turn (default: the one being answered)."""
    round_ = get_round(session, user, round_id)
    conversation = current_conversation(session, round_)
    if not is_observer(session, round_, user):
        raise ClassroomError("Alleen observatoren vullen de checklist in.", code="not_observer")
    number = answering_turn(conversation) if turn is None else turn
    if not 1 <= number <= answering_turn(conversation):
        raise ClassroomError("Deze beurt bestaat (nog) niet.", code="bad_turn")
    note = (note or "").strip() or None
    if label is not None and label not in CHECKLIST:
        raise ClassroomError("Kies een punt van de checklist.", code="bad_label")
    if label is None and note is None:
        raise ClassroomError("Tik een punt van de checklist aan of schrijf een korte notitie.", code="empty_mark")
    if note is not None and len(note) > MAX_NOTE:
        raise ClassroomError(f"Een notitie heeft hoogstens {MAX_NOTE} tekens.", code="note_too_long")
    mark = ObserverMark(conversation_id=conversation.id, observer_id=user.id, turn_number=number, label=label, note=note)
    session.add(mark)
    session.flush()
    publish(session, round_.id, "mark", f"mark:{mark.id}", {"number": number, "label": label, "note": note is not None, "mark_id": mark.id})
    session.commit()
    return mark


def marks_of(session: Session, conversation_id: str) -> list[ObserverMark]:
    return list(session.scalars(select(ObserverMark).where(ObserverMark.conversation_id == conversation_id).order_by(ObserverMark.id)))


def submit_reading(session: Session, service: PracticeService, user: User, round_id: int, data: bytes) -> tuple[CustomerReading, Job]:
    """The customer's current line read aloud by the student (or teacher) who plays the customer.
    The recording belongs to the reader, like any recording."""
    round_ = get_round(session, user, round_id)
    if customer_of(session, round_) != user.id:
        raise ClassroomError("Alleen wie de klant speelt, neemt de klantzin op.", code="not_customer")
    conversation = current_conversation(session, round_)
    if conversation.finished_at is not None:
        raise ClassroomError("Dit gesprek is al afgelopen.", code="conversation_finished")
    recording = store_recording(service.settings.data_dir, user.id, "customer_line", data)
    try:
        session.add(recording)
        session.flush()
        reading = CustomerReading(
            conversation_id=conversation.id, user_id=user.id, recording_id=recording.id,
            turn_number=answering_turn(conversation), line=conversation.customer_line, anger=int(conversation.state["anger"]),
        )
        session.add(reading)
        session.flush()
        job = enqueue(session, "transcribe_reading", str(reading.id))
        publish(session, round_.id, "reading", f"reading:{reading.id}:queued", {"number": reading.turn_number, "status": "queued"})
        session.commit()
    except BaseException:
        session.rollback()
        discard_recording_file(service.settings.data_dir, recording)
        raise
    return reading, job


def readings_of(session: Session, conversation_id: str) -> list[CustomerReading]:
    return list(session.scalars(select(CustomerReading).where(CustomerReading.conversation_id == conversation_id).order_by(CustomerReading.id)))


class ReadingJob:
    """Job kind 'transcribe_reading': what the customer's player actually said, as text."""

    def __init__(self, analyser: Analyser, data_dir: Path) -> None:
        self.analyser, self.data_dir = analyser, data_dir

    def prepare(self, session: Session, target_id: str) -> dict[str, Any] | None:
        reading = session.get(CustomerReading, int(target_id))
        if reading is None:
            return None
        return {"recording": str(self.data_dir / session.get(Recording, reading.recording_id).path)}

    def run(self, order: dict[str, Any]) -> dict[str, Any]:
        return {"text": self.analyser.analyse(Path(order["recording"])).transcript.text}

    def store(self, session: Session, target_id: str, outcome: dict[str, Any]) -> None:
        reading = session.get(CustomerReading, int(target_id))
        if reading is not None:
            reading.status, reading.text = "done", outcome["text"]

    def mark(self, session: Session, target_id: str, status: str, error: dict[str, str] | None) -> None:
        reading = session.get(CustomerReading, int(target_id))
        if reading is not None:
            reading.status = status
            if error is not None:
                reading.text = None

