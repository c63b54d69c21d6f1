"""Laat de klant uitpraten through the API: the reply says how much of the customer's line was still
playing (`line_left`, upload query or stream handshake), the turn keeps it, the worker compares the
recording with the line's audio (real MBROLA speech, real Whisper, real SQLite)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.audio_factory import write_wav
from tests.test_api import app, client, run_queue, start  # noqa: F401 - fixtures
from tests.test_interruption import _seconds, first_line, overlapping_recordings, trainee_reply
from tests.test_streaming import refusal, stream_url
from voicecoach.store.models import TurnRow
from voicecoach.vocabulary import INTERRUPTION

POINT = f"luisteren:{INTERRUPTION}"


@pytest.fixture(scope="module")
def uploads(tmp_path_factory) -> dict:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("uitpraten-api")
    scenario, line = first_line(folder)
    line_left = round(0.7 * _seconds(line), 2)
    recordings = overlapping_recordings(line, trainee_reply(folder), line_left)
    return {"scenario": scenario, "line_left": line_left, "headphones_pcm": _pcm(recordings["headphones"]),
            **{name: write_wav(folder / f"{name}.wav", samples).read_bytes() for name, samples in recordings.items()}}


def _pcm(samples: np.ndarray) -> bytes:
    """What the page's stream sends: 16 kHz mono 16-bit little-endian PCM."""
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


def _answer(app, client, audio: bytes, query: str = "") -> dict:  # type: ignore[no-untyped-def]  # noqa: F811 - fixtures
    conversation = start(client)
    response = client.post(f"/api/conversations/{conversation['id']}/turns{query}", content=audio)
    assert response.status_code == 202, response.text
    run_queue(app)
    return client.get(f"/api/turns/{response.json()['turn_id']}").json()


def test_talking_over_the_line_is_scored_and_answered_and_stays_on_reanalysis(app, client, uploads):  # noqa: F811
    turn = _answer(app, client, uploads["over_echo"], f"?line_left={uploads['line_left']}")
    assert turn["status"] == "done"
    found = turn["result"]["analysis"]["interruption"]
    assert found["interrupting"] and found["line_left"] == pytest.approx(uploads["line_left"])
    assert found["seconds"] >= found["min_seconds"] and found["similarity"] < found["threshold"]
    point = next(p for p in turn["result"]["score"]["points"] if p["criterion"] == POINT)
    assert point["points"] < 0 and "uitpraten" in point["explanation"]
    answers = uploads["scenario"].responses[INTERRUPTION]
    assert any(turn["result"]["reaction"]["next_line"].startswith(answer) for answer in answers)
    with app.state.sessions() as session:
        assert session.get(TurnRow, turn["id"]).line_left_seconds == pytest.approx(uploads["line_left"])

    assert client.post(f"/api/turns/{turn['id']}/reanalyse").status_code == 202
    run_queue(app)
    again = client.get(f"/api/turns/{turn['id']}").json()
    assert again["result"]["analysis"]["interruption"] == found  # the stored overlap is used again


def test_the_loudspeakers_echo_is_not_held_against_the_trainee(app, client, uploads):  # noqa: F811
    turn = _answer(app, client, uploads["echo"], f"?line_left={uploads['line_left']}")
    assert turn["status"] == "done"
    found = turn["result"]["analysis"]["interruption"]
    assert not found["interrupting"] and found["explained_seconds"] >= 1.0
    assert all(p["criterion"] != POINT for p in turn["result"]["score"]["points"])


def test_without_line_left_nothing_is_checked_and_bad_values_are_refused_in_dutch(app, client, uploads):  # noqa: F811
    turn = _answer(app, client, uploads["headphones"])
    assert turn["status"] == "done" and turn["result"]["analysis"]["interruption"] is None
    conversation = start(client)
    for bad in ("-1", "abc", "1e9", "nan"):
        response = client.post(f"/api/conversations/{conversation['id']}/turns?line_left={bad}", content=uploads["echo"])
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] == "invalid_input" and "line_left" in response.json()["error"]["message"]


def test_the_stream_takes_line_left_in_its_handshake(app, client, uploads):  # noqa: F811
    conversation = start(client)
    url = stream_url(client, conversation["id"])
    refused = refusal(client, f"{url}&line_left=abc")
    assert refused["code"] == "invalid_input" and "line_left" in refused["message"]
    with client.websocket_connect(f"{url}&line_left={uploads['line_left']}") as ws:
        ws.send_bytes(uploads["headphones_pcm"])
        ws.send_text(json.dumps({"type": "stop"}))
        stored = ws.receive_json()
    assert stored["type"] == "stored"
    with app.state.sessions() as session:
        assert session.get(TurnRow, stored["turn_id"]).line_left_seconds == pytest.approx(uploads["line_left"])
