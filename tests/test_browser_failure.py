"""An analysis that fails for a reason other than the audio: the job and the turn both end in
error with a Dutch message, and the trainee's page shows that message and stops asking.

The failure is a real one the product can meet: the conversation's stored state is damaged (a
database edited by hand, or restored from another version), so the worker's analysis process
raises a TypeError on every attempt. No part of the product is replaced."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_support import REPLY, fake_microphone, logged_in, new_conversation, record
from tests.live import LiveService
from voicecoach.jobs import MAX_ATTEMPTS


OEFENAAR = "oefenaar.failure"  # this module's trainee on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(OEFENAAR)
    return shared_service


def _database(service: LiveService) -> Path:
    return Path(service.env["VOICECOACH_DATA_DIR"]) / "voicecoach.db"


def _damage_state(service: LiveService, conversation_id: str) -> None:
    """Every stored field stays (the page still opens); one unknown field breaks the analysis."""
    with sqlite3.connect(_database(service), timeout=30) as db:
        (state,) = db.execute("SELECT state FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        db.execute("UPDATE conversations SET state = ? WHERE id = ?",
                   (json.dumps({**json.loads(state), "kapot": True}), conversation_id))


def test_a_failing_analysis_ends_the_turn_in_dutch_and_the_page_stops_polling(service, tmp_path):
    client = service.client(OEFENAAR)
    conversation_id = new_conversation(client)
    _damage_state(service, conversation_id)
    microphone = fake_microphone(REPLY, tmp_path, "antwoord", "gain", "-12")

    with logged_in(microphone, f"{service.url}/gesprek/{conversation_id}", OEFENAAR) as page:
        polls: list[float] = []
        page.on("request", lambda request: polls.append(time.monotonic()) if "/api/turns/" in request.url else None)
        expect(page.locator("#customer-line")).not_to_be_empty()
        record(page, "#record", 6)

        error = page.locator("#error")
        expect(error).to_be_visible(timeout=170_000)  # within the page's own polling bound (180 s)
        expect(error).to_contain_text(f"{MAX_ATTEMPTS} keer mislukt")
        expect(error).to_contain_text("Neem je antwoord opnieuw op")
        expect(error).to_be_in_viewport()  # also at phone size, with the way on focused (a test session)
        expect(page.locator("#record")).to_be_focused()
        expect(page.locator("#status")).to_have_text("")
        shown = time.monotonic()
        page.wait_for_timeout(6_000)  # longer than the page's longest wait between two polls (3 s)
        assert not [at for at in polls if at > shown + 0.5], "the page kept polling after the error"

    turns = client.get(f"/api/conversations/{conversation_id}").json()["turns"]
    assert len(turns) == 1
    turn = turns[0]
    assert turn["status"] == "error" and turn["result"] is None and turn["score"] is None
    assert turn["error"]["code"] == "analysis_failed" and "mislukt" in turn["error"]["message"]
    with sqlite3.connect(_database(service), timeout=30) as db:
        jobs = db.execute("SELECT status, attempts FROM jobs WHERE target_id = ?", (turn["id"],)).fetchall()
    assert jobs == [("failed", MAX_ATTEMPTS)]
    assert client.get(f"/api/turns/{turn['id']}/audio").status_code == 200  # the recording is kept for a new try


def test_a_deletion_that_fails_says_so_and_deletes_nothing(service, tmp_path):
    """After logging out in another tab, "Dit gesprek verwijderen" did nothing and showed nothing, so a
    trainee could think the recordings were gone (a test session)."""
    client = service.client(OEFENAAR)
    conversation_id = new_conversation(client)
    microphone = fake_microphone(REPLY, tmp_path, "stil", "gain", "-40")
    with logged_in(microphone, f"{service.url}/gesprek/{conversation_id}", OEFENAAR) as page:
        expect(page.locator("#customer-line")).not_to_be_empty()
        # logged out elsewhere (another tab's "Uitloggen" form; the same browser session)
        status = page.evaluate("""fetch("/logout", {method: "POST", body: new URLSearchParams(
            {csrf_token: document.querySelector('meta[name="csrf-token"]').content})}).then((r) => r.status)""")
        assert status in (200, 303)
        page.on("dialog", lambda dialog: dialog.accept())
        page.click("#delete-conversation")
        expect(page.locator("#action-error")).to_contain_text("niet meer ingelogd", timeout=10_000)
        expect(page.locator("#action-error")).to_contain_text("er is nog niets veranderd")
        expect(page.locator("#action-login")).to_be_visible()
        expect(page.locator("#action-retry")).to_be_visible()
    assert client.get(f"/api/conversations/{conversation_id}").status_code == 200  # nothing was deleted
