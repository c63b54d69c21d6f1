"""The queue in one process (real SQLite file, real analysis): every job ends in done or in a Dutch
error, crashes are counted, deleted targets and a busy database do not stop the worker, one
pending turn per customer line, no file without its row, and /healthz tells a stale queue."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta

import numpy as np
from sqlalchemy import select, update

from tests import test_api
from tests.audio_factory import write_wav
from voicecoach.jobs import MAX_ATTEMPTS, InlineRunner, Worker
from voicecoach.privacy import delete_turn
from voicecoach.store import db
from voicecoach.store.models import Job, Recording, TurnRow, WorkerBeat, utcnow

app, client, start = test_api.app, test_api.client, test_api.start  # the API tests' fixtures


def upload(client, conversation_id: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(f"/api/conversations/{conversation_id}/turns", content=data)


def recording_files(app) -> set[str]:  # type: ignore[no-untyped-def]
    root = app.state.settings.data_dir
    return {str(p.relative_to(root)) for p in (root / "recordings").rglob("*") if p.is_file()}


def recording_rows(app) -> set[str]:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        return set(session.scalars(select(Recording.path)))


def test_an_unexpected_error_fails_the_turn_in_dutch_after_its_attempts(app, client, dutch_reply_wav):
    """Any exception, not only audio problems, ends the turn: never 'running' for ever."""
    conversation = start(client)
    turn_id = upload(client, conversation["id"], dutch_reply_wav.read_bytes()).json()["turn_id"]
    with app.state.sessions() as session:  # a damaged stored state: the analysis raises TypeError
        session.execute(update(TurnRow).where(TurnRow.id == turn_id).values(state_before={"kapot": True}))
        session.commit()
    worker = Worker(app.state.sessions, app.state.service.handlers())
    runs = 0
    while worker.run_one():
        runs += 1
    assert runs == MAX_ATTEMPTS
    turn = client.get(f"/api/turns/{turn_id}").json()
    assert turn["status"] == "error"
    assert turn["error"]["code"] == "analysis_failed" and "mislukt" in turn["error"]["message"]
    with app.state.sessions() as session:
        job = session.scalar(select(Job).where(Job.target_id == turn_id))
        assert (job.status, job.attempts) == ("failed", MAX_ATTEMPTS)


def test_a_job_whose_worker_died_on_its_last_attempt_ends_in_error(app, client, dutch_reply_wav):
    """The attempt is counted before the analysis runs: a poison pill cannot kill worker after worker."""
    conversation = start(client)
    turn_id = upload(client, conversation["id"], dutch_reply_wav.read_bytes()).json()["turn_id"]
    with app.state.sessions() as session:  # as a worker killed mid-analysis on the last attempt leaves it
        session.execute(update(Job).where(Job.target_id == turn_id).values(
            status="running", attempts=MAX_ATTEMPTS, lease_until=utcnow() - timedelta(seconds=1)))
        session.execute(update(TurnRow).where(TurnRow.id == turn_id).values(status="running"))
        session.commit()
    assert Worker(app.state.sessions, app.state.service.handlers()).run_one() is False  # not run again
    turn = client.get(f"/api/turns/{turn_id}").json()
    assert turn["status"] == "error" and turn["error"]["code"] == "analysis_failed"


class DeletingRunner(InlineRunner):
    """Deletes the turn (as the trainee's DELETE does) just before its analysis runs, then calls
    `meanwhile` (e.g. a new upload, whose job may get the deleted job's id)."""

    def __init__(self, app, meanwhile) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app.state.service.handlers())
        self.app, self.meanwhile = app, meanwhile

    def run(self, kind, order, stop):  # type: ignore[no-untyped-def]
        if self.meanwhile is not None:  # the first job only
            with self.app.state.sessions() as session:
                turn = session.scalars(select(TurnRow)).one()
                delete_turn(session, self.app.state.settings.data_dir, turn, None)
                session.commit()
            self.meanwhile()
            self.meanwhile = None
        return super().run(kind, order, stop)


def test_a_turn_deleted_during_its_analysis_ends_the_job_and_not_the_worker(app, client, dutch_reply_wav):
    first = start(client)
    upload(client, first["id"], dutch_reply_wav.read_bytes())
    later: list[str] = []
    second = start(client)
    worker = Worker(app.state.sessions, app.state.service.handlers(),
                    runner=DeletingRunner(app, lambda: later.append(upload(client, second["id"], dutch_reply_wav.read_bytes()).json()["turn_id"])))
    assert worker.run_one() is True  # no StaleDataError, no ObjectDeletedError
    # the new upload's job reused the deleted job's id: it was not taken for the old one's
    assert client.get(f"/api/turns/{later[0]}").json()["status"] == "queued"
    assert worker.run_one() is True and worker.run_one() is False
    turn = client.get(f"/api/turns/{later[0]}")
    assert turn.json().get("status") == "done", turn.text
    assert recording_files(app) == recording_rows(app)


def test_a_held_write_lock_delays_the_worker_but_does_not_stop_it(app, client, dutch_reply_wav):
    conversation = start(client)
    turn_id = upload(client, conversation["id"], dutch_reply_wav.read_bytes()).json()["turn_id"]
    holder = sqlite3.connect(app.state.settings.data_dir / "voicecoach.db", timeout=30, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(db.BUSY_TIMEOUT_MS / 1000 + 4, holder.rollback)  # longer than the busy timeout
    release.start()
    try:
        assert Worker(app.state.sessions, app.state.service.handlers()).run_one() is True
    finally:
        release.join()
        holder.close()
    assert client.get(f"/api/turns/{turn_id}").json()["status"] == "done"


def test_one_pending_turn_per_customer_line(app, client, dutch_reply_wav):
    conversation = start(client)
    first = upload(client, conversation["id"], dutch_reply_wav.read_bytes())
    assert first.status_code == 202
    files = recording_files(app)
    second = upload(client, conversation["id"], dutch_reply_wav.read_bytes())
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "turn_pending" and "nog geanalyseerd" in second.json()["error"]["message"]
    assert recording_files(app) == files == recording_rows(app)  # the refused upload left no file
    assert client.post(f"/api/turns/{first.json()['turn_id']}/reanalyse").status_code == 409


def test_a_failed_commit_removes_its_file(app, client, dutch_reply_wav, monkeypatch):
    conversation = start(client)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    app.state.engine.dispose()  # new connections get the short busy timeout
    holder = sqlite3.connect(app.state.settings.data_dir / "voicecoach.db", timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = upload(client, conversation["id"], dutch_reply_wav.read_bytes())
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "busy" and "probeer het" in response.json()["error"]["message"]
    assert response.headers["retry-after"] == "5"
    assert recording_files(app) == set() == recording_rows(app)
    assert upload(client, conversation["id"], dutch_reply_wav.read_bytes()).status_code == 202  # and again


def test_sound_without_words_is_an_error_not_a_scored_turn(app, client, tmp_path):
    """'la la la': Silero hears a voice, Whisper no words (or its loop filter drops them)."""
    from voicecoach.audio.synth import speak_to_wav

    sung = speak_to_wav("la la la la la la la la la la la la la la la la", tmp_path / "la.wav")
    conversation = start(client)
    turn_id = upload(client, conversation["id"], sung.read_bytes()).json()["turn_id"]
    Worker(app.state.sessions, app.state.service.handlers()).run_one()
    turn = client.get(f"/api/turns/{turn_id}").json()
    if turn["status"] == "done":  # whatever Whisper hears: words, or an error that asks to speak up
        assert turn["result"]["analysis"]["transcript"]["words"]
    else:
        assert turn["error"]["code"] == "no_words" and "luider" in turn["error"]["message"]
    assert client.get(f"/api/conversations/{conversation['id']}").json()["state"]["turn"] == (turn["status"] == "done")


def test_healthz_fails_when_the_queue_or_the_worker_is_stale(app, client, tmp_path):
    settings = app.state.settings
    app.state.settings = settings.model_copy(update={"queue_stale_seconds": 1.0, "worker_stale_seconds": 1.0})
    assert client.get("/healthz").status_code == 200  # nothing waits, no worker expected
    conversation = start(client)
    loud = write_wav(tmp_path / "ruis.wav", np.random.default_rng(1).normal(0, 0.2, 32_000).astype(np.float32))
    upload(client, conversation["id"], loud.read_bytes())
    app.state.started = time.monotonic() - 10  # past the start-up grace
    health = client.get("/healthz")
    assert health.status_code == 503 and "worker_stale" in health.json()["problems"]  # a job waits, no worker
    time.sleep(1.2)
    health = client.get("/healthz")
    assert "queue_stale" in health.json()["problems"] and health.json()["queue"]["waiting"] == 1
    Worker(app.state.sessions, app.state.service.handlers()).run_one()
    with app.state.sessions() as session:
        session.add(WorkerBeat(name="test:1:1"))
        session.commit()
    app.state.worker_expected = True
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["worker"]["last_beat_seconds"] < 1
    with app.state.sessions() as session:
        session.execute(update(WorkerBeat).values(beat_at=utcnow() - timedelta(seconds=5)))
        session.commit()
    assert client.get("/healthz").json()["problems"] == ["worker_stale"]
