"""Whose progress a viewer may see: their own, and as coach or teacher the trainees and groups
they share a group with. Anything else is 'not found', so nobody learns who exists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.accounts import REVIEWER_ROLES, find_user, may_see
from voicecoach.practice_service import NotFound
from voicecoach.store.models import Group, GroupMember, User


def visible_trainee(session: Session, viewer: User, username: str) -> User:
    """The trainee `username` if `viewer` is that trainee or one of their coaches or teachers."""
    trainee = find_user(session, username)
    if trainee is None or trainee.role != "trainee" or not may_see(session, viewer, trainee.id):
        raise NotFound("Deze deelnemer bestaat niet of hoort niet bij jouw groepen.")
    return trainee


def reviewer_groups(session: Session, viewer: User) -> list[Group]:
    if viewer.role not in REVIEWER_ROLES:
        return []
    return list(session.scalars(
        select(Group).join(GroupMember, GroupMember.group_id == Group.id).where(GroupMember.user_id == viewer.id)
        .order_by(Group.name)
    ))


def visible_group(session: Session, viewer: User, group_id: int) -> tuple[Group, list[User]]:
    """A group of the coach or teacher, with its trainees."""
    group = next((g for g in reviewer_groups(session, viewer) if g.id == group_id), None)
    if group is None:
        raise NotFound("Deze groep bestaat niet of je hoort er niet bij.")
    members = session.scalars(
        select(User).join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group.id, User.role == "trainee").order_by(User.display_name)
    )
    return group, list(members)
