"""Login against abuse: atomic limits per name and per address, a back-off instead of a lock-out,
bounded argon2 memory, equal timing for unknown names, login CSRF, normalised names, the password
policy, and purged attempt rows. Each request comes from its own client address where it matters."""

from __future__ import annotations

import statistics
import threading
import time
from datetime import timedelta
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.accounts import AccountError, create_user
from voicecoach.api.app import create_app
from voicecoach.config import Settings
from voicecoach.errors import VoiceCoachError

PASSWORD = "geheim-wachtwoord"


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app(Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))


def _users(app, *names: str, role: str = "trainee") -> None:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        for name in names:
            create_user(session, name, PASSWORD, role=role)
        session.commit()


def _post_login(app, address: str, username: str, password: str, **headers: str):  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False, client=(address, 40000))
    return client.post("/login", data={"username": username, "password": password}, headers=headers)


def _parallel(app, attempts: list[tuple[str, str, str]]) -> list[int]:  # type: ignore[no-untyped-def]
    """All attempts (address, name, password) at once; their status codes."""
    barrier = threading.Barrier(len(attempts))

    def attempt(args: tuple[str, str, str]) -> int:
        barrier.wait()
        return _post_login(app, *args).status_code

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def test_twenty_parallel_guesses_for_one_name_check_at_most_five_wrong_passwords(app):
    """The right password among them undoes only its own reservation: whether it is checked before
    or after the others, the wrong ones never get more than the five free checks."""
    _users(app, "ta")
    guesses = [(f"10.1.0.{i}", "ta", f"gok-nummer-{i}") for i in range(19)] + [("10.1.0.99", "ta", PASSWORD)]
    codes = _parallel(app, guesses)
    assert codes.count(401) <= 5, codes
    assert codes[-1] in (303, 429) and set(codes[:-1]) <= {401, 429}


def test_a_right_password_gives_the_guessers_no_fresh_checks(app):
    _users(app, "tb")
    for i in range(4):
        assert _post_login(app, f"10.1.1.{i}", "tb", "verkeerd-wachtwoord").status_code == 401
    assert _post_login(app, "10.1.1.50", "tb", PASSWORD).status_code == 303  # the user, on a new computer
    assert _post_login(app, "10.1.1.60", "tb", "verkeerd-wachtwoord").status_code == 401  # the fifth free check
    assert _post_login(app, "10.1.1.61", "tb", "verkeerd-wachtwoord").status_code == 429
    assert _post_login(app, "10.1.1.50", "tb", PASSWORD).status_code == 303  # a known address is not slowed down


def test_twenty_parallel_guesses_from_one_address_check_at_most_five_passwords(app):
    _users(app, *[f"naam{i}" for i in range(20)])
    codes = _parallel(app, [("10.2.0.1", f"naam{i}", "verkeerd-wachtwoord") for i in range(20)])
    assert len([c for c in codes if c != 429]) <= 5, codes


def _shift_throttle(app, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Let time pass for the login limits (their rows' last failure moved into the past)."""
    from voicecoach.store.models import LoginThrottle

    with app.state.sessions() as session:
        for row in session.scalars(select(LoginThrottle)):
            row.last_at -= timedelta(seconds=seconds)
        session.commit()


def test_failures_slow_the_guesser_down_but_never_lock_the_user_out(app):
    _users(app, "docent1")
    assert _post_login(app, "10.3.0.2", "docent1", PASSWORD).status_code == 303  # the teacher's own computer
    for _ in range(5):
        assert _post_login(app, "10.3.0.9", "docent1", "fout-wachtwoord").status_code == 401
    refused = _post_login(app, "10.3.0.9", "docent1", "fout-wachtwoord")
    assert refused.status_code == 429 and "Probeer het over" in refused.text and "seconden opnieuw" in refused.text
    assert 25 <= int(refused.headers["retry-after"]) <= 30  # 30 s after the last failure's reservation
    # the attacker's failures do not keep the teacher out of their own computer
    assert _post_login(app, "10.3.0.2", "docent1", PASSWORD).status_code == 303
    # a back-off, not a lock: after the wait the next guess is checked, then the wait doubles
    _shift_throttle(app, 31)
    assert _post_login(app, "10.3.0.9", "docent1", "fout-wachtwoord").status_code == 401
    assert 55 <= int(_post_login(app, "10.3.0.9", "docent1", "fout-wachtwoord").headers["retry-after"]) <= 60
    _shift_throttle(app, 61)
    assert _post_login(app, "10.3.0.9", "docent1", PASSWORD).status_code == 303


def test_a_right_password_does_not_restart_the_wait_for_others_at_the_address(app):
    """After five failures from one address, each right login there stamped the address anew, so every
    classmate behind the same school address was refused for 30 s after it, for an hour (a test session)."""
    _users(app, "leerling1", "leerling2", "leerling3")
    for _ in range(5):
        assert _post_login(app, "10.4.0.1", "onbekend", "fout-wachtwoord").status_code == 401
    _shift_throttle(app, 31)
    assert _post_login(app, "10.4.0.1", "leerling1", PASSWORD).status_code == 303
    assert _post_login(app, "10.4.0.1", "leerling2", PASSWORD).status_code == 303
    assert _post_login(app, "10.4.0.1", "leerling3", PASSWORD).status_code == 303
    refused = _post_login(app, "10.4.0.1", "onbekend", "fout-wachtwoord")
    assert refused.status_code == 401  # the wait after the failures has passed: the guess is checked, then it doubles
    assert _post_login(app, "10.4.0.1", "onbekend", "fout-wachtwoord").status_code == 429


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_parallel_password_checks_are_bounded_in_memory(app):
    """argon2 takes 64 MiB per check: 16 anonymous logins at once (each from its own address)
    must not take 16 × 64 MiB."""
    names = [f"geheugen{i}" for i in range(16)]
    _users(app, *names)
    peak, stop = [_rss_mib()], threading.Event()
    baseline = peak[0]

    def sample() -> None:
        while not stop.is_set():
            peak.append(_rss_mib())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    codes = _parallel(app, [(f"10.4.0.{i}", name, "verkeerd-wachtwoord") for i, name in enumerate(names)])
    stop.set()
    sampler.join()
    assert codes == [401] * 16
    assert max(peak) - baseline < 400, f"{max(peak) - baseline:.0f} MiB more during the checks"


def test_unknown_names_take_as_long_as_known_ones(app):
    known = [f"bekend{i}" for i in range(7)]
    _users(app, *known)
    _post_login(app, "10.5.1.1", "opwarmen", "verkeerd-wachtwoord")  # first use makes the dummy hash
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for i, name in enumerate(known):
        for kind, username in (("known", name), ("unknown", f"onbekend{i}")):
            start = time.perf_counter()
            assert _post_login(app, f"10.5.{len(timings[kind])}.{2 + (kind == 'unknown')}", username, "verkeerd-wachtwoord").status_code == 401
            timings[kind].append(time.perf_counter() - start)
    ratio = statistics.median(timings["unknown"]) / statistics.median(timings["known"])
    assert 0.6 < ratio < 1.7, (ratio, timings)


@pytest.mark.parametrize("headers", [
    {"Origin": "http://127.0.0.1:9999"},  # a page on another port of this computer
    {"Origin": "null"},
    {"Referer": "http://evil.example/login"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
])
def test_login_csrf_is_refused(app, headers):
    _users(app, "slachtoffer")
    response = _post_login(app, "10.6.0.1", "slachtoffer", PASSWORD, **headers)
    assert response.status_code == 403 and "andere website" in response.text
    assert "set-cookie" not in response.headers


def test_login_from_the_page_itself_passes_the_origin_check(app):
    _users(app, "gewoon")
    response = _post_login(app, "10.6.0.2", "gewoon", PASSWORD, Origin="http://testserver", **{"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303 and "voicecoach_sessie" in response.headers["set-cookie"]


def test_logout_from_another_site_or_by_get_is_refused(app):
    _users(app, "blijft")
    client = TestClient(app, follow_redirects=False, client=("10.6.0.3", 1))
    client.post("/login", data={"username": "blijft", "password": PASSWORD})
    assert client.post("/logout", headers={"Origin": "http://127.0.0.1:9999"}).status_code == 403
    assert client.get("/logout").status_code == 405
    assert client.get("/api/me").status_code == 200  # still logged in


def test_user_names_are_normalised_and_bounded(app):
    with app.state.sessions() as session:
        assert create_user(session, "  TA ", PASSWORD).username == "ta"
        session.commit()
        for bad in ("", "   ", "a", "x" * 41, "naam met spatie", "<script>", "x" * 1_000_000):
            with pytest.raises(AccountError) as raised:
                create_user(session, bad, PASSWORD)
            assert raised.value.code == "bad_username" and "tekens" in raised.value.message
        with pytest.raises(AccountError) as raised:
            create_user(session, "Ta", PASSWORD)  # `TA` is `ta`
        assert raised.value.code == "user_exists"
    assert _post_login(app, "10.7.0.1", " TA ", PASSWORD).status_code == 303
    assert _post_login(app, "10.7.0.2", "x" * 5000, PASSWORD).status_code == 401  # refused, nothing stored
    assert _post_login(app, "10.7.0.3", "x" * 1_000_000, PASSWORD).status_code == 413


@pytest.mark.parametrize(("password", "ok"), [
    (" " * 10, False),
    ("\t \u00a0 " * 4, False),
    ("kort-ww", False),
    ("wachtwoord123", False),
    ("Welkom2024!", False),
    ("qwertyuiop", False),
    ("aaaaaaaaaaaa", False),
    ("ta-ta-ta-ta!", True),
    ("x" * 257, False),
    ("paarse olifant danst op het dak " * 4, True),  # 128 characters
    ("één ruïne, twee cafés", True),
])
def test_password_policy_follows_nist(app, password, ok):
    with app.state.sessions() as session:
        if ok:
            create_user(session, "ta", password)
        else:
            with pytest.raises(VoiceCoachError, match="wachtwoord"):
                create_user(session, "ta", password)


def test_password_equal_to_the_user_name_is_refused(app):
    with app.state.sessions() as session, pytest.raises(VoiceCoachError, match="wachtwoord"):
        create_user(session, "jansen1234", "Jansen1234")


def test_failed_attempts_are_forgotten_after_the_window(app):
    from voicecoach.store.models import LoginAttempt, LoginThrottle

    _users(app, "vergeten")
    _post_login(app, "10.8.0.9", "vergeten", PASSWORD)  # a known address, kept 30 days
    for i in range(3):
        _post_login(app, f"10.8.0.{i}", "vergeten", "verkeerd-wachtwoord")

    def rows() -> list[str]:
        with app.state.sessions() as session:
            return [*(r.key for r in session.scalars(select(LoginThrottle))),
                    *(f"{r.username}@{r.address}" for r in session.scalars(select(LoginAttempt)))]

    assert any("vergeten" in r for r in rows()) and any("10.8.0." in r for r in rows())
    _shift_throttle(app, 2 * 3600)  # two hours without failures
    _post_login(app, "10.8.1.1", "iemand-anders", "verkeerd-wachtwoord")  # any attempt purges
    assert [r for r in rows() if "vergeten" in r or "10.8.0." in r] == ["vergeten@10.8.0.9"]
    with app.state.sessions() as session:  # 31 days later the known address is forgotten too
        for row in session.scalars(select(LoginAttempt)):
            row.at -= timedelta(days=31)
        session.commit()
    _post_login(app, "10.8.1.1", "iemand-anders", "verkeerd-wachtwoord")
    assert [r for r in rows() if "vergeten" in r or "10.8.0." in r] == []
