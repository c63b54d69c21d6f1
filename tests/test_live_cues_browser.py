"""Live cues in the browser (issue 15): "Tips tijdens het spreken" is off by default and
remembered per browser; when on, a loud reply shows one calm word while recording, a high one
another, and when off the page does not ask for cues and shows none. Real Chromium with a loud or
a high fake microphone (MBROLA made loud or high with sox), a live service and worker; the trainee
has no calibration, so the analysis' fallback levels hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, WebSocket, expect, sync_playwright

from tests.browser_support import (
    ARTIFACTS,
    VIEWPORTS,
    check_page,
    fake_microphone,
    launch,
    log_in,
    new_page,
)
from tests.live import LiveService
from tests.test_live_cues import VERY_HIGH_CENTS, VOICED_SENTENCES
from voicecoach.vocabulary import CUE_NAMES

# Long enough that any few seconds of the looping fake microphone hold two seconds of speech.
REPLY = ("Goedemiddag meneer, ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is "
         "gebeurd? Dan ga ik het direct voor u uitzoeken, en ik bel u vandaag nog terug.")
CUE_WITHIN_MS = 30_000  # the stream on a loaded two-core machine; the cue itself comes after 2 s of voice
OEFENAAR = "oefenaar.cues"  # this module's trainee on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(OEFENAAR)
    return shared_service


@pytest.fixture(scope="module")
def loud_microphone(tmp_path_factory) -> Path:
    """MBROLA 12 dB above its own level (sox's limiter keeps the peaks): raised for anyone."""
    return fake_microphone(REPLY, tmp_path_factory.mktemp("microfoon"), "hard", "gain", "-l", "12")


@pytest.fixture(scope="module")
def high_microphone(tmp_path_factory) -> Path:
    """A mostly voiced MBROLA reply VERY_HIGH_CENTS higher, 10 dB below its own level: a raised
    pitch for anyone, not a raised voice."""
    return fake_microphone(" ".join(VOICED_SENTENCES), tmp_path_factory.mktemp("microfoon"), "hoog",
                           "gain", "-10", "pitch", str(VERY_HIGH_CENTS))


def _conversation_page(service: LiveService, page: Page) -> tuple[list[str], list[dict]]:
    """Log in on a new conversation's page; the stream addresses the page opens, and every text
    message the server sends on them."""
    conversation = service.client(OEFENAAR).post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()
    streams: list[str] = []
    messages: list[dict] = []

    def opened(socket: WebSocket) -> None:
        streams.append(socket.url)
        socket.on("framereceived", lambda frame: messages.append(json.loads(frame)) if isinstance(frame, str) else None)

    page.on("websocket", opened)
    log_in(page, f"{service.url}/gesprek/{conversation['id']}", OEFENAAR)
    expect(page.locator("#customer-line")).not_to_be_empty()
    return streams, messages


def test_the_toggle_is_off_by_default_is_remembered_and_shows_a_cue_while_recording(service, loud_microphone):
    with sync_playwright() as playwright:
        browser = launch(playwright, loud_microphone)
        page = new_page(browser)
        streams, messages = _conversation_page(service, page)
        toggle = page.get_by_label("Tips tijdens het spreken")
        expect(toggle).not_to_be_checked()  # off unless the trainee turns it on
        toggle.focus()
        page.keyboard.press("Space")  # a real checkbox: the keyboard works
        expect(toggle).to_be_checked()
        page.reload()
        expect(page.locator("#customer-line")).not_to_be_empty()
        expect(toggle).to_be_checked()  # remembered in this browser
        check_page(page, "20-live-cues-toggle")
        page.set_viewport_size(VIEWPORTS["phone"])
        page.click("#record")
        expect(page.locator("#record")).to_have_text("Stop", timeout=15_000)
        cue = page.locator("#cue")
        expect(cue).to_have_text(CUE_NAMES["zachter"], timeout=CUE_WITHIN_MS)
        box = cue.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS["phone"]["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "20-live-cue-phone.png", full_page=True)
        page.click("#record")
        expect(page.locator("#record")).to_have_text("Opnemen")
        expect(cue).to_have_text("")  # the word goes with the recording
        browser.close()
    assert len(streams) == 1 and "cues=1" in streams[0]
    assert {"type": "cue", "cue": "zachter"}.items() <= next(m for m in messages if m["type"] == "cue").items()


def test_with_the_toggle_off_the_page_asks_for_no_cues_and_shows_none(service, loud_microphone):
    with sync_playwright() as playwright:
        browser = launch(playwright, loud_microphone)
        page = new_page(browser)
        streams, messages = _conversation_page(service, page)
        expect(page.get_by_label("Tips tijdens het spreken")).not_to_be_checked()
        page.evaluate("""() => {  // every text the cue line ever gets
            window.cueTexts = [];
            new MutationObserver(() => window.cueTexts.push(document.getElementById("cue").textContent))
              .observe(document.getElementById("cue"), { childList: true, characterData: true, subtree: true });
        }""")
        page.click("#record")
        expect(page.locator("#record")).to_have_text("Stop", timeout=15_000)
        page.wait_for_timeout(7_000)  # as loud and as long as the reply that got a cue
        page.click("#record")
        expect(page.locator("#record")).to_have_text("Opnemen")
        assert [text for text in page.evaluate("window.cueTexts") if text] == []
        browser.close()
    assert len(streams) == 1 and "cues=" not in streams[0]
    assert [m for m in messages if m["type"] == "cue"] == []


def test_a_raised_pitch_shows_rustig(service, high_microphone):
    with sync_playwright() as playwright:
        browser = launch(playwright, high_microphone)
        page = new_page(browser)
        streams, messages = _conversation_page(service, page)
        page.get_by_label("Tips tijdens het spreken").check()
        page.click("#record")
        expect(page.locator("#record")).to_have_text("Stop", timeout=15_000)
        expect(page.locator("#cue")).to_have_text(CUE_NAMES["rustig"], timeout=CUE_WITHIN_MS)
        page.click("#record")
        expect(page.locator("#record")).to_have_text("Opnemen")
        browser.close()
    assert len(streams) == 1 and "cues=1" in streams[0]
    assert {"type": "cue", "cue": "rustig"}.items() <= next(m for m in messages if m["type"] == "cue").items()
