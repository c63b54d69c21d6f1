"""Login limits: failed logins counted per address and per user name, atomically (one row per key,
changed by compare-and-set, so parallel guesses cannot all read the same count), with a growing
delay instead of a lock-out. An address a user logged in from before is not slowed down by
failures for that name elsewhere, so nobody can keep a user out by guessing their name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import LoginAttempt, LoginThrottle, utcnow

FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
WINDOW = timedelta(hours=1)  # a key without failures this long is forgotten (its row deleted)
KNOWN_ADDRESS_DAYS = 30
_CAS_TRIES = 50


class RateLimited(VoiceCoachError):
    code = "rate_limited"

    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, int(wait.total_seconds() + 0.999))
        when = f"{seconds} seconden" if seconds < 120 else f"{(seconds + 59) // 60} minuten"
        super().__init__(f"Te veel mislukte pogingen. Probeer het over {when} opnieuw.")
        self.retry_after = seconds


def delay_after(failures: int) -> timedelta:
    """How long after the last failure the next attempt must wait."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)


def address_key(address: str) -> str:
    return f"addr:{address[:64]}"


def name_key(username: str) -> str:
    return f"name:{username}"


@dataclass(frozen=True)
class Reservation:
    """One counted attempt: when it was stamped, and the key's last failure before it."""

    key: str
    stamped: datetime
    before: datetime


def reserve(session: Session, key: str, now: datetime | None = None) -> Reservation:
    """Count one attempt for `key` *before* its password is checked (undone by `release` when it
    was right); RateLimited when the key must still wait."""
    now = now or utcnow()
    for _ in range(_CAS_TRIES):
        row = session.execute(select(LoginThrottle.failures, LoginThrottle.last_at).where(LoginThrottle.key == key)).first()
        if row is None:
            try:
                session.execute(insert(LoginThrottle).values(key=key, failures=1, last_at=now))
                session.commit()
                return Reservation(key, now, now)
            except IntegrityError:
                session.rollback()
                continue
        failures = 0 if now - row.last_at > WINDOW else row.failures
        wait = row.last_at + delay_after(failures) - now
        if failures >= FREE_FAILURES and wait > timedelta(0):
            raise RateLimited(wait)
        if _swap(session, key, row, failures + 1, now):
            return Reservation(key, now, row.last_at)
    raise RateLimited(FIRST_DELAY)  # heavy contention on one key: an attack; make it wait


def release(session: Session, reservation: Reservation) -> None:
    """Undo one reservation (the password was right, or it was never checked): its count, and its
    time stamp unless a later attempt stamped the key since. A right password kept the time and so
    restarted the address's wait for everyone behind it, for an hour (a test session)."""
    for _ in range(_CAS_TRIES):
        row = session.execute(
            select(LoginThrottle.failures, LoginThrottle.last_at).where(LoginThrottle.key == reservation.key)).first()
        if row is None:
            return
        last_at = reservation.before if row.last_at == reservation.stamped else row.last_at
        if _swap(session, reservation.key, row, max(row.failures - 1, 0), last_at):
            return


def _swap(session: Session, key: str, seen, failures: int, last_at: datetime) -> bool:  # type: ignore[no-untyped-def]
    result = session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key, LoginThrottle.failures == seen.failures, LoginThrottle.last_at == seen.last_at)
        .values(failures=failures, last_at=last_at)
    )
    session.commit()
    return result.rowcount == 1


def is_known_address(session: Session, username: str, address: str) -> bool:
    since = utcnow() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return bool(session.scalar(select(exists().where(
        LoginAttempt.username == username, LoginAttempt.address == address[:64],
        LoginAttempt.success.is_(True), LoginAttempt.at > since,
    ))))


def remember_address(session: Session, username: str, address: str) -> None:
    session.add(LoginAttempt(username=username, address=address[:64], success=True))


def purge(session: Session) -> None:
    """Forget quiet keys and old known addresses (personal data kept no longer than needed)."""
    now = utcnow()
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_at < now - WINDOW))
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=KNOWN_ADDRESS_DAYS)))
    session.commit()
