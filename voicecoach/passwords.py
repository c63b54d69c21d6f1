"""Passwords: the policy for new ones (NIST 800-63B: length, not blank, not common), and argon2
hashing with a bound on parallel checks (each takes 64 MiB) and a dummy hash for unknown names."""

from __future__ import annotations

import threading
import unicodedata
from functools import cache
from pathlib import Path

from pwdlib import PasswordHash

from voicecoach.errors import VoiceCoachError

MIN_LENGTH = 10
MAX_LENGTH = 256
PARALLEL_CHECKS = 2  # 2 × 64 MiB at most, whatever anonymous visitors send
SLOT_WAIT_SECONDS = 20.0
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
_TRAILING = "0123456789!?.,;:@#$%^&*()_+-= "

_hasher = PasswordHash.recommended()  # argon2id, 64 MiB, time cost 3
_slots = threading.BoundedSemaphore(PARALLEL_CHECKS)


class PasswordError(VoiceCoachError):
    code = "weak_password"


class Busy(VoiceCoachError):
    code = "busy"


@cache
def _common() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _normal(password: str) -> str:
    """NFKC, as NIST asks, so the same password typed on another keyboard still matches."""
    return unicodedata.normalize("NFKC", password)


def check_policy(password: str, username: str = "") -> None:
    """PasswordError (Dutch) when `password` may not be set; no rules about character kinds."""
    if not password.strip():
        raise PasswordError("Het wachtwoord mag niet leeg zijn of alleen uit spaties bestaan.")
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"Het wachtwoord moet minstens {MIN_LENGTH} tekens hebben. Een zin van een paar woorden werkt goed.")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"Het wachtwoord mag hoogstens {MAX_LENGTH} tekens hebben.")
    folded = _normal(password).casefold().strip()
    base = folded.rstrip(_TRAILING)
    if folded in _common() or base in _common() or len(set(folded)) < 3 or (username and username in (folded, base)):
        raise PasswordError("Dit wachtwoord is te makkelijk te raden. Kies iets wat niet in lijsten met veelgebruikte wachtwoorden staat.")


class _Slot:
    """One of the PARALLEL_CHECKS argon2 slots; Busy (503) when none frees up in time."""

    def __enter__(self) -> None:
        if not _slots.acquire(timeout=SLOT_WAIT_SECONDS):
            raise Busy("Het is nu erg druk. Probeer het over een minuut opnieuw.")

    def __exit__(self, *_exc: object) -> None:
        _slots.release()


def hash_password(password: str) -> str:
    with _Slot():
        return _hasher.hash(_normal(password))


_dummy: list[str] = []
_dummy_lock = threading.Lock()


def _dummy_hash() -> str:
    """Made on first use (inside the caller's slot), then reused."""
    with _dummy_lock:
        if not _dummy:
            _dummy.append(_hasher.hash("dummy password, never set for anyone"))
        return _dummy[0]


def verify(password: str, stored_hash: str | None) -> bool:
    """Check `password`; without a stored hash (unknown name) a dummy hash is checked, so both
    take the same time and nobody learns which names exist."""
    if len(password) > MAX_LENGTH:
        password = ""  # cannot be right; checked anyway for equal timing
    with _Slot():
        ok = _hasher.verify(_normal(password), stored_hash or _dummy_hash())
    return ok and stored_hash is not None
