"""A coach corrects a transcript in the browser, the score changes, and the trainee sees the note."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.live import LiveService
from tests.test_browser import ARTIFACTS, _browser, _log_in

NOTE = "Goed dat je begrip toonde. Let op: 'rustig aan' jaagt aan."


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[LiveService]:  # type: ignore[no-untyped-def]
    live = LiveService(tmp_path_factory.mktemp("data")).start()
    live.create_user("sanne")
    live.create_user("coach", role="coach")
    subprocess.run([sys.executable, "-m", "voicecoach", "users", "group", "klas 3B", "--add", "sanne", "--add", "coach"],
                   env=live.env, check=True, capture_output=True)
    live.start_worker()
    yield live
    live.stop()


def test_coach_corrects_a_transcript_and_the_trainee_sees_the_note(service, dutch_reply_wav, tmp_path):
    sanne = service.client("sanne")
    conversation = sanne.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]
    turn = sanne.post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
    deadline = time.monotonic() + 180
    while sanne.get(f"/api/turns/{turn}").json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.3)
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _browser(playwright, dutch_reply_wav)
        page = browser.new_page()
        _log_in(page, f"{service.url}/beoordelen", "coach")
        page.goto(f"{service.url}/beoordelen")
        page.click("text=sanne")
        expect(page.locator("#review")).to_be_visible()
        expect(page.locator("#answer")).to_be_hidden()  # a coach does not answer for the trainee
        before = int(page.locator("#reaction").get_attribute("data-total"))
        page.fill("#correct-text", "Rustig aan meneer, u zit ernaast.")
        page.click("#correct-submit")
        expect(page.locator("#review-status")).to_contain_text("Nieuwe score", timeout=120_000)
        after = int(page.locator("#reaction").get_attribute("data-total"))
        assert after < before
        expect(page.locator("#history li").first).to_contain_text("vervangen door")
        expect(page.locator("#transcript mark.aanjager").first).to_be_visible()
        page.fill("#note-text", NOTE)
        page.click("#note-submit")
        expect(page.locator("#notes")).to_contain_text(NOTE)
        page.screenshot(path=ARTIFACTS / "5-coach-review.png", full_page=True)
        browser.close()

        browser = _browser(playwright, dutch_reply_wav)
        page = browser.new_page()
        _log_in(page, service.url, "sanne")
        page.goto(f"{service.url}/gesprek/{conversation}")
        expect(page.locator("#notes")).to_contain_text(NOTE)
        expect(page.locator("#review")).to_be_hidden()
        page.screenshot(path=ARTIFACTS / "6-trainee-sees-note.png", full_page=True)
        browser.close()
