"""The trainee's second chances and a calm recorder in a real browser (Debian Chromium, Playwright,
MBROLA speech as the fake microphone): "Probeer opnieuw" with the attempts side by side and one
kept; fixing misheard words; a denied microphone; a double click on Opnemen; a clipped, shouted
reply flagged for loudness. axe-core and screenshots (1280×800, 390×844) on every page state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    ANALYSED, PASSWORD, REPLY, answered, check_page, fake_microphone, logged_in, new_conversation, record, spoken_reply,
    wait_for_turn,
)
from tests.live import LiveService

ACCELERATOR = "Rustig aan, meneer. Dat is niet zo. Zoek het zelf maar uit."
OEFENAAR = "oefenaar.recorder"  # this module's trainee on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(OEFENAAR)
    return shared_service


def _conversation(service: LiveService) -> tuple[str, str]:
    """A new conversation of the trainee: its id and its page's address."""
    conversation_id = new_conversation(service.client(OEFENAAR))
    return conversation_id, f"{service.url}/gesprek/{conversation_id}"


def test_retry_a_turn_keep_an_attempt_and_correct_misheard_words(service, tmp_path):
    client = service.client(OEFENAAR)
    conversation_id, url = _conversation(service)
    first = answered(client, conversation_id, spoken_reply(REPLY, tmp_path, "eerste"))
    after_first = client.get(f"/api/conversations/{conversation_id}").json()

    with logged_in(fake_microphone(ACCELERATOR, tmp_path, "tweede"), url, OEFENAAR) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        block = page.locator(f".turn[data-id='{first['id']}']")
        expect(block.locator("#voice-panel")).to_be_visible(timeout=ANALYSED)  # the first attempt's voice is shown
        block.locator(".retry-turn").click()
        expect(page.locator("#retry-hint")).to_be_visible()
        expect(page.locator("#customer-line")).to_have_text(first["customer_line"])  # the same line again
        record(page, "#record", 6)
        attempts = page.locator("table.attempts")
        expect(attempts.locator(".keep-attempt")).to_be_visible(timeout=ANALYSED)
        expect(attempts.locator("thead th")).to_have_count(2)
        for row in ("Jouw woorden", "Punten voor je stem", "Opname", "Punten", "De klant"):
            expect(attempts.locator("tbody th", has_text=row).first).to_be_visible()
        expect(attempts.locator("audio.attempt-audio")).to_have_count(2)  # each attempt can be heard before choosing
        expect(attempts.locator("audio.attempt-audio").first).to_have_attribute("src", f"/api/turns/{first['id']}/audio")
        expect(attempts.locator("thead th").first).to_contain_text("(telt)")  # the first counts until chosen
        view = client.get(f"/api/conversations/{conversation_id}").json()
        assert view["state"] == after_first["state"]  # the new attempt did not move the customer
        second = next(t for t in view["turns"] if t["set_aside"])
        check_page(page, "10-attempts-side-by-side")

        attempts.locator(".keep-attempt").click()
        expect(page.locator("table.attempts thead th").nth(1)).to_contain_text("(telt)")
        view = client.get(f"/api/conversations/{conversation_id}").json()
        assert [t["id"] for t in view["turns"] if not t["set_aside"]] == [second["id"]]
        assert view["state"]["turn"] == 1 and view["state"]["anger"] == second["result"]["reaction"]["anger_after"]
        # "Verder" goes on from the kept attempt: its customer line and anger, not the set-aside one's
        page.locator("#continue").click()
        expect(page.locator("#anger")).to_have_text(f"{view['state']['anger']} van 4")
        expect(page.locator("#customer-line")).to_have_text(view["customer_line"])
        assert errors == []

        kept = page.locator(f".turn[data-id='{second['id']}']")
        kept.locator(".own-correction > summary").click()
        kept.locator(".own-correction textarea").fill(REPLY)  # another reply altogether: refused, with why
        kept.locator(".own-correction button").click()
        expect(kept.locator(".own-correction [role=status]")).to_contain_text("wijkt te veel af")
        fixed = f"{second['result']['analysis']['transcript']['text']} Ik help u graag."  # a word or two Whisper missed
        kept.locator(".own-correction textarea").fill(fixed)
        kept.locator(".own-correction button").click()
        expect(page.locator(f".turn[data-id='{second['id']}'] .corrected")).to_contain_text("Gecorrigeerd door jou", timeout=ANALYSED)
        corrected = client.get(f"/api/turns/{second['id']}").json()
        assert corrected["corrected_by"] == "trainee" and corrected["corrected_text"] == fixed
        assert corrected["result"]["analysis"]["voice"] == second["result"]["analysis"]["voice"]
        assert corrected["history"][0]["text"] == second["result"]["analysis"]["transcript"]["text"]
        # the customer reacts to the corrected words: the page shows where the conversation stands now
        # (it kept the old line and anger until a reload, a test session)
        now = client.get(f"/api/conversations/{conversation_id}").json()
        if now["finished"]:
            expect(page.locator("#summary")).to_be_visible()
        else:
            expect(page.locator("#customer-line")).to_have_text(now["customer_line"])
            expect(page.locator("#anger")).to_have_text(f"{now['state']['anger']} van 4")
        check_page(page, "11-own-correction")


def test_a_double_click_on_opnemen_makes_one_turn(service, tmp_path):
    conversation_id, url = _conversation(service)
    with logged_in(fake_microphone(REPLY, tmp_path, "antwoord"), url, OEFENAAR) as page:
        page.dblclick("#record")
        expect(page.locator("#record")).to_have_text("Stop")
        expect(page.locator("#timer")).to_contain_text("van hoogstens 2:00")
        check_page(page, "12-recording")
        page.click("#record")
        expect(page.locator("#record")).to_be_disabled()  # locked while the reply is sent and analysed
        page.locator("#record").dblclick(force=True)  # clicks on the locked button change nothing
        expect(page.locator(".turn[data-number='1'] .points li").first).to_be_visible(timeout=ANALYSED)
        turns = service.client(OEFENAAR).get(f"/api/conversations/{conversation_id}").json()["turns"]
        assert len(turns) == 1 and turns[0]["status"] == "done"


def test_a_reply_recorded_while_logged_out_is_sent_after_logging_in_again(service, tmp_path):
    """Logged out in another tab while answering: the page said "Log eerst in." beside a retry that
    could never work, and after a new login "beveiligingscode ontbreekt" (a test session). Now the
    recording stays in the page, the message links to the login (a new tab), and after it
    "Opnieuw proberen" sends the same recording under the new login."""
    conversation_id, url = _conversation(service)
    with logged_in(fake_microphone(REPLY, tmp_path, "antwoord"), url, OEFENAAR) as page:
        page.context.clear_cookies()  # the login is gone
        record(page, "#record", 6)
        expect(page.locator("#error")).to_contain_text("niet meer ingelogd")
        expect(page.locator("#login-again")).to_be_visible()
        expect(page.locator("#retry")).to_be_visible()
        with page.expect_popup() as opened:
            page.click("#login-again")  # the link opens the login in a new tab
        login = opened.value
        expect(login.get_by_role("heading", name="Inloggen")).to_be_visible()
        login.fill("input[name=username]", OEFENAAR)
        login.fill("input[name=password]", PASSWORD)
        login.click("button[type=submit]")  # a new login: a new security code
        login.wait_for_url(lambda now: "/login" not in now)
        login.close()
        page.click("#retry")
        expect(page.locator(".turn[data-number='1'] .points li").first).to_be_visible(timeout=ANALYSED)
        expect(page.locator("#login-again")).to_be_hidden()
        turns = service.client(OEFENAAR).get(f"/api/conversations/{conversation_id}").json()["turns"]
        assert len(turns) == 1 and turns[0]["status"] == "done"


def test_a_denied_microphone_says_so_in_dutch_with_a_way_out(service, tmp_path):
    conversation_id, url = _conversation(service)
    with logged_in(fake_microphone("Hallo.", tmp_path, "hallo"), url, OEFENAAR, deny_microphone=True) as page:
        page.click("#record")
        expect(page.locator("#error")).to_contain_text("mag je microfoon niet gebruiken")
        expect(page.locator("#record")).to_have_text("Opnemen")
        expect(page.locator("#record")).to_be_enabled()
        expect(page.locator("#retry")).to_be_visible()
        expect(page.locator("#way-out")).to_be_visible()
        check_page(page, "13-microphone-denied")
        page.click("#retry")  # asks again: still not allowed, still said in Dutch
        expect(page.locator("#error")).to_contain_text("mag je microfoon niet gebruiken")
        page.click("#way-out")
        page.wait_for_url("**/gesprekken")
        expect(page.locator(f"#my-conversations tr[data-id='{conversation_id}']")).to_be_visible()


def test_a_denied_microphone_at_calibration_says_so_with_a_retry(service, tmp_path):
    with logged_in(fake_microphone("Hallo.", tmp_path, "hallo"), f"{service.url}/", OEFENAAR, deny_microphone=True) as page:
        if page.locator("#calibrate-again").is_visible():
            page.click("#calibrate-again")
        page.click("#calibration-record")
        status = page.locator("#calibration-status")
        expect(status).to_contain_text("mag je microfoon niet gebruiken")
        expect(status).to_have_class("error")
        expect(page.locator("#calibration-retry")).to_be_visible()  # the message tells to click it
        page.focus("#calibration-retry")
        page.keyboard.press("Enter")  # asks again: still not allowed, still said
        expect(status).to_contain_text("mag je microfoon niet gebruiken")
        expect(page.locator("#calibration-record")).to_be_focused()  # by keyboard, focus stays on the recorder
        expect(page.locator("#calibration-record")).to_have_text("Opnemen")


def test_a_clipped_shouted_reply_is_flagged_for_loudness(service, tmp_path):
    conversation_id, url = _conversation(service)
    shouted = fake_microphone(REPLY, tmp_path, "geschreeuwd", "gain", "30")  # driven far past full scale
    with logged_in(shouted, url, OEFENAAR) as page:
        record(page, "#record", 7)
        points = page.locator(".turn[data-number='1'] .points")
        expect(points.locator("li").first).to_be_visible(timeout=ANALYSED)
        turn = service.client(OEFENAAR).get(f"/api/conversations/{conversation_id}").json()["turns"][0]
        loudness = [p for p in turn["score"]["points"] if p["criterion"] == "stem:loudness"]
        assert loudness and loudness[0]["points"] < 0, turn["score"]["points"]
        expect(points).to_contain_text("harder")
        if turn["result"]["analysis"]["voice"].get("clipped"):
            expect(points).to_contain_text("overstuurd")  # the clipping is said beside the loudness point
        assert turn["score"]["total"] < 0 and turn["result"]["reaction"]["anger_after"] >= turn["result"]["reaction"]["anger_before"]
        check_page(page, "14-clipped-shouted")


def test_the_recording_stops_by_itself_at_the_limit(tmp_path_factory, tmp_path):
    limited = LiveService(tmp_path_factory.mktemp("kort"), max_audio_seconds="8").start()
    try:
        limited.create_user(OEFENAAR)
        limited.start_worker()
        conversation_id, url = _conversation(limited)
        with logged_in(fake_microphone(REPLY, tmp_path, "lang"), url, OEFENAAR) as page:
            page.click("#record")
            expect(page.locator("#timer")).to_contain_text("van hoogstens 0:08")
            expect(page.locator("#timer")).to_contain_text("Automatisch gestopt na 0:08", timeout=20_000)  # nobody clicked Stop
            expect(page.locator("#record")).to_have_text("Opnemen")
            expect(page.locator(".turn[data-number='1'] .points li").first).to_be_visible(timeout=ANALYSED)
            turn = limited.client(OEFENAAR).get(f"/api/conversations/{conversation_id}").json()["turns"][0]
            assert turn["status"] == "done"  # under the limit, so not refused as too long
            assert 6 < turn["result"]["analysis"]["audio"]["duration"] <= 8
    finally:
        limited.stop()


def test_deleting_the_last_recording_deletes_the_newest_attempt(service, tmp_path):
    """After "Probeer opnieuw" the newest recording is the new attempt, also while the first still
    counts: "Laatste opname verwijderen" deletes that one, and the first keeps counting."""
    client = service.client(OEFENAAR)
    conversation_id, url = _conversation(service)
    first = answered(client, conversation_id, spoken_reply(REPLY, tmp_path, "eerste"))
    queued = client.post(f"/api/turns/{first['id']}/attempts", content=spoken_reply(ACCELERATOR, tmp_path, "tweede"))
    assert queued.status_code == 202
    attempt = wait_for_turn(client, queued.json()["turn_id"])
    assert attempt["set_aside"]  # not kept: the first still counts

    with logged_in(fake_microphone(REPLY, tmp_path, "stil"), url, OEFENAAR) as page:
        expect(page.locator(f".turn[data-id='{first['id']}']")).to_be_attached()
        page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():  # the page reloads once the recording is deleted
            page.click("#delete-turn")
        expect(page.locator(f".turn[data-id='{first['id']}']")).to_be_attached()
    view = client.get(f"/api/conversations/{conversation_id}").json()
    assert [t["id"] for t in view["turns"]] == [first["id"]] and not view["turns"][0]["set_aside"]
    assert client.get(f"/api/turns/{attempt['id']}").status_code == 404
