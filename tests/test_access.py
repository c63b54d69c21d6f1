"""Who may do what: every endpoint × every kind of visitor, plus CSRF, logout and the audit log
(login limits: tests/test_login_security.py)."""

from __future__ import annotations


import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.accounts import create_user
from voicecoach.api.app import create_app
from voicecoach.config import Settings
from voicecoach.jobs import Worker
from voicecoach.store.models import AuditEntry, Group, GroupMember, User

PASSWORD = "geheim-wachtwoord"
ACTORS = ("anonymous", "trainee_a", "trainee_b", "coach_of_a", "coach_not_of_a", "teacher", "admin")


@pytest.fixture(scope="module")
def world(tmp_path_factory, dutch_reply_wav):  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("data")
    app = create_app(Settings(data_dir=data, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    with app.state.sessions() as session:
        users = {
            "trainee_a": create_user(session, "trainee_a", PASSWORD),
            "trainee_b": create_user(session, "trainee_b", PASSWORD),
            "coach_of_a": create_user(session, "coach_of_a", PASSWORD, role="coach"),
            "coach_not_of_a": create_user(session, "coach_not_of_a", PASSWORD, role="coach"),
            "teacher": create_user(session, "teacher", PASSWORD, role="teacher"),
            "admin": create_user(session, "admin", PASSWORD, role="admin"),
        }
        target = create_user(session, "doelwit", PASSWORD)  # the admin endpoints change this account
        class_a, class_b = Group(name="klas A"), Group(name="klas B")
        session.add_all([class_a, class_b])
        session.flush()
        for group, member in ((class_a, "trainee_a"), (class_a, "coach_of_a"), (class_b, "trainee_b"),
                              (class_b, "coach_not_of_a"), (class_b, "teacher")):
            session.add(GroupMember(group_id=group.id, user_id=users[member].id))
        session.add(GroupMember(group_id=class_b.id, user_id=target.id))
        session.commit()
    clients = {"anonymous": TestClient(app, follow_redirects=False)}
    for name in users:
        client = TestClient(app, follow_redirects=False)
        assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 303
        client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
        clients[name] = client
    a = clients["trainee_a"]
    conversation = a.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]
    turn = a.post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
    baseline = a.post("/api/baselines", content=dutch_reply_wav.read_bytes()).json()["baseline_id"]
    Worker(app.state.sessions, app.state.service.handlers()).run_one()  # the turn is analysed
    return {"app": app, "clients": clients, "conversation": conversation, "turn": turn, "baseline": baseline, "wav": dutch_reply_wav}


EVERYONE = set(ACTORS) - {"anonymous"}
PUBLIC = set(ACTORS)
OWNER_AND_COACH = {"trainee_a", "coach_of_a"}
OWNER = {"trainee_a"}
COACH_OF_A = {"coach_of_a"}
REVIEWERS = {"coach_of_a", "coach_not_of_a", "teacher"}
ADMIN = {"admin"}

# (method, path template, body kind, who is allowed). POST /login and /logout are tested below.
ENDPOINTS = [
    ("GET", "/healthz", None, PUBLIC),
    ("GET", "/login", None, PUBLIC),
    ("GET", "/openapi.json", None, PUBLIC),
    ("GET", "/oefenen", None, EVERYONE),  # "/" sends each role to its own home page (test_pages_send_roles_home)
    ("GET", "/gesprekken", None, EVERYONE),
    ("GET", "/api/me", None, EVERYONE),
    ("GET", "/api/scenarios", None, EVERYONE),
    ("POST", "/api/conversations", "json:scenario", EVERYONE),
    ("GET", "/api/conversations/{conversation}", None, OWNER_AND_COACH),
    ("GET", "/gesprek/{conversation}", None, OWNER_AND_COACH),
    ("GET", "/api/conversations/{conversation}/customer-audio", None, OWNER_AND_COACH),
    ("POST", "/api/conversations/{conversation}/turns", "audio", OWNER),
    ("GET", "/api/turns/{turn}", None, OWNER_AND_COACH),
    ("GET", "/api/turns/{turn}/audio", None, OWNER_AND_COACH),
    ("POST", "/api/turns/{turn}/reanalyse", None, OWNER),
    ("POST", "/api/baselines", "audio", EVERYONE),
    ("GET", "/api/baselines/current", None, EVERYONE),
    ("GET", "/api/baselines/{baseline}", None, OWNER),
    ("GET", "/api/admin/users", None, ADMIN),
    ("POST", "/api/admin/users", "json:user", ADMIN),
    ("POST", "/api/admin/groups", "json:group", ADMIN),
    ("POST", "/api/admin/groups/1/members", "json:member", ADMIN),
    ("GET", "/api/admin/groups", None, ADMIN),
    ("PATCH", "/api/admin/users/doelwit", "json:rename", ADMIN),
    ("POST", "/api/admin/users/doelwit/password", "json:password", ADMIN),
    ("POST", "/api/admin/users/doelwit/deactivate", None, ADMIN),
    ("POST", "/api/admin/users/doelwit/activate", None, ADMIN),
    ("DELETE", "/api/admin/groups/2/members/doelwit", None, ADMIN),
    ("GET", "/docs", None, PUBLIC),
    ("GET", "/api/review/conversations", None, REVIEWERS),
    ("GET", "/beoordelen", None, REVIEWERS),
    ("GET", "/beheer", None, ADMIN),
    ("POST", "/api/conversations/{conversation}/notes", "json:note", COACH_OF_A),
    ("POST", "/api/turns/{turn}/transcript", "json:correction", COACH_OF_A),
    ("POST", "/api/turns/{turn}/overrules", "json:overrule", COACH_OF_A),
    ("DELETE", "/api/notes/{fresh_note}", None, COACH_OF_A),  # only its author takes a note back
    ("DELETE", "/api/overrules/{fresh_overrule}", None, COACH_OF_A),
    ("DELETE", "/api/turns/{fresh_turn}", None, OWNER),
    ("DELETE", "/api/conversations/{fresh_conversation}", None, OWNER),
    ("GET", "/api/me/export", None, EVERYONE),
    ("GET", "/api/me/progress", None, EVERYONE),
    ("GET", "/api/me/access", None, EVERYONE),
    ("DELETE", "/api/me", "fresh_account", EVERYONE),
]


def _fresh_turn(world) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A new conversation and turn of trainee A, to be deleted."""
    a = world["clients"]["trainee_a"]
    conversation = a.post("/api/conversations", json={"scenario_id": "late-levering"}).json()["id"]
    turn = a.post(f"/api/conversations/{conversation}/turns", content=world["wav"].read_bytes()).json()["turn_id"]
    return conversation, turn


def _fresh_account(world, actor: str, index: int) -> TestClient:
    """A throwaway account with the actor's role (deleting the actor itself would end the matrix)."""
    role = {"coach_of_a": "coach", "coach_not_of_a": "coach"}.get(actor, actor if actor in ("teacher", "admin") else "trainee")
    name = f"weg-{actor}-{index}"
    with world["app"].state.sessions() as session:
        create_user(session, name, PASSWORD, role=role)
        session.commit()
    client = TestClient(world["app"], follow_redirects=False)
    client.post("/login", data={"username": name, "password": PASSWORD})
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


def _call(world, actor: str, method: str, template: str, body: str | None, index: int):  # type: ignore[no-untyped-def]
    client = world["clients"][actor]
    if body == "fresh_account" and actor != "anonymous":
        client = _fresh_account(world, actor, index)
    fresh_conversation, fresh_turn = _fresh_turn(world) if "{fresh_turn}" in template or "{fresh_conversation}" in template else (None, None)
    coach = world["clients"]["coach_of_a"]
    fresh_note = coach.post(f"/api/conversations/{world['conversation']}/notes", json={"text": "Terug te nemen."}).json()["id"] \
        if "{fresh_note}" in template else None
    fresh_overrule = coach.post(f"/api/turns/{world['turn']}/overrules", json={
        "label": "gesloten_vraag", "verdict": "onterecht", "reason": "Terug te nemen."}).json()["id"] if "{fresh_overrule}" in template else None
    path = template.format(
        conversation=world["conversation"], turn=world["turn"], baseline=world["baseline"],
        fresh_turn=fresh_turn, fresh_conversation=fresh_conversation, fresh_note=fresh_note, fresh_overrule=fresh_overrule,
    )
    kwargs = {}
    if body == "audio":
        kwargs["content"] = world["wav"].read_bytes()
    elif body == "json:scenario":
        kwargs["json"] = {"scenario_id": "late-levering"}
    elif body == "json:user":
        kwargs["json"] = {"username": f"nieuw-{actor}-{index}", "password": PASSWORD}
    elif body == "json:group":
        kwargs["json"] = {"name": f"groep-{actor}-{index}"}
    elif body == "json:member":
        kwargs["json"] = {"username": "trainee_b"}
    elif body == "json:rename":
        kwargs["json"] = {"display_name": f"Doel Wit {index}"}
    elif body == "json:password":
        kwargs["json"] = {"password": "een-nieuw-lang-wachtwoord"}
    elif body == "json:note":
        kwargs["json"] = {"text": "Mooi dat je begrip toonde."}
    elif body == "json:correction":
        kwargs["json"] = {"text": "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er is gebeurd?"}
    elif body == "json:overrule":
        kwargs["json"] = {"label": "gesloten_vraag", "verdict": "onterecht", "reason": "Het was een open vraag."}
    return client.request(method, path, **kwargs)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("index", "endpoint"), list(enumerate(ENDPOINTS)), ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_access_matrix(world, actor, index, endpoint):
    method, template, body, allowed = endpoint
    response = _call(world, actor, method, template, body, index)
    if actor in allowed:
        assert response.status_code < 300, (actor, method, template, response.status_code, response.text[:200])
    elif actor == "anonymous":
        expected = 303 if not template.startswith("/api/") else 401
        assert response.status_code == expected, (method, template, response.status_code)
    else:
        assert response.status_code in (403, 404), (actor, method, template, response.status_code, response.text[:200])
        if template.startswith("/api/"):
            assert "error" in response.json()
        else:  # people get a Dutch page with a way back
            assert "Terug naar het begin" in response.text


def test_pages_send_roles_home(world):
    homes = {"trainee_a": None, "coach_of_a": "/beoordelen", "admin": "/beheer"}
    for actor, home in homes.items():
        response = world["clients"][actor].get("/", follow_redirects=False)
        assert (response.status_code, response.headers.get("location")) == ((200, None) if home is None else (303, home))


def test_an_unknown_static_address_is_a_page_for_people_and_json_for_scripts(world):
    """A browser that opened an unknown /static/ address got raw JSON, no way back (a test session)."""
    client = world["clients"]["trainee_a"]
    page = client.get("/static/bestaat-niet.js", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and "Terug naar het begin" in page.text
    script = client.get("/static/bestaat-niet.js", headers={"Accept": "*/*"})
    assert script.status_code == 404 and script.json()["error"]["message"] == "Dit adres bestaat niet in VoiceCoach."


def test_a_coach_reading_a_conversation_is_told_whose_it_is(world):
    """The feedback speaks to the trainee ('Jouw antwoord', 'je score'): a coach is told whose it is."""
    path = f"/gesprek/{world['conversation']}"
    coach = world["clients"]["coach_of_a"].get(path).text
    assert "Je bekijkt het gesprek van <strong>trainee_a</strong>" in coach
    assert "Je bekijkt het gesprek van" not in world["clients"]["trainee_a"].get(path).text


def test_state_changes_need_the_csrf_token(world):
    client = world["clients"]["trainee_a"]
    response = client.post("/api/conversations", json={"scenario_id": "monteur-deur"}, headers={"X-CSRF-Token": "fout"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "csrf"


def test_session_cookie_is_httponly_and_samesite(world):
    client = TestClient(world["app"], follow_redirects=False)
    response = client.post("/login", data={"username": "trainee_b", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_opening_a_recording_is_audited(world):
    world["clients"]["coach_of_a"].get(f"/api/turns/{world['turn']}/audio")
    with world["app"].state.sessions() as session:
        coach = session.scalar(select(User).where(User.username == "coach_of_a"))
        owner = session.scalar(select(User).where(User.username == "trainee_a"))
        entries = session.scalars(select(AuditEntry).where(AuditEntry.actor_id == coach.id)).all()
    assert any(e.action == "recording.opened" and e.subject_user_id == owner.id for e in entries)


def test_a_playback_in_parts_is_one_opening(world):
    """A browser's player fetches a recording as 'bytes=0-' and then the rest in further ranges: the
    trainee's list of who listened counted each part as an opening (a test session)."""
    def openings() -> int:
        with world["app"].state.sessions() as session:
            return len(session.scalars(select(AuditEntry).where(AuditEntry.action == "recording.opened")).all())

    coach = world["clients"]["coach_of_a"]
    before = openings()
    assert coach.get(f"/api/turns/{world['turn']}/audio", headers={"Range": "bytes=0-"}).status_code == 206
    assert coach.get(f"/api/turns/{world['turn']}/audio", headers={"Range": "bytes=44-99"}).status_code == 206
    assert openings() == before + 1
    assert coach.get(f"/api/turns/{world['turn']}/audio").status_code == 200  # played again from the start
    assert openings() == before + 2


def test_logout_ends_the_session_without_its_form_token(world):
    client = TestClient(world["app"], follow_redirects=False, client=("10.9.0.1", 5000))
    client.post("/login", data={"username": "trainee_b", "password": PASSWORD})
    assert client.get("/api/me").status_code == 200
    token = client.cookies["voicecoach_sessie"]
    assert client.post("/logout").status_code == 303  # no csrf_token field: still logged out
    client.cookies.set("voicecoach_sessie", token)  # the old cookie no longer opens anything
    assert client.get("/api/me").status_code == 401
