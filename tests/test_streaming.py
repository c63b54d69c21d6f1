"""Streaming a reply over the WebSocket: written as it arrives, phrases transcribed while speaking,
stored and analysed as the same turn as an upload (real model, MBROLA speech, real SQLite)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from starlette.websockets import WebSocketDisconnect

from tests.test_api import app, client, logged_in, run_queue, start  # noqa: F401 - fixtures
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.checks import check_audio
from voicecoach.audio.errors import AudioError
from voicecoach.audio.synth import speak_to_wav
from voicecoach.speech.phrase_file import recorded_phrases
from voicecoach.speech.phrases import Phrase, phrase_key
from voicecoach.store.models import Recording, TurnRow
from voicecoach.streaming.pcm_file import GrowingWav
from voicecoach.streaming.session import StreamSession, warm_up
from voicecoach.voice.contours import compute_contours

RATE = 16_000
CHUNK = RATE // 4  # 250 ms, what the browser client sends
SENTENCES = (
    "Goedemiddag meneer, ik begrijp dat u boos bent.",
    "Kunt u mij vertellen wat er precies is gebeurd?",
    "Dan ga ik het direct voor u uitzoeken.",
)


@pytest.fixture(scope="module")
def reply_pcm(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Three MBROLA sentences with a second of silence after each, as 16-bit PCM."""
    folder = tmp_path_factory.mktemp("stream")
    parts = []
    for index, sentence in enumerate(SENTENCES):
        samples = decode_audio(speak_to_wav(sentence, folder / f"{index}.wav", voice="mb-nl2"), max_seconds=60).samples
        parts += [samples, np.zeros(RATE, dtype=np.float32)]
    return (np.clip(np.concatenate(parts), -1, 1) * 32767).astype("<i2").tobytes()


def stream_url(client, conversation_id: str) -> str:  # type: ignore[no-untyped-def]
    return f"/api/conversations/{conversation_id}/stream?csrf={client.headers['X-CSRF-Token']}"


def send_paced(ws, pcm: bytes, seconds_per_chunk: float) -> None:  # type: ignore[no-untyped-def]
    for offset in range(0, len(pcm), 2 * CHUNK):
        ws.send_bytes(pcm[offset : offset + 2 * CHUNK])
        time.sleep(seconds_per_chunk)


def stored_samples(app, turn_id: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        recording = session.get(Recording, session.get(TurnRow, turn_id).recording_id)
        return decode_audio(app.state.settings.data_dir / recording.path, max_seconds=120).samples


def written_samples(folder: Path) -> int:
    """Samples in the reply file being streamed (0 before the first chunk)."""
    for growing in folder.rglob("stream-*.wav.part"):
        try:
            return len(decode_audio(growing, max_seconds=60).samples)
        except AudioError:  # the header alone: nothing written yet
            return 0
    return 0


def words(result: dict) -> list[tuple]:
    return [tuple(w.values()) for w in result["analysis"]["transcript"]["words"]]


def test_the_growing_file_is_a_whole_recording_after_every_chunk(tmp_path: Path) -> None:
    pcm = (np.sin(np.arange(RATE) / 7.0) * 8000).astype("<i2")
    wav = GrowingWav(tmp_path / "r.wav", max_seconds=0.8)
    for offset in range(0, len(pcm), 1001):  # odd byte counts too
        wav.append(pcm[offset : offset + 1001].tobytes()[:-1] if offset == 0 else pcm[offset : offset + 1001].tobytes())
        on_disk = decode_audio(tmp_path / "r.wav", max_seconds=10).samples if wav.seconds > 0 else np.zeros(0)
        assert len(on_disk) == round(wav.seconds * RATE)  # readable as it is, without close()
        assert np.array_equal(on_disk, wav.samples())  # the live analysis sees what the file holds
    assert wav.seconds == 0.8  # the maximum length holds
    assert not wav.append(pcm[:100].tobytes())
    before = wav.samples().copy()
    wav.close([Phrase(0, 4000), Phrase(6000, 12_800)])
    # The phrase boundaries travel inside the recording, and decoders skip them.
    assert recorded_phrases(tmp_path / "r.wav") == [Phrase(0, 4000), Phrase(6000, 12_800)]
    assert np.array_equal(decode_audio(tmp_path / "r.wav", max_seconds=10).samples, before)
    assert np.array_equal(before[:1000], pcm[:1000] / 32768.0)


def test_a_streamed_reply_is_analysed_while_spoken_and_stored_as_an_upload_would_be(app, client, reply_pcm):  # noqa: F811
    conversation = start(client)
    user_folder = app.state.settings.data_dir / "recordings"
    warm_up(lambda: app.state.service.analyser.whisper)  # as the first stream of a server process does
    with client.websocket_connect(stream_url(client, conversation["id"])) as ws:
        half = len(reply_pcm) // 2 // (2 * CHUNK) * (2 * CHUNK)
        send_paced(ws, reply_pcm[:half], 0.25)
        # Written as it arrives: the file on disk already holds the first half.
        growing = list(user_folder.rglob("stream-*.wav.part"))
        assert len(growing) == 1
        assert len(decode_audio(growing[0], max_seconds=60).samples) == half // 2
        send_paced(ws, reply_pcm[half:], 0.25)
        ws.send_text(json.dumps({"type": "stop"}))
        stored = ws.receive_json()
        assert stored["type"] == "stored" and stored["status"] == "queued"
        assert run_queue(app) == 1
        assert ws.receive_json() == {"type": "analysed", "turn_id": stored["turn_id"], "status": "done"}
    assert not list(user_folder.rglob("stream-*")) and not list(user_folder.rglob("*.phrases.json"))
    turn = client.get(f"/api/turns/{stored['turn_id']}").json()
    result = turn["result"]
    # The same turn as an upload: analysis, score and the customer's reaction.
    assert set(result) == {"schema_version", "analysis", "score", "reaction"} and result["score"]["points"]
    assert result["analysis"]["transcript"]["words"]
    # Phrases were transcribed while speaking; at Stop at most the last one was left.
    timings = result["analysis"]["timings"]
    assert timings["phrases_streamed"] >= 2 and timings["phrases_left"] <= 1, timings
    assert timings["pitch_streamed"] == timings["phrases_streamed"], timings  # pitch too
    # Every chunk is in the stored recording, sample for sample.
    assert np.array_equal(stored_samples(app, stored["turn_id"]), np.frombuffer(reply_pcm, "<i2") / 32768.0)
    after = client.get(f"/api/conversations/{conversation['id']}").json()
    assert after["state"]["turn"] == 1 and after["customer_line"] == result["reaction"]["next_line"]
    # A re-analysis of the stored recording (nothing streamed now) hears the same words.
    assert client.post(f"/api/turns/{stored['turn_id']}/reanalyse").status_code == 202
    run_queue(app)
    again = client.get(f"/api/turns/{stored['turn_id']}").json()["result"]
    assert again["analysis"]["timings"]["phrases_streamed"] == again["analysis"]["timings"]["pitch_streamed"] == 0
    assert words(again) == words(result)
    # ... and measures the same voice (pitch tracked live per phrase = tracked now), so the same score.
    assert again["analysis"]["voice"] == result["analysis"]["voice"]
    assert again["score"] == result["score"]


def test_a_cut_connection_keeps_what_arrived_and_it_is_analysed(app, client, reply_pcm):  # noqa: F811
    conversation = start(client)
    sent = reply_pcm[: len(reply_pcm) * 2 // 3 // (2 * CHUNK) * (2 * CHUNK)]
    user_folder = app.state.settings.data_dir / "recordings"
    with client.websocket_connect(stream_url(client, conversation["id"])) as ws:
        send_paced(ws, sent, 0.05)
        # Cut once the server has every chunk: the test client cancels the server's task at the
        # close, so chunks still queued in the test client's stream never "arrived".
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and written_samples(user_folder) < len(sent) // 2:
            time.sleep(0.05)
    # no stop: the connection simply ended mid-reply
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with app.state.sessions() as session:
            turns = session.query(TurnRow).all()
        if turns:
            break
        time.sleep(0.1)
    assert len(turns) == 1
    assert np.array_equal(stored_samples(app, turns[0].id), np.frombuffer(sent, "<i2") / 32768.0)
    assert run_queue(app) == 1
    turn = client.get(f"/api/turns/{turns[0].id}").json()
    assert turn["status"] == "done" and turn["result"]["analysis"]["transcript"]["words"]


def test_pitch_tracked_live_per_phrase_equals_the_whole_reply_analysis(app, tmp_path, reply_pcm):  # noqa: F811
    whisper = lambda: app.state.service.analyser.whisper  # noqa: E731
    session = StreamSession(tmp_path / "reply.wav.part", max_seconds=120, model=whisper)
    for offset in range(0, len(reply_pcm), 2 * CHUNK):
        session.feed(reply_pcm[offset : offset + 2 * CHUNK])
    # Silence after the reply until its three sentences were handled live (bounded: a slow machine
    # only makes the recording longer).
    silence, deadline = bytes(2 * CHUNK), time.monotonic() + 120
    while len(session.streamed.pitch) < len(SENTENCES) and time.monotonic() < deadline:
        session.feed(silence)
        time.sleep(0.05)
    streamed = session.finish()
    assert len(streamed.pitch) >= len(SENTENCES) and set(streamed.pitch) <= set(streamed.texts)
    decoded = decode_audio(tmp_path / "reply.wav.part", max_seconds=120)
    samples, segments = decoded.samples, check_audio(decoded).speech_segments
    phrases = recorded_phrases(tmp_path / "reply.wav.part")
    spans = [(phrase.start, phrase.end) for phrase in phrases]
    tracked = [streamed.pitch.get(phrase_key(samples, phrase)) for phrase in phrases]
    assert sum(piece is not None for piece in tracked) >= len(SENTENCES)
    live = compute_contours(samples, RATE, segments, spans, tracked)
    whole = compute_contours(samples, RATE, segments, spans)
    assert np.allclose(live.f0_hz, whole.f0_hz, equal_nan=True)
    assert np.array_equal(live.voiced, whole.voiced) and live.voiced.sum() > RATE // 160  # > 1 s voiced
    assert np.array_equal(live.loudness_db, whole.loudness_db)


def refusal(client, url: str, **headers: str) -> dict:  # type: ignore[no-untyped-def]
    with client.websocket_connect(url, headers=headers) as ws:
        message = ws.receive_json()
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1008
    return message["error"]


def test_the_upload_rules_hold_for_the_stream(app, client, reply_pcm):  # noqa: F811
    conversation = start(client)
    url = stream_url(client, conversation["id"])
    assert refusal(client, url.split("?")[0])["code"] == "csrf"
    assert refusal(client, url, origin="http://127.0.0.1:9999")["code"] == "cross_origin"
    other = logged_in(app, "ander")
    assert refusal(other, stream_url(other, conversation["id"]))["code"] == "not_found"
    anonymous = type(client)(app)
    assert refusal(anonymous, url)["code"] == "login_required"
    # Stop before any sound: a clear Dutch message and no turn.
    with client.websocket_connect(url) as ws:
        ws.send_text(json.dumps({"type": "stop"}))
        error = ws.receive_json()["error"]
    assert error["code"] == "empty" and "opnieuw" in error["message"]
    with app.state.sessions() as session:
        assert session.query(TurnRow).count() == 0
    assert not list((app.state.settings.data_dir / "recordings").rglob("stream-*"))


def test_deleting_a_streamed_reply_before_its_analysis_leaves_none_of_its_words(app, client, reply_pcm):  # noqa: F811
    conversation = start(client)
    with client.websocket_connect(stream_url(client, conversation["id"])) as ws:
        send_paced(ws, reply_pcm, 0.25)  # in real time, as the first test: phrases settle while it arrives
        ws.send_text(json.dumps({"type": "stop"}))
        stored = ws.receive_json()
        user_folder = app.state.settings.data_dir / "recordings"
        # the words heard while it arrived wait beside the recording for its analysis
        assert list(user_folder.rglob("*.phrases.json"))
        assert client.delete(f"/api/turns/{stored['turn_id']}").status_code == 204
        assert ws.receive_json() == {"type": "analysed", "turn_id": stored["turn_id"], "status": "deleted"}
    assert not [path for path in user_folder.rglob("*") if path.is_file()]

