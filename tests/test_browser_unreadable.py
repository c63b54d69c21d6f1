"""The conversation page in a real browser when one stored turn result cannot be read: that turn
shows the Dutch error, the other turn its points (the API side: tests/test_old_database.py)."""

from __future__ import annotations

import json
import shutil
import sqlite3

from playwright.sync_api import expect

from tests.browser_support import fake_microphone, logged_in
from tests.live import LiveService
from tests.test_old_database import OLD, PASSWORD, UNREADABLE


def test_the_conversation_page_shows_the_other_turns_and_the_damaged_ones_error(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(OLD, data)
    conversation_id, first, _ = (OLD / "ids.txt").read_text().split()
    with sqlite3.connect(data / "voicecoach.db") as db:
        (stored,) = db.execute("SELECT result FROM turns WHERE id = ?", (first,)).fetchone()
        db.execute("UPDATE turns SET result = ? WHERE id = ?", (json.dumps({**json.loads(stored), "schema_version": 99}), first))
    service = LiveService(data).start()
    try:
        microphone = fake_microphone("Goedemorgen.", tmp_path, "microfoon")
        with logged_in(microphone, f"{service.url}/gesprek/{conversation_id}", "sanne", PASSWORD) as page:
            expect(page.locator(".turn[data-number='1'] .error")).to_contain_text(UNREADABLE, timeout=30_000)
            expect(page.locator(".turn[data-number='2'] .points li").first).to_be_visible()
    finally:
        service.stop()
