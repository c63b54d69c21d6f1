"""Laat de klant uitpraten in a real browser (Debian Chromium, Playwright, MBROLA speech as the fake
microphone): the trainee starts recording while the customer's line is still playing and talks
over it; the page sends how much of the line was left, the feedback names the interruption and the
customer asks to be allowed to finish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    ANALYSED, REPLY, check_page, fake_microphone, logged_in, new_conversation, record, wait_for_turn,
)
from tests.live import LiveService
from voicecoach.scenarios import load_scenarios
from voicecoach.vocabulary import INTERRUPTION


OEFENAAR = "oefenaar.interruption"  # this module's trainee on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(OEFENAAR)
    return shared_service


def test_talking_over_the_customer_is_flagged_and_the_customer_reacts(service, tmp_path):
    client = service.client(OEFENAAR)
    conversation_id = new_conversation(client)
    microphone = fake_microphone(REPLY, tmp_path, "door-de-klant-heen")
    with logged_in(microphone, f"{service.url}/gesprek/{conversation_id}", OEFENAAR) as page:
        # The line (about 4 s) plays from its start; Opnemen is pressed while it plays, no race.
        page.wait_for_function("() => document.getElementById('customer-audio').readyState >= 1")
        page.evaluate("() => { const a = document.getElementById('customer-audio'); a.pause(); a.currentTime = 0; return a.play(); }")
        record(page, "#record", 7)  # the whole reply: the fake microphone speaks from the start
        point = page.locator(".turn[data-number='1'] .points li", has_text="door de klant heen")
        expect(point).to_be_visible(timeout=ANALYSED)
        expect(point).to_contain_text("Laat de klant uitpraten")

        turn = wait_for_turn(client, client.get(f"/api/conversations/{conversation_id}").json()["turns"][0]["id"])
        found = turn["result"]["analysis"]["interruption"]
        assert found["interrupting"] and found["line_left"] > 1.0 and found["seconds"] >= found["min_seconds"]
        assert not found["echo"]  # the fake microphone hears only the trainee, as headphones would
        expect(point).not_to_contain_text("luidspreker")
        check_page(page, "30-interrupted")

        page.click("#continue")  # the customer's reaction: first being cut off
        answers = load_scenarios()[0]["monteur-deur"].responses[INTERRUPTION]
        expect(page.locator("#customer-line")).to_contain_text(turn["result"]["reaction"]["next_line"])
        assert any(turn["result"]["reaction"]["next_line"].startswith(answer) for answer in answers)
