"""The protections in a real browser (Debian Chromium): the strict CSP breaks no page (/docs
included), and a page on another port cannot log the victim's tab into another account."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser_support import log_in
from tests.live import LiveService, free_port


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[LiveService]:  # type: ignore[no-untyped-def]
    live = LiveService(tmp_path_factory.mktemp("data")).start()
    live.create_user("oefenaar")
    live.create_user("aanvaller")
    live.create_user("beheer", role="admin")
    yield live
    live.stop()


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    chromium = shutil.which("chromium")
    assert chromium, "scripts/install.sh --test installs Debian chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def test_pages_work_under_the_strict_csp(service, browser):
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    log_in(page, service.url, "oefenaar")  # a real same-origin form post passes the origin check
    expect(page.get_by_role("heading", name="Kies een scenario")).to_be_visible()
    expect(page.get_by_role("heading", name="Wie kan jouw opnames horen")).to_be_visible()
    page.click("button.start >> nth=0")  # scripts run: the conversation page opens
    expect(page.get_by_text("Jouw antwoord")).to_be_visible()
    page.goto(f"{service.url}/docs")  # Swagger UI from the vendored bundle, without inline script
    expect(page.get_by_text("/api/conversations/{conversation_id}/turns").first).to_be_visible()
    assert violations == []


def test_a_page_on_another_port_cannot_log_the_tab_in(service, browser, tmp_path):
    (tmp_path / "index.html").write_text(
        f'<form id="f" method="post" action="{service.url}/login">'
        '<input name="username" value="aanvaller"><input name="password" value="geheim-wachtwoord"></form>'
        '<script>document.getElementById("f").submit()</script>'
    )
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=str(tmp_path))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
        page.wait_for_url(f"{service.url}/login")
        expect(page.get_by_text("andere website")).to_be_visible()
        assert page.request.get(f"{service.url}/api/me").status == 401  # the tab is not logged in
    finally:
        server.shutdown()


def test_the_admin_page_makes_audited_changes(service, browser):
    page = browser.new_page()
    log_in(page, f"{service.url}/beheer", "beheer")
    page.fill("#new-user input[name=username]", "Coach2")
    page.fill("#new-user input[name=password]", "een-lang-wachtwoord")
    page.select_option("#new-user select[name=role]", "coach")
    page.click("#new-user button")
    expect(page.get_by_role("cell", name="coach2", exact=True).first).to_be_visible()  # normalised name
    page.fill("#new-group input[name=name]", "klas 1")
    page.click("#new-group button")
    expect(page.get_by_text("klas 1 (nr. 1)")).to_be_visible()
    page.fill("#add-member input[name=group]", "1")
    page.fill("#add-member input[name=username]", "coach2")
    page.click("#add-member button")
    expect(page.get_by_text("klas 1 (nr. 1): coach2")).to_be_visible()
    page.fill("#change-user input[name=username]", "beheer")
    page.select_option("#change-user select[name=action]", "deactivate")
    page.click("#change-user button")
    expect(page.locator("#admin-status")).to_contain_text("eigen account")
