"""A coach reviews an earlier (not the last) turn in the browser: a note and an overrule that
re-scores it, and a transcript correction of the last turn; the trainee then sees the new note
marked and the coach's judgement in that turn's points and score."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    add_trainee_and_coach, answered, check_page, fake_microphone, logged_in, new_conversation, spoken_reply,
)
from tests.live import LiveService

REPLY = "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"
NOTE = "Goed dat je begrip toonde. Let op: 'rustig aan' jaagt aan."
REASON = "Je zei 'doe even normaal': dat is een kalmeringsbevel."
SANNE, COACH = "sanne.review", "coach.review"  # this module's users on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    return add_trainee_and_coach(shared_service, SANNE, COACH, "klas review")


def test_coach_overrules_an_earlier_turn_and_the_trainee_sees_the_new_score(service, tmp_path):
    sanne = service.client(SANNE)
    conversation = new_conversation(sanne)
    reply = spoken_reply(REPLY, tmp_path, "antwoord")
    for _ in range(2):
        answered(sanne, conversation, reply)
    first = sanne.get(f"/api/conversations/{conversation}").json()["turns"][0]
    before = first["score"]["total"]
    microphone = fake_microphone(REPLY, tmp_path, "microfoon")

    with logged_in(microphone, f"{service.url}/gesprek/{conversation}", COACH) as page:  # back to the page asked for
        expect(page.locator("#review")).to_be_visible()
        expect(page.locator("#answer")).to_have_count(0)  # a coach does not answer for the trainee
        expect(page.locator("#review-turn")).to_have_text("2")
        check_page(page, "06-coach-review")

        turn_one = page.locator(".turn[data-number='1']")
        turn_one.locator(":scope > summary").click()
        turn_one.locator(".review-turn").click()
        expect(page.locator("#review-turn")).to_have_text("1")
        page.select_option("#overrule-label", "aanjager:kalmeringsbevel")
        page.select_option("#overrule-verdict", "gemist")
        page.fill("#overrule-reason", REASON)
        page.click("#overrule-submit")
        expect(page.locator("#review-status")).to_contain_text("opnieuw gescoord")
        judged = sanne.get(f"/api/turns/{first['id']}").json()["score"]
        assert judged["total"] == before - 3 and judged["machine_total"] == before
        expect(page.locator("#review-score")).to_have_attribute("data-total", str(before - 3))
        page.fill("#note-text", NOTE)
        page.click("#note-submit")
        expect(page.locator("#notes")).to_contain_text(NOTE)
        expect(page.locator("#notes")).to_contain_text("bij beurt 1")

        page.locator(".turn[data-number='2'] .review-turn").click()
        expect(page.locator("#review-turn")).to_have_text("2")
        second_before = int(page.locator("#review-score").get_attribute("data-total"))
        page.fill("#correct-text", "Rustig aan meneer, u zit ernaast.")
        page.click("#correct-submit")
        expect(page.locator("#review-status")).to_contain_text("Nieuwe score", timeout=120_000)
        assert int(page.locator("#review-score").get_attribute("data-total")) < second_before
        expect(page.locator("#history li").first).to_contain_text("vervangen door")
        highlight = page.locator(".turn[data-number='2'] mark.aanjager").first
        highlight.focus()  # the keyboard reaches every explanation
        expect(highlight.locator(".tip")).to_be_visible()
        expect(highlight.locator(".tip")).to_contain_text("conflictaanjager")
        check_page(page, "07-coach-after-overrule")

    with logged_in(microphone, f"{service.url}/gesprekken", SANNE) as page:
        row = page.locator(f"#my-conversations tr[data-id='{conversation}']")
        expect(row.locator(".new-note")).to_contain_text("1 nieuwe notitie")
        check_page(page, "08-trainee-new-note")
        row.locator("a").click()
        page.wait_for_url(f"**/gesprek/{conversation}")
        expect(page.locator("#notes")).to_contain_text(NOTE)
        expect(page.locator("#notes .new-note")).to_have_count(1)
        expect(page.locator(".notice a[href='#notes-card']")).to_have_text("Lees de notitie")  # one note: not "Lees ze"
        expect(page.locator("#review")).to_have_count(0)
        turn_one = page.locator(".turn[data-number='1']")
        turn_one.locator(":scope > summary").click()
        expect(turn_one.locator(".points li.coach")).to_contain_text("Coach: ")
        expect(turn_one.locator(".points li.coach")).to_contain_text(REASON)
        expect(turn_one.locator(".total")).to_have_attribute("data-total", str(before - 3))
        check_page(page, "09-trainee-sees-judgement")
        page.goto(f"{service.url}/gesprekken")  # seen now: no longer new
        expect(page.locator(f"#my-conversations tr[data-id='{conversation}'] .new-note")).to_have_count(0)

    progress = sanne.get("/api/me/progress").json()
    assert progress["scores"][0]["total"] == before - 3
    assert progress["coach_overrules"] == 1


def test_a_coach_viewing_a_conversation_has_not_listened(service, tmp_path):
    """Merely viewing a conversation counted as opening the trainee's recording: the page fetched
    the last reply's audio to draw its waveform (a test session). The waveform is drawn from its
    outline; the trainee's list of who listened changes only when the coach plays the reply."""
    sanne = service.client(SANNE)
    conversation = new_conversation(sanne)
    answered(sanne, conversation, spoken_reply(REPLY, tmp_path, "antwoord"))

    def coach_openings() -> int:
        return sum(row["count"] for row in sanne.get("/api/me/access").json()["openings"])

    before = coach_openings()
    with logged_in(fake_microphone(REPLY, tmp_path, "microfoon"), f"{service.url}/gesprek/{conversation}", COACH) as page:
        audio_requests: list[str] = []
        page.on("request", lambda request: audio_requests.append(request.url) if request.url.endswith("/audio") else None)
        expect(page.locator("#waveform canvas").first).to_be_attached(timeout=30_000)  # drawn
        expect(page.locator("#calibrate-hint a")).to_have_count(0)  # no "Meet eerst je rustige stem" for the coach
        page.wait_for_timeout(1_000)  # a fetch the page would make of the audio has had time to start
        assert audio_requests == [] and coach_openings() == before
        page.click("#play-reply")
        deadline = time.monotonic() + 10
        while coach_openings() == before and time.monotonic() < deadline:
            time.sleep(0.2)
        page.click("#play-reply")  # pause
        assert audio_requests and coach_openings() == before + 1


def test_a_coach_takes_back_a_note_and_a_judgement(service, tmp_path):
    """A coach's note or overrule could not be withdrawn (a test session): each of their own has
    "Intrekken" (asked first); the trainee's score is VoiceCoach's again and the note is gone."""
    sanne, coach = service.client(SANNE), service.client(COACH)
    conversation = new_conversation(sanne)
    turn = answered(sanne, conversation, spoken_reply(REPLY, tmp_path, "antwoord"))
    machine = turn["score"]["total"]
    assert coach.post(f"/api/conversations/{conversation}/notes", json={"text": NOTE, "turn_id": turn["id"]}).status_code == 201
    assert coach.post(f"/api/turns/{turn['id']}/overrules",
                      json={"label": "aanjager:kalmeringsbevel", "verdict": "gemist", "reason": REASON}).status_code == 201
    assert sanne.get(f"/api/turns/{turn['id']}").json()["score"]["total"] == machine - 3

    with logged_in(fake_microphone(REPLY, tmp_path, "microfoon"), f"{service.url}/gesprek/{conversation}", COACH) as page:
        expect(page.locator("#review-score")).to_have_attribute("data-total", str(machine - 3))
        questions: list[str] = []
        page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
        page.locator("#overrules button", has_text="Intrekken").click()
        expect(page.locator("#review-score")).to_have_attribute("data-total", str(machine))
        expect(page.locator("#review-status")).to_contain_text("Oordeel ingetrokken")
        expect(page.locator("#overrules li")).to_have_count(0)
        page.locator("#notes button", has_text="Intrekken").click()
        expect(page.locator("#notes-card")).to_be_hidden()
        assert [q.split("?")[0] for q in questions] == ["Oordeel intrekken", "Notitie intrekken"]
    after = sanne.get(f"/api/conversations/{conversation}").json()
    assert after["notes"] == [] and after["turns"][0]["score"]["total"] == machine
