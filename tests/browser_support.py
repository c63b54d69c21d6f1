"""Shared by the browser tests: Debian Chromium with a fake microphone fed from a generated Dutch
wav, logging in, recording, conversations and turns through the API, and the axe-core check plus
screenshots of every page visited."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.audio_factory import sox
from tests.live import LiveService
from voicecoach.audio.synth import speak_to_wav

ROOT = Path(__file__).parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = ROOT / "web" / "static" / "vendor" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PASSWORD = "geheim-wachtwoord"  # LiveService.create_user's default
REPLY = "Goedemiddag meneer, ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"
"""A calm reply whole sentences long: Whisper hears words in it on any machine."""
ANALYSED = 240_000
"""How long a page may take to show a recorded reply's feedback (ms): Whisper on a shared two-core machine."""
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


def log_in(page: Page, url: str, username: str, password: str = PASSWORD) -> None:
    """Opens `url` logged out (the login page shows), logs in and waits until the login has sent
    the browser back to the page asked for."""
    page.goto(url)
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    asked = urlsplit(url).path or "/"
    page.wait_for_url(lambda now: urlsplit(now).path == asked)


@contextmanager
def logged_in(
    microphone: Path, url: str, username: str, password: str = PASSWORD, *, deny_microphone: bool = False,
) -> Iterator[Page]:
    """A fresh Chromium with `microphone` (see launch) showing `url` to `username`, logged in; the
    browser is closed afterwards, also when the test fails."""
    with sync_playwright() as playwright:
        browser = launch(playwright, microphone, deny_microphone=deny_microphone)
        try:
            page = new_page(browser)
            log_in(page, url, username, password)
            yield page
        finally:
            browser.close()


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
        try:  # charts follow a new width a frame or more later (Chart.js's ResizeObserver): a loaded machine is slow
            page.wait_for_function("width => document.documentElement.scrollWidth <= width", arg=viewport["width"], timeout=5_000)
        except PlaywrightTimeout:
            pass  # still too wide: the assertion says how wide
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= viewport["width"], f"{name} ({size}): the page is {wide} px wide"
        page.screenshot(path=ARTIFACTS / f"{name}-{size}.png", full_page=True)
    page.set_viewport_size(VIEWPORTS["desktop"])


def add_trainee_and_coach(live: LiveService, trainee: str, coach: str, group: str) -> LiveService:
    """`live` with the trainee `trainee` and her coach `coach` in `group`."""
    live.create_user(trainee)
    live.create_user(coach, role="coach")
    live.create_group(group, trainee, coach)
    return live


def new_conversation(client: httpx.Client, scenario: str = "monteur-deur") -> str:
    """A conversation started through the API; its id."""
    started = client.post("/api/conversations", json={"scenario_id": scenario})
    assert started.status_code == 201, started.text
    return started.json()["id"]


def answered(client: httpx.Client, conversation_id: str, reply: bytes) -> dict:
    """A spoken reply sent through the API and analysed; the turn (which must be done)."""
    queued = client.post(f"/api/conversations/{conversation_id}/turns", content=reply)
    assert queued.status_code == 202, queued.text
    turn = wait_for_turn(client, queued.json()["turn_id"])
    assert turn["status"] == "done", turn
    return turn


def wait_for_turn(client: httpx.Client, turn_id: str, seconds: float = 180) -> dict:
    deadline = time.monotonic() + seconds
    while (turn := client.get(f"/api/turns/{turn_id}").json())["status"] not in ("done", "error"):
        assert time.monotonic() < deadline, "the turn was not analysed in time"
        time.sleep(0.3)
    return turn
