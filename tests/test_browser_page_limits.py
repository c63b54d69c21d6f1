"""Where the pages' waiting and buttons end, found by a test session:
- after Stop the conversation page waits at most 3 minutes in all, also when a streamed reply's socket
  waited first (it waited 6 minutes), then says so with "Opnieuw proberen". A service without a worker
  stands for a stalled analysis; Playwright's clock moves the page's own time on;
- "Laatste opname verwijderen", "Dit gesprek verwijderen" and "Probeer opnieuw" say when they fail,
  that nothing changed, with "Opnieuw inloggen" when logged out (they did nothing visible); deleting
  a reply says that the coach's note on it goes too;
- the classroom's anger meters show a furious customer in the bad colour (it was green at 4 of 4);
- the printable progress report fits a phone (its table made the page scroll sideways)."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser_support import (
    PASSWORD, REPLY, answered, check_page, fake_microphone, logged_in, new_conversation, record, spoken_reply,
)
from tests.live import LiveService

ANALYSING = "Je antwoord wordt geanalyseerd…"
OEFENAAR, DOCENT, GROUP = "oefenaar.limits", "docent.limits", "klas limits"  # this module's own on the shared service


@pytest.fixture(scope="module")
def stalled(tmp_path_factory) -> Iterator[LiveService]:  # type: ignore[no-untyped-def]
    """`serve --no-worker` and no worker: every reply stays queued."""
    live = LiveService(tmp_path_factory.mktemp("data")).start()
    live.create_user(OEFENAAR)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def service(shared_service: LiveService) -> LiveService:
    """With a worker: the trainee and the teacher in one group."""
    shared_service.create_user(OEFENAAR)
    shared_service.create_user(DOCENT, role="teacher")
    shared_service.create_group(GROUP, DOCENT, OEFENAAR)
    return shared_service


@pytest.fixture(scope="module")
def microphone(tmp_path_factory) -> Path:
    return fake_microphone(REPLY, tmp_path_factory.mktemp("microfoon"), "antwoord")


def _database(service: LiveService) -> Path:
    return Path(service.env["VOICECOACH_DATA_DIR"]) / "voicecoach.db"


def _log_out_elsewhere(page: Page) -> None:
    """Another tab's "Uitloggen" form: the same browser session ends."""
    status = page.evaluate("""fetch("/logout", {method: "POST", body: new URLSearchParams(
        {csrf_token: document.querySelector('meta[name="csrf-token"]').content})}).then((r) => r.status)""")
    assert status in (200, 303)


@pytest.mark.parametrize("streamed", [True, False], ids=["stream", "upload"])
def test_after_stop_the_page_waits_three_minutes_in_all_then_says_so(stalled, microphone, streamed):
    client = stalled.client(OEFENAAR)
    conversation_id = new_conversation(client)
    with logged_in(microphone, f"{stalled.url}/gesprek/{conversation_id}", OEFENAAR) as page:
        uploads: list[str] = []
        page.on("request", lambda r: uploads.append(r.url) if r.method == "POST" and "/turns" in r.url else None)
        if not streamed:  # a network that does not pass WebSockets: the page uploads and polls
            page.route_web_socket("**/stream*", lambda socket: socket.close(code=1011, reason="refused"))
        page.clock.install()  # the page's own clock and timers, moved on below
        page.reload()
        expect(page.locator("#customer-line")).not_to_be_empty()
        record(page, "#record", 4)
        expect(page.locator("#status")).to_have_text(ANALYSING, timeout=30_000)
        assert len(uploads) == (0 if streamed else 1)

        page.clock.fast_forward("02:50")
        page.wait_for_timeout(3_000)
        expect(page.locator("#error")).to_be_hidden()
        expect(page.locator("#status")).to_have_text(ANALYSING)

        page.clock.fast_forward("00:15")  # 3 minutes and 5 seconds after Stop
        expect(page.locator("#error")).to_contain_text("De analyse duurt langer dan verwacht", timeout=30_000)
        expect(page.locator("#error")).to_contain_text("Je opname is bewaard")
        expect(page.locator("#retry")).to_be_visible()
        expect(page.locator("#status")).to_have_text("")
    turns = client.get(f"/api/conversations/{conversation_id}").json()["turns"]
    assert [turn["status"] for turn in turns] == ["queued"]  # kept: analysed once a worker runs


def test_deleting_the_last_reply_while_logged_out_says_so_and_works_after_logging_in(service, microphone, tmp_path):
    client = service.client(OEFENAAR)
    conversation_id = new_conversation(client)
    turn = answered(client, conversation_id, spoken_reply(REPLY, tmp_path, "antwoord"))
    url = f"{service.url}/gesprek/{conversation_id}"
    with logged_in(microphone, url, OEFENAAR) as page:
        expect(page.locator(f".turn[data-id='{turn['id']}']")).to_be_visible()
        _log_out_elsewhere(page)
        questions: list[str] = []
        page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
        page.click("#delete-turn")
        error = page.locator("#action-error")
        expect(error).to_contain_text("Je bent niet meer ingelogd", timeout=10_000)
        expect(error).to_contain_text("er is nog niets veranderd")
        expect(page.locator("#action-login")).to_be_visible()
        assert client.get(f"/api/turns/{turn['id']}").status_code == 200  # not deleted

        with page.context.expect_page() as opened:
            page.click("#action-login")  # the login opens in a new tab
        login = opened.value
        login.fill("input[name=username]", OEFENAAR)
        login.fill("input[name=password]", PASSWORD)
        login.click("button[type=submit]")
        login.wait_for_url(lambda now: "/login" not in now)
        page.bring_to_front()
        page.click("#action-retry")
        expect(page.locator(f".turn[data-id='{turn['id']}']")).to_have_count(0, timeout=10_000)
        assert len(questions) == 1  # asked once: the retry does not ask again
    assert client.get(f"/api/turns/{turn['id']}").status_code == 404


def test_deleting_a_reply_says_its_coach_note_goes_too(service, microphone, tmp_path):
    """A coach's note went silently with the turn it was about (a test session)."""
    client = service.client(OEFENAAR)
    conversation_id = new_conversation(client)
    turn = answered(client, conversation_id, spoken_reply(REPLY, tmp_path, "antwoord"))
    coach = service.client(DOCENT)
    assert coach.post(f"/api/conversations/{conversation_id}/notes",
                      json={"text": "Mooi rustig begin.", "turn_id": turn["id"]}).status_code == 201
    with logged_in(microphone, f"{service.url}/gesprek/{conversation_id}", OEFENAAR) as page:
        expect(page.locator("#notes")).to_contain_text("Mooi rustig begin.")
        questions: list[str] = []
        page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
        page.click("#delete-turn")
        expect(page.locator(f".turn[data-id='{turn['id']}']")).to_have_count(0, timeout=10_000)
        assert questions and questions[0].endswith("De notitie van je coach erbij gaat ook weg.")
        expect(page.locator("#notes")).not_to_contain_text("Mooi rustig begin.")


def test_a_new_start_or_deletion_that_fails_says_nothing_changed(service, microphone):
    client = service.client(OEFENAAR)
    conversation_id = new_conversation(client)
    with sqlite3.connect(_database(service), timeout=30) as db:  # ended (escalated): the end screen shows its buttons
        db.execute("UPDATE conversations SET finished_at = datetime('now'), state = json_set(state, '$.outcome', 'escalated')"
                   " WHERE id = ?", (conversation_id,))
    url = f"{service.url}/gesprek/{conversation_id}"
    with logged_in(microphone, url, OEFENAAR) as page:
        page.on("dialog", lambda dialog: dialog.accept())
        expect(page.locator("#retry-scenario")).to_be_visible()
        page.route("**/api/conversations", lambda route: route.abort("connectionreset"))  # no connection
        page.click("#retry-scenario")
        error = page.locator("#action-error")
        expect(error).to_contain_text("Dat is niet gelukt", timeout=10_000)
        expect(error).to_contain_text("Er is niets veranderd")
        expect(page.locator("#action-login")).to_be_hidden()
        assert page.url == url

        def bad_gateway(route) -> None:  # type: ignore[no-untyped-def]  # a proxy's error page for the deletion
            if route.request.method == "DELETE":
                route.fulfill(status=502, body="Bad Gateway")
            else:
                route.continue_()

        page.route(f"**/api/conversations/{conversation_id}", bad_gateway)
        page.reload()
        expect(page.locator("#action-problem")).to_be_hidden()
        page.click("#delete-conversation")
        expect(page.locator("#action-problem")).to_be_visible()
        expect(error).to_contain_text("Er is niets veranderd")
        assert client.get(f"/api/conversations/{conversation_id}").status_code == 200

        page.unroute(f"**/api/conversations/{conversation_id}")  # the connection is back
        page.click("#action-retry")
        page.wait_for_url(lambda now: conversation_id not in now)  # deleted: the page leaves it
    assert client.get(f"/api/conversations/{conversation_id}").status_code == 404


def _bar_colour(page: Page, meter: str, value: int) -> tuple[int, int, int]:
    """The colour of the meter's filled bar at `value` (just inside its left end)."""
    page.eval_on_selector(meter, "(m, v) => { m.value = v; }", value)
    image = Image.open(io.BytesIO(page.locator(meter).screenshot())).convert("RGB")
    return image.getpixel((image.width // 10, image.height // 2))


def test_the_anger_meters_show_a_furious_customer_in_the_bad_colour(service, microphone):
    with sqlite3.connect(_database(service), timeout=30) as db:
        (group_id,) = db.execute("SELECT id FROM groups WHERE name = ?", (GROUP,)).fetchone()
    docent = service.client(DOCENT)
    created = docent.post("/api/rounds", json={"group_id": group_id, "scenario_id": "monteur-deur"})
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    assert service.client(OEFENAAR).post("/api/rounds/join", json={"code": created.json()["code"]}).status_code == 200
    assert docent.post(f"/api/rounds/{round_id}/roles", json={}).status_code == 200

    with logged_in(microphone, f"{service.url}/klas/bord/{round_id}", DOCENT) as page:
        expect(page.locator("#board-anger")).not_to_be_empty()
        meter = page.locator("#board-anger-meter")
        assert meter.evaluate("m => m.value") == int(page.locator("#board-anger").inner_text())
        red, green, _ = _bar_colour(page, "#board-anger-meter", 4)
        assert red > green, "furious: the bad colour"
        red, green, _ = _bar_colour(page, "#board-anger-meter", 1)
        assert green > red, "calm: the good colour"
        board = {name: meter.get_attribute(name) for name in ("min", "max", "low", "high", "optimum")}
        page.goto(f"{service.url}/klas/ronde/{round_id}")  # the same meter on the round's page
        round_meter = page.locator("#anger-meter")
        assert {name: round_meter.get_attribute(name) for name in board} == board


def test_the_printable_progress_report_fits_a_phone_and_prints_its_table_whole(service, microphone, tmp_path):
    client = service.client(OEFENAAR)
    answered(client, new_conversation(client), spoken_reply(REPLY, tmp_path, "antwoord"))
    with logged_in(microphone, f"{service.url}/rapport/voortgang/{OEFENAAR}", OEFENAAR) as page:
        expect(page.locator("table")).to_be_visible()
        check_page(page, "rapport-voortgang")  # no wider than the window, desktop and phone
        page.emulate_media(media="print")
        assert page.locator(".table-scroll").evaluate("box => getComputedStyle(box).overflowX") == "visible"
