"""Who can hear a trainee's recordings, and the account changes behind it, in plain Dutch: shown
to the trainee ("Wie kan jouw opnames horen") and to the coaches and teachers of their groups, so
nobody (an admin neither) can give someone access without the people concerned seeing it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from voicecoach.accounts import REVIEWER_ROLES
from voicecoach.store.models import AuditEntry, Group, GroupMember, User
from voicecoach.vocabulary import ROLE_NAMES

MEMBERSHIP = ("group.member_added", "group.member_removed")
ACCOUNT = ("user.created", "user.role_changed", "user.password_reset", "user.activated", "user.deactivated")
HISTORY_LIMIT = 50


def dutch_time(moment: datetime) -> str:
    """Stored UTC shown in this computer's own time zone."""
    return moment.replace(tzinfo=UTC).astimezone().strftime("%d-%m-%Y %H:%M")


class _Names:
    """Display names by user id and group names by 'group:ID', looked up once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._users: dict[int, User | None] = {}

    def user(self, user_id: int | None) -> User | None:
        if user_id is None:
            return None
        if user_id not in self._users:
            self._users[user_id] = self.session.get(User, user_id)
        return self._users[user_id]

    def person(self, user_id: int | None, *, actor: bool = False) -> str:
        if user_id is None and actor:
            return "de beheerder"
        user = self.user(user_id)
        return f"{user.display_name} ({user.username})" if user else "een verwijderd account"

    def group(self, object_id: str | None) -> str:
        group = self.session.get(Group, int(object_id.split(":", 1)[1])) if object_id and object_id.startswith("group:") else None
        return f"groep '{group.name}'" if group else "een groep"


def _describe(entry: AuditEntry, names: _Names) -> str:
    who = names.person(entry.subject_user_id)
    if entry.action == "group.member_added":
        return f"{who} is toegevoegd aan {names.group(entry.object_id)}"
    if entry.action == "group.member_removed":
        return f"{who} is verwijderd uit {names.group(entry.object_id)}"
    if entry.action == "user.role_changed":
        new = (entry.object_id or ">").rsplit(">", 1)[1]
        return f"{who} heeft nu de rol {ROLE_NAMES.get(new, new)}"
    if entry.action == "user.created":
        role = (entry.object_id or ":").split(":", 1)[1]
        return f"het account {who} is gemaakt, met de rol {ROLE_NAMES.get(role, role)}"
    return {
        "user.password_reset": f"het wachtwoord van {who} is opnieuw ingesteld",
        "user.activated": f"het account van {who} is aangezet",
        "user.deactivated": f"het account van {who} is uitgezet",
    }.get(entry.action, f"{entry.action}: {who}")


def _history(session: Session, names: _Names, group_ids: list[int], members: list[int], subjects: list[int]) -> list[dict[str, Any]]:
    """Membership changes of these groups or these members, and account changes of `subjects`."""
    query = (
        select(AuditEntry)
        .where(or_(
            (AuditEntry.action.in_(MEMBERSHIP)) & (AuditEntry.object_id.in_([f"group:{g}" for g in group_ids])),
            (AuditEntry.action.in_(MEMBERSHIP)) & (AuditEntry.subject_user_id.in_(members)),
            (AuditEntry.action.in_(ACCOUNT)) & (AuditEntry.subject_user_id.in_(subjects)),
        ))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(HISTORY_LIMIT)
    )
    return [
        {"at": e.at.isoformat(), "when": dutch_time(e.at), "what": _describe(e, names), "by": names.person(e.actor_id, actor=True)}
        for e in session.scalars(query)
    ]


def _groups_of(session: Session, user_id: int) -> list[int]:
    return list(session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user_id)))


def _reviewers(session: Session, group_ids: list[int], exclude: int) -> list[tuple[User, int]]:
    rows = session.execute(
        select(User, GroupMember.group_id).join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id.in_(group_ids), User.role.in_(REVIEWER_ROLES), User.active.is_(True), User.id != exclude)
        .order_by(User.display_name)
    ).all()
    return [(user, group_id) for user, group_id in rows]


def _added(session: Session, names: _Names, user_id: int, group_id: int) -> dict[str, str | None]:
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "group.member_added", AuditEntry.subject_user_id == user_id,
                                 AuditEntry.object_id == f"group:{group_id}").order_by(AuditEntry.id.desc()).limit(1)
    )
    if entry is None:
        return {"since": None, "added_by": None}
    return {"since": dutch_time(entry.at), "added_by": names.person(entry.actor_id, actor=True)}


def for_trainee(session: Session, trainee: User) -> dict[str, Any]:
    """Who can hear `trainee`'s recordings now (with since when and who added them), how often
    each of them opened one, and the changes that gave or took that access."""
    names = _Names(session)
    group_ids = _groups_of(session, trainee.id)
    reviewers = _reviewers(session, group_ids, trainee.id)
    openings: dict[int | None, list[datetime]] = {}
    for entry in session.scalars(select(AuditEntry).where(
        AuditEntry.action == "recording.opened", AuditEntry.subject_user_id == trainee.id, AuditEntry.actor_id != trainee.id,
    )):
        openings.setdefault(entry.actor_id, []).append(entry.at)
    return {
        "reviewers": [
            {"name": names.person(user.id), "role": ROLE_NAMES[user.role], "group": names.group(f"group:{group_id}"),
             **_added(session, names, user.id, group_id)}
            for user, group_id in reviewers
        ],
        "openings": [
            {"name": names.person(actor_id), "count": len(times), "last": dutch_time(max(times))}
            for actor_id, times in openings.items()
        ],
        "history": _history(session, names, group_ids, [trainee.id], [user.id for user, _ in reviewers]),
    }


def for_reviewer(session: Session, reviewer: User) -> list[dict[str, Any]]:
    """The access changes in the groups of a coach or teacher (who joined or left, and the
    account changes of the group's coaches and teachers)."""
    names = _Names(session)
    group_ids = _groups_of(session, reviewer.id)
    reviewers = {user.id for user, _ in _reviewers(session, group_ids, -1)}
    return _history(session, names, group_ids, [], sorted(reviewers))
