"""A classroom round in real browsers: the teacher starts it, two students join by code in their
own browser contexts, one reads the customer's line (fake microphone), the other answers as
medewerker (fake microphone, MBROLA speech), the teacher observes and taps the checklist; the
board and the students' pages update without a reload, and the nabespreking (page and PDF) shows
VoiceCoach's labels beside the observers' tallies with their agreement."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect, sync_playwright
from pypdf import PdfReader

from tests.browser_support import check_page, fake_microphone, launch, log_in
from tests.live import LiveService
from voicecoach.coaching.customer import CustomerState, customer_line
from voicecoach.scenarios import load_scenarios

REPLY = "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"
PHONE = {"width": 390, "height": 844}
DOCENT, ANNA, BRAM = "docent.klas", "anna.klas", "bram.klas"  # this module's users on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(DOCENT, role="teacher")
    for name in (ANNA, BRAM):
        shared_service.create_user(name)
    shared_service.create_group("klas 2A", DOCENT, ANNA, BRAM)
    return shared_service


def join(page, url: str, username: str, code: str) -> None:  # type: ignore[no-untyped-def]
    log_in(page, f"{url}/klas/meedoen", username)
    page.wait_for_url("**/klas/meedoen")
    page.fill("#join-code", code.lower())  # typed as it comes: case does not matter
    page.click("#join-submit")
    page.wait_for_url("**/klas/ronde/*")
    expect(page.locator("#my-role")).to_have_text("observator")


def test_a_round_with_teacher_customer_medewerker_and_observer(service, tmp_path):
    scenario = load_scenarios()[0]["monteur-deur"]
    first_line = customer_line(scenario, CustomerState.start(scenario))
    reply_mic = fake_microphone(REPLY, tmp_path, "antwoord")
    customer_mic = fake_microphone(first_line, tmp_path, "klant")

    with sync_playwright() as playwright:
        laptop, phone = launch(playwright, reply_mic), launch(playwright, customer_mic)
        teacher = laptop.new_context(viewport={"width": 1280, "height": 800}).new_page()
        anna = laptop.new_context(viewport=PHONE).new_page()
        bram = phone.new_context(viewport=PHONE).new_page()

        log_in(teacher, f"{service.url}/klas", DOCENT)
        teacher.wait_for_url("**/klas")
        check_page(teacher, "20-klas-overzicht")
        teacher.select_option("#round-scenario", "monteur-deur")
        teacher.select_option("#round-customer", "student")
        teacher.click("#new-round button[type=submit]")
        teacher.wait_for_url("**/klas/ronde/*")
        code = teacher.locator("#round-code").inner_text()
        round_url = teacher.url

        join(anna, service.url, ANNA, code)
        join(bram, service.url, BRAM, code)
        expect(teacher.locator("#members li")).to_have_count(2)  # joined, shown without a reload
        check_page(teacher, "21-klas-ronde-docent")

        board = teacher.context.new_page()
        board.goto(round_url.replace("/klas/ronde/", "/klas/bord/"))
        teacher.bring_to_front()
        teacher.click("#next-roles")  # anna (first to join) answers, bram plays the customer
        expect(anna.locator("#medewerker-panel")).to_be_visible()
        expect(anna.locator("#conversation-link")).to_be_visible()  # her own conversation; nobody else's
        expect(bram.locator("#conversation-link")).to_be_hidden()
        expect(bram.locator("#customer-panel")).to_be_visible()
        expect(bram.locator("#customer-line")).to_have_text(first_line)
        expect(board.locator("#board-line")).to_have_text(first_line)
        check_page(bram, "22-klas-klant")
        check_page(anna, "23-klas-medewerker")

        bram.click("#reading-record")
        expect(bram.locator("#reading-record")).to_have_text("Stop")
        bram.wait_for_timeout(5000)
        bram.click("#reading-record")
        expect(bram.locator("#reading-status")).to_contain_text("Verstuurd")

        anna.click("#answer-record")
        expect(anna.locator("#answer-record")).to_have_text("Stop")
        anna.wait_for_timeout(6000)
        anna.click("#answer-record")
        expect(anna.locator("#answer-status")).to_contain_text("Verstuurd")
        # her second tab answers the same line: refused (409) and no "Opnieuw versturen" that can never
        # work; the button records again (a test session's second tab was stuck there)
        second_tab = anna.context.new_page()
        second_tab.goto(round_url)
        expect(second_tab.locator("#medewerker-panel")).to_be_visible()
        second_tab.click("#answer-record")
        expect(second_tab.locator("#answer-record")).to_have_text("Stop")
        second_tab.wait_for_timeout(2000)
        second_tab.click("#answer-record")
        expect(second_tab.locator("#answer-status")).to_contain_text("al geantwoord")
        expect(second_tab.locator("#answer-record")).to_have_text("Opnemen")
        second_tab.close()

        expect(teacher.locator("#observer-panel")).to_be_visible()
        teacher.locator("#checklist-remmer .check[data-key='begrip_tonen']").click()
        expect(teacher.locator("#mark-status")).to_contain_text("beurt 1")
        teacher.fill("#mark-note", "Rustige toon, goede vraag.")
        teacher.click("#mark-send")
        expect(teacher.locator("#mark-status")).to_contain_text("Notitie verstuurd")
        check_page(teacher, "24-klas-observator")

        # the board follows: the tap at once, then the analysed reply with VoiceCoach's labels
        turn = board.locator(".board-turn[data-number='1']")
        expect(turn.locator("tr[data-key='begrip_tonen'] .class-taps")).to_have_text("1")
        expect(turn).to_have_attribute("data-status", "done", timeout=240_000)
        # a tap just after the reply was analysed is about that reply, though the board waits for beurt 2
        teacher.locator("#checklist-remmer .check[data-key='open_vraag']").click()
        expect(teacher.locator("#mark-status")).to_have_text("Genoteerd bij beurt 1.")
        expect(turn.locator(".transcript")).not_to_be_empty()
        expect(board.locator("#board-agreement")).to_contain_text("punten die de klas of VoiceCoach hoorde")
        expect(turn.locator(".reading")).to_contain_text("Voorgelezen als", timeout=240_000)
        check_page(board, "25-klas-bord")
        # the medewerker's own phone shows the same, without a reload
        expect(anna.locator(".board-turn[data-number='1']")).to_have_attribute("data-status", "done")
        machine = turn.locator("tr[data-key='begrip_tonen'] .machine").inner_text()
        assert machine in ("ja", "nee")

        # "Volgend gesprek" while anna's conversation runs would stop it: asked first, and a dismissed
        # question starts nothing (a test session ended a running conversation by one click)
        asked_next: list[str] = []
        teacher.once("dialog", lambda dialog: (asked_next.append(dialog.message), dialog.dismiss()))
        teacher.click("#next-roles")
        expect(teacher.locator("#next-roles")).to_be_enabled()
        assert asked_next and asked_next[0].startswith(f"Het gesprek van {ANNA} loopt nog")
        expect(anna.locator("#medewerker-panel")).to_be_visible()
        expect(board.locator(".board-turn[data-number='1']")).to_have_attribute("data-status", "done")

        # closing the lesson by keyboard: on this same page, without a reload, the nabespreking links are
        # there with the focus on the first, and the buttons that no longer work are gone (QA s24 S14)
        expect(teacher.locator("#debriefs a", has_text=ANNA)).to_be_visible()  # live since the roles were chosen
        expect(anna.locator("#my-debrief")).to_be_visible()  # her own link too: she joined before she was medewerker
        # closing cannot be undone: the teacher is asked first (a dismissed question closes nothing)
        asked: list[str] = []
        teacher.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        teacher.locator("#close-round").focus()
        teacher.keyboard.press("Enter")
        expect(teacher.locator("#close-round")).to_be_visible()
        assert asked and asked[0].startswith("Les afsluiten?")
        teacher.once("dialog", lambda dialog: dialog.accept())
        teacher.locator("#close-round").focus()
        teacher.keyboard.press("Enter")
        expect(teacher.locator("#round-status")).to_have_text(
            "Deze les is afgesloten. De nabespreking per student staat hieronder.")
        expect(teacher.locator("#next-roles")).to_be_hidden()
        expect(teacher.locator("#close-round")).to_be_hidden()
        expect(teacher.locator("#join-panel")).to_be_hidden()  # no code to join a closed lesson with
        expect(teacher.locator("#debriefs a", has_text=ANNA)).to_be_focused()
        expect(anna.locator("#round-status")).to_have_text("Deze les is afgesloten.")
        expect(board.locator("#board-code")).to_have_text("afgesloten")  # the projector shows no join code any more
        expect(board.locator("#board-status")).to_have_text("De les is afgesloten.")
        check_page(teacher, "25b-klas-ronde-afgesloten")
        teacher.keyboard.press("Enter")
        teacher.wait_for_url("**/nabespreking/*")
        debrief_path = teacher.url.removeprefix(service.url)
        debrief = teacher.locator(".debrief")
        expect(debrief).to_contain_text("Technieken (VoiceCoach)")
        expect(debrief).to_contain_text("begrip tonen (1×)")
        expect(debrief).to_contain_text("Rustige toon, goede vraag.")
        expect(debrief).to_contain_text("punten die de klas of VoiceCoach hoorde")
        check_page(teacher, "26-klas-nabespreking")
        pdf = teacher.request.get(service.url + teacher.locator("#debrief-pdf").get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.body())).pages)
        transcript = " ".join(turn.locator(".transcript").inner_text().split())
        assert f"Nabespreking van {ANNA}" in text and "Beurt 1" in text and first_line.split()[0] in text
        assert " ".join(transcript.split()[:3]) in text
        # the closed lesson on the overview leads to the same nabespreking
        teacher.goto(f"{service.url}/klas")
        expect(teacher.locator(".rounds a.debrief-link", has_text=ANNA)).to_have_attribute("href", debrief_path)
        laptop.close()
        phone.close()
