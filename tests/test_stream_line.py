"""A reply names the customer line it answers (`turn`, upload query or stream handshake): it is
stored only while that line still awaits a reply, so a stream cut mid-reply and noticed late never
becomes the answer to the next line, and what is not stored leaves no file (real model, MBROLA and
espeak-ng speech, real SQLite)."""

from __future__ import annotations

import json
import logging
import time

from tests.test_api import app, client, run_queue, start  # noqa: F401 - fixtures
from tests.test_streaming import (  # noqa: F401 - fixture
    CHUNK,
    refusal,
    reply_pcm,
    send_paced,
    stream_url,
    written_samples,
)
from voicecoach.store.models import Recording, TurnRow


def _answer(app, client, conversation_id: str, audio: bytes, turn: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Upload a reply to line `turn` and analyse it: the conversation moves on to the next line."""
    response = client.post(f"/api/conversations/{conversation_id}/turns?turn={turn}", content=audio)
    assert response.status_code == 202, response.text
    assert run_queue(app) == 1
    assert client.get(f"/api/conversations/{conversation_id}").json()["state"]["turn"] == turn


def _files_follow_rows(app) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Every file in the recordings folder is a stored recording: no file without its row."""
    folder = app.state.settings.data_dir / "recordings"
    files = sorted(str(path.relative_to(app.state.settings.data_dir)) for path in folder.rglob("*") if path.is_file())
    with app.state.sessions() as session:
        assert files == sorted(recording.path for recording in session.query(Recording))


def _stream_arrived(app, ws, pcm: bytes) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Send `pcm` and wait (bounded) until the server wrote all of it."""
    send_paced(ws, pcm, 0.02)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and written_samples(app.state.settings.data_dir / "recordings") < len(pcm) // 2:
        time.sleep(0.05)


def test_a_reply_to_a_line_answered_already_is_refused_in_dutch_on_both_paths(app, client, reply_pcm, dutch_reply_wav):  # noqa: F811
    conversation = start(client)["id"]
    audio = dutch_reply_wav.read_bytes()
    _answer(app, client, conversation, audio, turn=1)
    # The upload naming line 1 again: refused, nothing stored.
    response = client.post(f"/api/conversations/{conversation}/turns?turn=1", content=audio)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "line_answered" and "beurt 1" in error["message"] and "beurt 2" in error["message"]
    assert client.post(f"/api/conversations/{conversation}/turns?turn=nul", content=audio).status_code == 422
    # The stream naming line 1: refused at the handshake, before any sound is sent.
    url = stream_url(client, conversation)
    assert refusal(client, f"{url}&turn=1") == error
    assert refusal(client, f"{url}&turn=0")["code"] == "invalid_input"
    # A stream for line 2 while that line gets answered by an upload: refused at Stop, its file gone.
    with client.websocket_connect(f"{url}&turn=2") as ws:
        _stream_arrived(app, ws, reply_pcm[: 8 * 2 * CHUNK])
        _answer(app, client, conversation, audio, turn=2)
        ws.send_text(json.dumps({"type": "stop"}))
        refused = ws.receive_json()
    assert refused["type"] == "error" and refused["error"]["code"] == "line_answered"
    assert "beurt 2" in refused["error"]["message"] and "beurt 3" in refused["error"]["message"]
    with app.state.sessions() as session:
        assert sorted(t.number for t in session.query(TurnRow)) == [1, 2]
    _files_follow_rows(app)


def test_a_cut_stream_whose_line_was_answered_meanwhile_is_not_the_next_lines_reply(
    app, client, reply_pcm, dutch_reply_wav, caplog  # noqa: F811
):
    caplog.set_level(logging.WARNING, logger="voicecoach.api.routes.stream")
    conversation = start(client)["id"]
    folder = app.state.settings.data_dir / "recordings"
    with client.websocket_connect(f"{stream_url(client, conversation)}&turn=1") as ws:
        _stream_arrived(app, ws, reply_pcm[: 8 * 2 * CHUNK])
        # The page lost the connection and uploaded its own recording; that reply is analysed.
        _answer(app, client, conversation, dutch_reply_wav.read_bytes(), turn=1)
    # no stop: the connection was cut; the server notices and handles what arrived (bounded wait)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (list(folder.rglob("stream-*")) or "not stored" not in caplog.text):
        time.sleep(0.05)
    assert "not stored" in caplog.text and "beurt 1" in caplog.text
    with app.state.sessions() as session:
        assert [t.number for t in session.query(TurnRow)] == [1]  # not stored as line 2's reply
    assert client.get(f"/api/conversations/{conversation}").json()["state"]["turn"] == 1
    _files_follow_rows(app)
