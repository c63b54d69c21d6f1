"""Rounds: a teacher opens one for a scenario and one of their groups, students join with its code,
and roles rotate: each new conversation has one medewerker (who owns it and its recordings), a
customer (VoiceCoach, a student or the teacher reading the engine's line) and observers."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voicecoach.classroom.events import publish
from voicecoach.classroom.models import ClassRound, RoundConversation, RoundMember
from voicecoach.errors import VoiceCoachError
from voicecoach.practice_service import NotFound, PracticeService
from voicecoach.store.models import ConversationRow, Group, GroupMember, User, utcnow
from voicecoach.vocabulary import CUSTOMER_MODES

# No 0/O, 1/I/L: the code is read off a projector and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class ClassroomError(VoiceCoachError):
    code = "classroom"


def teacher_groups(session: Session, teacher: User) -> list[Group]:
    """The groups a teacher is a member of (and so leads)."""
    if teacher.role != "teacher":
        return []
    query = select(Group).join(GroupMember, GroupMember.group_id == Group.id).where(GroupMember.user_id == teacher.id)
    return list(session.scalars(query.order_by(Group.name)))


def require_teacher(user: User) -> None:
    if user.role != "teacher":
        raise NotFound("Alleen een docent kan een les met rollenspel leiden.")


def new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(ClassRound.id).where(ClassRound.code == code)) is None:
            return code


def normalise_code(raw: str) -> str:
    return "".join(raw.split()).upper()[:20]


def create_round(session: Session, service: PracticeService, teacher: User, group_id: int, scenario_id: str, customer_mode: str) -> ClassRound:
    require_teacher(teacher)
    if group_id not in {g.id for g in teacher_groups(session, teacher)}:
        raise NotFound("Deze groep bestaat niet, of je bent er geen docent van.")
    service.scenario(scenario_id)
    if customer_mode not in CUSTOMER_MODES:
        raise ClassroomError("Kies wie de klant speelt: VoiceCoach, een student of de docent.", code="bad_customer_mode")
    row = ClassRound(code=new_code(session), teacher_id=teacher.id, group_id=group_id, scenario_id=scenario_id, customer_mode=customer_mode)
    session.add(row)
    session.commit()
    return row


def by_code(session: Session, code: str) -> ClassRound:
    row = session.scalar(select(ClassRound).where(ClassRound.code == normalise_code(code), ClassRound.closed_at.is_(None)))
    if row is None:
        raise NotFound("Er is geen open les met deze code. Kijk nog eens naar het scherm van je docent.")
    return row


def already_in(session: Session, user: User, code: str) -> ClassRound | None:
    """The open round with `code` that `user` leads or has joined already, if any: a join link
    opened again goes to the lesson, not to an empty join form (a test session)."""
    row = session.scalar(select(ClassRound).where(ClassRound.code == normalise_code(code), ClassRound.closed_at.is_(None)))
    if row is None or not (row.teacher_id == user.id or member(session, row, user.id) is not None):
        return None
    return row


def get_round(session: Session, user: User, round_id: int) -> ClassRound:
    """The round if `user` leads it or joined it; otherwise 'not found'."""
    row = session.get(ClassRound, round_id)
    if row is None or not (row.teacher_id == user.id or member(session, row, user.id) is not None):
        raise NotFound("Deze les bestaat niet, of je doet er niet aan mee.")
    return row


def led_round(session: Session, user: User, round_id: int) -> ClassRound:
    row = session.get(ClassRound, round_id)
    if row is None or row.teacher_id != user.id:
        raise NotFound("Deze les bestaat niet, of je leidt hem niet.")
    return row


def member(session: Session, round_: ClassRound, user_id: int) -> RoundMember | None:
    return session.get(RoundMember, (round_.id, user_id))


def members(session: Session, round_: ClassRound) -> list[RoundMember]:
    return list(session.scalars(select(RoundMember).where(RoundMember.round_id == round_.id).order_by(RoundMember.joined_order)))


def join(session: Session, user: User, code: str) -> ClassRound:
    """A logged-in student of the round's group joins as observer (idempotent)."""
    row = by_code(session, code)
    if row.teacher_id == user.id:
        return row
    in_group = session.get(GroupMember, (row.group_id, user.id)) is not None
    if not in_group:
        raise NotFound("Er is geen open les met deze code voor jouw groep. Vraag je docent om de code.")
    if member(session, row, user.id) is None:
        order = session.scalar(select(func.coalesce(func.max(RoundMember.joined_order), 0)).where(RoundMember.round_id == row.id))
        session.add(RoundMember(round_id=row.id, user_id=user.id, role="observer", joined_order=order + 1))
        session.flush()
        publish(session, row.id, "joined", f"joined:{user.id}", {"name": user.display_name})
    session.commit()
    return row


def assign_roles(
    session: Session, service: PracticeService, teacher: User, round_id: int,
    medewerker_id: int | None = None, customer_id: int | None = None, after: str | None = None,
) -> ConversationRow:
    """Start the round's next conversation. Without choices the roles rotate in joining order: the
    next student after the last medewerker answers, and (customer mode 'student') the one after
    them plays the customer. The conversation belongs to the medewerker. `after`: the conversation
    the asking page shows ("" for none); when another has started since, that one is returned."""
    row = led_round(session, teacher, round_id)
    if row.closed_at is not None:
        raise ClassroomError("Deze les is afgesloten.", code="round_closed")
    if after is not None and row.conversation_id != (after or None) and row.conversation_id is not None:
        # the roles moved on since the page asked: a double click on "Volgend gesprek" started two
        # conversations and rotated twice, so one student never answered (a test session)
        return session.get(ConversationRow, row.conversation_id)
    joined = members(session, row)
    if not joined:
        raise ClassroomError("Er doet nog niemand mee. Laat de studenten eerst de code invullen.", code="nobody_joined")
    ids = [m.user_id for m in joined]
    if medewerker_id is None:
        current = next((i for i, m in enumerate(joined) if m.role == "medewerker"), -1)
        medewerker_id = ids[(current + 1) % len(ids)]
    if medewerker_id not in ids:
        raise ClassroomError("De medewerker moet iemand zijn die meedoet.", code="bad_role")
    if row.customer_mode == "student":
        if customer_id is None:
            if len(ids) < 2:
                raise ClassroomError("Voor een klant die door een student gespeeld wordt zijn minstens twee studenten nodig.", code="bad_role")
            customer_id = ids[(ids.index(medewerker_id) + 1) % len(ids)]
        if customer_id not in ids or customer_id == medewerker_id:
            raise ClassroomError("De klant moet een andere student zijn die meedoet.", code="bad_role")
    else:
        customer_id = teacher.id if row.customer_mode == "teacher" else None
    for m in joined:
        m.role = "medewerker" if m.user_id == medewerker_id else "klant" if m.user_id == customer_id else "observer"
    medewerker = session.get(User, medewerker_id)
    conversation = service.start_conversation(session, medewerker, row.scenario_id)
    session.add(RoundConversation(conversation_id=conversation.id, round_id=row.id, customer_id=customer_id))
    row.conversation_id = conversation.id
    session.flush()
    publish(session, row.id, "roles", f"roles:{conversation.id}", {"conversation_id": conversation.id})
    session.commit()
    return conversation


def close_round(session: Session, teacher: User, round_id: int) -> ClassRound:
    row = led_round(session, teacher, round_id)
    if row.closed_at is None:
        row.closed_at = utcnow()
        session.flush()
        publish(session, row.id, "closed", "closed", {})
    session.commit()
    return row


def role_of(session: Session, round_: ClassRound, user: User) -> str:
    """'teacher' for the round's teacher (also when they play the customer: see customer_of), else the member's role."""
    if round_.teacher_id == user.id:
        return "teacher"
    found = member(session, round_, user.id)
    return found.role if found else "none"


def customer_of(session: Session, round_: ClassRound) -> int | None:
    """Who reads the customer's lines in the current conversation (None: VoiceCoach speaks)."""
    if round_.conversation_id is None:
        return None
    link = session.get(RoundConversation, round_.conversation_id)
    return link.customer_id if link else None


def round_conversations(session: Session, round_: ClassRound) -> list[RoundConversation]:
    return list(session.scalars(select(RoundConversation).where(RoundConversation.round_id == round_.id).order_by(RoundConversation.started_at)))
