"""`voicecoach practice` keeps a spoken conversation only with its owner, and then as the app keeps
it: the coach reviews it, export and account deletion find it. Without a user nothing outlives it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import threading
import zipfile

import numpy as np
import pytest
from sqlalchemy import func, select

from tests.audio_factory import write_wav
from voicecoach.accounts import create_user
from voicecoach.analysis import Analyser
from voicecoach.cli import practice_session as terminal
from voicecoach.cli.database import open_sessions
from voicecoach.cli.practice_replies import KeptReplies, UnkeptReplies
from voicecoach.config import Settings, get_settings
from voicecoach.data_export import export_zip
from voicecoach.errors import VoiceCoachError
from voicecoach.jobs import Worker
from voicecoach.practice_service import PracticeService
from voicecoach.privacy import delete_account
from voicecoach.review_service import review_list
from voicecoach.scenarios import load_scenarios
from voicecoach.store.models import ConversationRow, Group, GroupMember, Job, Recording, TurnRow, User, WorkerBeat

PASSWORD = "een lang wachtwoord"


@pytest.fixture()
def settings(tmp_path, monkeypatch) -> Settings:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VOICECOACH_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture()
def sessions(settings):  # type: ignore[no-untyped-def]
    """Trainee sanne and her coach in one group; coach_b in another."""
    factory = open_sessions()
    with factory() as session:
        users = {name: create_user(session, name, PASSWORD, role=role)
                 for name, role in (("sanne", "trainee"), ("coach", "coach"), ("coach_b", "coach"))}
        ours, theirs = Group(name="monteurs"), Group(name="loket")
        session.add_all([ours, theirs])
        session.flush()
        session.add_all([GroupMember(group_id=ours.id, user_id=users["sanne"].id),
                         GroupMember(group_id=ours.id, user_id=users["coach"].id),
                         GroupMember(group_id=theirs.id, user_id=users["coach_b"].id)])
        session.commit()
    return factory


def _user(session, name: str) -> User:  # type: ignore[no-untyped-def]
    return session.scalar(select(User).where(User.username == name))


def test_a_kept_terminal_conversation_is_the_apps_and_her_coach_reviews_it(settings, sessions, dutch_reply_wav, monkeypatch):
    """`practice --user` stored the recordings but not the conversation, so no coach could review a
    terminal conversation. The microphone is the one part replaced (no sound card in CI)."""
    spoken_audio = iter([dutch_reply_wav.read_bytes()] * 2)
    monkeypatch.setattr(terminal, "hear_line_and_record", lambda line, **_: (next(spoken_audio), None))
    shown: list = []
    monkeypatch.setattr(terminal, "_show_result", lambda record, as_json: shown.append(record))
    spoken = KeptReplies(settings, Analyser(settings), "Sanne", "monteur-deur")  # the name as at login
    with pytest.raises(StopIteration):  # the two replies are used up
        terminal._converse_spoken(spoken, settings, as_json=True, device=None)
    spoken.close()

    with sessions() as session:
        sanne, coach = _user(session, "sanne"), _user(session, "coach")
        conversation = session.scalar(select(ConversationRow).where(ConversationRow.user_id == sanne.id))
        assert conversation.id == spoken.conversation_id
        turns = sorted(conversation.turns, key=lambda turn: turn.number)
        assert [(turn.number, turn.status) for turn in turns] == [(1, "done"), (2, "done")]
        assert [turn.record for turn in turns] == shown  # what the terminal showed is what the coach reads
        assert conversation.state == {**conversation.state, "turn": 2} and spoken.conversation.state.turn == 2
        assert conversation.customer_line == spoken.conversation.line
        recordings = [session.get(Recording, turn.recording_id) for turn in turns]
        assert {recording.kind for recording in recordings} == {"turn"}
        paths = [settings.data_dir / recording.path for recording in recordings]
        assert all(path.parent == settings.data_dir / "recordings" / str(sanne.id) and path.is_file() for path in paths)

        scenarios = PracticeService(settings).scenarios
        assert [row["id"] for row in review_list(session, coach, scenarios)] == [conversation.id]
        assert review_list(session, _user(session, "coach_b"), scenarios) == []
        assert session.scalar(select(func.count()).select_from(WorkerBeat)) == 0  # not left counted as a worker

        exported = zipfile.ZipFile(io.BytesIO(export_zip(session, settings.data_dir, sanne))).namelist()
        assert all(any(path.name in name for name in exported) for path in paths)
        delete_account(session, settings.data_dir, sanne)
        session.commit()
    assert not any(path.exists() for path in paths)


def test_a_reply_that_cannot_be_analysed_is_said_and_the_line_awaits_another(settings, sessions, dutch_reply_wav, tmp_path):
    silence = write_wav(tmp_path / "stil.wav", np.zeros(32_000, dtype=np.float32))
    spoken = KeptReplies(settings, Analyser(settings), "sanne", "monteur-deur")
    with pytest.raises(VoiceCoachError) as said:
        spoken.take(silence.read_bytes(), None)
    assert said.value.code != "analysis_failed" and said.value.message  # the analysis' own Dutch reason
    assert spoken.conversation.state.turn == 0  # the customer says the same line again
    record = spoken.take(dutch_reply_wav.read_bytes(), None)
    spoken.close()
    assert record.reaction.turn == 1
    with sessions() as session:
        turns = session.scalars(select(TurnRow).where(TurnRow.conversation_id == spoken.conversation_id)).all()
        assert sorted((turn.number, turn.status) for turn in turns) == [(1, "done"), (1, "error")]


def test_with_the_apps_worker_running_beside_the_reply_is_analysed_once(settings, sessions, dutch_reply_wav):
    """`voicecoach serve` may run on the same database: whichever worker takes the job, the terminal
    gets the one result."""
    analyser = Analyser(settings)
    kinds = PracticeService(settings, analyser).handlers()
    stop = threading.Event()
    beside = threading.Thread(target=Worker(sessions, kinds, poll_seconds=0.05).run, args=(stop,))
    beside.start()
    try:
        spoken = KeptReplies(settings, analyser, "sanne", "monteur-deur")
        record = spoken.take(dutch_reply_wav.read_bytes(), None)
        spoken.close()
    finally:
        stop.set()
        beside.join()
    with sessions() as session:
        job = session.scalar(select(Job).where(Job.kind == "analyse_turn"))
        assert (job.status, job.attempts) == ("done", 1)
        assert session.get(TurnRow, job.target_id).record == record


def test_without_a_user_nothing_outlives_the_conversation(settings, dutch_reply_wav, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    spoken = UnkeptReplies(Analyser(settings), load_scenarios()[0]["monteur-deur"], None)
    record = spoken.take(dutch_reply_wav.read_bytes(), None)
    assert record.analysis.audio is not None and list((tmp_path / "tmp").iterdir())
    spoken.close()
    assert not list((tmp_path / "tmp").iterdir())
    assert not (settings.data_dir / "recordings").exists()


def test_an_unknown_user_is_a_dutch_error_and_starts_nothing(settings, sessions):
    with pytest.raises(VoiceCoachError, match="bestaat niet"):
        KeptReplies(settings, Analyser(settings), "niemand", "monteur-deur")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ConversationRow)) == 0


def test_a_baseline_file_with_a_user_is_refused_in_dutch(tmp_path):
    """A kept conversation is judged as the app judges it (its calibration), not against a file."""
    baseline = tmp_path / "basislijn.json"
    baseline.write_text("{}")
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "practice", "--scenario", "monteur-deur", "--user", "sanne",
         "--baseline", str(baseline)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "VOICECOACH_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 2 and "--baseline" in result.stderr and "Traceback" not in result.stderr
