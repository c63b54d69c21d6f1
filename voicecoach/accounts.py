"""Accounts: user names, login sessions (rate-limited, see login_limits), who may see whom, audit."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta

from sqlalchemy import Select, delete, false, select
from sqlalchemy.orm import Session

from voicecoach import login_limits, passwords
from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import AuditEntry, GroupMember, SessionRow, User, utcnow

ROLES = ("trainee", "coach", "teacher", "admin")
REVIEWER_ROLES = ("coach", "teacher")
SESSION_DAYS = 7
MAX_USERNAME = 40
MAX_DISPLAY_NAME = 120
_USERNAME = re.compile(rf"[a-z0-9][a-z0-9._-]{{1,{MAX_USERNAME - 1}}}")


class AccountError(VoiceCoachError):
    code = "account_error"


def normalise_username(raw: str) -> str:
    """NFKC, stripped, case-folded (`TA` is `ta`); AccountError unless 2–40 of a–z 0-9 . _ -."""
    name = unicodedata.normalize("NFKC", raw[: MAX_USERNAME * 4]).strip().casefold()
    if len(raw) > MAX_USERNAME * 4 or not _USERNAME.fullmatch(name):
        raise AccountError(
            f"Een gebruikersnaam heeft 2 tot {MAX_USERNAME} tekens: letters a–z, cijfers, punt, streepje of "
            "liggend streepje, en begint met een letter of cijfer.",
            code="bad_username",
        )
    return name


def clean_display_name(raw: str | None, username: str) -> str:
    name = " ".join((raw or "").split())
    if len(name) > MAX_DISPLAY_NAME:
        raise AccountError(f"Een naam mag hoogstens {MAX_DISPLAY_NAME} tekens hebben.", code="bad_display_name")
    return name or username


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Onbekende rol '{role[:20]}'. Kies uit: {', '.join(ROLES)}.", code="bad_role")


def find_user(session: Session, username: str) -> User | None:
    try:
        name = normalise_username(username)
    except AccountError:
        return None
    return session.scalar(select(User).where(User.username == name))


def create_user(
    session: Session, username: str, password: str, *, role: str = "trainee",
    display_name: str | None = None, actor: User | None = None,
) -> User:
    """A new account (audited as created by `actor`; None = on this computer, via the CLI)."""
    name = normalise_username(username)
    check_role(role)
    passwords.check_policy(password, name)
    if session.scalar(select(User).where(User.username == name)) is not None:
        raise AccountError(f"De gebruikersnaam '{name}' bestaat al.", code="user_exists")
    user = User(username=name, display_name=clean_display_name(display_name, name), role=role,
                password_hash=passwords.hash_password(password))
    session.add(user)
    session.flush()
    audit(session, actor, "user.created", user.id, f"role:{role}")
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(session: Session, username: str, password: str, address: str) -> tuple[str, SessionRow]:
    """Check the password and open a session; returns the cookie token. Each attempt is counted
    per address (and per name, unless this address logged into it before) before the password is
    checked; an unknown name checks a dummy hash, so it takes as long as a known one."""
    login_limits.purge(session)
    try:
        name: str | None = normalise_username(username)
    except AccountError:
        name = None  # cannot exist; still counted against the address
    reserved = [login_limits.reserve(session, login_limits.address_key(address))]
    if name is not None and not login_limits.is_known_address(session, name, address):
        try:
            reserved.append(login_limits.reserve(session, login_limits.name_key(name)))
        except login_limits.RateLimited:
            login_limits.release(session, reserved[0])
            raise
    user = session.scalar(select(User).where(User.username == name)) if name else None
    try:
        right = passwords.verify(password, user.password_hash if user else None)
    except passwords.Busy:
        for reservation in reserved:  # never checked: does not count
            login_limits.release(session, reservation)
        raise
    if not right:
        raise AccountError("Gebruikersnaam of wachtwoord klopt niet.", code="bad_login")
    # A right password undoes only its own reservations: the name's other failures stay counted, so
    # guesses racing a real login (or following it) get no fresh allowance; the user is not slowed
    # down by them, as this address is now a known one.
    for reservation in reserved:
        login_limits.release(session, reservation)
    if not user.active:
        raise AccountError("Dit account is uitgeschakeld. Vraag je docent of de beheerder.", code="inactive")
    login_limits.remember_address(session, user.username, address)
    token = secrets.token_urlsafe(32)
    row = SessionRow(
        token_hash=_token_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
        expires_at=utcnow() + timedelta(days=SESSION_DAYS),
    )
    session.add(row)
    session.commit()
    return token, row


def session_for(session: Session, token: str | None) -> SessionRow | None:
    if not token or len(token) > 200:
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


def end_sessions(session: Session, user: User) -> None:
    """Log `user` out everywhere (password reset, deactivation, role change)."""
    session.execute(delete(SessionRow).where(SessionRow.user_id == user.id))


def reviewed_by(viewer: User) -> Select[tuple[int]]:
    """The ids of the other users whose practice `viewer` may see, as a subquery: for a coach or
    teacher the members of their groups, for anyone else nobody. The one rule behind `may_see`
    and the review list's SQL."""
    if viewer.role not in REVIEWER_ROLES or not viewer.active:
        return select(GroupMember.user_id).where(false())
    viewer_groups = select(GroupMember.group_id).where(GroupMember.user_id == viewer.id)
    return select(GroupMember.user_id).where(GroupMember.group_id.in_(viewer_groups), GroupMember.user_id != viewer.id)


def may_see(session: Session, viewer: User, owner_id: int) -> bool:
    """The trainee themself, or a coach or teacher of a group the trainee is in. Admins manage
    accounts but do not hear recordings (privacy: only the trainee and their coaches)."""
    if viewer.id == owner_id:
        return True
    return session.scalar(reviewed_by(viewer).where(GroupMember.user_id == owner_id).limit(1)) is not None


def audit(session: Session, actor: User | None, action: str, subject_user_id: int | None, object_id: str | None) -> None:
    session.add(AuditEntry(actor_id=actor.id if actor else None, action=action, subject_user_id=subject_user_id, object_id=object_id))
