"""`voicecoach practice` keeps recordings only with their owner: exported and deleted like the app's."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from voicecoach.cli.database import open_sessions
from voicecoach.cli.practice_recordings import PracticeRecordings
from voicecoach.config import Settings, get_settings
from voicecoach.data_export import export_zip
from voicecoach.errors import VoiceCoachError
from voicecoach.privacy import delete_account
from voicecoach.store.models import Recording, User


@pytest.fixture()
def settings(tmp_path, monkeypatch) -> Settings:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VOICECOACH_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_with_a_user_the_reply_is_stored_in_their_folder_exported_and_deleted_with_the_account(settings, dutch_reply_wav):
    from voicecoach.accounts import create_user

    sessions = open_sessions()
    with sessions() as session:
        create_user(session, "sanne", "een lang wachtwoord")
        session.commit()
    recordings = PracticeRecordings(settings, "sanne")
    path = recordings.store(1, dutch_reply_wav.read_bytes())
    recordings.close()
    with sessions() as session:
        user = session.scalar(select(User).where(User.username == "sanne"))
        assert path.parent == settings.data_dir / "recordings" / str(user.id) and path.is_file()
        assert session.scalar(select(Recording).where(Recording.user_id == user.id)).kind == "practice"
        assert path.name in zipfile.ZipFile(io.BytesIO(export_zip(session, settings.data_dir, user))).namelist().__str__()
        delete_account(session, settings.data_dir, user)
        session.commit()
    assert not path.exists()


def test_without_a_user_nothing_outlives_the_conversation(settings, dutch_reply_wav):
    recordings = PracticeRecordings(settings, None)
    path = recordings.store(1, dutch_reply_wav.read_bytes())
    assert path.is_file() and not recordings.kept
    recordings.close()
    assert not path.exists()
    assert not (settings.data_dir / "recordings").exists()


def test_an_unknown_user_is_a_dutch_error(settings):
    with pytest.raises(VoiceCoachError, match="bestaat niet"):
        PracticeRecordings(settings, "niemand")
