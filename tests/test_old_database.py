"""A database and recordings made by the previous release still open: the migrations bring the
schema up to date and every stored turn result is read by today's pages, API and re-scoring.

A stored result that cannot be read (damaged, or of a version this release does not know) costs
that one turn, not its conversation: the API, the conversation and review pages, progress, reports
and the export answer, the turn carries a Dutch error, the other turns are shown, and the damage
is logged (one real row of the old database damaged in SQLite)."""

from __future__ import annotations

import io
import json
import logging
import shutil
import sqlite3
import zipfile
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


UNREADABLE = "Deze beurt kan niet worden getoond"


def _damage_version(result: dict) -> dict:  # type: ignore[type-arg]
    return {**result, "schema_version": 99}


def _damage_shape(result: dict) -> dict:  # type: ignore[type-arg]
    return {**result, "analysis": {**result["analysis"], "wording": "kapot"}}


def _damage_kind(result: dict) -> list:  # type: ignore[type-arg]
    return ["geen", "beurt"]


@pytest.fixture(params=[_damage_version, _damage_shape, _damage_kind], ids=["unknown-version", "damaged", "not-an-object"])
def damaged(request, app, tmp_path):  # type: ignore[no-untyped-def]
    """The old database with the first turn's stored result damaged in place."""
    conversation_id, first, second = (OLD / "ids.txt").read_text().split()
    with sqlite3.connect(tmp_path / "data" / "voicecoach.db") as db:
        (stored,) = db.execute("SELECT result FROM turns WHERE id = ?", (first,)).fetchone()
        db.execute("UPDATE turns SET result = ? WHERE id = ?", (json.dumps(request.param(json.loads(stored))), first))
    return app, conversation_id, first, second


def test_a_damaged_turn_costs_that_turn_only(damaged, caplog):
    app, conversation_id, first, second = damaged
    trainee = _client(app, "sanne")
    with caplog.at_level(logging.ERROR, logger="voicecoach.store.models"):
        conversation = trainee.get(f"/api/conversations/{conversation_id}")
    assert conversation.status_code == 200, conversation.text
    turns = {t["id"]: t for t in conversation.json()["turns"]}
    assert turns[first]["status"] == "error" and turns[first]["result"] is None
    assert turns[first]["error"]["message"].startswith(UNREADABLE)
    assert turns[second]["status"] == "done" and turns[second]["result"]["analysis"]["transcript"]["text"]
    assert any(first in record.getMessage() for record in caplog.records)  # logged, with the turn

    turn = trainee.get(f"/api/turns/{first}")
    assert turn.status_code == 200 and turn.json()["error"]["message"].startswith(UNREADABLE)
    for path in (f"/gesprek/{conversation_id}", "/gesprekken", "/", "/api/me/progress", "/rapport/voortgang/sanne"):
        assert trainee.get(path).status_code == 200, path
    export = trainee.get("/api/me/export")
    assert export.status_code == 200
    exported = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("data.json"))
    stored = [t["result"] for c in exported["conversations"] for t in c["turns"]]
    assert all(result is not None for result in stored)  # the damaged result is exported as stored, not dropped
    report = trainee.get(f"/rapport/gesprek/{conversation_id}")
    assert report.status_code == 200 and UNREADABLE in report.text

    coach = _client(app, "coach1")
    for path in ("/beoordelen", "/api/review/conversations", f"/api/conversations/{conversation_id}",
                 f"/gesprek/{conversation_id}", "/rapport/voortgang/sanne"):
        assert coach.get(path).status_code == 200, path
    # the coach cannot correct or judge a turn nobody can read, and is told so instead of a 500
    correction = coach.post(f"/api/turns/{first}/transcript", json={"text": "Ik begrijp dat u boos bent."})
    assert correction.status_code < 500, correction.text
