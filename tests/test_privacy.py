"""Deletion is real (files and rows), export holds everything, retention deletes old recordings,
and a coach's transcript correction re-scores the turn and keeps the history."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.accounts import create_user
from voicecoach.api.app import create_app
from voicecoach.config import Settings
from voicecoach.jobs import Worker
from voicecoach.privacy import purge_expired
from voicecoach.store.baselines import latest_baseline
from voicecoach.store.recordings import store_recording
from voicecoach.store.models import AuditEntry, BaselineRow, Group, GroupMember, Recording, TurnRow

PASSWORD = "geheim-wachtwoord"


@pytest.fixture
def setup(tmp_path: Path, dutch_reply_wav: Path):  # type: ignore[no-untyped-def]
    app = create_app(Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    with app.state.sessions() as session:
        trainee = create_user(session, "sanne", PASSWORD)
        coach = create_user(session, "coach", PASSWORD, role="coach")
        group = Group(name="klas")
        session.add(group)
        session.flush()
        session.add_all([GroupMember(group_id=group.id, user_id=trainee.id), GroupMember(group_id=group.id, user_id=coach.id)])
        session.commit()

    def client(name: str) -> TestClient:
        c = TestClient(app)
        c.post("/login", data={"username": name, "password": PASSWORD})
        c.headers["X-CSRF-Token"] = c.get("/api/me").json()["csrf_token"]
        return c

    sanne, coach = client("sanne"), client("coach")
    conversation = sanne.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]
    turn = sanne.post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
    sanne.post("/api/baselines", content=dutch_reply_wav.read_bytes())
    worker = Worker(app.state.sessions, app.state.service.handlers())
    while worker.run_one():
        pass
    coach.get(f"/api/turns/{turn}/audio")  # an audited opening
    return {"app": app, "sanne": sanne, "coach": coach, "conversation": conversation, "turn": turn, "worker": worker}


def _ids(app, turn_id: str) -> tuple[list[str], Path]:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        recordings = [r.id for r in session.scalars(select(Recording))]
        assert session.get(TurnRow, turn_id).recording_id in recordings
    return recordings, app.state.settings.data_dir


def _database_mentions(app, needles: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Every table and column of the SQLite file, searched for the given ids."""
    path = app.state.settings.resolved_database_url.removeprefix("sqlite:///")
    found = []
    with sqlite3.connect(path) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in db.execute(f'SELECT * FROM "{table}"'):
                text = json.dumps(row, default=str)
                found.extend(f"{table}: {needle}" for needle in needles if needle in text)
    return found


def _files_mentioning(data_dir: Path, needles: list[str]) -> list[Path]:
    hits = []
    for path in data_dir.rglob("*"):
        if path.is_file() and not path.name.startswith("voicecoach.db"):
            content = path.read_bytes()
            if any(n in path.name or n.encode() in content for n in needles):
                hits.append(path)
    return hits


def test_deleting_a_recording_leaves_no_file_and_no_row(setup):
    app, turn = setup["app"], setup["turn"]
    recordings, data_dir = _ids(app, turn)
    with app.state.sessions() as session:
        recording_id = session.get(TurnRow, turn).recording_id
    assert setup["sanne"].delete(f"/api/turns/{turn}").status_code == 204
    needles = [recording_id, turn]
    assert _database_mentions(app, needles) == []
    assert _files_mentioning(data_dir, needles) == []
    with app.state.sessions() as session:  # the deletion itself is logged, without content
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "recording.deleted")).all()


def test_deleting_the_account_removes_everything(setup):
    app = setup["app"]
    recordings, data_dir = _ids(app, setup["turn"])
    assert len(recordings) == 2  # the reply and the calibration reading
    assert setup["sanne"].delete("/api/me").status_code == 204
    needles = [*recordings, setup["turn"], setup["conversation"], "sanne"]
    assert _database_mentions(app, needles) == []
    assert _files_mentioning(data_dir, needles) == []
    assert not (data_dir / "recordings").exists() or not any((data_dir / "recordings").rglob("*.*"))


def test_export_holds_the_data_and_the_audio(setup, dutch_reply_wav):
    response = setup["sanne"].get("/api/me/export")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["user"]["username"] == "sanne"
    assert data["conversations"][0]["turns"][0]["result"]["score"]["points"]
    assert data["baselines"][0]["status"] == "error"  # the short reply is too little speech to calibrate
    audio = [name for name in archive.namelist() if name.startswith("audio/")]
    assert len(audio) == 2 and dutch_reply_wav.read_bytes() in [archive.read(name) for name in audio]


def test_retention_deletes_recordings_older_than_the_setting(setup):
    app = setup["app"]
    with app.state.sessions() as session:
        assert purge_expired(session, app.state.settings.data_dir, days=30) == 0
        # everything is 'older': the turn and the failed calibration (the short reply is too little to measure)
        assert purge_expired(session, app.state.settings.data_dir, days=-1) == 2
        assert session.scalars(select(TurnRow)).all() == []


def test_retention_deletes_old_calibrations_but_the_one_in_use(setup, dutch_reply_wav):
    """Calibration readings, failed ones too, stayed for ever (a test session): past the retention they go
    with their rows, all but the user's newest measured one (the voice feedback's reference)."""
    app = setup["app"]
    data_dir = app.state.settings.data_dir
    with app.state.sessions() as session:
        user_id = session.scalars(select(BaselineRow)).one().user_id  # the setup's reading, failed (too short)
        for _ in range(2):  # an older measured reading and the one in use
            recording = store_recording(data_dir, user_id, "calibration", dutch_reply_wav.read_bytes())
            session.add(recording)
            session.flush()
            session.add(BaselineRow(user_id=user_id, recording_id=recording.id, status="done", data={}))
            session.commit()
        rows = session.scalars(select(BaselineRow).order_by(BaselineRow.id)).all()
        in_use = latest_baseline(session, user_id)
        assert len(rows) == 3 and in_use is not None and in_use.id == rows[-1].id
        kept_file = data_dir / session.get(Recording, in_use.recording_id).path
        gone_files = [data_dir / session.get(Recording, row.recording_id).path for row in rows[:-1]]
        assert purge_expired(session, data_dir, days=-1) == 1 + 2  # the turn, the failed and the replaced reading
        assert [row.id for row in session.scalars(select(BaselineRow))] == [in_use.id]
    assert kept_file.exists() and not any(path.exists() for path in gone_files)


def test_coach_correction_rescoring_history_and_notes(setup):
    sanne, coach, turn, conversation = setup["sanne"], setup["coach"], setup["turn"], setup["conversation"]
    before = sanne.get(f"/api/turns/{turn}").json()
    corrected = "Rustig aan! U zit ernaast, zoek het zelf maar uit."
    assert coach.post(f"/api/turns/{turn}/transcript", json={"text": corrected}).status_code == 202
    setup["worker"].run_one()
    after = sanne.get(f"/api/turns/{turn}").json()
    assert after["corrected_text"] == corrected
    assert after["result"]["score"]["total"] < before["result"]["score"]["total"]
    assert any(h["label"] == "aanjager" for h in after["result"]["analysis"]["wording"])
    assert after["history"][0]["text"] == before["result"]["analysis"]["transcript"]["text"]
    assert after["history"][0]["score"] == before["result"]["score"]["total"]
    # the customer reacted to what the trainee said then: a coach's correction changes the judgement, not that
    assert after["result"]["reaction"] == before["result"]["reaction"]
    assert sanne.get(f"/api/conversations/{conversation}").json()["turns"][0]["result"]["reaction"] == before["result"]["reaction"]
    assert sanne.get("/api/me/progress").json()["labels"]["aanjager"] == 1
    assert coach.post(f"/api/turns/{turn}/overrules", json={"label": "aanjager", "verdict": "onterecht", "reason": "Ironisch bedoeld."}).status_code == 201
    progress = sanne.get("/api/me/progress").json()  # the coach's judgment counts in the progress
    assert "aanjager" not in progress["labels"] and progress["coach_overrules"] == 1
    assert "Je voortgang" in sanne.get("/").text
    assert coach.post(f"/api/conversations/{conversation}/notes", json={"text": "Let op je toon.", "turn_id": turn}).status_code == 201
    seen = sanne.get(f"/api/conversations/{conversation}").json()
    assert seen["notes"][0]["text"] == "Let op je toon."
    assert seen["turns"][0]["overrules"][0]["reason"] == "Ironisch bedoeld."
    listed = coach.get("/api/review/conversations", params={"trainee": "sanne"}).json()
    assert [c["id"] for c in listed] == [conversation]
    assert coach.get("/api/review/conversations", params={"scenario": "late-levering"}).json() == []


def test_the_data_folder_and_its_files_are_for_their_owner_only(tmp_path):
    """Recordings and the database were readable by every account on the machine (folders 755, files
    644; a test session): the data folder is 700 and what the product writes in it 600, also a folder
    that existed before."""
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "users", "create", "eigenaar", "--password-stdin"],
        input="Zonnebloem-Kwartel-7319\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "VOICECOACH_DATA_DIR": str(data)},
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    written = [path for path in data.rglob("*") if path.is_file()]
    assert written and all(stat.S_IMODE(path.stat().st_mode) & 0o077 == 0 for path in written), written
