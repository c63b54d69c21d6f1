"""Shared by the browser tests: Debian Chromium with a fake microphone fed from a generated Dutch
wav, logging in, recording, and the axe-core check plus screenshots of every page visited."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.audio_factory import sox
from voicecoach.audio.synth import speak_to_wav

ROOT = Path(__file__).parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = ROOT / "web" / "static" / "vendor" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# MBROLA's Dutch voice is far more intelligible than espeak-ng's own; the latter when it is missing.
VOICE = "mb-nl2" if Path("/usr/share/mbrola/nl2").exists() else "nl+f2"


def fake_microphone(text: str, folder: Path, name: str, *effects: str) -> Path:
    """48 kHz 16-bit WAV, the form Chromium's fake capture device reads."""
    source = speak_to_wav(text, folder / f"{name}-bron.wav", voice=VOICE)
    return sox(source, folder / f"{name}.wav", "rate", "48000", *effects, "pad", "0", "3")


def spoken_reply(text: str, folder: Path, name: str) -> bytes:
    """A reply as a WAV file's bytes, for turns sent through the API."""
    return speak_to_wav(text, folder / f"{name}.wav", voice=VOICE).read_bytes()


def launch(playwright, microphone: Path, *, deny_microphone: bool = False) -> Browser:  # type: ignore[no-untyped-def]
    """Chromium with `microphone` as its fake capture device; `deny_microphone` answers every
    request for the microphone with "not allowed", as a user who clicks "Block" does."""
    chromium = shutil.which("chromium")
    assert chromium, "scripts/install.sh --test installs Debian chromium"
    return playwright.chromium.launch(
        executable_path=chromium,
        args=[
            "--use-fake-ui-for-media-stream=deny" if deny_microphone else "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}",
            "--autoplay-policy=no-user-gesture-required",
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
    )


def new_page(browser: Browser) -> Page:
    return browser.new_page(viewport=VIEWPORTS["desktop"])


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "geheim-wachtwoord")
    page.click("button[type=submit]")


def record(page: Page, button: str, seconds: float) -> None:
    page.click(button)
    expect(page.locator(button)).to_have_text("Stop")
    page.wait_for_timeout(seconds * 1000)
    page.click(button)


def check_page(page: Page, name: str) -> None:
    """axe-core at both sizes (no serious or critical violations), and a screenshot of each."""
    ARTIFACTS.mkdir(exist_ok=True)
    for size, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")  # the test injects it; pages never load it
        violations = page.evaluate(
            """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
                 .filter((v) => v.impact === "serious" || v.impact === "critical")
                 .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }))"""
        )
        assert violations == [], f"{name} ({size}): {violations}"
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= viewport["width"], f"{name} ({size}): the page is {wide} px wide"
        page.screenshot(path=ARTIFACTS / f"{name}-{size}.png", full_page=True)
    page.set_viewport_size(VIEWPORTS["desktop"])


def wait_for_turn(client: httpx.Client, turn_id: str, seconds: float = 180) -> dict:
    deadline = time.monotonic() + seconds
    while (turn := client.get(f"/api/turns/{turn_id}").json())["status"] not in ("done", "error"):
        assert time.monotonic() < deadline, "the turn was not analysed in time"
        time.sleep(0.3)
    return turn
