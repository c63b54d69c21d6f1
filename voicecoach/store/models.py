"""Database tables (SQLAlchemy 2). Every recording, conversation and baseline belongs to a user."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from voicecoach.turn_record import TurnRecord, UnreadableRecord, read_turn_record

log = logging.getLogger(__name__)


PENDING = ("queued", "running")  # a turn's or a calibration's status while its analysis job has not ended


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no time zone, so every timestamp is stored and compared as UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime()}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default="trainee")  # trainee | coach | teacher | admin
    password_hash: Mapped[str | None] = mapped_column(Text, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Group(Base):
    """A class or team: coaches and teachers of a group see its trainees' practice."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class SessionRow(Base):
    """A login: the cookie holds a random token, the table only its hash."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class LoginAttempt(Base):
    """A successful login from an address: that address is 'known' for the name, so an attacker's
    failures elsewhere do not slow its owner down. Kept for KNOWN_ADDRESS_DAYS."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    address: Mapped[str | None] = mapped_column(String(64), default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginThrottle(Base):
    """Failed logins per key ("name:…" or "addr:…"), updated by compare-and-set so parallel
    requests cannot read the same count; deleted once quiet for the window."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(index=True)


class AuditEntry(Base):
    """Who did what to whose data; never the content itself."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    subject_user_id: Mapped[int | None] = mapped_column(Integer)
    object_id: Mapped[str | None] = mapped_column(String(40))


class Recording(Base):
    """An uploaded audio file: the bytes live in the data dir, the row says where and what."""

    __tablename__ = "recordings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "turn" | "calibration"
    path: Mapped[str] = mapped_column(Text)  # relative to the data dir
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BaselineRow(Base):
    __tablename__ = "baselines"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | done | error
    data: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    error: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationRow(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(60))
    state: Mapped[dict[str, Any]]  # CustomerState as a dict
    customer_line: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    seen_at: Mapped[datetime | None] = mapped_column(default=None)
    """The owner's last visit of the conversation page: coach notes added later are marked new."""
    scenario_version: Mapped[int | None] = mapped_column(Integer, default=None)
    """The version of a teacher's scenario it was played with (voicecoach/scenario_library.py);
    None for the scenarios shipped with VoiceCoach."""
    turns: Mapped[list[TurnRow]] = relationship(
        back_populates="conversation", order_by="(TurnRow.number, TurnRow.created_at)"
    )
    """Every turn, and every attempt at a line (voicecoach/attempts.py) after the first, in order."""


class TurnRow(Base):
    """One reply: what the customer said, the recording, and the analysis result when done."""

    __tablename__ = "turns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"))
    state_before: Mapped[dict[str, Any]]
    customer_line: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | running | done | error
    result: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    error: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    corrected_text: Mapped[str | None] = mapped_column(Text, default=None)
    """A correction of the transcript (by a coach or the trainee): wording and score are re-run on it."""
    corrected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    state_after: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    """The customer's state after this attempt; with line_after, what the conversation goes on from."""
    line_after: Mapped[str | None] = mapped_column(Text, default=None)
    set_aside: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    """Another attempt at the same line was kept: this one counts nowhere (voicecoach/attempts.py)."""
    line_left_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    """Seconds of the customer's line still to play when the recording started (the page says so):
    speech in that stretch interrupts the customer (voice/interruption.py)."""
    reply_id: Mapped[str | None] = mapped_column(String(36), default=None)
    """The page's id for this recorded reply: the same reply sent again gets this turn back."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    analysed_at: Mapped[datetime | None] = mapped_column(default=None)
    conversation: Mapped[ConversationRow] = relationship(back_populates="turns")

    @property
    def record(self) -> TurnRecord | None:
        """The stored result, upgraded from older versions and validated; None when there is none
        or it cannot be read (logged once: one damaged turn must not take its conversation,
        progress or report down; `unreadable` then says so in Dutch). Read once per loaded result."""
        if self.result is None:
            return None
        read = self.__dict__.get("_read")
        if read is None or read[0] is not self.result:
            try:
                read = (self.result, read_turn_record(self.result))
            except UnreadableRecord as error:
                log.error("turn %s: the stored result cannot be read: %s", self.id, error.__cause__)
                read = (self.result, None)
            self.__dict__["_read"] = read
        return read[1]

    @property
    def unreadable(self) -> UnreadableRecord | None:
        """The Dutch error of a stored result that cannot be read (None when there is none or it reads)."""
        return UnreadableRecord() if self.result is not None and self.record is None else None

    # One turn waits for analysis per customer line: a second upload for the same line is refused.
    __table_args__ = (
        Index(
            "uq_turns_one_pending_per_line", "conversation_id", "number", unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
        Index("uq_turns_reply_id", "conversation_id", "reply_id", unique=True),
    )


class DeletedReply(Base):
    """The reply id of a deleted turn: the same reply sent again (a cut stream the server stores
    late, a page's retry) is refused, so deleted speech is never stored again. Holds no content."""

    __tablename__ = "deleted_replies"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    reply_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class Job(Base):
    """A durable unit of work; a worker holds it under a lease it keeps renewing."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # "analyse_turn" | "calibrate"
    target_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)  # queued | running | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # higher is served first
    worker: Mapped[str | None] = mapped_column(String(80), default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WorkerBeat(Base):
    """A worker's heartbeat: /healthz reports it and fails when every worker has gone quiet."""

    __tablename__ = "worker_beats"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    job_id: Mapped[int | None] = mapped_column(Integer, default=None)


class Note(Base):
    """A coach's note on a conversation or one of its turns; the trainee sees it."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    turn_id: Mapped[str | None] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), default=None)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TranscriptVersion(Base):
    """An earlier transcript of a turn, kept when a coach corrects it (the history)."""

    __tablename__ = "transcript_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[str] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    score_total: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabelOverrule(Base):
    """A coach's judgement on one wording hit (or a missed one), with the reason."""

    __tablename__ = "label_overrules"

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[str] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    label: Mapped[str] = mapped_column(String(40))
    rule: Mapped[str | None] = mapped_column(String(80), default=None)
    verdict: Mapped[str] = mapped_column(String(20))  # "onterecht" (hit was wrong) | "gemist" (label was missed)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncidentReport(Base):
    """The trainee's practice incident report after an ending that asks for one (3 Reasons Why:
    "Meld het incident!"): what happened, when, who; the coach sees it."""

    __tablename__ = "incident_reports"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    what: Mapped[str] = mapped_column(Text)
    happened_when: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
