"""The trainee's whole path in a real browser: Debian Chromium driven by Playwright, with a
generated Dutch wav fed into the page's microphone. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.audio_factory import sox
from tests.live import LiveService
from voicecoach.audio.synth import speak_to_wav
from voicecoach.voice.baseline import CALIBRATION_TEXT

ARTIFACTS = Path(__file__).parent / "artifacts"
REPLY = "Goedemiddag meneer, ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[LiveService]:  # type: ignore[no-untyped-def]
    live = LiveService(tmp_path_factory.mktemp("data")).start()
    live.create_user("oefenaar")
    live.start_worker()
    yield live
    live.stop()


def _fake_microphone(text: str, folder: Path, name: str, *effects: str) -> Path:
    """48 kHz 16-bit WAV, the form Chromium's fake capture device reads."""
    source = speak_to_wav(text, folder / f"{name}-bron.wav")
    return sox(source, folder / f"{name}.wav", "rate", "48000", *effects, "pad", "0", "3")


def _browser(playwright, microphone: Path) -> Browser:  # type: ignore[no-untyped-def]
    chromium = shutil.which("chromium")
    assert chromium, "scripts/install.sh --test installs Debian chromium"
    return playwright.chromium.launch(
        executable_path=chromium,
        args=[
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}",
            "--autoplay-policy=no-user-gesture-required",
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
    )


def _log_in(page: Page, url: str, username: str = "oefenaar") -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "geheim-wachtwoord")
    page.click("button[type=submit]")


def _record(page: Page, button: str, seconds: float) -> None:
    page.click(button)
    expect(page.locator(button)).to_have_text("Stop")
    page.wait_for_timeout(seconds * 1000)
    page.click(button)


def test_calibrate_practise_and_see_the_evidence(service, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    calm = _fake_microphone(CALIBRATION_TEXT, tmp_path, "kalibratie", "gain", "-12")
    heated = _fake_microphone(REPLY, tmp_path, "antwoord", "gain", "-2", "pitch", "400")  # +10 dB, +4 st
    calm_seconds = float(subprocess.run(["soxi", "-D", str(calm)], capture_output=True, text=True).stdout)

    with sync_playwright() as playwright:
        browser = _browser(playwright, calm)
        page = browser.new_page()
        _log_in(page, service.url)
        expect(page.get_by_role("heading", name="Kies een scenario")).to_be_visible()
        page.screenshot(path=ARTIFACTS / "1-home.png", full_page=True)
        _record(page, "#calibration-record", calm_seconds - 2)
        expect(page.locator("#baseline-summary")).to_have_attribute("data-ready", "1", timeout=180_000)
        expect(page.locator("#baseline-summary")).to_contain_text("Gemeten: luidheid")
        page.screenshot(path=ARTIFACTS / "2-calibrated.png", full_page=True)
        page.click("button.start[data-scenario='monteur-deur']")
        page.wait_for_url("**/gesprek/*")
        conversation_url = page.url
        first_line = page.locator("#customer-line").inner_text()
        assert first_line
        page.screenshot(path=ARTIFACTS / "3-conversation.png", full_page=True)
        browser.close()

        browser = _browser(playwright, heated)
        page = browser.new_page()
        _log_in(page, conversation_url)  # a new browser: log in again, then open the conversation
        page.goto(conversation_url)
        expect(page.locator("#customer-line")).to_have_text(first_line)
        _record(page, "#record", 8)
        expect(page.locator("#feedback")).to_be_visible(timeout=180_000)
        expect(page.locator("#transcript")).not_to_be_empty()
        expect(page.locator('#waveform [part~="region"]').first).to_be_attached(timeout=30_000)
        expect(page.locator("#points li").first).to_be_visible()
        expect(page.locator("#points")).to_contain_text("harder dan je rustige stem")
        expect(page.locator("#customer-line")).not_to_have_text(first_line, timeout=30_000)
        page.screenshot(path=ARTIFACTS / "4-feedback.png", full_page=True)
        page.on("dialog", lambda dialog: dialog.accept())  # "definitief verwijderen?"
        page.click("#delete-conversation")
        page.wait_for_url(f"{service.url}/")
        assert page.request.get(f"{service.url}/api/conversations/{conversation_url.rsplit('/', 1)[1]}").status == 404
        browser.close()
