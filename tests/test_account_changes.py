"""Account and group changes: every one is audited, and whoever gains access to a trainee's
recordings is shown to that trainee ("Wie kan jouw opnames horen", with date and who added them)
and to the group's teacher, so an admin cannot give themselves access silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.accounts import create_user
from voicecoach.api.app import create_app
from voicecoach.config import Settings
from voicecoach.store.models import AuditEntry, Group, GroupMember, User

PASSWORD = "geheim-wachtwoord"


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    with app.state.sessions() as session:
        sanne = create_user(session, "sanne", PASSWORD, display_name="Sanne de Vries")
        juf = create_user(session, "juf", PASSWORD, role="teacher", display_name="Juf Anna")
        create_user(session, "beheer", PASSWORD, role="admin", display_name="Beheerder Bob")
        group = Group(name="klas 3B")
        session.add(group)
        session.flush()
        session.add_all([GroupMember(group_id=group.id, user_id=sanne.id), GroupMember(group_id=group.id, user_id=juf.id)])
        session.commit()
    return app


def _client(app, username: str, password: str = PASSWORD) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, client=(f"10.20.0.{len(username)}", 1))
    assert client.post("/login", data={"username": username, "password": password}).status_code == 200
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


def _group_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        return session.scalar(select(Group.id).where(Group.name == "klas 3B"))


def test_a_coach_an_admin_adds_is_shown_to_the_trainee_and_the_teacher(app, dutch_reply_wav):
    admin, sanne, juf = _client(app, "beheer"), _client(app, "sanne"), _client(app, "juf")
    conversation = sanne.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]
    turn = sanne.post(f"/api/conversations/{conversation}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
    before = sanne.get("/").text
    assert "Wie kan jouw opnames horen" in before and "Juf Anna (juf), docent" in before and "Spion" not in before
    # the admin creates a coach account and puts it in Sanne's group
    assert admin.post("/api/admin/users", json={"username": "Spion", "password": "een-lang-wachtwoord", "role": "coach",
                                                "display_name": "Meneer Spion"}).status_code == 201
    assert admin.post(f"/api/admin/groups/{_group_id(app)}/members", json={"username": "spion"}).status_code == 201
    spion = _client(app, "spion", "een-lang-wachtwoord")
    assert spion.get(f"/api/turns/{turn}/audio").status_code == 200  # the access is real ...
    access = sanne.get("/api/me/access").json()  # ... and Sanne sees it, with who and when
    added = next(r for r in access["reviewers"] if "spion" in r["name"])
    assert added["role"] == "coach" and "Beheerder Bob" in added["added_by"] and added["since"]
    assert access["openings"] == [{"name": "Meneer Spion (spion)", "count": 1, "last": access["openings"][0]["last"]}]
    home = sanne.get("/").text
    assert "Wie kan jouw opnames horen" in home and "Meneer Spion" in home and "toegevoegd door Beheerder Bob" in home
    review = juf.get("/beoordelen").text  # the group's teacher sees it too
    assert "Wijzigingen in je groepen" in review and "Meneer Spion (spion) is toegevoegd aan groep &#39;klas 3B&#39;" in review
    # removing the coach ends the access, and that is shown as well
    assert admin.delete(f"/api/admin/groups/{_group_id(app)}/members/spion").status_code == 204
    assert spion.get(f"/api/turns/{turn}/audio").status_code == 404
    access = sanne.get("/api/me/access").json()
    assert not any("spion" in r["name"] for r in access["reviewers"])
    assert any("verwijderd uit" in h["what"] and "Beheerder Bob" in h["by"] for h in access["history"])


def test_every_account_and_group_change_is_audited(app):
    admin = _client(app, "beheer")
    group = admin.post("/api/admin/groups", json={"name": "klas 4A"}).json()["id"]
    steps = [
        ("post", "/api/admin/users", {"username": "nieuw", "password": "een-lang-wachtwoord"}),
        ("patch", "/api/admin/users/nieuw", {"role": "coach"}),
        ("post", f"/api/admin/groups/{group}/members", {"username": "nieuw"}),
        ("delete", f"/api/admin/groups/{group}/members/nieuw", None),
        ("post", "/api/admin/users/nieuw/password", {"password": "nog-een-lang-wachtwoord"}),
        ("post", "/api/admin/users/nieuw/deactivate", None),
        ("post", "/api/admin/users/nieuw/activate", None),
    ]
    for method, url, body in steps:
        response = admin.request(method.upper(), url, json=body)
        assert response.status_code < 300, (url, response.text)
    with app.state.sessions() as session:
        bob = session.scalar(select(User).where(User.username == "beheer"))
        actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.actor_id == bob.id).order_by(AuditEntry.id))]
    assert actions == ["group.created", "user.created", "user.role_changed", "group.member_added", "group.member_removed",
                       "user.password_reset", "user.deactivated", "user.activated"]


def test_deactivation_and_password_reset_end_the_sessions(app):
    admin, sanne = _client(app, "beheer"), _client(app, "sanne")
    assert admin.post("/api/admin/users/sanne/password", json={"password": "een-nieuw-wachtwoord"}).status_code == 204
    assert sanne.get("/api/me").status_code == 401
    assert admin.post("/api/admin/users/sanne/deactivate").json()["active"] is False
    client = TestClient(app, follow_redirects=False, client=("10.21.0.1", 1))
    response = client.post("/login", data={"username": "sanne", "password": "een-nieuw-wachtwoord"})
    assert response.status_code == 403 and "uitgeschakeld" in response.text


def test_an_admin_cannot_change_their_own_role_or_switch_themself_off(app):
    admin = _client(app, "beheer")
    for response in (admin.patch("/api/admin/users/beheer", json={"role": "coach"}), admin.post("/api/admin/users/beheer/deactivate")):
        assert response.status_code == 403 and "eigen" in response.json()["error"]["message"]


def test_bad_admin_input_gets_dutch_errors(app):
    admin = _client(app, "beheer")
    cases = [
        (admin.post("/api/admin/users", json={"username": "a b", "password": "een-lang-wachtwoord"}), 400, "gebruikersnaam"),
        (admin.post("/api/admin/users", json={"username": "SANNE", "password": "een-lang-wachtwoord"}), 409, "bestaat al"),
        (admin.post("/api/admin/users", json={"username": "x1", "password": " " * 12}), 400, "spaties"),
        (admin.patch("/api/admin/users/sanne", json={"role": "koning"}), 400, "Onbekende rol"),
        (admin.post("/api/admin/groups/999/members", json={"username": "sanne"}), 404, "bestaat niet"),
        (admin.post("/api/admin/groups", json={"name": "klas 3B"}), 409, "bestaat al"),
    ]
    for response, status, words in cases:
        assert response.status_code == status and words in response.json()["error"]["message"], response.text
