"""Coach review: the list of trainees' conversations, notes, transcript corrections, overrules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.accounts import may_see, reviewed_by
from voicecoach.coach_judgement import LABEL_KEYS, label_name
from voicecoach.corrections import record_correction
from voicecoach.errors import VoiceCoachError
from voicecoach.practice_service import NotFound, PracticeService
from voicecoach.scenarios import Scenario
from voicecoach.store.db import checkpoint
from voicecoach.store.models import ConversationRow, Job, LabelOverrule, Note, TranscriptVersion, TurnRow, User
from voicecoach.turn_scores import conversation_totals
from voicecoach.wording.rules import AANJAGER

VERDICTS = ("onterecht", "gemist")


def _require_reviewer(session: Session, user: User, owner_id: int) -> None:
    """Someone else's practice, which `user` reviews (accounts.reviewed_by); else 'not found'."""
    if user.id == owner_id or not may_see(session, user, owner_id):
        raise NotFound("Dit gesprek bestaat niet.")


def visible_trainees(session: Session, user: User) -> list[User]:
    """The trainees this coach or teacher shares a group with (the trainee picker)."""
    query = select(User).where(User.role == "trainee", User.id.in_(reviewed_by(user))).order_by(User.display_name)
    return list(session.scalars(query))


def review_list(
    session: Session, user: User, scenarios: dict[str, Scenario], *, trainee: str | None = None,
    scenario: str | None = None, since: datetime | None = None, min_score: int | None = None,
) -> list[dict[str, Any]]:
    """Conversations of the trainees this coach may see, newest first, with filters (in SQL; only
    the minimum score, which counts the coach's overrules, is applied here); turns are analysed
    turns only."""
    query = (
        select(ConversationRow, User).join(User, User.id == ConversationRow.user_id)
        .where(User.id.in_(reviewed_by(user)), ConversationRow.scenario_id.in_(list(scenarios)))
        .order_by(ConversationRow.created_at.desc())
    )
    if trainee:
        query = query.where(User.username == trainee)
    if scenario:
        query = query.where(ConversationRow.scenario_id == scenario)
    if since:
        query = query.where(ConversationRow.created_at >= since)
    rows = []
    for conversation, owner in session.execute(query):
        known = scenarios[conversation.scenario_id]
        totals = conversation_totals(session, known, conversation)
        if min_score is not None and totals["score"] < min_score:
            continue
        rows.append({
            "id": conversation.id, "trainee": owner.username, "trainee_name": owner.display_name,
            "scenario": conversation.scenario_id, "scenario_title": known.title, "created_at": conversation.created_at,
            "outcome": conversation.state.get("outcome"), **totals,
        })
    return rows


def add_note(session: Session, service: PracticeService, user: User, conversation_id: str, text: str, turn_id: str | None) -> Note:
    conversation = service.conversation(session, user, conversation_id)
    _require_reviewer(session, user, conversation.user_id)
    if turn_id is not None and session.get(TurnRow, turn_id) not in conversation.turns:
        raise NotFound("Deze beurt hoort niet bij dit gesprek.")
    if not text.strip():
        raise VoiceCoachError("Een notitie mag niet leeg zijn.", code="empty_note")
    note = Note(conversation_id=conversation.id, turn_id=turn_id, author_id=user.id, text=text.strip())
    session.add(note)
    session.commit()
    return note


def correct_transcript(session: Session, service: PracticeService, user: User, turn_id: str, text: str) -> Job:
    """Keep the current transcript in the history, store the correction, re-run wording and score."""
    turn = service.turn(session, user, turn_id)
    _require_reviewer(session, user, turn.conversation.user_id)
    return record_correction(session, turn, user, text)


def overrule(session: Session, service: PracticeService, user: User, turn_id: str, *, label: str, rule: str | None, verdict: str, reason: str) -> LabelOverrule:
    turn = service.turn(session, user, turn_id)
    _require_reviewer(session, user, turn.conversation.user_id)
    if label not in LABEL_KEYS or verdict not in VERDICTS or not reason.strip():
        raise VoiceCoachError("Kies een techniek of conflictaanjager, een oordeel (onterecht of gemist) en geef een reden.", code="bad_overrule")
    if verdict == "gemist" and label == AANJAGER:
        raise VoiceCoachError("Kies bij een gemiste conflictaanjager welke soort het was.", code="bad_overrule")
    row = LabelOverrule(turn_id=turn.id, author_id=user.id, label=label, rule=rule, verdict=verdict, reason=reason.strip())
    session.add(row)
    session.commit()
    return row


def withdraw_note(session: Session, user: User, note_id: int) -> None:
    """A coach takes back a note they wrote (a slip, the wrong trainee): gone from the database
    files too, like any deleted personal data."""
    note = session.get(Note, note_id)
    conversation = session.get(ConversationRow, note.conversation_id) if note is not None else None
    if note is None or conversation is None or note.author_id != user.id:
        raise NotFound("Deze notitie bestaat niet, of je hebt hem niet zelf geschreven.")
    _require_reviewer(session, user, conversation.user_id)
    session.delete(note)
    checkpoint(session)


def withdraw_overrule(session: Session, user: User, overrule_id: int) -> None:
    """A coach takes back their judgement of a label; the turn's score is the machine's again
    (overrules are applied when a score is read, coach_judgement.py)."""
    row = session.get(LabelOverrule, overrule_id)
    turn = session.get(TurnRow, row.turn_id) if row is not None else None
    if row is None or turn is None or row.author_id != user.id:
        raise NotFound("Dit oordeel bestaat niet, of je hebt het niet zelf gegeven.")
    _require_reviewer(session, user, turn.conversation.user_id)
    session.delete(row)
    checkpoint(session)


def _author(session: Session, user_id: int | None) -> str | None:
    """Display name of a note's or correction's author (None once the account is deleted)."""
    user = session.get(User, user_id) if user_id is not None else None
    return user.display_name if user else None


def turn_review(session: Session, turn: TurnRow) -> dict[str, Any]:
    """Notes, transcript history and overrules of a turn (the trainee sees them too)."""
    return {
        "notes": [{"id": n.id, "text": n.text, "author": _author(session, n.author_id), "author_id": n.author_id,
                   "created_at": n.created_at.isoformat()}
                  for n in session.scalars(select(Note).where(Note.turn_id == turn.id))],
        "history": [{"text": v.text, "score": v.score_total, "author": _author(session, v.author_id), "created_at": v.created_at.isoformat()}
                    for v in session.scalars(select(TranscriptVersion).where(TranscriptVersion.turn_id == turn.id).order_by(TranscriptVersion.id))],
        "overrules": [{"id": o.id, "author_id": o.author_id, "label": o.label, "label_name": label_name(o.label), "rule": o.rule, "verdict": o.verdict, "reason": o.reason,
                       "author": _author(session, o.author_id), "created_at": o.created_at.isoformat()}
                      for o in session.scalars(select(LabelOverrule).where(LabelOverrule.turn_id == turn.id))],
    }


def conversation_notes(session: Session, conversation: ConversationRow) -> list[dict[str, Any]]:
    numbers = {turn.id: turn.number for turn in conversation.turns}
    return [{"id": n.id, "text": n.text, "author": _author(session, n.author_id), "author_id": n.author_id, "turn_id": n.turn_id,
             "turn": numbers.get(n.turn_id), "created_at": n.created_at.isoformat()}
            for n in session.scalars(select(Note).where(Note.conversation_id == conversation.id).order_by(Note.id))]
