"""Accounts: password hashing (pwdlib, argon2), login sessions, rate limiting, who may see whom."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from pwdlib import PasswordHash
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import AuditEntry, GroupMember, LoginAttempt, SessionRow, User, utcnow

ROLES = ("trainee", "coach", "teacher", "admin")
REVIEWER_ROLES = ("coach", "teacher")
SESSION_DAYS = 7
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHash.recommended()  # argon2id


class AccountError(VoiceCoachError):
    code = "account_error"


def create_user(session: Session, username: str, password: str, *, role: str = "trainee", display_name: str | None = None) -> User:
    if role not in ROLES:
        raise AccountError(f"Onbekende rol '{role}'. Kies uit: {', '.join(ROLES)}.", code="bad_role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens hebben.", code="weak_password")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"De gebruikersnaam '{username}' bestaat al.", code="user_exists")
    user = User(username=username, display_name=display_name or username, role=role, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(session: Session, username: str, password: str) -> tuple[str, SessionRow]:
    """Check the password (rate-limited per user name) and open a session; returns the cookie token."""
    since = utcnow() - FAILED_LOGIN_WINDOW
    failures = session.scalar(
        select(func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.username == username, LoginAttempt.success.is_(False), LoginAttempt.at > since)
    )
    if failures >= MAX_FAILED_LOGINS:
        raise AccountError("Te veel mislukte pogingen. Wacht een kwartier en probeer het opnieuw.", code="rate_limited")
    user = session.scalar(select(User).where(User.username == username))
    valid = user is not None and user.password_hash is not None and _hasher.verify(password, user.password_hash)
    session.add(LoginAttempt(username=username, success=valid))
    if not valid:
        session.commit()
        raise AccountError("Gebruikersnaam of wachtwoord klopt niet.", code="bad_login")
    token = secrets.token_urlsafe(32)
    row = SessionRow(
        token_hash=_token_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
        expires_at=utcnow() + timedelta(days=SESSION_DAYS),
    )
    session.add(row)
    session.commit()
    return token, row


def session_for(session: Session, token: str | None) -> SessionRow | None:
    if not token:
        return None
    row = session.get(SessionRow, _token_hash(token))
    if row is None or row.expires_at < utcnow():
        return None
    return row


def log_out(session: Session, token: str | None) -> None:
    row = session_for(session, token)
    if row is not None:
        session.delete(row)
        session.commit()


def may_see(session: Session, viewer: User, owner_id: int) -> bool:
    """The trainee themself, or a coach or teacher of a group the trainee is in. Admins manage
    accounts but do not hear recordings (privacy: only the trainee and their coaches)."""
    if viewer.id == owner_id:
        return True
    if viewer.role not in REVIEWER_ROLES:
        return False
    viewer_groups = select(GroupMember.group_id).where(GroupMember.user_id == viewer.id)
    shared = session.scalar(
        select(func.count()).select_from(GroupMember)
        .where(GroupMember.user_id == owner_id, GroupMember.group_id.in_(viewer_groups))
    )
    return bool(shared)


def audit(session: Session, actor: User | None, action: str, subject_user_id: int | None, object_id: str | None) -> None:
    session.add(AuditEntry(actor_id=actor.id if actor else None, action=action, subject_user_id=subject_user_id, object_id=object_id))
