"""The page streams a reply while it is recorded (AudioWorklet PCM over the WebSocket) and shows
its feedback: real Chromium with a fake microphone, a live service and worker."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.audio_factory import sox
from tests.browser_support import VOICE, launch, log_in, new_page, record
from tests.live import LiveService
from voicecoach.audio.synth import speak_to_wav

SENTENCES = ("Goedemiddag meneer, ik begrijp dat u boos bent.", "Kunt u mij vertellen wat er precies is gebeurd?")


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[LiveService]:  # type: ignore[no-untyped-def]
    live = LiveService(tmp_path_factory.mktemp("data"), live_streaming="true").start()
    live.create_user("spreker")
    live.start_worker()
    yield live
    live.stop()


def test_a_reply_recorded_in_the_page_is_streamed_and_its_feedback_shown(service, tmp_path):
    # Two sentences with pauses, so the first phrase ends while the trainee still speaks.
    parts = [speak_to_wav(text, tmp_path / f"{i}.wav", voice=VOICE) for i, text in enumerate(SENTENCES)]
    padded = [sox(part, tmp_path / f"p{i}.wav", "rate", "48000", "pad", "0.3", "1.2") for i, part in enumerate(parts)]
    microphone = tmp_path / "microfoon.wav"
    subprocess.run(["sox", str(padded[0]), str(padded[1]), str(microphone)], check=True)
    client = service.client("spreker")
    conversation = client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()

    with sync_playwright() as playwright:
        browser = launch(playwright, microphone)
        page = new_page(browser)
        sockets: list[str] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        uploads: list[str] = []
        page.on("request", lambda request: uploads.append(request.url) if request.method == "POST" and request.url.endswith("/turns") else None)
        log_in(page, f"{service.url}/gesprek/{conversation['id']}", "spreker")
        page.wait_for_url(f"**/gesprek/{conversation['id']}")
        record(page, "#record", 9)
        turn_block = page.locator(".turn[data-number='1']")
        expect(turn_block.locator(".points li").first).to_be_visible(timeout=180_000)
        expect(turn_block.locator(".transcript")).not_to_be_empty()
        browser.close()

    assert len(sockets) == 1 and sockets[0].startswith(f"ws://127.0.0.1:{service.port}/api/conversations/{conversation['id']}/stream?csrf=")
    assert uploads == []  # the reply went through the stream, not the upload
    turn = client.get(f"/api/conversations/{conversation['id']}").json()["turns"][0]
    assert turn["status"] == "done"
    audio = client.get(f"/api/turns/{turn['id']}/audio")
    assert audio.headers["content-type"] == "audio/wav"  # the streamed 16 kHz PCM, not MediaRecorder's WebM
    assert audio.content[:4] == b"RIFF" and len(audio.content) > 16_000 * 2 * 5  # more than 5 s arrived
    assert turn["result"]["analysis"]["timings"]["phrases_streamed"] >= 1  # heard while speaking
