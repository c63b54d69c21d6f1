"""Where `voicecoach practice` takes a spoken reply: kept with its owner as the app keeps it, or not at all.

Recordings are personal data. With `--user NAME` the terminal conversation is the app's: a
conversation row, and each reply a turn with its recording, analysed by the same job the web
worker runs (run here, in this process). So it appears in the trainee's list, their coaches review
and annotate it, and export, retention and account deletion find it. Without a user the reply
lives in a temporary folder that is removed when the conversation ends.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Protocol

from voicecoach.accounts import find_user
from voicecoach.analysis import Analyser
from voicecoach.cli.database import open_sessions
from voicecoach.coaching.conversation import Conversation
from voicecoach.coaching.customer import CustomerState
from voicecoach.config import Settings
from voicecoach.errors import VoiceCoachError
from voicecoach.jobs import Worker
from voicecoach.practice_service import PracticeService
from voicecoach.replies import LineOverlap, answer, hear_audio
from voicecoach.scenarios import Scenario
from voicecoach.store.models import PENDING, ConversationRow, TurnRow, User
from voicecoach.turn_record import TurnRecord
from voicecoach.voice.baseline import Baseline, baseline_from_earlier_replies
from voicecoach.voice.shapes import VoiceRecord

WAIT_FOR_OTHER_WORKER_S = 0.2  # the app's worker took the job first (it runs beside): look again this often


class SpokenReplies(Protocol):
    conversation: Conversation
    """Where the conversation stands after the last reply taken."""

    def take(self, audio: bytes, overlap: LineOverlap | None) -> TurnRecord:
        """Store and analyse one reply to the customer's current line; the conversation goes on from it."""

    def close(self) -> None:
        """The conversation is over."""


class UnkeptReplies:
    """Without a user: analysed here from a temporary file; the voice is held against `baseline`,
    else (as on the web) against the calmest earlier reply of this conversation."""

    def __init__(self, analyser: Analyser, scenario: Scenario, baseline: Baseline | None) -> None:
        self.conversation = Conversation(scenario)
        self._analyser, self._baseline = analyser, baseline
        self._voices: list[VoiceRecord] = []
        self._scratch = tempfile.TemporaryDirectory(prefix="voicecoach-oefenen-")

    def take(self, audio: bytes, overlap: LineOverlap | None) -> TurnRecord:
        path = Path(self._scratch.name) / f"beurt-{self.conversation.state.turn + 1:02d}.wav"
        path.write_bytes(audio)
        reference = self._baseline or baseline_from_earlier_replies(self._voices)
        record = answer(self.conversation, hear_audio(self._analyser, path, baseline=reference, overlap=overlap))
        if record.analysis.voice is not None:
            self._voices.append(record.analysis.voice)
        return record

    def close(self) -> None:
        self._scratch.cleanup()


class KeptReplies:
    """With a user: the conversation and its turns are stored as the app stores them (the voice
    reference is the app's too: the newest calibration, else the calmest earlier reply)."""

    def __init__(self, settings: Settings, analyser: Analyser, username: str, scenario_id: str) -> None:
        self._sessions = open_sessions()
        self._service = PracticeService(settings, analyser)
        with self._sessions() as session:
            user = find_user(session, username)
            if user is None:
                raise VoiceCoachError(f"Gebruiker '{username}' bestaat niet.", code="unknown_user")
            self._user_id = user.id
            row = self._service.start_conversation(session, user, scenario_id)
            self.conversation_id = row.id
            self._scenario = self._service.scenario_of(row)
            self._follow(row)
        self._worker = Worker(self._sessions, self._service.handlers())  # analyses in this process

    def take(self, audio: bytes, overlap: LineOverlap | None) -> TurnRecord:
        with self._sessions() as session:
            user = session.get_one(User, self._user_id)
            turn, job = self._service.submit_turn(
                session, user, self.conversation_id, audio, turn=self.conversation.state.turn + 1,
                line_left=overlap.seconds_left if overlap else None,
            )
            turn_id, job_id = turn.id, job.id
        return self._analysed(turn_id, job_id)

    def _analysed(self, turn_id: str, job_id: int) -> TurnRecord:
        """Run the reply's job here; when the app's worker took it first, wait for its end. Ends:
        a failed attempt goes back to the queue, and after the last one the turn is an error."""
        while True:
            with self._sessions() as session:
                turn = session.get_one(TurnRow, turn_id)
                if turn.status not in PENDING:
                    return self._outcome(turn)
            if not self._worker.run_one(job_id):
                time.sleep(WAIT_FOR_OTHER_WORKER_S)

    def _outcome(self, turn: TurnRow) -> TurnRecord:
        record = turn.record
        if turn.status != "done" or record is None:
            said = turn.error or {}
            raise VoiceCoachError(said.get("message", "Dit antwoord kon niet worden geanalyseerd."),
                                  code=said.get("code", "analysis_failed"))
        self._follow(turn.conversation)
        return record

    def _follow(self, row: ConversationRow) -> None:
        """The terminal's conversation stands where the stored one does."""
        self.conversation = Conversation.resume(self._scenario, CustomerState(**row.state), row.customer_line)

    def close(self) -> None:
        self._worker.leave()
