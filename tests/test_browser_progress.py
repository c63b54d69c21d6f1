"""Issue 17 in a real browser: a trainee with three conversations sees the progress plots, writes
the incident report of the escalated one (a Dutch error beside an empty field first); the coach
sees the same progress, the group and the report; a teacher copies a scenario in the editor, gets
a Dutch validation error beside its field, saves it, and the trainee plays the new scenario.
axe-core checks every new page; screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import (
    ANALYSED, add_trainee_and_coach, answered, check_page, fake_microphone, logged_in, new_conversation, record, spoken_reply,
)
from tests.live import LiveService

CALM = "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"
ANGRY = ("Rustig aan meneer, dat is nou eenmaal ons beleid.", "Doe even normaal, u zit er gewoon naast.",
         "Regels zijn regels, ik kan er niks aan doen.")
SUMMARY = "Als ik het goed begrijp wacht u al drie weken. Wat kunnen we samen doen?"
NEW_LINE = "Ik sta hier al een uur te wachten op mijn gereserveerde boek!"
SANNE, COACH, DOCENT = "sanne.progress", "coach.progress", "docent.progress"  # this module's users on the shared service


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    shared_service.create_user(DOCENT, role="teacher")  # outside the group
    return add_trainee_and_coach(shared_service, SANNE, COACH, "klas progress")


def practise(service: LiveService, folder) -> str:  # type: ignore[no-untyped-def]
    """Three conversations through the API; the second one is fuelled until it escalates (its id is returned)."""
    sanne = service.client(SANNE)
    conversations = []
    for scenario, replies in (("monteur-deur", [CALM]), ("grens-overschrijden", ANGRY), ("klantenservice-rekening", [SUMMARY])):
        conversation = new_conversation(sanne, scenario)
        for number, text in enumerate(replies):
            answered(sanne, conversation, spoken_reply(text, folder, f"{scenario}-{number}"))
            if sanne.get(f"/api/conversations/{conversation}").json()["finished"]:
                break
        conversations.append(conversation)
    escalated = conversations[1]
    assert sanne.get(f"/api/conversations/{escalated}").json()["state"]["outcome"] == "escalated"
    return escalated


def chart_ready(page, chart: str) -> None:  # type: ignore[no-untyped-def]
    """Wait (bounded) until Chart.js has loaded and drawn `chart`: the page's table can be visible
    before the script at its end has run, on a loaded machine by seconds."""
    expect(page.locator(f"#{chart}")).to_be_visible()
    page.wait_for_function("id => window.Chart !== undefined && Chart.getChart(id) !== undefined", arg=chart)


def charts_drawn(page) -> None:  # type: ignore[no-untyped-def]
    for chart in ("criteria-chart", "labels-chart", "voice-chart"):
        chart_ready(page, chart)
        assert page.evaluate(f"Chart.getChart('{chart}').data.labels.length") == 3
        assert page.evaluate(f"Chart.getChart('{chart}').options.scales.y.title.text")  # a labelled axis


def test_progress_incident_report_and_scenario_editor(service, tmp_path):
    escalated = practise(service, tmp_path)
    microphone = fake_microphone(CALM, tmp_path, "microfoon")
    with logged_in(microphone, f"{service.url}/voortgang", SANNE) as page:
        expect(page.get_by_role("heading", name="Mijn voortgang")).to_be_visible()
        expect(page.locator("#advice")).to_contain_text("Bron:")
        charts_drawn(page)
        check_page(page, "10-trainee-progress")
        # at phone size the table's last columns (Afloop) are reached by keyboard: the box scrolls
        page.set_viewport_size({"width": 390, "height": 844})
        box = page.locator(".table-scroll").first
        box.focus()
        expect(box).to_be_focused()
        assert page.evaluate("() => { const b = document.querySelector('.table-scroll'); return b.scrollWidth > b.clientWidth; }")
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
        page.set_viewport_size({"width": 1280, "height": 800})

        page.goto(f"{service.url}/gesprek/{escalated}")
        expect(page.locator("#incident")).to_be_visible()
        page.fill("#incident-what", "De klant dreigde de balie kapot te slaan.")
        page.fill("#incident-who", "De klant en ik")
        page.click("#incident-form button[type=submit]")
        error = page.locator("#incident-happened_when-error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("Vul 'Wanneer' in")
        expect(page.locator("#incident-happened_when")).to_be_focused()
        check_page(page, "11-incident-error")
        page.fill("#incident-happened_when", "Vandaag om 14.10 uur aan de balie")
        page.click("#incident-form button[type=submit]")
        expect(page.locator("#incident-status")).to_contain_text("opgeslagen")
        expect(error).to_be_hidden()

    with logged_in(microphone, f"{service.url}/voortgang", COACH) as page:
        check_page(page, "12-coach-progress-overview")
        page.click("#progress-groups a")
        expect(page.locator(f"#group-progress tr[data-username='{SANNE}']")).to_be_visible()
        chart_ready(page, "group-chart")
        assert page.evaluate("Chart.getChart('group-chart').data.labels") == [SANNE]
        check_page(page, "13-group-progress")
        page.click("#group-progress a")
        expect(page.get_by_role("heading", name=f"Voortgang van {SANNE}")).to_be_visible()
        charts_drawn(page)
        check_page(page, "14-coach-sees-trainee-progress")
        page.goto(f"{service.url}/gesprek/{escalated}")
        expect(page.locator("#incident-view")).to_contain_text("Vandaag om 14.10 uur")
        page.goto(f"{service.url}/rapport/gesprek/{escalated}")
        expect(page.get_by_role("heading", name="Incidentmelding")).to_be_visible()
        check_page(page, "15-conversation-report")

    with logged_in(microphone, f"{service.url}/scenarios-schrijven", DOCENT) as page:
        check_page(page, "16-scenario-list")
        page.click("#scenario-list tr[data-id='monteur-deur'] a:has-text('Kopiëren')")
        expect(page.locator("#editor-status")).to_have_text("Het scenario is in orde.")
        page.fill("#f-id", "bibliotheek-balie")
        page.fill("#f-title", "Boze bezoeker in de bibliotheek")
        page.fill("[id='f-setting']", "Kort")
        setting_error = page.locator("[data-error-for='setting']")
        expect(setting_error).to_be_visible()
        expect(setting_error).to_have_text("is te kort of leeg")
        expect(page.locator("[id='f-setting']")).to_have_attribute("aria-invalid", "true")
        check_page(page, "17-editor-validation-error")
        page.fill("[id='f-setting']", "Je werkt aan de balie van de bibliotheek; een bezoeker wacht al lang op een boek.")
        expect(setting_error).to_be_hidden()
        page.fill("[id='f-phases.0.lines.3']", NEW_LINE)
        page.click("[data-preview-for='f-phases.0.lines.3']")
        assert "/api/scenario-editor/voice?" in page.locator("#preview-audio").get_attribute("src")
        page.click("#save-scenario")
        expect(page.locator("#editor-status")).to_contain_text("Opgeslagen als versie 1")

    with logged_in(microphone, service.url, SANNE) as page:
        page.click("button.start[data-scenario='bibliotheek-balie']")
        page.wait_for_url("**/gesprek/*")
        expect(page.locator("h1")).to_have_text("Boze bezoeker in de bibliotheek")
        expect(page.locator("#customer-line")).to_have_text(NEW_LINE)
        record(page, "#record", 6)
        expect(page.locator(".turn[data-number='1'] .points li").first).to_be_visible(timeout=ANALYSED)
