"""Retry a turn, keep one attempt, fix what was misheard, delete the last recording: through the
JSON API in-process (real SQLite file, real worker code, real Whisper on MBROLA speech)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.audio_factory import sox
from tests.conftest import SPACY_DIR, WHISPER_DIR
from tests.test_api import logged_in, run_queue, start
from voicecoach.api.app import create_app
from voicecoach.audio.synth import speak_to_wav
from voicecoach.config import Settings
from voicecoach.corrections import ADDED_WORDS_FREE, ADDED_WORDS_PER_HEARD
from voicecoach.store.models import ConversationRow, Group, GroupMember, User, utcnow

CALM = "Goedemiddag meneer, ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"
ACCELERATOR = "Rustig aan, meneer. Dat is niet zo. Zoek het zelf maar uit."


@pytest.fixture(scope="module")
def replies(tmp_path_factory) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("antwoorden")
    spoken = {}
    for name, text in (("calm", CALM), ("accelerator", ACCELERATOR)):
        source = speak_to_wav(text, folder / f"{name}-bron.wav", voice="mb-nl2")
        spoken[name] = sox(source, folder / f"{name}.wav", "rate", "16000", "pad", "0.3", "0.5").read_bytes()
    return spoken


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app(Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))


@pytest.fixture
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return logged_in(app, "oefenaar")


def _answer(app, client, conversation_id: str, audio: bytes) -> dict:  # type: ignore[no-untyped-def]
    response = client.post(f"/api/conversations/{conversation_id}/turns", content=audio)
    assert response.status_code == 202
    run_queue(app)
    return client.get(f"/api/turns/{response.json()['turn_id']}").json()


def test_retry_answers_the_same_line_moves_the_customer_once_and_the_kept_attempt_counts(app, client, replies):
    conversation = start(client)
    first = _answer(app, client, conversation["id"], replies["calm"])
    after_first = client.get(f"/api/conversations/{conversation['id']}").json()
    assert first["status"] == "done" and after_first["state"]["turn"] == 1

    response = client.post(f"/api/turns/{first['id']}/attempts", content=replies["accelerator"])
    assert response.status_code == 202
    second_id = response.json()["turn_id"]
    # one attempt waits per line: a third one (or a double click) is refused while it is analysed
    refused = client.post(f"/api/turns/{first['id']}/attempts", content=replies["accelerator"])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "turn_pending"
    run_queue(app)

    second = client.get(f"/api/turns/{second_id}").json()
    view = client.get(f"/api/conversations/{conversation['id']}").json()
    assert second["status"] == "done" and second["set_aside"] and second["attempt"] == 2
    assert second["customer_line"] == first["customer_line"] and second["number"] == first["number"]
    # the customer was not moved by the second attempt: the conversation stands where the first left it
    assert view["state"] == after_first["state"] and view["customer_line"] == after_first["customer_line"]
    assert [(t["attempt"], t["set_aside"]) for t in view["turns"]] == [(1, False), (2, True)]

    kept = client.post(f"/api/turns/{second_id}/keep")
    assert kept.status_code == 200
    view = client.get(f"/api/conversations/{conversation['id']}").json()
    assert view["state"]["anger"] == second["result"]["reaction"]["anger_after"]
    assert view["state"]["turn"] == 1  # still one turn: the kept attempt replaces the first
    assert view["customer_line"] == (second["result"]["reaction"]["next_line"] or "")
    assert [t["set_aside"] for t in view["turns"]] == [True, False]
    listed = client.get("/api/me/progress").json()
    assert listed  # the progress page still answers with attempts set aside

    # back to the first attempt: the conversation goes on from it again
    assert client.post(f"/api/turns/{first['id']}/keep").status_code == 200
    view = client.get(f"/api/conversations/{conversation['id']}").json()
    assert view["state"] == after_first["state"] and view["customer_line"] == after_first["customer_line"]

    # once the next line is answered, the earlier line cannot be retried or switched any more
    _answer(app, client, conversation["id"], replies["calm"])
    late = client.post(f"/api/turns/{first['id']}/attempts", content=replies["calm"])
    assert late.status_code == 409 and late.json()["error"]["code"] == "cannot_retry"
    assert client.post(f"/api/turns/{second_id}/keep").json()["error"]["code"] == "cannot_keep"


def test_trainee_corrects_misheard_words_and_the_coach_sees_both_texts(app, client, replies):
    conversation = start(client)
    turn = _answer(app, client, conversation["id"], replies["calm"])
    heard = turn["result"]["analysis"]["transcript"]["text"]
    # another reply typed over it is refused: only misheard words may be fixed (a test session made
    # a -3 reply +5, and the customer calm, that way)
    other = client.post(f"/api/turns/{turn['id']}/own-correction", json={"text": ACCELERATOR})
    assert other.status_code == 400 and other.json()["error"]["code"] == "correction_too_different"
    # nor may words never heard be added to it: half kept and "Ik ga kijken wat ik voor u kan doen."
    # appended calmed a customer (a test session)
    heard_words = len(re.findall(r"\w+", heard))
    technique = "ik begrijp dat u boos bent en ik ga kijken wat ik voor u kan doen " * 8
    too_many = " ".join(technique.split()[: int(ADDED_WORDS_FREE + ADDED_WORDS_PER_HEARD * heard_words) + 1])
    added = client.post(f"/api/turns/{turn['id']}/own-correction", json={"text": f"{heard} {too_many}"})
    assert added.status_code == 400 and added.json()["error"]["code"] == "correction_too_different", added.text
    fixed = f"{heard} Dat is nou eenmaal ons beleid."  # words Whisper missed at the end
    response = client.post(f"/api/turns/{turn['id']}/own-correction", json={"text": fixed})
    assert response.status_code == 202
    run_queue(app)
    corrected = client.get(f"/api/turns/{turn['id']}").json()
    analysis = corrected["result"]["analysis"]
    assert corrected["corrected_by"] == "trainee" and corrected["corrected_text"] == fixed
    assert analysis["corrected_text"] == fixed and analysis["transcript"]["text"] == heard
    assert analysis["voice"] == turn["result"]["analysis"]["voice"]  # voice and timing stay from the audio
    assert any(hit["label"] == "aanjager" for hit in analysis["wording"])  # scored on the corrected words
    assert corrected["score"]["total"] < turn["score"]["total"]
    assert [version["text"] for version in corrected["history"]] == [heard]
    # the customer reacts to the corrected words (the trainee had not answered the next line yet)
    view = client.get(f"/api/conversations/{conversation['id']}").json()
    assert view["state"]["turn"] == 1
    assert view["state"]["anger"] == corrected["result"]["reaction"]["anger_after"]
    assert view["customer_line"] == (corrected["result"]["reaction"]["next_line"] or "")

    coach = logged_in(app, "coach1", role="coach")
    with app.state.sessions() as session:
        group = Group(name="klas 1")
        session.add(group)
        session.flush()
        for name in ("oefenaar", "coach1"):
            user = session.scalar(select(User).where(User.username == name))
            session.add(GroupMember(group_id=group.id, user_id=user.id))
        session.commit()
    seen = coach.get(f"/api/turns/{turn['id']}").json()
    assert seen["corrected_text"] == fixed and seen["history"][0]["text"] == heard
    assert seen["corrected_by"] == "trainee"
    # the coach's own correction is marked as the coach's and does not move the customer
    state = view["state"]
    assert coach.post(f"/api/turns/{turn['id']}/transcript", json={"text": CALM}).status_code == 202
    run_queue(app)
    assert client.get(f"/api/turns/{turn['id']}").json()["corrected_by"] == "coach"
    assert client.get(f"/api/conversations/{conversation['id']}").json()["state"] == state
    # a coach cannot use the trainee's own correction, and only the newest reply can be corrected
    assert coach.post(f"/api/turns/{turn['id']}/own-correction", json={"text": CALM}).status_code == 404
    _answer(app, client, conversation["id"], replies["calm"])
    late = client.post(f"/api/turns/{turn['id']}/own-correction", json={"text": CALM})
    assert late.status_code == 400 and late.json()["error"]["code"] == "cannot_correct"


def test_deleting_the_last_recording_reopens_the_conversation(app, client, replies):
    conversation = start(client)
    turn = _answer(app, client, conversation["id"], replies["accelerator"])
    with app.state.sessions() as session:  # as if this reply had ended the conversation (escalated)
        row = session.get(ConversationRow, conversation["id"])
        row.state = {**row.state, "outcome": "escalated"}
        row.finished_at = utcnow()
        session.commit()
    assert client.get(f"/api/conversations/{conversation['id']}").json()["finished"]
    assert client.delete(f"/api/turns/{turn['id']}").status_code == 204
    view = client.get(f"/api/conversations/{conversation['id']}").json()
    assert not view["finished"] and view["turns"] == []
    assert view["state"] == conversation["state"] and view["customer_line"] == conversation["customer_line"]
    # and it can be answered again
    again = _answer(app, client, conversation["id"], replies["calm"])
    assert again["status"] == "done" and again["number"] == 1


def test_deleting_the_kept_attempt_goes_on_from_the_other_one(app, client, replies):
    conversation = start(client)
    first = _answer(app, client, conversation["id"], replies["calm"])
    second_id = client.post(f"/api/turns/{first['id']}/attempts", content=replies["accelerator"]).json()["turn_id"]
    run_queue(app)
    second = client.get(f"/api/turns/{second_id}").json()
    assert client.delete(f"/api/turns/{first['id']}").status_code == 204
    view = client.get(f"/api/conversations/{conversation['id']}").json()
    assert [t["id"] for t in view["turns"]] == [second_id] and not view["turns"][0]["set_aside"]
    assert view["state"]["turn"] == 1 and view["state"]["anger"] == second["result"]["reaction"]["anger_after"]


def test_only_the_owner_retries_keeps_or_corrects_their_own_words(app, client, replies):
    conversation = start(client)
    turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=replies["calm"]).json()["turn_id"]
    other = logged_in(app, "iemand-anders")
    anonymous = TestClient(app)
    for method, path, kwargs in (
        ("POST", f"/api/turns/{turn_id}/attempts", {"content": replies["calm"]}),
        ("POST", f"/api/turns/{turn_id}/keep", {}),
        ("POST", f"/api/turns/{turn_id}/own-correction", {"json": {"text": CALM}}),
    ):
        refused = other.request(method, path, **kwargs)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"
        assert anonymous.request(method, path, **kwargs).status_code == 401
    # the owner, while the reply is still being analysed: nothing to retry, keep or correct yet
    assert client.post(f"/api/turns/{turn_id}/attempts", content=replies["calm"]).json()["error"]["code"] == "cannot_retry"
    assert client.post(f"/api/turns/{turn_id}/keep").json()["error"]["code"] == "cannot_keep"
    assert client.post(f"/api/turns/{turn_id}/own-correction", json={"text": CALM}).json()["error"]["code"] == "cannot_correct"
