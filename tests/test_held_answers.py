"""A page asking for a result with `?wait=` gets it the moment the analysis ends: the server holds the
answer while the job is queued or running, without holding a database connection (real SQLite
file, real worker code, real audio). What the answer says is the condition; time only as a bound
far from the hold (answered before half of it ran out), never as a speed."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

import voicecoach.api.job_endings as job_endings
from tests.test_api import app, logged_in, run_queue, start  # noqa: F401 - `app` is a fixture

HELD_ASKS = 20  # more than SQLite's connection pool holds (5 + 10 overflow)
HOLD_S = 25  # the asks' hold; an answer that comes "when the job ended" comes well before it ran out


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
    app.state.service.analyser.warm_up()  # the analysis below is not a model load
    started = waits_started(monkeypatch)
    with logged_in(app, "wachter") as client:  # one event loop for every request, as the server has
        conversation = start(client)
        turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
        answers: list = []
        threads = [held(client, f"/api/turns/{turn_id}?wait={HOLD_S}", answers) for _ in range(HELD_ASKS)]
        until(lambda: len(started) == HELD_ASKS)
        # between their 0.5 s looks every held ask has given its connection back (one that kept it
        # would keep 15 checked out: the pool's all)
        until(lambda: app.state.engine.pool.checkedout() == 0, 30)
        assert client.get("/api/me").status_code == 200  # other requests are served meanwhile
        assert not answers  # still held: the turn is queued, no worker ran
        assert run_queue(app) == 1
        for thread in threads:
            thread.join(HOLD_S / 2)
        assert not any(thread.is_alive() for thread in threads), "answered when the hold ran out, not when the job ended"
        assert [(a.status_code, a.json()["status"]) for a in answers] == [(200, "done")] * HELD_ASKS
        assert all(a.json()["result"]["score"]["points"] for a in answers)


def test_a_held_ask_is_bounded_checked_first_and_answers_at_once_when_ended(app, dutch_reply_wav):  # noqa: F811
    with logged_in(app, "eigenaar") as client, logged_in(app, "ander") as other:
        conversation = start(client)
        turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
        assert client.get(f"/api/turns/{turn_id}?wait=0.2").json()["status"] == "queued"  # the hold ran out
        refused = client.get(f"/api/turns/{turn_id}?wait=60")  # beyond the bound: refused in Dutch
        assert refused.status_code == 422 and refused.json()["error"]["message"]
        assert answered_within(HOLD_S / 2, lambda: other.get(f"/api/turns/{turn_id}?wait={HOLD_S}")).status_code == 404
        run_queue(app)
        assert answered_within(HOLD_S / 2, lambda: client.get(f"/api/turns/{turn_id}?wait={HOLD_S}")).json()["status"] == "done"


def test_a_page_logged_out_during_its_held_ask_gets_no_result(app, dutch_reply_wav, monkeypatch):  # noqa: F811
    started = waits_started(monkeypatch)
    with logged_in(app, "uitlogger") as client, TestClient(app) as second_tab:
        second_tab.cookies, second_tab.headers = client.cookies, client.headers  # the same login
        conversation = start(client)
        turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
        answers: list = []
        thread = held(client, f"/api/turns/{turn_id}?wait={HOLD_S}", answers)
        until(lambda: len(started) == 1)
        second_tab.post("/logout")
        run_queue(app)
        thread.join(HOLD_S)
        assert answers and answers[0].status_code == 401


def test_a_held_calibration_answers_once_it_is_measured(app, dutch_reply_wav, monkeypatch):  # noqa: F811
    app.state.service.analyser.warm_up()
    started = waits_started(monkeypatch)
    with logged_in(app, "kalibreerder") as client:
        baseline_id = client.post("/api/baselines", content=dutch_reply_wav.read_bytes()).json()["baseline_id"]
        answers: list = []
        thread = held(client, f"/api/baselines/{baseline_id}?wait={HOLD_S}", answers)
        until(lambda: len(started) == 1)
        assert not answers
        assert run_queue(app) == 1
        thread.join(HOLD_S / 2)
        assert answers, "answered when the hold ran out, not when the job ended"
        assert answers[0].status_code == 200 and answers[0].json()["status"] in ("done", "error")


def answered_within(seconds: float, ask):  # type: ignore[no-untyped-def]
    asked = time.monotonic()
    answer = ask()
    assert time.monotonic() - asked < seconds, "held although there was nothing to wait for"
    return answer
