"""The classroom round through the JSON API in-process (real SQLite, real worker code, real speech):
join codes, rotating roles, the observers' checklist, the customer's read line, the board."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.test_api import app, logged_in, run_queue  # noqa: F401 - the fixture and helpers
from voicecoach.admin_service import add_member, create_group
from voicecoach.classroom.models import CustomerReading, RoundConversation, RoundEvent
from voicecoach.store.models import ConversationRow, Group, Recording, User, utcnow
from voicecoach.vocabulary import criterion_name


def make_group(app, name: str, usernames: list[str]) -> int:  # type: ignore[no-untyped-def]  # noqa: F811
    with app.state.sessions() as session:
        group = create_group(session, None, name)
        for username in usernames:
            add_member(session, None, group, session.scalar(select(User).where(User.username == username)))
        session.commit()
        return group.id


@pytest.fixture
def klas(app):  # type: ignore[no-untyped-def]  # noqa: F811
    clients = {"docent": logged_in(app, "docent", "teacher")}
    for name in ("anna", "bram", "cas", "buiten"):
        clients[name] = logged_in(app, name)
    group = make_group(app, "klas 2A", ["docent", "anna", "bram", "cas"])
    return clients, group


def open_round(clients, group: int, mode: str = "voicecoach") -> dict:  # type: ignore[no-untyped-def]
    response = clients["docent"].post("/api/rounds", json={"group_id": group, "scenario_id": "monteur-deur", "customer_mode": mode})
    assert response.status_code == 201, response.text
    return response.json()


def test_only_a_teacher_of_the_group_opens_a_round(app, klas):  # noqa: F811
    clients, group = klas
    assert clients["anna"].post("/api/rounds", json={"group_id": group, "scenario_id": "monteur-deur"}).status_code == 404
    other = make_group(app, "klas 9Z", ["buiten"])
    assert clients["docent"].post("/api/rounds", json={"group_id": other, "scenario_id": "monteur-deur"}).status_code == 404
    bad = clients["docent"].post("/api/rounds", json={"group_id": group, "scenario_id": "monteur-deur", "customer_mode": "robot"})
    assert bad.status_code == 400 and "klant" in bad.json()["error"]["message"]
    created = open_round(clients, group)
    assert len(created["code"]) == 6 and created["code"].isupper()
    qr = clients["docent"].get(f"/api/rounds/{created['id']}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml") and b"<svg" in qr.content
    assert clients["anna"].get(f"/api/rounds/{created['id']}/qr.svg").status_code == 404


def test_students_join_by_code_and_roles_rotate(app, klas):  # noqa: F811
    clients, group = klas
    created = open_round(clients, group, "student")
    code = created["code"]
    assert clients["buiten"].post("/api/rounds/join", json={"code": code}).status_code == 404  # not in the group
    wrong = clients["anna"].post("/api/rounds/join", json={"code": "ZZZZZZ"})
    assert wrong.status_code == 404 and "code" in wrong.json()["error"]["message"]
    assert clients["buiten"].get(f"/api/rounds/{created['id']}").status_code == 404
    for name in ("anna", "bram", "cas"):
        joined = clients[name].post("/api/rounds/join", json={"code": f" {code[:3].lower()} {code[3:]} "})
        assert joined.status_code == 200 and joined.json()["role"] == "observer"
    assert clients["anna"].post("/api/rounds/join", json={"code": code}).status_code == 200  # again: still one member
    seen = []
    for _ in range(4):
        assert clients["docent"].post(f"/api/rounds/{created['id']}/roles", json={}).status_code == 200
        board = clients["docent"].get(f"/api/rounds/{created['id']}").json()
        roles = {m["name"]: m["role"] for m in board["members"]}
        assert sorted(roles.values()) == ["klant", "medewerker", "observer"]
        seen.append(next(name for name, role in roles.items() if role == "medewerker"))
        medewerker = board["conversation"]["medewerker_id"]
        with app.state.sessions() as session:
            assert session.get(User, medewerker).display_name == seen[-1]  # the conversation is the medewerker's
    assert seen == ["anna", "bram", "cas", "anna"]
    assert clients["anna"].post(f"/api/rounds/{created['id']}/roles", json={}).status_code == 404  # students do not lead


def test_a_double_click_on_next_conversation_starts_one(app, klas):  # noqa: F811
    """Two "Volgend gesprek" requests from one page view (a double click) started two conversations
    and rotated the roles twice, so one student never answered (a test session)."""
    clients, group = klas
    created = open_round(clients, group)
    for name in ("anna", "bram"):
        assert clients[name].post("/api/rounds/join", json={"code": created["code"]}).status_code == 200
    url = f"/api/rounds/{created['id']}/roles"
    first = clients["docent"].post(url, json={"after": ""}).json()["conversation_id"]
    assert clients["docent"].post(url, json={"after": ""}).json()["conversation_id"] == first
    board = clients["docent"].get(f"/api/rounds/{created['id']}").json()
    assert {m["name"]: m["role"] for m in board["members"]}["anna"] == "medewerker"
    second = clients["docent"].post(url, json={"after": first}).json()["conversation_id"]  # the page saw the first
    assert second != first
    with app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RoundConversation)) == 2


def test_the_nabespreking_says_what_stopped_a_conversation(app, klas):  # noqa: F811
    """A conversation the next one ended read "gestopt toen de les werd afgesloten" (a test session):
    each says what stopped it."""
    clients, group = klas
    created = open_round(clients, group)
    assert clients["anna"].post("/api/rounds/join", json={"code": created["code"]}).status_code == 200
    url = f"/api/rounds/{created['id']}/roles"
    first = clients["docent"].post(url, json={"after": ""}).json()["conversation_id"]
    clients["docent"].post(url, json={"after": first})  # anna again (the only student): the first one stops
    assert clients["docent"].post(f"/api/rounds/{created['id']}/close", json={}).status_code == 200
    with app.state.sessions() as session:
        anna_id = session.scalar(select(User.id).where(User.username == "anna"))
    page = clients["docent"].get(f"/klas/ronde/{created['id']}/nabespreking/{anna_id}").text
    titles = [" ".join(title.split()) for title in re.findall(r"<h2>(Gesprek \d.*?)</h2>", page, re.S)]
    assert len(titles) == 2, titles
    assert titles[0].endswith("gestopt toen het volgende gesprek begon")
    assert titles[1].endswith("gestopt toen de les werd afgesloten")


@pytest.mark.slow
def test_a_late_joiner_does_not_overrule_the_class_on_earlier_turns(app, klas, dutch_reply_wav):  # noqa: F811
    """Observers who joined after a turn counted as "not heard" for it, so every label the class
    heard there read as a disagreement with VoiceCoach (a test session): an observer counts for the
    turns after they joined, and for those they tapped at."""
    clients, group = klas
    clients["dirk"] = logged_in(app, "dirk")
    with app.state.sessions() as session:
        add_member(session, None, session.get(Group, group), session.scalar(select(User).where(User.username == "dirk")))
        session.commit()
    created = open_round(clients, group)
    round_id = created["id"]
    for name in ("anna", "bram"):
        clients[name].post("/api/rounds/join", json={"code": created["code"]})
    conversation = clients["docent"].post(f"/api/rounds/{round_id}/roles", json={}).json()["conversation_id"]  # anna answers
    assert clients["anna"].post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).status_code == 202
    assert run_queue(app) == 1
    first = clients["docent"].get(f"/api/rounds/{round_id}").json()["conversation"]["turns"][0]
    for key in first["machine"]:  # bram, the one observer then, hears what VoiceCoach heard
        assert clients["bram"].post(f"/api/rounds/{round_id}/marks", json={"label": key, "turn": 1}).status_code == 201
    for name in ("cas", "dirk"):  # they come in late and tap at the next turn
        clients[name].post("/api/rounds/join", json={"code": created["code"]})
    assert clients["anna"].post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).status_code == 202
    assert run_queue(app) == 1
    for name in ("cas", "dirk"):
        assert clients[name].post(f"/api/rounds/{round_id}/marks", json={"label": "open_vraag", "turn": 2}).status_code == 201
    agreement = clients["docent"].get(f"/api/rounds/{round_id}").json()["conversation"]["agreement"]
    assert agreement["observers"] == 3
    assert [d for d in agreement["disagreements"] if d["turn"] == 1] == []


def test_the_class_sees_who_has_no_calm_voice_measured(app, klas, clip_dir):  # noqa: F811
    """Without a calibration a medewerker's voice is held against general values only: the student
    is asked to measure it on the round page, the teacher sees who has not."""
    from voicecoach.audio.synth import speak_to_wav
    from voicecoach.voice.baseline import CALIBRATION_TEXT

    clients, group = klas
    created = open_round(clients, group, "student")
    assert clients["anna"].post("/api/rounds/join", json={"code": created["code"]}).status_code == 200

    def shown() -> tuple[bool, bool]:
        board = clients["docent"].get(f"/api/rounds/{created['id']}").json()
        page = clients["anna"].get(f"/klas/ronde/{created['id']}").text
        return next(m["calibrated"] for m in board["members"] if m["name"] == "anna"), "Meet eerst je rustige stem" in page

    assert shown() == (False, True)
    assert "Meet eerst je rustige stem" not in clients["docent"].get(f"/klas/ronde/{created['id']}").text
    reading = speak_to_wav(CALIBRATION_TEXT, clip_dir / "kalibratie-klas.wav")
    assert clients["anna"].post("/api/baselines", content=reading.read_bytes()).status_code == 202
    assert run_queue(app) == 1
    assert clients["anna"].get("/api/baselines/current").status_code == 200
    assert shown() == (True, False)


def test_a_read_customer_line_follows_the_retention_setting_and_account_deletion(app, klas, dutch_reply_wav):  # noqa: F811
    from datetime import timedelta

    from voicecoach.privacy import delete_account, purge_expired
    from voicecoach.store.models import utcnow

    clients, group = klas
    created = open_round(clients, group, "student")
    for name in ("anna", "bram"):
        clients[name].post("/api/rounds/join", json={"code": created["code"]})
    clients["docent"].post(f"/api/rounds/{created['id']}/roles", json={})  # bram reads the customer's lines
    data_dir = app.state.settings.data_dir
    for _ in range(2):
        assert clients["bram"].post(f"/api/rounds/{created['id']}/readings", content=dutch_reply_wav.read_bytes()).status_code == 202
    with app.state.sessions() as session:
        old, new = session.scalars(select(Recording).where(Recording.kind == "customer_line").order_by(Recording.created_at)).all()
        old.created_at = utcnow() - timedelta(days=40)
        session.commit()
        old_path, new_path = data_dir / old.path, data_dir / new.path
        assert purge_expired(session, data_dir, 30) == 1
        assert not old_path.exists() and new_path.exists()
        assert len(session.scalars(select(CustomerReading)).all()) == 1
        delete_account(session, data_dir, session.scalar(select(User).where(User.username == "bram")))
        session.commit()
        assert not new_path.exists() and session.scalars(select(CustomerReading)).all() == []


@pytest.mark.slow
def test_observer_taps_beside_voicecoach_and_the_customer_reads_aloud(app, klas, dutch_reply_wav):  # noqa: F811
    clients, group = klas
    created = open_round(clients, group, "student")
    round_id = created["id"]
    for name in ("anna", "bram", "cas"):
        clients[name].post("/api/rounds/join", json={"code": created["code"]})
    assert clients["anna"].post(f"/api/rounds/{round_id}/marks", json={"label": "open_vraag"}).status_code == 400  # not started
    clients["docent"].post(f"/api/rounds/{round_id}/roles", json={})  # anna answers, bram plays the customer, cas observes
    board = clients["cas"].get(f"/api/rounds/{round_id}").json()
    assert board["me"]["role"] == "observer" and board["conversation"]["customer"] == "bram"
    conversation = board["conversation"]["id"]

    # the customer's player reads the line; only they may
    assert clients["anna"].post(f"/api/rounds/{round_id}/readings", content=dutch_reply_wav.read_bytes()).status_code == 400
    reading = clients["bram"].post(f"/api/rounds/{round_id}/readings", content=dutch_reply_wav.read_bytes())
    assert reading.status_code == 202
    # the medewerker answers through the ordinary turn upload of the round's conversation
    turn = clients["anna"].post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes())
    assert turn.status_code == 202
    # observers tap while the reply is analysed; the medewerker and customer cannot
    assert clients["cas"].post(f"/api/rounds/{round_id}/marks", json={"label": "begrip_tonen"}).status_code == 201
    assert clients["cas"].post(f"/api/rounds/{round_id}/marks", json={"label": "aanjager:zwart_wit", "note": "Goede vraag!"}).status_code == 201
    assert clients["anna"].post(f"/api/rounds/{round_id}/marks", json={"label": "open_vraag"}).status_code == 400
    assert clients["cas"].post(f"/api/rounds/{round_id}/marks", json={"label": "toveren"}).status_code == 400
    assert clients["cas"].post(f"/api/rounds/{round_id}/marks", json={}).status_code == 400
    assert clients["cas"].post(f"/api/rounds/{round_id}/marks", json={"label": "open_vraag", "turn": 5}).status_code == 400
    assert run_queue(app) == 2

    board = clients["docent"].get(f"/api/rounds/{round_id}").json()
    row = board["conversation"]["turns"][0]
    assert row["status"] == "done" and row["transcript"]
    assert row["tally"] == {"begrip_tonen": 1, "aanjager:zwart_wit": 1} and row["notes"] == ["Goede vraag!"]
    assert row["reading"]["status"] == "done" and row["reading"]["text"]
    agreement = board["conversation"]["agreement"]
    items = agreement["overall"]["items"]
    assert agreement["observers"] == 1 and items == len(board["checklist"])
    # whatever Whisper heard: the class's two taps and the machine's labels disagree exactly where they differ
    machine = set(row["machine"])
    expected = machine ^ {"begrip_tonen", "aanjager:zwart_wit"}
    assert {d["key"] for d in agreement["disagreements"]} == expected
    assert agreement["overall"]["agreed"] == items - len(expected)
    # the labels nobody heard are left out of the plain count the teacher reads first
    tapped = {"begrip_tonen", "aanjager:zwart_wit"}
    assert (agreement["overall"]["heard"], agreement["overall"]["both"]) == (len(machine | tapped), len(machine & tapped))
    assert agreement["per_label"]["begrip_tonen"]["agreed"] == int("begrip_tonen" in machine)
    with app.state.sessions() as session:
        stored = session.scalar(select(CustomerReading))
        owner = session.get(Recording, stored.recording_id).user_id
        assert session.get(User, owner).username == "bram"  # the recording belongs to who spoke it
        kinds = [e.kind for e in session.scalars(select(RoundEvent).order_by(RoundEvent.id))]
    assert kinds.count("joined") == 3 and "roles" in kinds and kinds.count("mark") == 2 and "turn" in kinds and "reading" in kinds

    # the nabespreking: the medewerker's turn beside the class's taps, on the page and in the PDF
    anna_id = board["conversation"]["medewerker_id"]
    page = clients["docent"].get(f"/klas/ronde/{round_id}/nabespreking/{anna_id}")
    assert page.status_code == 200 and "Goede vraag!" in page.text and "Observatoren tikten" in page.text
    counted = (f"Van de {len(machine | tapped)} punten die de klas of VoiceCoach hoorde, hoorden ze er "
               f"{len(machine & tapped)} allebei")
    assert counted in page.text and f"wat niemand hoorde: {items - len(expected)} van de {items}" in page.text
    # its techniques and aanjagers are what the feedback paid (the labels listed a technique inside an
    # aanjager that earned nothing), whatever Whisper heard
    paid = [p["criterion"] for p in clients["anna"].get(f"/api/turns/{turn.json()['turn_id']}").json()["result"]["score"]["points"]
            if p["points"] != 0]
    for kind, heading in (("techniek:", "Technieken"), ("aanjager:", "Conflictaanjagers")):
        names = list(dict.fromkeys(criterion_name(c) for c in paid if c.startswith(kind)))
        assert f'{heading} (VoiceCoach)</th><td>{", ".join(names) or "geen"}</td>' in page.text
    assert clients["cas"].get(f"/klas/ronde/{round_id}/nabespreking/{anna_id}").status_code == 404  # a classmate cannot
    own = clients["anna"].get(f"/klas/ronde/{round_id}/nabespreking/{anna_id}/pdf")
    assert own.status_code == 200 and own.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(own.content)).pages)
    assert "Nabespreking van anna" in text and "Beurt 1" in text and " ".join(row["transcript"].split()[:3]) in text
    assert "Goede vraag!" in text

    # after "Les afsluiten" the student may practise on alone; the lesson's board and debrief stay as they were
    assert clients["docent"].post(f"/api/rounds/{round_id}/close").status_code == 200
    later = clients["anna"].post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes())
    assert later.status_code == 202
    run_queue(app)
    closed = clients["docent"].get(f"/api/rounds/{round_id}").json()["conversation"]
    assert [r["number"] for r in closed["turns"]] == [1] and closed["agreement"] == agreement
    after = clients["docent"].get(f"/klas/ronde/{round_id}/nabespreking/{anna_id}").text
    assert counted in after and "Beurt 2" not in after

    # a finished conversation has no next line: the board shows what the customer said last
    with app.state.sessions() as session:
        row = session.get(ConversationRow, conversation)
        row.state = {**row.state, "outcome": "calmed"}
        row.customer_line, row.finished_at = "", utcnow()
        session.commit()
    finished = clients["docent"].get(f"/api/rounds/{round_id}").json()["conversation"]
    assert finished["finished"] and finished["customer_line"].strip()
