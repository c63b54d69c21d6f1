"""The coach's review list is filtered in SQL with the one access rule (accounts.reviewed_by):
only the conversations of their groups' members, the filters applied by the database, and the
number of statements does not grow with conversations the coach may not see. Real SQLite."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, update

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach import admin_service
from voicecoach.accounts import find_user, may_see
from voicecoach.api.app import create_app
from voicecoach.config import Settings
from voicecoach.review_service import review_list, visible_trainees
from voicecoach.store.models import ConversationRow, utcnow

PASSWORD = "geheim-wachtwoord"


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    service, sessions = app.state.service, app.state.sessions
    with sessions() as session:
        users = {name: admin_service.add_user(session, None, name, PASSWORD, role=role) for name, role in [
            ("sanne", "trainee"), ("piet", "trainee"), ("buiten", "trainee"), ("coach", "coach"), ("docent", "teacher"),
        ]}
        group = admin_service.create_group(session, None, "klas 3B")
        for name in ("sanne", "piet", "coach"):
            admin_service.add_member(session, None, group, users[name])
        ids = {
            "sanne-oud": service.start_conversation(session, users["sanne"], "monteur-deur").id,
            "sanne-nieuw": service.start_conversation(session, users["sanne"], "late-levering").id,
            "piet": service.start_conversation(session, users["piet"], "monteur-deur").id,
            "buiten": service.start_conversation(session, users["buiten"], "monteur-deur").id,
        }
        session.execute(update(ConversationRow).where(ConversationRow.id == ids["sanne-oud"])
                        .values(created_at=utcnow() - timedelta(days=10)))
        session.commit()
    return app, ids


def _listed(app, viewer: str, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    with app.state.sessions() as session:
        return [row["id"] for row in review_list(session, find_user(session, viewer), app.state.service.scenarios, **filters)]


def test_only_the_groups_conversations_with_the_filters(world):
    app, ids = world
    assert set(_listed(app, "coach")) == {ids["sanne-oud"], ids["sanne-nieuw"], ids["piet"]}
    assert _listed(app, "coach", trainee="sanne") == [ids["sanne-nieuw"], ids["sanne-oud"]]  # newest first
    assert _listed(app, "coach", scenario="late-levering") == [ids["sanne-nieuw"]]
    assert ids["sanne-oud"] not in _listed(app, "coach", since=utcnow() - timedelta(days=1))
    assert _listed(app, "coach", trainee="buiten") == []  # not in the coach's group
    assert _listed(app, "docent") == []  # a teacher of no group sees nobody
    assert _listed(app, "sanne") == []  # a trainee reviews nobody, not even themself


def test_the_picker_and_may_see_follow_the_same_rule(world):
    app, _ = world
    with app.state.sessions() as session:
        coach, sanne, buiten = (find_user(session, name) for name in ("coach", "sanne", "buiten"))
        assert [u.username for u in visible_trainees(session, coach)] == ["piet", "sanne"]
        assert may_see(session, coach, sanne.id) and not may_see(session, coach, buiten.id)
        assert may_see(session, sanne, sanne.id) and not may_see(session, sanne, coach.id)


def test_conversations_the_coach_may_not_see_cost_no_statements(world):
    app, _ = world
    engine = app.state.sessions.kw["bind"]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    _listed(app, "coach")
    before = len(statements)
    assert before > 0
    with app.state.sessions() as session:
        outsider = find_user(session, "buiten")
        for _ in range(25):
            app.state.service.start_conversation(session, outsider, "monteur-deur")
    statements.clear()
    _listed(app, "coach")
    assert len(statements) == before
