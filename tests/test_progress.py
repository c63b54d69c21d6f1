"""Progress for the trainee, and per trainee and per group for their coaches and teachers: points
per criterion, techniques and accelerators per turn, the voice against the baseline, the coach's
overrules counted, and a personal advice from the weakest criterion with its seed."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.conftest import SPACY_DIR, WHISPER_DIR
from tests.practice_history import History, build_history
from tests.test_api import logged_in
from voicecoach.admin_service import user_named
from voicecoach.api.app import create_app
from voicecoach.coaching.conversation import Conversation
from voicecoach.config import Settings
from voicecoach.progress import progress
from voicecoach.replies import answer, hear_text
from voicecoach.store.models import ConversationRow, Recording, TurnRow
from voicecoach.vocabulary import CRITERION_KINDS, REMMER_LABELS, SEED_FILES, TECHNIQUE_SOURCES
from voicecoach.wording.classify import WordingClassifier
from voicecoach.wording.pipeline import load_pipeline

# each reply holds the same conflictaanjager twice: 4 hits in 2 turns (QA s24, S13)
TWICE_CALMED = ("Doe eens normaal meneer. Doe eens normaal.", "Doe eens normaal, doe eens normaal alstublieft.")


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:  # type: ignore[no-untyped-def]
    return build_history(tmp_path_factory.mktemp("voortgang"))


def test_the_trainee_sees_points_labels_and_voice_per_conversation(history):
    data = history.trainee.get("/api/me/progress").json()
    assert data["turns"] == 3 and data["coach_overrules"] == 1
    assert [c["id"] for c in data["conversations"]] == history.conversations  # in the order practised
    for conversation, score in zip(data["conversations"], data["scores"]):
        assert set(conversation["criteria"]) >= set(CRITERION_KINDS)
        assert sum(conversation["criteria"].values()) == conversation["total"] == score["total"]
        assert conversation["turns"] == 1 and conversation["techniques_per_turn"] >= 0
        assert set(conversation["voice"]) == {"loudness", "pitch", "rate"}
    # the coach's 'gemist' accelerator counts: the first conversation has at least one accelerator and its minus points
    first = data["conversations"][0]
    assert first["aanjagers_per_turn"] >= 1 and first["criteria"]["aanjager"] <= -3


def test_the_advice_names_the_weakest_criterion_and_its_seed(history):
    data = history.trainee.get("/api/me/progress").json()
    advice, criteria = data["advice"], data["criteria"]
    assert advice["points"] == min(c["points"] for c in criteria)
    assert advice["source_title"] in SEED_FILES.values()
    assert advice["name"] in advice["text"] and f"kostte je {abs(advice['points'])} punten" in advice["text"]  # not "-6 punten"
    assert "_" not in advice["text"]  # a Dutch name, not a key


def test_a_coach_sees_the_trainee_and_the_group_and_nobody_else_does(history):
    own = history.trainee.get("/api/me/progress").json()
    assert history.coach.get("/api/progress/trainees/sanne").json() == own
    assert history.trainee.get("/api/progress/trainees/sanne").json() == own
    group = history.coach.get(f"/api/progress/groups/{history.group_id}").json()
    assert group["group"] == "klas 3B"
    [row] = group["trainees"]
    assert row["username"] == "sanne" and row["turns"] == 3 and row["coach_overrules"] == 1
    assert row["advice"]["criterion"] == own["advice"]["criterion"]
    for client, path in ((history.outsider, "/api/progress/trainees/sanne"),
                         (history.outsider, f"/api/progress/groups/{history.group_id}"),
                         (history.trainee, f"/api/progress/groups/{history.group_id}"),
                         (history.coach, "/api/progress/trainees/niemand")):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["error"]["message"].startswith("Deze ")


def test_progress_pages_render_in_dutch_for_each_role(history):
    page = history.trainee.get("/voortgang").text
    assert "Mijn voortgang" in page and 'id="criteria-chart"' in page and "Advies voor jou" in page
    coach_page = history.coach.get("/voortgang/deelnemer/sanne").text
    assert "Voortgang van sanne" in coach_page and 'id="voice-chart"' in coach_page
    overview = history.coach.get("/voortgang").text
    assert "/voortgang/groep/" in overview and "/voortgang/deelnemer/sanne" in overview
    group = history.coach.get(f"/voortgang/groep/{history.group_id}").text
    assert "klas 3B" in group and 'data-username="sanne"' in group
    assert history.outsider.get("/voortgang/deelnemer/sanne").status_code == 404


def test_when_nothing_cost_points_the_advice_is_no_cost():
    from voicecoach.progress import advice

    calm = {"criterion": "stem:kalm_onder_druk", "name": "kalm onder druk", "points": 1, "turns": 1}
    technique = {"criterion": "techniek:begrip_tonen", "name": "begrip tonen", "points": 4, "turns": 2}
    given = advice([calm, technique])
    assert given is not None and given["criterion"] == "techniek:begrip_tonen"
    assert "kostte" not in given["text"] and "begrip tonen" in given["text"]
    assert advice([calm]) is None  # no "dat kostte je 1 punt" for what earned a point


def test_a_technique_the_phases_asked_for_and_never_used_is_advised(tmp_path: Path) -> None:
    """With nothing that cost points the advice named only techniques already used (a test session):
    one the phases asked for and that never earned a point comes first, with its seed."""
    app = create_app(Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    trainee = logged_in(app, "ilse")
    _typed_turns(app, "ilse", ("Ik begrijp echt dat u hier boos over bent, meneer.",) * 2)
    with app.state.sessions() as session:
        data = progress(session, user_named(session, "ilse"), app.state.service.scenarios)
    assert all(c["points"] >= 0 for c in data["criteria"]), data["criteria"]
    given = data["advice"]
    assert given["unused"] and given["criterion"] == "techniek:open_vraag", given
    assert given["text"].startswith("Probeer ook eens open vraag") and "2 beurten" in given["text"]
    assert given["source_title"] == SEED_FILES[TECHNIQUE_SOURCES["open_vraag"]]
    page = trainee.get("/voortgang").text
    assert "Probeer ook eens open vraag" in page and "Laatste uitleg" not in page


def test_each_technique_cites_the_seed_its_rules_cite() -> None:
    classifier = WordingClassifier(load_pipeline(SPACY_DIR), use_model=False)
    assert {label: classifier.label_sources[label] for label in REMMER_LABELS} == TECHNIQUE_SOURCES


def _typed_turns(app, username: str, replies: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Typed replies scored by the real analyser, stored as done turns of one conversation (as the worker would)."""
    scenario = app.state.service.scenarios["monteur-deur"]
    conversation = Conversation(scenario)
    with app.state.sessions() as session:
        user = user_named(session, username)
        row = ConversationRow(id=str(uuid.uuid4()), user_id=user.id, scenario_id=scenario.id,
                              state=asdict(conversation.state), customer_line=conversation.line)
        session.add(row)
        for number, text in enumerate(replies, start=1):
            before, line = asdict(conversation.state), conversation.line
            record = answer(conversation, hear_text(app.state.service.analyser, text))
            recording = Recording(id=str(uuid.uuid4()), user_id=user.id, kind="turn", path=f"recordings/{number}.wav",
                                  content_type="audio/wav", size=0, sha256="0" * 64)
            session.add(recording)
            session.flush()  # the turn refers to the recording
            session.add(TurnRow(id=str(uuid.uuid4()), conversation_id=row.id, number=number, recording_id=recording.id,
                                state_before=before, customer_line=line, status="done",
                                result=record.model_dump(mode="json"), state_after=asdict(conversation.state)))
        row.state = asdict(conversation.state)
        session.commit()


def test_a_criterion_hit_twice_in_a_turn_counts_that_turn_once(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    trainee = logged_in(app, "youssef")
    _typed_turns(app, "youssef", TWICE_CALMED)
    with app.state.sessions() as session:
        data = progress(session, user_named(session, "youssef"), app.state.service.scenarios)
    [calming] = [c for c in data["criteria"] if c["criterion"] == "aanjager:kalmeringsbevel"]
    # a kind costs once per turn (scoring._aanjager_points), so 2 turns with it twice cost 2 x -3
    assert data["turns"] == 2 and calming["points"] == -6 and calming["turns"] == 2
    assert data["advice"]["criterion"] == "aanjager:kalmeringsbevel"
    assert data["advice"]["text"].endswith("dat kostte je 6 punten in 2 beurten.")
    page = trainee.get("/voortgang").text
    assert "6 punten in 2 beurten" in page and "(in 2 beurten)" in page and "4 beurten" not in page
