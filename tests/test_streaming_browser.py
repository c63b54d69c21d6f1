"""The page streams a reply while it is recorded (its MediaRecorder's WebM chunks over the WebSocket) and shows
its feedback; the stored recording holds the whole time from Start to Stop; when the socket is
refused the page uploads the recording it kept. Real Chromium with a fake microphone, a live
service and worker (streaming is the default)."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.audio_factory import duration_of, sox
from tests.browser_support import VOICE, launch, log_in, new_page
from tests.live import LiveService
from voicecoach.audio.synth import speak_to_wav

SENTENCES = ("Goedemiddag meneer, ik begrijp dat u boos bent.", "Kunt u mij vertellen wat er precies is gebeurd?")
ANALYSED = 240_000  # ms: Whisper on a shared two-core machine
RECORD_S = 8
SLACK_S = 0.6  # the stream's first and last chunk around the clicks (250 ms chunks, the click's own time)
SPREKER = "spreker.streaming"  # this module's trainee on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(SPREKER)
    shared_service.wait_until_live_ready()  # /healthz says when streamed replies are heard while spoken
    return shared_service


@pytest.fixture(scope="module")
def microphone(tmp_path_factory) -> Path:
    """Two sentences with pauses (the first phrase ends while the trainee still speaks)."""
    folder = tmp_path_factory.mktemp("microfoon")
    parts = [speak_to_wav(text, folder / f"{i}.wav", voice=VOICE) for i, text in enumerate(SENTENCES)]
    padded = [sox(part, folder / f"p{i}.wav", "rate", "48000", "pad", "0.3", "1.2") for i, part in enumerate(parts)]
    path = folder / "microfoon.wav"
    subprocess.run(["sox", str(padded[0]), str(padded[1]), str(path)], check=True)
    return path


def _record(page: Page, seconds: float, before_stop: Callable[[], None] = lambda: None) -> tuple[float, float]:
    """Record for `seconds` (then `before_stop`); the shortest and the longest time the page can have recorded."""
    before_start = time.monotonic()
    page.click("#record")
    expect(page.locator("#record")).to_have_text("Stop", timeout=15_000)  # the recording runs from before this
    started = time.monotonic()
    page.wait_for_timeout(seconds * 1000)
    before_stop()
    stopping = time.monotonic()
    page.click("#record")
    expect(page.locator("#record")).to_have_text("Opnemen")
    return stopping - started, time.monotonic() - before_start


def _stored_while_recording(service: LiveService) -> float:
    """Seconds of the reply the server has written to its recording file so far (16 kHz, 16 bits); in
    the trainee's own recordings folder, as other modules' users stream on the shared service too."""
    data = Path(service.env["VOICECOACH_DATA_DIR"])
    with sqlite3.connect(data / "voicecoach.db", timeout=30) as db:
        (user_id,) = db.execute("SELECT id FROM users WHERE username = ?", (SPREKER,)).fetchone()
    growing = list((data / "recordings" / str(user_id)).glob("stream-*.wav.part"))
    return sum(path.stat().st_size for path in growing) / (2 * 16_000)


def _recorded_reply(service: LiveService, microphone: Path, *, refuse_socket: bool) -> tuple[dict, list[str], list[str], tuple[float, float]]:
    client = service.client(SPREKER)
    written: list[float] = []
    conversation = client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()
    with sync_playwright() as playwright:
        browser = launch(playwright, microphone)
        page = new_page(browser)
        sockets: list[str] = []
        if refuse_socket:  # the network refuses WebSockets (a proxy that does not pass them)
            page.route_web_socket("**/stream*", lambda socket: (sockets.append(socket.url), socket.close(code=1011, reason="refused")))
        else:
            page.on("websocket", lambda ws: sockets.append(ws.url))
        uploads: list[str] = []
        page.on("request", lambda request: uploads.append(request.url) if request.method == "POST" and request.url.split("?")[0].endswith("/turns") else None)
        log_in(page, f"{service.url}/gesprek/{conversation['id']}", SPREKER)
        page.wait_for_url(f"**/gesprek/{conversation['id']}")
        expect(page.locator("#customer-line")).not_to_be_empty()
        bounds = _record(page, RECORD_S, lambda: written.append(_stored_while_recording(service)))
        turn_block = page.locator(".turn[data-number='1']")
        expect(turn_block.locator(".points li").first).to_be_visible(timeout=ANALYSED)
        expect(turn_block.locator(".transcript")).not_to_be_empty()
        expect(page.locator("#continue")).to_be_visible()
        browser.close()
    turns = client.get(f"/api/conversations/{conversation['id']}").json()["turns"]
    assert len(turns) == 1 and turns[0]["status"] == "done"  # one reply, one turn
    assert sockets and sockets[0].startswith(f"ws://127.0.0.1:{service.port}/api/conversations/{conversation['id']}/stream?")
    assert "csrf=" in sockets[0] and "format=webm" in sockets[0]
    # the server wrote the reply as it arrived: seconds of it were on disk before Stop (none when refused)
    assert (written[0] == 0) if refuse_socket else (written[0] >= RECORD_S / 2), written
    return turns[0], sockets, uploads, bounds


def test_a_streamed_reply_holds_the_whole_recording_and_its_feedback_is_shown(service, microphone):
    assert duration_of(microphone) > RECORD_S  # the fake microphone has speech for the whole recording
    turn, sockets, uploads, (shortest, longest) = _recorded_reply(service, microphone, refuse_socket=False)
    assert len(sockets) == 1
    assert uploads == []  # the reply went through the stream, not the upload
    client = service.client(SPREKER)
    audio = client.get(f"/api/turns/{turn['id']}/audio")
    assert audio.headers["content-type"] == "audio/wav"  # decoded from the stream as it arrived, not the upload
    duration = turn["result"]["analysis"]["audio"]["duration"]
    assert shortest - SLACK_S <= duration <= longest + SLACK_S, (shortest, duration, longest)
    # Whether the first phrase was also transcribed before Stop depends on how busy the machine is
    # (test_streaming.py and test_streaming_webm.py pace it themselves; bench/latency.py measures it)


def test_a_refused_socket_uploads_the_recording_the_page_kept(service, microphone):
    turn, _, uploads, (shortest, longest) = _recorded_reply(service, microphone, refuse_socket=True)
    assert len(uploads) == 1  # the page's own recording, once
    audio = service.client(SPREKER).get(f"/api/turns/{turn['id']}/audio")
    assert audio.headers["content-type"] != "audio/wav"  # the uploaded WebM itself, not a stream's WAV
    duration = turn["result"]["analysis"]["audio"]["duration"]
    assert shortest - SLACK_S <= duration <= longest + SLACK_S, (shortest, duration, longest)


def test_an_upload_whose_answer_was_lost_is_sent_again_and_stored_once(service, microphone):
    """The server stored the upload, but its answer never reached the page (a phone losing its
    connection): "Opnieuw proberen" sends the same recording with the same reply id, and the page
    shows the feedback of the turn it made, instead of "still being analysed" or "line answered"."""
    client = service.client(SPREKER)
    conversation = client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()
    uploads: list[tuple[str, int | None]] = []

    def lose_the_first_answer(route) -> None:  # type: ignore[no-untyped-def]
        if uploads:
            uploads.append((route.request.url, None))
            route.continue_()
            return
        stored = route.fetch()  # the server has the reply and answers...
        uploads.append((route.request.url, stored.status))
        route.abort("connectionreset")  # ...but the page never hears it

    with sync_playwright() as playwright:
        browser = launch(playwright, microphone)
        page = new_page(browser)
        page.route_web_socket("**/stream*", lambda socket: socket.close(code=1011, reason="refused"))
        page.route(lambda url: url.split("?")[0].endswith(f"/conversations/{conversation['id']}/turns"), lose_the_first_answer)
        log_in(page, f"{service.url}/gesprek/{conversation['id']}", SPREKER)
        expect(page.locator("#customer-line")).not_to_be_empty()
        _record(page, 3)
        expect(page.locator("#error")).to_contain_text("De verbinding viel weg", timeout=60_000)
        page.click("#retry")
        turn_block = page.locator(".turn[data-number='1']")
        expect(turn_block.locator(".points li").first).to_be_visible(timeout=ANALYSED)
        expect(page.locator("#error")).to_be_hidden()
        expect(page.locator("#continue")).to_be_visible()
        browser.close()
    assert [status for _, status in uploads] == [202, None]
    assert len({url for url, _ in uploads}) == 1 and "reply=" in uploads[0][0]  # the same reply id both times
    turns = client.get(f"/api/conversations/{conversation['id']}").json()["turns"]
    assert len(turns) == 1 and turns[0]["status"] == "done"
