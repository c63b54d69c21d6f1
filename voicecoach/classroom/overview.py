"""The teacher's overview of their groups (students, conversations, rounds) and the scenarios
assigned to a group, which its students see on their home page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voicecoach.classroom.board import students_of
from voicecoach.classroom.models import ClassRound, GroupAssignment, RoundConversation
from voicecoach.classroom.rounds import ClassroomError, require_teacher, teacher_groups
from voicecoach.practice_service import NotFound, PracticeService
from voicecoach.scenarios import Scenario
from voicecoach.store.models import ConversationRow, Group, GroupMember, User


def group_overview(session: Session, service: PracticeService, teacher: User) -> list[dict[str, Any]]:
    groups = []
    for group in teacher_groups(session, teacher):
        students = session.scalars(
            select(User).join(GroupMember, GroupMember.user_id == User.id)
            .where(GroupMember.group_id == group.id, User.role == "trainee").order_by(User.display_name)
        ).all()
        rows = []
        for student in students:
            count, last = session.execute(
                select(func.count(ConversationRow.id), func.max(ConversationRow.created_at)).where(ConversationRow.user_id == student.id)
            ).one()
            in_rounds = session.scalar(
                select(func.count(RoundConversation.conversation_id))
                .join(ConversationRow, ConversationRow.id == RoundConversation.conversation_id)
                .where(ConversationRow.user_id == student.id)
            )
            rows.append({"id": student.id, "name": student.display_name, "username": student.username,
                         "conversations": count, "last": last, "round_conversations": in_rounds})
        rounds = session.scalars(select(ClassRound).where(ClassRound.group_id == group.id).order_by(ClassRound.created_at.desc())).all()
        groups.append({
            "id": group.id, "name": group.name, "students": rows,
            "rounds": [{"id": r.id, "code": r.code, "scenario": _title(service, r.scenario_id), "created_at": r.created_at,
                        "closed": r.closed_at is not None, "debriefs": _closed_debriefs(session, teacher, r)} for r in rounds],
            "assigned": [_title(service, a.scenario_id) for a in _assignments(session, group.id)],
            "assigned_ids": [a.scenario_id for a in _assignments(session, group.id)],
        })
    return groups


def _closed_debriefs(session: Session, teacher: User, round_: ClassRound) -> list[dict[str, Any]] | None:
    """Who has a nabespreking of a closed lesson; None while it runs (the round page lists them) or
    when another teacher of the group led it (the nabespreking is theirs to open)."""
    if round_.closed_at is None or round_.teacher_id != teacher.id:
        return None
    return [{"id": s.id, "name": s.display_name} for s in students_of(session, round_)]


def _title(service: PracticeService, scenario_id: str) -> str:
    scenario = service.scenarios.get(scenario_id)
    return scenario.title if scenario else scenario_id


def _assignments(session: Session, group_id: int) -> list[GroupAssignment]:
    return list(session.scalars(select(GroupAssignment).where(GroupAssignment.group_id == group_id).order_by(GroupAssignment.created_at)))


def assign(session: Session, service: PracticeService, teacher: User, group_id: int, scenario_id: str, assigned: bool) -> None:
    """Set (or take back) a scenario for one of the teacher's groups."""
    require_teacher(teacher)
    if group_id not in {g.id for g in teacher_groups(session, teacher)}:
        raise NotFound("Deze groep bestaat niet, of je bent er geen docent van.")
    if scenario_id not in service.scenarios:
        raise ClassroomError("Kies een scenario uit de lijst.", code="bad_scenario")
    row = session.get(GroupAssignment, (group_id, scenario_id))
    if assigned and row is None:
        session.add(GroupAssignment(group_id=group_id, scenario_id=scenario_id, teacher_id=teacher.id))
    elif not assigned and row is not None:
        session.delete(row)
    session.commit()


def assigned_to(session: Session, scenarios: dict[str, Scenario], user: User) -> list[dict[str, str]]:
    """The scenarios a student's groups were given (for their home page), each once."""
    query = (select(GroupAssignment, Group).join(Group, Group.id == GroupAssignment.group_id)
             .join(GroupMember, GroupMember.group_id == GroupAssignment.group_id)
             .where(GroupMember.user_id == user.id).order_by(GroupAssignment.created_at))
    found: dict[str, dict[str, str]] = {}
    for assignment, group in session.execute(query):
        if assignment.scenario_id in scenarios and assignment.scenario_id not in found:
            found[assignment.scenario_id] = {"id": assignment.scenario_id, "title": scenarios[assignment.scenario_id].title, "group": group.name}
    return list(found.values())

