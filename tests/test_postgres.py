"""Scale-out on PostgreSQL: three worker processes on one queue, and the API tests on PostgreSQL.

The test run starts its own PostgreSQL cluster (tests/postgres.py); each test gets a new database.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Row, select, text

from tests.audio_factory import write_wav
from tests.live import LiveService
from tests.postgres import database_url, on_postgres, postgres  # noqa: F401 - fixtures for this module
from tests.test_api import *  # every API test runs again here, on PostgreSQL
from voicecoach.audio.synth import speak_to_wav
from voicecoach.jobs import claim, enqueue
from voicecoach.store.db import alembic_config, create_db_engine, migrate, session_factory
from voicecoach.store.models import Job

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPLIES = [
    "Ik begrijp dat u boos bent.",
    "Wat is er precies gebeurd?",
    "Ik help u graag verder.",
    "Dat spijt me echt voor u.",
    "Ik hoor dat u teleurgesteld bent.",
]
ANALYSIS_PROCESSES = 2  # per worker: what `serve` runs on two cores or more, whatever this machine has
LEASE_SECONDS = 10  # renewed every third of it: ample slack for three workers sharing two cores


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


def test_the_api_tests_really_run_on_postgresql(app) -> None:  # type: ignore[no-untyped-def]
    assert app.state.engine.dialect.name == "postgresql"


def test_processes_starting_together_migrate_one_after_another(database_url, engine) -> None:  # type: ignore[no-untyped-def]
    code = f"from voicecoach.store.db import create_db_engine, migrate; migrate(create_db_engine({database_url!r}))"
    processes = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(3)]
    failures = [error for process in processes if process.wait(timeout=120) and (error := process.stderr.read())]
    assert not failures, failures[0]
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == ScriptDirectory.from_config(
            alembic_config(database_url)
        ).get_current_head()


def test_a_claim_skips_the_job_another_worker_is_claiming_instead_of_waiting(engine) -> None:  # type: ignore[no-untyped-def]
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        first, second = enqueue(session, "analyse_turn", "a"), enqueue(session, "analyse_turn", "b")
        session.commit()
    with engine.connect() as other:  # another worker, in the middle of claiming the oldest job
        other.execute(select(Job).where(Job.id == first.id).with_for_update())
        with sessions() as session:
            session.execute(text("SET lock_timeout = '2s'"))  # waiting would fail here, not hang
            started = time.monotonic()
            taken = claim(session, "w2", lease_seconds=30)
            assert taken is not None and taken.id == second.id and taken.worker == "w2"
            assert time.monotonic() - started < 1.0
        other.rollback()
    with sessions() as session:
        assert claim(session, "w3", lease_seconds=30).id == first.id
        assert claim(session, "w3", lease_seconds=30) is None


def _wait_for_log(log: Path, pattern: str, timeout: float, times: int = 1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and len(re.findall(pattern, log.read_text(errors="replace"))) >= times:
            return
        time.sleep(0.2)
    raise AssertionError(f"{log.name} did not say {pattern!r} {times} times")


def _wait_finished(client: httpx.Client, turn_ids: list[str], timeout: float) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        turns = {turn_id: client.get(f"/api/turns/{turn_id}", timeout=10).json() for turn_id in turn_ids}
        if all(turn["status"] in {"done", "error"} for turn in turns.values()):
            return turns
        time.sleep(0.5)
    raise AssertionError(f"not finished in {timeout} s: {[t['status'] for t in turns.values()]}")


def _upload(client: httpx.Client, audio: Path) -> tuple[str, str]:
    """A new conversation with one reply: (conversation id, turn id)."""
    conversation = client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()
    response = client.post(f"/api/conversations/{conversation['id']}/turns", content=audio.read_bytes())
    assert response.status_code == 202, response.text
    return conversation["id"], response.json()["turn_id"]


def test_three_workers_share_one_queue_and_take_over_a_killed_workers_job(
    database_url, engine, tmp_path, clip_dir, dutch_reply_wav
):  # type: ignore[no-untyped-def]
    clips = [speak_to_wav(text, clip_dir / f"pg-{index}.wav") for index, text in enumerate(REPLIES)]
    silent = write_wav(tmp_path / "stil.wav", np.zeros(16_000 * 2, dtype=np.float32))  # deliberately bad
    service = LiveService(
        tmp_path / "data", database_url=database_url, job_lease_seconds=str(LEASE_SECONDS), cpu_threads="1",
        analysis_processes=str(ANALYSIS_PROCESSES),
    )
    try:
        logs = [tmp_path / f"worker-{index}.log" for index in range(3)]
        workers = {service.start_worker(log).pid: log for log in logs}  # they migrate beside the server
        service.start()
        service.create_user("oefenaar")
        for log in logs:  # all three have loaded their models and poll the queue ("started" is said before)
            _wait_for_log(log, r"analysis process \d+ ready", timeout=240, times=ANALYSIS_PROCESSES)
        client = service.client("oefenaar")

        # Paused while the six jobs are queued, so six idle analysis threads claim them together and
        # no thread that ended a short job takes a second before the last upload.
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        try:
            turn_ids = [_upload(client, clip)[1] for clip in clips]
            bad_id = _upload(client, silent)[1]
        finally:
            for pid in workers:
                os.kill(pid, signal.SIGCONT)
        turns = _wait_finished(client, [*turn_ids, bad_id], timeout=240)
        assert all(turns[turn_id]["status"] == "done" for turn_id in turn_ids), turns
        assert turns[bad_id]["status"] == "error"
        assert turns[bad_id]["error"]["code"] == "silent" and "niets te horen" in turns[bad_id]["error"]["message"]

        with engine.connect() as connection:
            jobs = connection.execute(select(Job.status, Job.attempts, Job.worker)).all()
        assert len(jobs) == len(turn_ids) + 1
        assert all(attempts == 1 for _, attempts, _ in jobs), jobs  # each run once
        # the silent reply's job ends with its turn's Dutch error, every other job is done
        assert sorted(status for status, _, _ in jobs) == ["done"] * len(turn_ids) + ["failed"], jobs
        names = {worker for *_, worker in jobs}
        assert {int(name.split(":")[1]) for name in names} == set(workers), names  # every worker took some

        # A worker killed mid-analysis: another one takes its job over once the lease runs out.
        conversation_id, killed_turn = _upload(client, dutch_reply_wav)
        deadline = time.monotonic() + 60
        while (job := _job_of(engine, killed_turn)).status != "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert job.status == "running", job
        killed_pid = int(job.worker.split(":")[1])
        assert killed_pid in workers  # one of ours
        os.kill(killed_pid, signal.SIGKILL)
        killed_at = time.monotonic()
        assert _job_of(engine, killed_turn).status == "running"  # it died before finishing
        turn = _wait_finished(client, [killed_turn], timeout=120)[killed_turn]
        assert turn["status"] == "done" and turn["result"]["analysis"]["transcript"]["text"]
        assert time.monotonic() - killed_at >= LEASE_SECONDS - 1  # not before the lease ran out
        job = _job_of(engine, killed_turn)
        assert job.attempts == 2 and int(job.worker.split(":")[1]) in set(workers) - {killed_pid}
        assert client.get(f"/api/conversations/{conversation_id}").json()["state"]["turn"] == 1  # moved once
        for pid, log in workers.items():
            if pid != killed_pid:
                assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")
    finally:
        service.stop()


def _job_of(engine: Engine, turn_id: str) -> Row:
    with engine.connect() as connection:
        return connection.execute(select(Job).where(Job.target_id == turn_id)).one()
