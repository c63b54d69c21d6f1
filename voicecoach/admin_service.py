"""Account and group changes by an admin (web) or on this computer (CLI, actor None). Every change
is audited; those that let someone hear a trainee's recordings are shown to that trainee and to
the group's coaches and teachers (voicecoach/transparency.py). Each public function is one unit
of work and commits it: the web routes and the CLI never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach import passwords
from voicecoach.accounts import AccountError, audit, check_role, clean_display_name, create_user, end_sessions, find_user
from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import Group, GroupMember, User

MAX_GROUP_NAME = 120


class NotFound(VoiceCoachError):
    code = "not_found"


def user_named(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise NotFound("Deze gebruiker bestaat niet.")
    return user


def group_by_id(session: Session, group_id: int) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound("Deze groep bestaat niet.")
    return group


def _not_yourself(actor: User | None, user: User, what: str) -> None:
    if actor is not None and actor.id == user.id:
        raise AccountError(f"Je kunt je eigen {what} niet wijzigen; vraag een andere beheerder.", code="own_account")


def add_user(
    session: Session, actor: User | None, username: str, password: str, *, role: str = "trainee", display_name: str | None = None,
) -> User:
    user = create_user(session, username, password, role=role, display_name=display_name, actor=actor)
    session.commit()
    return user


def change_user(session: Session, actor: User | None, user: User, *, role: str | None = None, display_name: str | None = None) -> None:
    """A new role (ends the user's sessions) and/or display name, in one transaction."""
    if role is not None:
        _change_role(session, actor, user, role)
    if display_name is not None:
        _rename(session, actor, user, display_name)
    session.commit()


def _change_role(session: Session, actor: User | None, user: User, role: str) -> None:
    check_role(role)
    _not_yourself(actor, user, "rol")
    if role != user.role:
        audit(session, actor, "user.role_changed", user.id, f"role:{user.role}>{role}")
        user.role = role
        end_sessions(session, user)  # new rights from the next login on


def _rename(session: Session, actor: User | None, user: User, display_name: str) -> None:
    name = clean_display_name(display_name, user.username)
    if name != user.display_name:
        audit(session, actor, "user.renamed", user.id, None)
        user.display_name = name


def reset_password(session: Session, actor: User | None, user: User, password: str) -> None:
    passwords.check_policy(password, user.username)
    user.password_hash = passwords.hash_password(password)
    end_sessions(session, user)
    audit(session, actor, "user.password_reset", user.id, None)
    session.commit()


def set_active(session: Session, actor: User | None, user: User, active: bool) -> None:
    _not_yourself(actor, user, "account")
    if active != user.active:
        user.active = active
        if not active:
            end_sessions(session, user)
        audit(session, actor, "user.activated" if active else "user.deactivated", user.id, None)
    session.commit()


def create_group(session: Session, actor: User | None, name: str) -> Group:
    clean = " ".join(name.split())
    if not clean or len(clean) > MAX_GROUP_NAME:
        raise AccountError(f"Een groepsnaam heeft 1 tot {MAX_GROUP_NAME} tekens.", code="bad_group_name")
    if session.scalar(select(Group).where(Group.name == clean)) is not None:
        raise AccountError(f"De groep '{clean}' bestaat al.", code="group_exists")
    group = Group(name=clean)
    session.add(group)
    session.flush()
    audit(session, actor, "group.created", None, f"group:{group.id}")
    session.commit()
    return group


def add_member(session: Session, actor: User | None, group: Group, user: User) -> bool:
    """Add `user` to `group` (False when already in it). A coach or teacher added here can hear
    the group's trainees: the trainees see who added them, and when."""
    if session.get(GroupMember, (group.id, user.id)) is not None:
        return False
    session.add(GroupMember(group_id=group.id, user_id=user.id))
    audit(session, actor, "group.member_added", user.id, f"group:{group.id}")
    session.commit()
    return True


def remove_member(session: Session, actor: User | None, group: Group, user: User) -> None:
    member = session.get(GroupMember, (group.id, user.id))
    if member is None:
        raise NotFound("Deze gebruiker zit niet in deze groep.")
    session.delete(member)
    audit(session, actor, "group.member_removed", user.id, f"group:{group.id}")
    session.commit()
