"""Tables of the classroom rollenspel (migration 0008). Everything hangs off a round; a round's
conversations and recordings stay owned by the student who spoke them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from voicecoach.store.models import Base, utcnow


class ClassRound(Base):
    """A live role-play of one scenario with one group, led by a teacher."""

    __tablename__ = "class_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(60))
    customer_mode: Mapped[str] = mapped_column(String(20), default="voicecoach")  # voicecoach | student | teacher
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"), default=None)
    """The conversation being played now (owned by the current medewerker)."""
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoundMember(Base):
    """A joined student (or the teacher) and their role in the round's current conversation."""

    __tablename__ = "round_members"

    round_id: Mapped[int] = mapped_column(ForeignKey("class_rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), default="observer")  # medewerker | klant | observer
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_order: Mapped[int] = mapped_column(Integer, default=0)


class RoundConversation(Base):
    """One conversation played in a round: who was medewerker and who played the customer."""

    __tablename__ = "round_conversations"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("class_rounds.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class ObserverMark(Base):
    """An observer's tap on a checklist item (label key) or a short note, for one turn."""

    __tablename__ = "observer_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    turn_number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(60), default=None)  # None: a note only
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerReading(Base):
    """A student's or teacher's spoken customer line: their recording, transcribed by the queue."""

    __tablename__ = "customer_readings"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"))
    turn_number: Mapped[int] = mapped_column(Integer)
    line: Mapped[str] = mapped_column(Text)
    anger: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | running | done | error
    text: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoundEvent(Base):
    """The board's event log: numbered, so a board that reconnects misses nothing (Last-Event-ID)."""

    __tablename__ = "round_events"
    __table_args__ = (UniqueConstraint("round_id", "key", name="uq_round_events_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("class_rounds.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(120))
    """What the event is about, once: a turn's analysis is announced by whoever sees it first."""
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupAssignment(Base):
    """A scenario a teacher set for a group: its students see it on their home page."""

    __tablename__ = "group_assignments"

    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClassroomSetting(Base):
    """Teacher-chosen settings of the installation (LAN mode)."""

    __tablename__ = "classroom_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
