"""Deletion is real in the database files: after deleting a turn or an account, a byte search of
the data dir (the SQLite .db, -wal and -shm files included) finds none of the deleted transcript
words, notes, corrections or names."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.accounts import create_user
from voicecoach.api.app import create_app
from voicecoach.classroom.events import events_after
from voicecoach.config import Settings
from voicecoach.jobs import Worker
from voicecoach.store.models import Group, GroupMember

PASSWORD = "geheim-wachtwoord"
CORRECTION = "Pannenkoekenrestaurant Zeeuwsmeisje, ik begrijp dat u boos bent."
NOTE = "Notitie-Kwispelstaart: let op je toon."


def _found(data_dir: Path, needles: list[str]) -> dict[str, list[str]]:
    """Which needles occur in which files, as UTF-8 or as JSON-escaped text."""
    hits: dict[str, list[str]] = {}
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "voicecoach.db" for p in files)
    for path in files:
        content = path.read_bytes()
        for needle in needles:
            forms = {needle.encode(), json.dumps(needle)[1:-1].encode()}
            if any(form in content for form in forms):
                hits.setdefault(needle, []).append(path.name)
    return hits


def test_deleted_turns_and_accounts_leave_no_bytes_in_the_database_files(tmp_path, dutch_reply_wav):
    data_dir = tmp_path / "data"
    # a SQLite file in the data dir, whatever VOICECOACH_DATABASE_URL says: this is about its bytes
    app = create_app(Settings(data_dir=data_dir, database_url=None, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    with app.state.sessions() as session:
        trainee = create_user(session, "zwaluwstaart", PASSWORD, display_name="Zwaluw Staartman")
        coach = create_user(session, "coach", PASSWORD, role="coach", display_name="Coach Karel")
        teacher = create_user(session, "docent", PASSWORD, role="teacher", display_name="Docent Dirk")
        group = Group(name="klas")
        session.add(group)
        session.flush()
        session.add_all([GroupMember(group_id=group.id, user_id=user.id) for user in (trainee, coach, teacher)])
        session.commit()
        group_id = group.id
    clients = {}
    for name in ("zwaluwstaart", "coach", "docent"):
        clients[name] = TestClient(app)
        clients[name].post("/login", data={"username": name, "password": PASSWORD})
        clients[name].headers["X-CSRF-Token"] = clients[name].get("/api/me").json()["csrf_token"]
    me, coach_client = clients["zwaluwstaart"], clients["coach"]
    worker = Worker(app.state.sessions, app.state.service.handlers())

    def run_queue() -> None:
        while worker.run_one():
            pass

    conversation = me.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]
    first = me.post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
    run_queue()
    assert coach_client.post(f"/api/turns/{first}/transcript", json={"text": CORRECTION}).status_code == 202
    run_queue()
    assert coach_client.post(f"/api/conversations/{conversation}/notes", json={"text": NOTE}).status_code == 201
    correction_words = ["Pannenkoekenrestaurant", "Zeeuwsmeisje"]
    assert set(_found(data_dir, correction_words)) == set(correction_words)  # the search does find them

    assert me.delete(f"/api/turns/{first}").status_code == 204
    assert _found(data_dir, correction_words) == {}

    second = me.post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
    run_queue()
    transcript = me.get(f"/api/turns/{second}").json()["result"]["analysis"]["transcript"]["text"]
    words = sorted({w for w in re.findall(r"\w{6,}", transcript)})
    assert words, transcript
    # a lesson's board log names who joined it (a test session found the name served after deletion)
    lesson = clients["docent"].post("/api/rounds", json={"group_id": group_id, "scenario_id": "monteur-deur"}).json()
    assert me.post("/api/rounds/join", json={"code": lesson["code"]}).status_code == 200
    needles = ["zwaluwstaart", "Zwaluw Staartman", NOTE, *words]
    assert set(_found(data_dir, needles)) == set(needles)

    assert me.delete("/api/me").status_code == 204
    assert _found(data_dir, needles) == {}
    assert "Coach Karel" in _found(data_dir, ["Coach Karel"])  # what is not deleted is still there
    with app.state.sessions() as session:  # what the board's stream sends from
        assert not [event.data for event in events_after(session, lesson["id"], 0) if "Zwaluw Staartman" in str(event.data)]
