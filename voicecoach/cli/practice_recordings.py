"""Where `voicecoach practice` keeps the trainee's spoken replies.

Recordings are personal data: with `--user NAME` they are stored like the web app's (file under
the user's own folder plus its row), so export, account deletion and retention find them; without
a user nothing outlives the conversation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select

from voicecoach.cli.database import open_sessions
from voicecoach.config import Settings
from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import User
from voicecoach.store.recordings import store_recording


class PracticeRecordings:
    """Stores each reply before it is analysed (so it can be analysed again later)."""

    def __init__(self, settings: Settings, username: str | None) -> None:
        self.data_dir = settings.data_dir
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._user_id: int | None = None
        if username is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="voicecoach-oefenen-")
            return
        self._sessions = open_sessions()
        with self._sessions() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise VoiceCoachError(f"Gebruiker '{username}' bestaat niet.", code="unknown_user")
            self._user_id = user.id

    @property
    def kept(self) -> bool:
        return self._user_id is not None

    def store(self, turn: int, audio: bytes) -> Path:
        if self._scratch is not None:
            path = Path(self._scratch.name) / f"beurt-{turn:02d}.wav"
            path.write_bytes(audio)
            return path
        with self._sessions() as session:
            recording = store_recording(self.data_dir, self._user_id, "practice", audio)
            session.add(recording)
            session.commit()
        return self.data_dir / recording.path

    def close(self) -> None:
        """Remove unkept recordings (the conversation is over)."""
        if self._scratch is not None:
            self._scratch.cleanup()
