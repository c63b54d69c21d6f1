"""The trainee's whole path in a real browser (Debian Chromium driven by Playwright, a generated
Dutch wav as the microphone): calibrate, answer through the page's recorder, read the feedback,
"Verder", more turns, the end screen with every turn, Mijn gesprekken and "Probeer opnieuw".
axe-core checks every page; screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser_support import (
    ANALYSED, REPLY, answered, check_page, fake_microphone, launch, log_in, logged_in, new_conversation, new_page, record,
    spoken_reply,
)
from tests.live import LiveService
from voicecoach.voice.baseline import CALIBRATION_TEXT

SHORT_SCENARIO = "grens-overschrijden"  # starts at the top anger level: two poor replies end it
OEFENAAR = "oefenaar.browser"  # this module's trainee on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(OEFENAAR)
    return shared_service


def test_a_whole_conversation_to_its_end_screen(service, tmp_path):
    calm = fake_microphone(CALIBRATION_TEXT, tmp_path, "kalibratie", "gain", "-12")
    heated = fake_microphone(REPLY, tmp_path, "antwoord", "gain", "-2", "pitch", "400")  # +10 dB, +4 st
    calm_seconds = float(subprocess.run(["soxi", "-D", str(calm)], capture_output=True, text=True).stdout)

    with logged_in(calm, service.url, OEFENAAR) as page:
        expect(page.get_by_role("heading", name="Kies een scenario")).to_be_visible()
        check_page(page, "01-home")
        record(page, "#calibration-record", calm_seconds - 2)
        expect(page.locator("#baseline-summary")).to_have_attribute("data-ready", "1", timeout=ANALYSED)
        expect(page.locator("#baseline-summary")).to_contain_text("Je rustige stem is gemeten")
        page.click(f"button.start[data-scenario='{SHORT_SCENARIO}']")
        page.wait_for_url("**/gesprek/*")
        conversation_url = page.url
        conversation_id = conversation_url.rsplit("/", 1)[1]
        title = page.locator("h1").inner_text()
        assert title and page.locator(".situation").inner_text()
        # the page fills the customer's line from the API after it loads
        expect(page.locator("#customer-line")).to_have_text(re.compile(r"\w"))
        first_line = page.locator("#customer-line").inner_text()
        check_page(page, "02-conversation")

    with logged_in(heated, conversation_url, OEFENAAR) as page:  # a new browser: the login returns to the conversation
        expect(page.locator("#customer-line")).to_have_text(first_line)
        record(page, "#record", 8)  # the first turn goes through the page's recorder
        first_turn = page.locator(".turn[data-number='1']")
        expect(first_turn.locator(".points li").first).to_be_visible(timeout=ANALYSED)
        expect(first_turn.locator(".points")).to_contain_text("harder dan je rustige stem")
        expect(first_turn.locator("audio.reply-audio")).to_have_attribute("src", f"/api/turns/{first_turn.get_attribute('data-id')}/audio")
        expect(page.locator('#waveform [part~="region"]').first).to_be_attached(timeout=30_000)
        # The next line waits for "Verder": the old line stays and the recorder is put away.
        expect(page.locator("#continue")).to_be_visible()
        expect(page.locator("#customer-line")).to_have_text(first_line)
        expect(page.locator("#answer")).to_be_hidden()
        check_page(page, "03-feedback")
        page.locator("#continue").focus()
        page.keyboard.press("Enter")  # reachable by keyboard
        expect(page.locator("#continue")).to_be_hidden()
        # the next line is answered on the same page: the recorder was locked for good after the
        # first analysis (a test session could only go on by reloading)
        expect(page.locator("#answer")).to_be_visible()
        expect(page.locator("#record")).to_be_enabled()
        record(page, "#record", 8)
        expect(page.locator(".turn[data-number='2'] .points li").first).to_be_visible(timeout=ANALYSED)
        expect(page.locator("#continue")).to_be_visible()
        # the new reply's turn takes the voice panel and the focus, alone open: they stayed on the turn
        # before, whose "binnen je rustige bereik" stood above a shouted reply (a test session)
        second = page.locator(".turn[data-number='2']")
        expect(second.locator("#voice-panel")).to_be_attached()
        expect(second.locator("> summary")).to_be_focused()
        expect(page.locator(".turn[data-number='1']")).not_to_have_attribute("open", "")

        client = service.client(OEFENAAR)
        conversation = client.get(f"/api/conversations/{conversation_id}").json()
        poor = spoken_reply("Nee, daar kan ik niets aan doen.", tmp_path, "kort")
        while not conversation["finished"]:  # more turns through the API, until the customer ends it
            assert len(conversation["turns"]) < conversation["scenario"]["max_turns"]
            answered(client, conversation_id, poor)
            conversation = client.get(f"/api/conversations/{conversation_id}").json()

        page.reload()
        expect(page.locator("#summary")).to_be_visible()
        expect(page.locator("#customer")).to_be_hidden()
        summary = conversation["summary"]
        assert summary["final_line"]
        expect(page.locator("#final-line")).to_have_text(f"“{summary['final_line']}”")
        final_audio = page.request.get(service.url + page.locator("#final-audio").get_attribute("src"))
        assert final_audio.status == 200 and final_audio.headers["content-type"] == "audio/wav"
        assert len(final_audio.body()) > 10_000  # the last words are spoken, not an empty clip
        done = [t for t in conversation["turns"] if t["status"] == "done"]
        assert summary["total"] == sum(t["score"]["total"] for t in done)
        expect(page.locator("#total")).to_have_attribute("data-total", str(summary["total"]))
        assert page.locator("#phase-scores tr").count() == len(summary["phases"]) >= 1
        expect(page.locator("#style-title")).not_to_be_empty()
        assert page.locator("#went-well li").count() + page.locator("#practise-next li").count() >= 1
        # Every turn stays readable and playable, not only the last.
        expect(page.locator(".turn")).to_have_count(len(conversation["turns"]))
        for turn in done:
            block = page.locator(f".turn[data-id='{turn['id']}']")
            expect(block.locator("audio.reply-audio")).to_have_count(1)
            expect(block.locator(".total")).to_have_attribute("data-total", str(turn["score"]["total"]))
        check_page(page, "04-end-screen")

        page.goto(f"{service.url}/gesprekken")
        row = page.locator(f"#my-conversations tr[data-id='{conversation_id}']")
        expect(row).to_contain_text(title)
        expect(row.locator("td").nth(2)).to_have_text(str(len(done)))
        check_page(page, "05-my-conversations")

        page.goto(conversation_url)
        page.click("#retry-scenario")
        page.wait_for_url(lambda url: "/gesprek/" in url and conversation_id not in url)
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator("#customer-line")).not_to_be_empty()


def test_pages_for_errors_and_the_login_page(service, tmp_path):
    with sync_playwright() as playwright:
        browser = launch(playwright, fake_microphone("Hallo.", tmp_path, "hallo"))
        page = new_page(browser)
        page.goto(f"{service.url}/login")
        expect(page.locator("code")).to_have_count(0)  # no shell command for end users
        expect(page.locator("main")).to_contain_text("beheerder")
        check_page(page, "00-login")
        log_in(page, f"{service.url}/gesprek/bestaat-niet", OEFENAAR)
        expect(page.get_by_role("heading", name="Niet gevonden")).to_be_visible()
        expect(page.get_by_role("link", name="Terug naar het begin")).to_be_visible()
        check_page(page, "09-not-found")
        assert page.request.get(f"{service.url}/favicon.ico").ok
        api = page.request.get(f"{service.url}/api/conversations/bestaat-niet")
        assert api.status == 404 and api.json()["error"]["code"] == "not_found"
        browser.close()


def test_the_home_page_says_why_a_start_or_a_deletion_failed(service, tmp_path):
    """"Start gesprek" went to /gesprek/undefined ("Dit gesprek bestaat niet") when the login was gone or
    the database busy, and a failed account deletion showed nothing (a test session): the page says why,
    stays where it is, and the account is still there."""
    with logged_in(fake_microphone("Hallo.", tmp_path, "hallo"), service.url, OEFENAAR) as page:
        page.context.clear_cookies()  # logged out in another tab
        page.locator("button.start").first.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#start-error")).to_contain_text("niet meer ingelogd")
        expect(page.locator("#start-error")).to_be_focused()
        assert "/gesprek/" not in page.url
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("#delete-account").click()
        expect(page.locator("#delete-error")).to_contain_text("niet meer ingelogd")
    assert service.client(OEFENAAR).get("/api/me").status_code == 200  # nothing was deleted


PLAY_COUNTER = """window.played = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () { window.played.push(this.id); return play.call(this); };"""


def test_the_customer_line_plays_by_itself_once(service, tmp_path):
    """Reopening a conversation played the customer's line again (a test session): each line plays by
    itself once, a reload or the way back leaves it to the play button, and a new line plays."""
    client = service.client(OEFENAAR)
    conversation_id = client.post("/api/conversations", json={"scenario_id": SHORT_SCENARIO}).json()["id"]
    with logged_in(fake_microphone("Hallo.", tmp_path, "hallo"), f"{service.url}/gesprek/{conversation_id}", OEFENAAR) as page:
        expect(page.locator("#customer-line")).not_to_be_empty()
        assert page.evaluate(f"localStorage.getItem('voicecoach-gehoord-{conversation_id}')") == "beurt-0"
        page.add_init_script(PLAY_COUNTER)
        page.reload()
        expect(page.locator("#customer-line")).not_to_be_empty()
        expect(page.locator("#customer-audio")).to_be_visible()  # the line can still be played
        assert page.evaluate("window.played") == []
        page.evaluate(f"localStorage.removeItem('voicecoach-gehoord-{conversation_id}')")  # as for a line not yet heard
        page.reload()
        expect(page.locator("#customer-line")).not_to_be_empty()
        page.wait_for_function("() => window.played.includes('customer-audio')")


def test_a_far_softer_reply_is_not_called_calm(service, tmp_path):
    """A whispered reply (14 decibel under the calm reading) was told "Je stem bleef in dit antwoord
    binnen je rustige bereik" (a test session): the panel says it was far softer."""
    client = service.client(OEFENAAR)
    calm = fake_microphone(CALIBRATION_TEXT, tmp_path, "kalm")
    queued = client.post("/api/baselines", content=calm.read_bytes()).json()
    deadline = time.monotonic() + 120
    url = f"/api/baselines/{queued['baseline_id']}"
    while (baseline := client.get(url, params={"wait": 10}).json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, baseline
    assert baseline["status"] == "done", baseline
    conversation_id = new_conversation(client)
    soft = fake_microphone("Ik begrijp dat u boos bent. Wat is er precies gebeurd?", tmp_path, "zacht", "gain", "-20")
    turn = answered(client, conversation_id, soft.read_bytes())
    difference = turn["result"]["analysis"]["voice"]["loudness"]["difference"]
    assert difference < -10, difference
    with logged_in(fake_microphone("Hallo.", tmp_path, "hallo"), f"{service.url}/gesprek/{conversation_id}", OEFENAAR) as page:
        expect(page.locator("#no-flags")).to_contain_text("veel zachter", timeout=ANALYSED)
        expect(page.locator("#no-flags")).not_to_contain_text("rustige bereik")


def test_one_sound_at_a_time(service, tmp_path):
    """The trainee's own reply played over the customer's line (a test session): starting one sound
    pauses the others, the waveform's player included."""
    client = service.client(OEFENAAR)
    conversation_id = new_conversation(client)
    turn = answered(client, conversation_id, spoken_reply("Ik begrijp dat u boos bent. Wat is er gebeurd?", tmp_path, "antwoord"))
    with logged_in(fake_microphone("Hallo.", tmp_path, "hallo"), f"{service.url}/gesprek/{conversation_id}", OEFENAAR) as page:
        reply = page.locator(f".turn[data-id='{turn['id']}'] audio.reply-audio")
        expect(reply).to_be_attached(timeout=ANALYSED)
        expect(page.locator("#waveform canvas").first).to_be_attached(timeout=30_000)
        page.evaluate("document.getElementById('customer-audio').play()")
        page.wait_for_function("() => !document.getElementById('customer-audio').paused")
        reply.evaluate("(audio) => audio.play()")
        page.wait_for_function(f"() => !document.querySelector(\".turn[data-id='{turn['id']}'] audio.reply-audio\").paused")
        assert page.evaluate("document.getElementById('customer-audio').paused")
        page.click("#play-reply")  # the whole reply on the waveform
        page.wait_for_function(f"() => document.querySelector(\".turn[data-id='{turn['id']}'] audio.reply-audio\").paused")
