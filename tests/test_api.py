"""The JSON API in-process (real SQLite file, real worker code, real audio)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.audio_factory import write_wav
from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.api.app import create_app
from voicecoach.config import Settings
from voicecoach.jobs import Worker
from voicecoach.store.models import Job, Recording, TurnRow


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR, max_upload_bytes=2_000_000)
    return create_app(settings)


@pytest.fixture
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return logged_in(app, "oefenaar")


def logged_in(app, username: str, role: str = "trainee") -> TestClient:  # type: ignore[no-untyped-def]
    """A client logged in as a new user of `role`, sending the session's CSRF token."""
    from voicecoach.accounts import create_user

    with app.state.sessions() as session:
        create_user(session, username, "geheim-wachtwoord", role=role)
        session.commit()
    client = TestClient(app)
    assert client.post("/login", data={"username": username, "password": "geheim-wachtwoord"}).status_code == 200
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


def run_queue(app) -> int:  # type: ignore[no-untyped-def]
    worker = Worker(app.state.sessions, app.state.service.handlers())
    count = 0
    while worker.run_one():
        count += 1
    return count


def start(client: TestClient, scenario: str = "monteur-deur") -> dict:
    response = client.post("/api/conversations", json={"scenario_id": scenario})
    assert response.status_code == 201
    return response.json()


def test_upload_is_stored_before_it_is_acknowledged_and_analysed_later(app, client, dutch_reply_wav):
    conversation = start(client)
    response = client.post(f"/api/conversations/{conversation['id']}/turns", content=dutch_reply_wav.read_bytes())
    assert response.status_code == 202
    turn_id = response.json()["turn_id"]
    with app.state.sessions() as session:  # before any worker ran: file and rows are there
        turn = session.get(TurnRow, turn_id)
        recording = session.get(Recording, turn.recording_id)
        assert turn.status == "queued"
        assert (app.state.settings.data_dir / recording.path).read_bytes() == dutch_reply_wav.read_bytes()
        assert session.scalar(select(Job).where(Job.target_id == turn_id)).status == "queued"
    assert run_queue(app) == 1
    turn = client.get(f"/api/turns/{turn_id}").json()
    assert turn["status"] == "done"
    result = turn["result"]
    assert result["analysis"]["transcript"]["words"] and isinstance(result["analysis"]["wording"], list)
    assert result["score"]["points"] and result["reaction"]["anger_before"] == conversation["state"]["anger"]
    after = client.get(f"/api/conversations/{conversation['id']}").json()
    assert after["state"]["turn"] == 1 and after["customer_line"] == result["reaction"]["next_line"]


def test_reanalysis_gives_the_same_result_and_moves_nothing(app, client, dutch_reply_wav):
    conversation = start(client)
    turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
    run_queue(app)
    first = client.get(f"/api/turns/{turn_id}").json()["result"]
    state = client.get(f"/api/conversations/{conversation['id']}").json()["state"]
    assert client.post(f"/api/turns/{turn_id}/reanalyse").status_code == 202
    run_queue(app)
    second = client.get(f"/api/turns/{turn_id}").json()["result"]
    for result in (first, second):
        result["analysis"].pop("timings")
    assert second == first
    assert client.get(f"/api/conversations/{conversation['id']}").json()["state"] == state


def test_audio_problems_come_back_in_dutch_and_lose_nothing(app, client, tmp_path):
    conversation = start(client)
    silent = write_wav(tmp_path / "stil.wav", np.zeros(16_000 * 3, dtype=np.float32))
    turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=silent.read_bytes()).json()["turn_id"]
    run_queue(app)
    turn = client.get(f"/api/turns/{turn_id}").json()
    assert turn["status"] == "error"
    assert turn["error"] == {"code": "silent", "message": "Er was niets te horen — kies de juiste microfoon en probeer het opnieuw."}
    assert client.get(f"/api/turns/{turn_id}/audio").content == silent.read_bytes()  # kept for a re-run
    assert client.get(f"/api/conversations/{conversation['id']}").json()["state"]["turn"] == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"", 400, "empty"),
        (b"Dit is tekst met de naam antwoord.webm" * 10, 415, "unsupported_format"),
        (b"RIFF" + b"\0" * 2_100_000, 413, "too_large"),
    ],
)
def test_bad_uploads_are_refused_by_content_not_name(app, client, body, status, code):
    conversation = start(client)
    response = client.post(
        f"/api/conversations/{conversation['id']}/turns", content=body, headers={"Content-Type": "audio/webm"}
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    with app.state.sessions() as session:
        assert session.scalars(select(TurnRow)).all() == []
    assert not list((app.state.settings.data_dir).rglob("*.webm"))


def test_unknown_things_are_404_in_dutch(client):
    assert client.get("/api/conversations/bestaat-niet").status_code == 404
    response = client.post("/api/conversations", json={"scenario_id": "bestaat-niet"})
    assert response.status_code == 404 and "bestaat niet" in response.json()["error"]["message"]


def test_openapi_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    for path in ("/api/scenarios", "/api/conversations", "/api/conversations/{conversation_id}/turns",
                 "/api/turns/{turn_id}", "/api/turns/{turn_id}/reanalyse", "/api/baselines"):
        assert path in paths
    for path, methods in paths.items():  # every answer of the API is documented, errors included
        for method, operation in methods.items():
            status, success = next((k, v) for k, v in operation["responses"].items() if k.startswith("2"))
            assert status == "204" or success.get("content"), (method, path)
            if path.startswith("/api/"):
                assert {"401", "404", "422"} <= set(operation["responses"]), (method, path)
    turn = paths["/api/turns/{turn_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert turn == {"$ref": "#/components/schemas/TurnView"}
    assert {"TurnRecord", "AnalysisRecord", "ScoreRecord", "ReactionRecord", "ErrorBody"} <= set(schemas)
    for upload in ("/api/conversations/{conversation_id}/turns", "/api/baselines"):
        body = paths[upload]["post"]["requestBody"]
        assert body["required"] and {"audio/*", "application/octet-stream"} <= set(body["content"]), upload


def test_pages_render_in_dutch(client):
    home = client.get("/")
    assert home.status_code == 200 and "Kies een scenario" in home.text and "Monteur aan de deur" in home.text
    conversation = start(client)
    page = client.get(f"/gesprek/{conversation['id']}")
    assert page.status_code == 200 and "Jouw antwoord" in page.text
    assert "/static/vendor/wavesurfer/wavesurfer.min.js" in page.text  # vendored, no CDN
    assert "https://" not in page.text
    # a page address that cannot exist is not found, in plain words (a teacher read "adresdeel
    # 'student_id' moet een geheel getal zijn")
    mistyped = client.get("/klas/ronde/1/nabespreking/anna")
    assert mistyped.status_code == 404 and "Niet gevonden" in mistyped.text and "adresdeel" not in mistyped.text


def test_unknown_api_addresses_answer_in_dutch(client):
    """An unknown /api/ address answered {"message": "Not Found"} (a test session)."""
    response = client.get("/api/bestaatniet")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Dit adres bestaat niet in VoiceCoach."
    wrong_method = client.put("/api/me", json={})
    assert wrong_method.status_code == 405 and "methode" in wrong_method.json()["error"]["message"]
