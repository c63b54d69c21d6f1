"""A database and recordings made by the previous release still open: the migrations bring the
schema up to date and every stored turn result is read by today's pages, API and re-scoring."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.api.app import create_app
from voicecoach.config import Settings

OLD = Path(__file__).parent / "data" / "old-database"
PASSWORD = "oude-database-wachtwoord"


@pytest.fixture()
def app(tmp_path):  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    shutil.copytree(OLD, data)
    return create_app(Settings(data_dir=data, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))


def _client(app, name: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    assert client.post("/login", data={"username": name, "password": PASSWORD}, follow_redirects=False).status_code in (200, 303)
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


def test_the_previous_release_database_opens_with_its_results(app):
    conversation_id, first, second = (OLD / "ids.txt").read_text().split()
    trainee = _client(app, "sanne")
    conversation = trainee.get(f"/api/conversations/{conversation_id}")
    assert conversation.status_code == 200, conversation.text
    turns = conversation.json()["turns"]
    assert [t["id"] for t in turns] == [first, second] and all(t["status"] == "done" for t in turns)
    for turn in turns:
        assert turn["result"]["score"]["points"] is not None and turn["result"]["analysis"]["transcript"]["words"]
    audio = trainee.get(f"/api/turns/{first}/audio")
    assert audio.status_code == 200 and len(audio.content) > 10_000
    for page in (f"/gesprek/{conversation_id}", "/gesprekken", "/"):
        assert trainee.get(page).status_code == 200, page
    assert trainee.get("/api/me/progress").status_code == 200

    coach = _client(app, "coach1")
    review = coach.get("/beoordelen")
    assert review.status_code == 200 and conversation_id in review.text
    overrule = coach.post(f"/api/turns/{second}/overrules",
                          json={"label": "aanjager:zwart_wit", "verdict": "gemist", "reason": "Beleid als schild."})
    assert overrule.status_code == 201, overrule.text
    assert trainee.get(f"/api/conversations/{conversation_id}").status_code == 200
