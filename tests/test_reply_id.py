"""A reply sent again after its answer was lost (`reply`, api/reply_id.py) gets the turn it made:
one turn, one recording file, and no refusal because its line was answered meanwhile. Through
the JSON API and the WebSocket in-process (real SQLite file, real worker code, real Whisper on
MBROLA speech)."""

from __future__ import annotations

import io
import threading
import uuid
import wave

import numpy as np

import voicecoach.practice_service as practice_service
from tests.test_api import app, client, logged_in, run_queue, start  # noqa: F401 - fixtures
from tests.test_streaming import reply_pcm, send_paced, stream_url  # noqa: F401 - fixture
from voicecoach.speech.phrase_file import phrase_file
from voicecoach.store.models import DeletedReply, Recording, TurnRow, User


def _send(client, conversation_id: str, audio: bytes, reply: str | None, turn: int = 1):  # type: ignore[no-untyped-def]
    query = f"?turn={turn}" + (f"&reply={reply}" if reply else "")
    return client.post(f"/api/conversations/{conversation_id}/turns{query}", content=audio)


def _stored(app) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Turns and recording rows in the database, recording files on disk; no file of the folder
    is anything but a recording of a row or the phrases streamed beside it."""
    data_dir = app.state.settings.data_dir
    with app.state.sessions() as session:
        recordings = session.query(Recording).all()
        turns = session.query(TurnRow).count()
    known = {data_dir / r.path for r in recordings} | {phrase_file((data_dir / r.path).parent, r.sha256) for r in recordings}
    files = {p for p in (data_dir / "recordings").rglob("*") if p.is_file()}
    assert files <= known, files - known
    return turns, len(recordings), len({data_dir / r.path for r in recordings} & files)


def test_the_same_reply_sent_again_gets_its_turn_also_after_its_line_was_answered(app, client, dutch_reply_wav):  # noqa: F811
    audio = dutch_reply_wav.read_bytes()
    conversation = start(client)
    reply = str(uuid.uuid4())
    first = _send(client, conversation["id"], audio, reply)
    assert first.status_code == 202
    # the answer was lost: the page sends the same recording again while it is analysed
    again = _send(client, conversation["id"], audio, reply.upper())  # any spelling of the same UUID
    assert again.status_code == 202 and again.json() == first.json()
    assert _stored(app) == (1, 1, 1)
    # another reply to the same line is still refused while this one is analysed
    other = _send(client, conversation["id"], audio, str(uuid.uuid4()))
    assert other.status_code == 409 and other.json()["error"]["code"] == "turn_pending"

    assert run_queue(app) == 1
    view = client.get(f"/api/conversations/{conversation['id']}").json()
    assert view["state"]["turn"] == 1  # the conversation went on to the next line
    # sent once more after the analysis moved the conversation on: still its turn, not "line answered"
    late = _send(client, conversation["id"], audio, reply)
    assert late.status_code == 202
    assert late.json()["turn_id"] == first.json()["turn_id"] and late.json()["status"] == "done"
    assert _stored(app) == (1, 1, 1) and run_queue(app) == 0
    # without the id the same late upload is refused as before: it answers a line already answered
    refused = _send(client, conversation["id"], audio, None)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "line_answered"


def test_a_reply_id_only_finds_turns_of_the_same_conversation(app, client, dutch_reply_wav):  # noqa: F811
    audio = dutch_reply_wav.read_bytes()
    reply = str(uuid.uuid4())
    mine = _send(client, start(client)["id"], audio, reply)
    other_client = logged_in(app, "ander")
    theirs = _send(other_client, start(other_client)["id"], audio, reply)  # someone else's id, by chance or not
    assert mine.status_code == theirs.status_code == 202
    assert theirs.json()["turn_id"] != mine.json()["turn_id"]
    assert other_client.get(f"/api/turns/{mine.json()['turn_id']}").status_code == 404
    assert _stored(app)[:2] == (2, 2)


def test_a_bad_reply_id_is_refused_in_dutch_and_stores_nothing(app, client, dutch_reply_wav):  # noqa: F811
    conversation = start(client)
    response = _send(client, conversation["id"], dutch_reply_wav.read_bytes(), "niet-een-uuid")
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "Ongeldige invoer: zoekparameter 'reply' moet een UUID zijn."
    assert _stored(app) == (0, 0, 0)


def test_an_attempt_sent_again_is_one_attempt(app, client, dutch_reply_wav):  # noqa: F811
    audio = dutch_reply_wav.read_bytes()
    conversation = start(client)
    first = _send(client, conversation["id"], audio, str(uuid.uuid4())).json()
    run_queue(app)
    reply = str(uuid.uuid4())
    attempt = client.post(f"/api/turns/{first['turn_id']}/attempts?reply={reply}", content=audio)
    assert attempt.status_code == 202
    run_queue(app)
    # its answer was lost and the analysis has ended: without the id this would be a third attempt
    again = client.post(f"/api/turns/{first['turn_id']}/attempts?reply={reply}", content=audio)
    assert again.status_code == 202 and again.json()["turn_id"] == attempt.json()["turn_id"]
    view = client.get(f"/api/conversations/{conversation['id']}").json()
    assert [t["attempt"] for t in view["turns"]] == [1, 2]
    assert _stored(app)[:2] == (2, 2)


def test_stream_and_upload_of_one_reply_store_it_once_whichever_comes_first(app, client, reply_pcm):  # noqa: F811
    # The page uploads its recording after a cut stream; the server may store the stream's part
    # before or after that upload arrives.
    for stream_first in (True, False):
        conversation = start(client)
        reply = str(uuid.uuid4())
        upload = None
        if not stream_first:
            upload = _send(client, conversation["id"], reply_pcm_wav(reply_pcm), reply)
            assert upload.status_code == 202
        with client.websocket_connect(f"{stream_url(client, conversation['id'])}&turn=1&reply={reply}") as ws:
            send_paced(ws, reply_pcm[: 2 * 16_000 * 2], 0.0)
            ws.send_text('{"type": "stop"}')
            stored = ws.receive_json()
        assert stored["type"] == "stored"
        if stream_first:
            upload = _send(client, conversation["id"], reply_pcm_wav(reply_pcm), reply)
            assert upload.status_code == 202
        assert upload.json()["turn_id"] == stored["turn_id"]
        with app.state.sessions() as session:
            assert session.query(TurnRow).filter_by(conversation_id=conversation["id"]).count() == 1
        run_queue(app)
    assert _stored(app) == (2, 2, 2)


def test_a_reply_whose_analysis_failed_gives_its_id_up_to_the_next_try(app, client, dutch_reply_wav):  # noqa: F811
    # e.g. a stream cut before the trainee spoke, stored as silence; then the page's whole recording
    conversation = start(client)
    reply = str(uuid.uuid4())
    silent = _send(client, conversation["id"], reply_pcm_wav(np.zeros(32_000, "<i2").tobytes()), reply)
    assert silent.status_code == 202
    run_queue(app)
    assert client.get(f"/api/turns/{silent.json()['turn_id']}").json()["status"] == "error"
    spoken = _send(client, conversation["id"], dutch_reply_wav.read_bytes(), reply)
    assert spoken.status_code == 202 and spoken.json()["turn_id"] != silent.json()["turn_id"]
    assert spoken.json()["status"] == "queued"
    run_queue(app)
    assert client.get(f"/api/turns/{spoken.json()['turn_id']}").json()["status"] == "done"
    # now that id belongs to the analysed reply
    assert _send(client, conversation["id"], dutch_reply_wav.read_bytes(), reply).json()["turn_id"] == spoken.json()["turn_id"]


def test_two_tries_of_one_reply_at_the_same_moment_both_get_its_turn(app, client, dutch_reply_wav, monkeypatch):  # noqa: F811
    conversation = start(client)
    reply = str(uuid.uuid4())
    both_writing = threading.Barrier(2, timeout=30)
    store_recording = practice_service.store_recording

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        both_writing.wait()  # both passed the look for the reply id; neither has committed
        return store_recording(*args, **kwargs)

    monkeypatch.setattr(practice_service, "store_recording", held)
    service = app.state.service
    answers: list[str] = []

    def submit() -> None:
        with app.state.sessions() as session:
            user = session.query(User).filter_by(username="oefenaar").one()
            turn, _job = service.submit_turn(session, user, conversation["id"], dutch_reply_wav.read_bytes(), turn=1, reply_id=reply)
            answers.append(turn.id)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 2 and answers[0] == answers[1]
    assert _stored(app) == (1, 1, 1)


def test_a_deleted_reply_sent_again_is_refused_and_stores_nothing(app, client, dutch_reply_wav):  # noqa: F811
    # e.g. the server stores a cut stream late, after the trainee deleted the upload of that reply
    conversation = start(client)
    reply = str(uuid.uuid4())
    first = _send(client, conversation["id"], dutch_reply_wav.read_bytes(), reply).json()
    run_queue(app)
    assert client.delete(f"/api/turns/{first['turn_id']}").status_code == 204
    again = _send(client, conversation["id"], dutch_reply_wav.read_bytes(), reply)
    assert again.status_code == 409 and again.json()["error"]["code"] == "reply_deleted"
    assert "verwijderd" in again.json()["error"]["message"]
    assert _stored(app) == (0, 0, 0)
    # a new recording answers the reopened line
    assert _send(client, conversation["id"], dutch_reply_wav.read_bytes(), str(uuid.uuid4())).status_code == 202
    # the remembered id goes with its conversation
    assert client.delete(f"/api/conversations/{conversation['id']}").status_code == 204
    with app.state.sessions() as session:
        assert session.query(DeletedReply).count() == 0


def test_the_stream_refuses_a_bad_reply_id_in_dutch(app, client):  # noqa: F811
    conversation = start(client)
    with client.websocket_connect(f"{stream_url(client, conversation['id'])}&turn=1&reply=niet-een-uuid") as ws:
        answer = ws.receive_json()
    assert answer == {"type": "error", "error": {"code": "invalid_input", "message": "Ongeldige invoer: 'reply' moet een UUID zijn."}}


def reply_pcm_wav(pcm: bytes) -> bytes:
    """The page's upload of a streamed reply: the same audio, as a WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16_000)
        wav.writeframes(pcm)
    return out.getvalue()
