"""The page streams its MediaRecorder's WebM/Opus chunks: the server decodes them while they arrive
(phrases are transcribed while the trainee speaks) and stores the same reply an upload of that
recording would give; a stream that is not audio gets the upload's Dutch error and leaves no file."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from tests.audio_factory import encode
from tests.test_api import app, client, logged_in, run_queue, start  # noqa: F401 - fixtures
from tests.test_streaming import RATE, reply_pcm, stored_samples, stream_url  # noqa: F401 - fixture
from voicecoach.audio.decode import decode_audio
from voicecoach.streaming.session import warm_up

WEBM_CHUNK = 4000  # bytes: about 250 ms of Opus at MediaRecorder's bit rate, as its timeslice sends


@pytest.fixture(scope="module")
def reply_webm(tmp_path_factory: pytest.TempPathFactory, reply_pcm: bytes) -> bytes:  # noqa: F811
    samples = np.frombuffer(reply_pcm, "<i2").astype(np.float32) / 32768
    path = encode(samples, RATE, tmp_path_factory.mktemp("webm") / "reply.webm", container="webm", codec="libopus", out_rate=48_000)
    return path.read_bytes()


def test_a_webm_stream_is_decoded_while_it_arrives_and_stored_as_its_upload(app, client, reply_pcm, reply_webm):  # noqa: F811
    conversation = start(client)
    user_folder = app.state.settings.data_dir / "recordings"
    warm_up(lambda: app.state.service.analyser.whisper)
    seconds = len(reply_pcm) / 2 / RATE
    pause = seconds / (len(reply_webm) / WEBM_CHUNK)  # real time
    with client.websocket_connect(stream_url(client, conversation["id"]) + "&format=webm") as ws:
        for offset in range(0, len(reply_webm), WEBM_CHUNK):
            ws.send_bytes(reply_webm[offset : offset + WEBM_CHUNK])
            time.sleep(pause)
        ws.send_text(json.dumps({"type": "stop"}))
        stored = ws.receive_json()
        assert stored["type"] == "stored"
        assert run_queue(app) == 1
        assert ws.receive_json()["status"] == "done"
    assert not list(user_folder.rglob("stream-*"))
    result = client.get(f"/api/turns/{stored['turn_id']}").json()["result"]
    assert result["analysis"]["timings"]["phrases_streamed"] >= 2  # decoded and heard while it arrived
    # The stored reply is the WebM's audio, as decoding the whole upload gives it.
    whole = decode_audio(reply_webm, max_seconds=60).samples
    kept = stored_samples(app, stored["turn_id"])
    assert abs(len(kept) - len(whole)) <= RATE // 100, (len(kept), len(whole))
    assert np.allclose(kept[: len(whole)], whole[: len(kept)], atol=2 / 32768)  # 16-bit rounding


def test_a_stream_that_is_not_webm_gets_a_dutch_error_and_leaves_no_file(app, client):  # noqa: F811
    conversation = start(client)
    with client.websocket_connect(stream_url(client, conversation["id"]) + "&format=webm") as ws:
        ws.send_bytes(b"dit is geen geluid " * 500)
        ws.send_text(json.dumps({"type": "stop"}))
        answer = ws.receive_json()
    assert answer["type"] == "error" and answer["error"]["code"] == "not_audio", answer
    assert answer["error"]["message"]  # Dutch, from the upload's messages
    assert not list((app.state.settings.data_dir / "recordings").rglob("stream-*"))
    assert client.get(f"/api/conversations/{conversation['id']}").json()["turns"] == []
