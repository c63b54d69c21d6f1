"""Classroom pages in-process: the teacher's overview with scenario assignment (shown on the
students' home page), the LAN setting with its certificate fingerprint, join, round and board."""

from __future__ import annotations

import re

from tests.test_api import app, logged_in  # noqa: F401 - the fixture and helper
from tests.test_classroom_api import make_group, open_round
from voicecoach.classroom.lan import lan_addresses


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_overview_assignment_and_home_page(app):  # noqa: F811
    docent, anna = logged_in(app, "docent", "teacher"), logged_in(app, "anna")
    group = make_group(app, "klas 2A", ["docent", "anna"])
    page = docent.get("/klas")
    assert page.status_code == 200 and "klas 2A" in page.text and "anna" in page.text
    assert "Lokaal netwerk aanzetten" in page.text and "alleen op deze computer" in page.text
    assert anna.get("/klas", follow_redirects=False).headers["location"] == "/klas/meedoen"
    token = csrf(page.text)
    assert docent.post("/klas/toewijzen", data={"group_id": group, "scenario_id": "late-levering", "csrf_token": "fout"}).status_code == 400
    assert "Opdrachten van je docent" not in anna.get("/oefenen").text
    done = docent.post("/klas/toewijzen", data={"group_id": group, "scenario_id": "late-levering", "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    home = anna.get("/oefenen").text
    assert "Opdrachten van je docent" in home and "klas 2A" in home
    assert anna.post("/klas/toewijzen", data={"group_id": group, "scenario_id": "late-levering", "csrf_token": csrf(home)}).status_code == 404
    docent.post("/klas/toewijzen", data={"group_id": group, "scenario_id": "late-levering", "csrf_token": token, "action": "uit"})
    assert "Opdrachten van je docent" not in anna.get("/oefenen").text


def test_lan_setting_shows_the_certificate_fingerprint(app):  # noqa: F811
    docent = logged_in(app, "docent", "teacher")
    token = csrf(docent.get("/klas").text)
    docent.post("/klas/netwerk", data={"enabled": "ja", "csrf_token": token})
    page = docent.get("/klas").text
    fingerprint = re.search(r'id="fingerprint">([0-9A-F:]+)<', page).group(1)
    assert len(fingerprint) == 95  # 32 bytes as AB:CD:…
    cert = app.state.settings.data_dir / "lan" / "lan-cert.pem"
    assert cert.exists() and (cert.parent / "lan-key.pem").stat().st_mode & 0o077 == 0
    for address in lan_addresses():
        assert f"https://{address}:{app.state.settings.lan_port}" in page
    docent.post("/klas/netwerk", data={"enabled": "nee", "csrf_token": token})
    assert "Lokaal netwerk aanzetten" in docent.get("/klas").text


def test_round_pages_render_for_each_role(app):  # noqa: F811
    docent, anna, bram = logged_in(app, "docent", "teacher"), logged_in(app, "anna"), logged_in(app, "bram")
    group = make_group(app, "klas 2A", ["docent", "anna", "bram"])
    created = open_round({"docent": docent}, group)
    join = anna.get(f"/klas/meedoen?code={created['code']}")
    assert join.status_code == 200 and created["code"] in join.text
    assert anna.get(f"/klas/ronde/{created['id']}").status_code == 404  # not joined yet
    anna.post("/api/rounds/join", json={"code": created["code"]})
    for client in (docent, anna):
        assert client.get(f"/klas/ronde/{created['id']}").status_code == 200
        assert client.get(f"/klas/bord/{created['id']}").status_code == 200
        # the join link opened again (the QR code scanned twice) goes to the lesson, not an empty join form
        again = client.get(f"/klas/meedoen?code={created['code'].lower()}", follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"] == f"/klas/ronde/{created['id']}"
    assert bram.get(f"/klas/meedoen?code={created['code']}", follow_redirects=False).status_code == 200  # not joined: the form
    teacher_page = docent.get(f"/klas/ronde/{created['id']}").text
    assert created["code"] in teacher_page and "qr.svg" in teacher_page and "/klas/meedoen?code=" in teacher_page
    assert bram.get(f"/klas/bord/{created['id']}").status_code == 404
    anna_id = anna.get(f"/api/rounds/{created['id']}").json()["me"]["id"]
    before = docent.get(f"/klas/ronde/{created['id']}/nabespreking/{anna_id}")
    assert before.status_code == 200 and "nog geen medewerker" in before.text
    # VoiceCoach plays the customer: the board on the teacher's laptop may play its line, a classmate may not
    conversation = docent.post(f"/api/rounds/{created['id']}/roles", json={}).json()["conversation_id"]
    assert 'id="board-speak"' in docent.get(f"/klas/bord/{created['id']}").text
    spoken = docent.get(f"/api/conversations/{conversation}/customer-audio")
    assert spoken.status_code == 200 and spoken.content[:4] == b"RIFF"
    assert bram.get(f"/api/conversations/{conversation}/customer-audio").status_code == 404
    unanswered = docent.get(f"/klas/ronde/{created['id']}/nabespreking/{anna_id}")
    # nobody observed: no "disagreement" of a class that said nothing (a test session read "Wie heeft gelijk?" three times)
    assert unanswered.status_code == 200 and "Er waren geen observatoren die tikten" in unanswered.text
    assert "Wie heeft gelijk" not in unanswered.text
    assert docent.post(f"/api/rounds/{created['id']}/close").status_code == 200
    closed = docent.get(f"/klas/ronde/{created['id']}/nabespreking/{anna_id}").text
    assert "gestopt toen de les werd afgesloten" in closed and "— bezig</h2>" not in closed
    # the medewerker finds their own nabespreking on the round page (a test session found no link to it)
    round_id = created["id"]
    own = f'href="/klas/ronde/{round_id}/nabespreking/{anna_id}"'
    assert own in anna.get(f"/klas/ronde/{created['id']}").text
    assert 'id="my-debrief"' not in docent.get(f"/klas/ronde/{created['id']}").text


def test_a_closed_lesson_on_klas_links_to_its_nabesprekingen(app):  # noqa: F811
    """QA s24 S14: /klas listed a closed lesson with only its board, no way to the nabespreking."""
    docent, anna, bram = logged_in(app, "docent", "teacher"), logged_in(app, "anna"), logged_in(app, "bram")
    collega = logged_in(app, "collega", "teacher")
    group = make_group(app, "klas 2A", ["docent", "collega", "anna", "bram"])
    created, empty = open_round({"docent": docent}, group), open_round({"docent": docent}, group)
    round_id = created["id"]
    for student in (anna, bram):
        student.post("/api/rounds/join", json={"code": created["code"]})
    docent.post(f"/api/rounds/{round_id}/roles", json={})  # anna, first to join, is medewerker; bram only watches
    anna_id = anna.get(f"/api/rounds/{round_id}").json()["me"]["id"]
    link = f'href="/klas/ronde/{round_id}/nabespreking/{anna_id}"'
    assert docent.get(f"/api/rounds/{round_id}").json()["debriefs"] == [{"id": anna_id, "name": "anna"}]
    assert link not in docent.get("/klas").text  # while it runs the round page lists them
    for row in (created, empty):
        assert docent.post(f"/api/rounds/{row['id']}/close").status_code == 200
    overview = docent.get("/klas").text
    closed = re.search(rf'<li data-round="{round_id}">.*?</li>', overview, re.S).group(0)
    assert "(afgesloten)" in closed and link in closed and 'aria-label="Nabespreking van anna"' in closed
    assert "/nabespreking/" not in closed.replace(link, "")  # bram was never medewerker: no nabespreking of his
    nobody = re.search(rf'<li data-round="{empty["id"]}">.*?</li>', overview, re.S).group(0)
    assert "nabespreking: geen, niemand was medewerker" in " ".join(nobody.split())
    assert docent.get(link[6:-1]).status_code == 200 and anna.get(link[6:-1]).status_code == 200
    assert bram.get(link[6:-1]).status_code == 404
    # a colleague of the group sees the lesson but did not lead it: no link that would answer 404
    assert "/nabespreking/" not in collega.get("/klas").text
    assert collega.get(link[6:-1]).status_code == 404
    # the closed lesson's round page: no buttons that only answer "Deze les is afgesloten."
    page = docent.get(f"/klas/ronde/{round_id}").text
    assert re.search(r'id="next-roles" hidden', page) and re.search(r'id="close-round" class="secondary" hidden', page)
    assert re.search(r'id="join-panel" hidden', page)  # a closed lesson shows no join code, nor its board or the list
    assert "code " not in docent.get(f"/klas/bord/{round_id}").text.split("<h1>")[1].split("</h1>")[0]
    assert "(afgesloten)" in closed and "code " not in closed
    assert link in page
