"""A page asking for a result with `?wait=` gets it the moment the analysis ends: the server holds the
answer while the job is queued or running, without holding a database connection (real SQLite
file, real worker code, real audio; no timing asserts: what the answer says is the condition)."""

from __future__ import annotations

import threading
import time

import pytest

import voicecoach.api.job_endings as job_endings
from tests.test_api import app, logged_in, run_queue, start  # noqa: F401 - `app` is a fixture

HELD_ASKS = 20  # more than SQLite's connection pool holds (5 + 10 overflow)


def held(client, url: str, answers: list) -> threading.Thread:  # type: ignore[no-untyped-def]
    thread = threading.Thread(target=lambda: answers.append(client.get(url)), daemon=True)
    thread.start()
    return thread


def waits_started(monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Counts the held asks that reached their wait (the real wait runs unchanged)."""
    started: list[None] = []
    wait = job_endings.until_ended

    async def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(None)
        return await wait(*args, **kwargs)

    monkeypatch.setattr(job_endings, "until_ended", counted)
    return started


def until(condition, seconds: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def test_held_asks_answer_with_the_analysed_turn_and_leave_the_database_free(app, dutch_reply_wav, monkeypatch):  # noqa: F811
    started = waits_started(monkeypatch)
    with logged_in(app, "wachter") as client:  # one event loop for every request, as the server has
        conversation = start(client)
        turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
        answers: list = []
        threads = [held(client, f"/api/turns/{turn_id}?wait=25", answers) for _ in range(HELD_ASKS)]
        until(lambda: len(started) == HELD_ASKS)
        assert app.state.engine.pool.checkedout() == 0  # every held ask gave its connection back
        assert client.get("/api/me").status_code == 200  # other requests are served meanwhile
        assert not answers  # still held: the turn is queued, no worker ran
        assert run_queue(app) == 1
        for thread in threads:
            thread.join(60)
        assert [(a.status_code, a.json()["status"]) for a in answers] == [(200, "done")] * HELD_ASKS
        assert all(a.json()["result"]["score"]["points"] for a in answers)


def test_a_held_ask_is_bounded_checked_first_and_answers_at_once_when_ended(app, dutch_reply_wav):  # noqa: F811
    with logged_in(app, "eigenaar") as client, logged_in(app, "ander") as other:
        conversation = start(client)
        turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
        assert client.get(f"/api/turns/{turn_id}?wait=0.2").json()["status"] == "queued"  # the hold ran out
        refused = client.get(f"/api/turns/{turn_id}?wait=60")  # beyond the bound: refused in Dutch
        assert refused.status_code == 422 and refused.json()["error"]["message"]
        assert other.get(f"/api/turns/{turn_id}?wait=25").status_code == 404  # someone else's: not held
        run_queue(app)
        assert client.get(f"/api/turns/{turn_id}?wait=25").json()["status"] == "done"


def test_a_held_calibration_answers_once_it_is_measured(app, dutch_reply_wav, monkeypatch):  # noqa: F811
    started = waits_started(monkeypatch)
    with logged_in(app, "kalibreerder") as client:
        baseline_id = client.post("/api/baselines", content=dutch_reply_wav.read_bytes()).json()["baseline_id"]
        answers: list = []
        thread = held(client, f"/api/baselines/{baseline_id}?wait=25", answers)
        until(lambda: len(started) == 1)
        assert not answers
        assert run_queue(app) == 1
        thread.join(60)
        assert answers[0].status_code == 200 and answers[0].json()["status"] in ("done", "error")
