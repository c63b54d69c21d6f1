"""Personal data: delete for real (files, rows, and the database files: see `finish`), logged
without content; recordings past the retention period are deleted the same way. The export of
everything of a trainee is voicecoach/data_export.py."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from voicecoach.accounts import audit
from voicecoach.classroom.models import RoundEvent
from voicecoach.login_limits import name_key
from voicecoach.speech.phrase_file import phrase_file
from voicecoach.store.baselines import latest_baseline
from voicecoach.store.db import checkpoint
from voicecoach.store.models import (
    AuditEntry, BaselineRow, ConversationRow, DeletedReply, GroupMember, Job, LoginAttempt, LoginThrottle, Note, Recording,
    SessionRow, TurnRow, User, utcnow,
)


def finish(session: Session) -> None:
    """Commit a deletion and make it real in the database files: secure_delete (set at connect)
    has zeroed the rows' bytes in their pages, and the checkpoint moves those pages out of the
    write-ahead log and empties it, so a byte search of the files finds nothing."""
    session.commit()
    checkpoint(session)


def _delete_recording(session: Session, data_dir: Path, recording_id: str) -> None:
    recording = session.get(Recording, recording_id)
    if recording is None:
        return
    path = data_dir / recording.path
    path.unlink(missing_ok=True)
    # a streamed reply not yet analysed still has the words heard while it arrived beside it
    phrase_file(path.parent, recording.sha256).unlink(missing_ok=True)
    # the audit log keeps that something was opened, no longer which recording it was
    session.execute(update(AuditEntry).where(AuditEntry.object_id == recording_id).values(object_id=None))
    session.delete(recording)


def delete_turn(session: Session, data_dir: Path, turn: TurnRow, actor: User | None) -> None:
    owner = turn.conversation.user_id
    session.execute(delete(Job).where(Job.target_id == turn.id))
    recording_id = turn.recording_id
    if turn.reply_id is not None:  # the same reply sent again (a cut stream stored late) is refused
        session.add(DeletedReply(conversation_id=turn.conversation_id, reply_id=turn.reply_id))
    session.delete(turn)
    session.flush()
    _delete_recording(session, data_dir, recording_id)
    audit(session, actor, "recording.deleted", owner, None)


def delete_conversation(session: Session, data_dir: Path, conversation: ConversationRow, actor: User | None) -> None:
    for turn in list(conversation.turns):
        delete_turn(session, data_dir, turn, actor)
    session.execute(delete(Note).where(Note.conversation_id == conversation.id))
    session.execute(delete(DeletedReply).where(DeletedReply.conversation_id == conversation.id))
    owner = conversation.user_id
    session.delete(conversation)
    audit(session, actor, "conversation.deleted", owner, None)


def delete_account(session: Session, data_dir: Path, user: User) -> None:
    """Everything of `user`: conversations, turns, baselines, recordings, sessions, memberships, the
    lessons' record that they joined."""
    for conversation in session.scalars(select(ConversationRow).where(ConversationRow.user_id == user.id)).all():
        delete_conversation(session, data_dir, conversation, user)
    for baseline in session.scalars(select(BaselineRow).where(BaselineRow.user_id == user.id)).all():
        session.execute(delete(Job).where(Job.kind == "calibrate", Job.target_id == str(baseline.id)))
        recording_id = baseline.recording_id
        session.delete(baseline)
        session.flush()
        _delete_recording(session, data_dir, recording_id)
    for recording in session.scalars(select(Recording).where(Recording.user_id == user.id)).all():
        _delete_recording(session, data_dir, recording.id)
    session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))
    session.execute(delete(LoginAttempt).where(LoginAttempt.username == user.username))
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == name_key(user.username)))
    session.execute(delete(GroupMember).where(GroupMember.user_id == user.id))
    # the board's log names who joined a lesson (a test session found the name served after deletion)
    session.execute(delete(RoundEvent).where(RoundEvent.kind == "joined", RoundEvent.key == f"joined:{user.id}"))
    session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id).values(actor_id=None))
    shutil.rmtree(data_dir / "recordings" / str(user.id), ignore_errors=True)
    user_id = user.id
    session.delete(user)
    session.add(AuditEntry(actor_id=None, action="account.deleted", subject_user_id=user_id, object_id=None))


def purge_expired(session: Session, data_dir: Path, days: int) -> int:
    """Delete turn, read-customer-line and calibration recordings older than `days` (the retention
    setting); returns how many. A calibration in use (the user's newest measured one) stays: its
    measures are the voice feedback's reference; failed and replaced readings go (they stayed for
    ever, a test session)."""
    cutoff = utcnow() - timedelta(days=days)
    turns = session.scalars(select(TurnRow).where(TurnRow.created_at < cutoff)).all()
    for turn in turns:
        delete_turn(session, data_dir, turn, None)
    # a customer's line read aloud in a classroom round (its transcript row goes with it)
    readings = session.scalars(select(Recording).where(Recording.kind == "customer_line", Recording.created_at < cutoff)).all()
    for recording in readings:
        _delete_recording(session, data_dir, recording.id)
    old_calibrations = session.scalars(select(BaselineRow).where(BaselineRow.created_at < cutoff,
                                                                 BaselineRow.status != "queued")).all()
    stale = [row for row in old_calibrations if row != latest_baseline(session, row.user_id)]
    for baseline in stale:
        recording_id = baseline.recording_id
        session.delete(baseline)
        session.flush()
        _delete_recording(session, data_dir, recording_id)
    finish(session)
    return len(turns) + len(readings) + len(stale)
