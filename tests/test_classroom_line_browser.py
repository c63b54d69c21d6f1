"""The classroom medewerker answers while VoiceCoach's line still plays from the board (real Chromium:
the teacher's board on the projector laptop, anna's phone with an MBROLA fake microphone). The phone
learns from the board how much of the line is left, shows that the customer is still talking, and
its upload carries `line_left`, which the worker checks against the line's audio."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser_support import fake_microphone, launch, log_in, wait_for_turn
from tests.live import LiveService
from tests.test_classroom_browser import PHONE, REPLY, join

SLOWER = 0.5  # the board plays the line at half speed: seconds to spare on a loaded machine
DOCENT, ANNA = "docent.lijn", "anna.lijn"  # this module's users on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(DOCENT, role="teacher")
    shared_service.create_user(ANNA)
    shared_service.create_group("klas lijn", DOCENT, ANNA)
    return shared_service


def test_answering_over_voicecoachs_line_sends_line_left(service, tmp_path):
    with sync_playwright() as playwright:
        laptop = launch(playwright, fake_microphone(REPLY, tmp_path, "antwoord"))
        teacher = laptop.new_context(viewport={"width": 1280, "height": 800}).new_page()
        anna = laptop.new_context(viewport=PHONE).new_page()
        log_in(teacher, f"{service.url}/klas", DOCENT)
        teacher.wait_for_url("**/klas")
        teacher.select_option("#round-scenario", "monteur-deur")
        teacher.select_option("#round-customer", "voicecoach")
        teacher.click("#new-round button[type=submit]")
        teacher.wait_for_url("**/klas/ronde/*")
        join(anna, service.url, ANNA, teacher.locator("#round-code").inner_text())
        round_id = teacher.url.rstrip("/").split("/")[-1]
        board = teacher.context.new_page()
        board.goto(f"{service.url}/klas/bord/{round_id}")
        teacher.bring_to_front()
        teacher.click("#next-roles")
        expect(anna.locator("#medewerker-panel")).to_be_visible()
        expect(anna.locator("#line-playing")).to_be_hidden()

        board.bring_to_front()
        expect(board.locator("#board-voice")).to_be_visible()
        board.evaluate(f"document.getElementById('board-audio').defaultPlaybackRate = {SLOWER}")
        board.click("#board-speak")
        expect(anna.locator("#line-playing")).to_be_visible()  # the phone heard the board
        anna.bring_to_front()
        anna.click("#answer-record")
        expect(anna.locator("#answer-record")).to_have_text("Stop")
        anna.wait_for_timeout(7000)  # the whole reply: the fake microphone speaks from the start
        anna.click("#answer-record")
        expect(anna.locator("#answer-status")).to_contain_text("Verstuurd")
        expect(anna.locator("#line-playing")).to_be_hidden(timeout=30_000)  # the line has ended

        client = service.client(ANNA)
        conversation = service.client(DOCENT).get(f"/api/rounds/{round_id}").json()["conversation"]
        turns = client.get(f"/api/conversations/{conversation['id']}").json()["turns"]
        assert len(turns) == 1 and turns[0]["number"] == 1
        turn = wait_for_turn(client, turns[0]["id"], seconds=240)
        assert turn["status"] == "done"
        checked = turn["result"]["analysis"]["interruption"]  # only there when the upload sent line_left
        assert checked is not None and checked["line_left"] > 0
        laptop.close()
