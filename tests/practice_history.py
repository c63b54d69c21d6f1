"""A trainee with a practice history, built in-process with real audio and the real worker code:
three conversations (one reply each) in a group with a coach, one of the coach's overrules and a
note. Shared by the progress and report tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.browser_support import VOICE
from tests.conftest import SPACY_DIR, WHISPER_DIR
from tests.test_api import logged_in, run_queue
from voicecoach.admin_service import add_member, create_group, user_named
from voicecoach.api.app import create_app
from voicecoach.audio.synth import speak_to_wav
from voicecoach.config import Settings

REPLIES = (
    "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?",
    "Rustig aan meneer, dat is nou eenmaal ons beleid.",
    "Als ik het goed begrijp wacht u al drie weken op de monteur. Wat kunnen we samen doen?",
)
SCENARIOS = ("monteur-deur", "klantenservice-rekening", "monteur-deur")
NOTE = "Mooie samenvatting in je derde gesprek; let op het kalmeringsbevel."
REASON = "Je zei 'rustig aan': dat is een kalmeringsbevel."


@dataclass
class History:
    app: FastAPI
    trainee: TestClient
    coach: TestClient
    outsider: TestClient
    conversations: list[str]
    group_id: int


def build_history(folder: Path) -> History:
    app = create_app(Settings(data_dir=folder / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    trainee, coach = logged_in(app, "sanne"), logged_in(app, "coach", role="coach")
    outsider = logged_in(app, "vreemde", role="coach")
    with app.state.sessions() as session:
        group = create_group(session, None, "klas 3B")
        add_member(session, None, group, user_named(session, "sanne"))
        add_member(session, None, group, user_named(session, "coach"))
        session.commit()
        group_id = group.id
    conversations = []
    for number, (scenario, reply) in enumerate(zip(SCENARIOS, REPLIES)):
        conversation = trainee.post("/api/conversations", json={"scenario_id": scenario}).json()["id"]
        audio = speak_to_wav(reply, folder / f"antwoord-{number}.wav", voice=VOICE).read_bytes()
        assert trainee.post(f"/api/conversations/{conversation}/turns", content=audio).status_code == 202
        conversations.append(conversation)
    assert run_queue(app) == len(REPLIES)
    first_turn = trainee.get(f"/api/conversations/{conversations[0]}").json()["turns"][0]["id"]
    assert coach.post(f"/api/turns/{first_turn}/overrules", json={
        "label": "aanjager:kalmeringsbevel", "verdict": "gemist", "reason": REASON}).status_code == 201
    assert coach.post(f"/api/conversations/{conversations[0]}/notes", json={"text": NOTE}).status_code == 201
    return History(app, trainee, coach, outsider, conversations, group_id)
