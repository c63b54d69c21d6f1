"""Stored practice: conversations, turns and baselines in the database, analysed by the job queue.

The web API calls the `submit_*` methods (store first, then enqueue); the worker calls the job
handlers, which use the same Analyser and Conversation as the terminal.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.accounts import audit, may_see
from voicecoach.analysis import Analyser
from voicecoach.audio.errors import AudioError
from voicecoach.coaching.conversation import Conversation
from voicecoach.coaching.customer import CustomerState, customer_line
from voicecoach.config import Settings
from voicecoach.errors import VoiceCoachError
from voicecoach.jobs import enqueue
from voicecoach.scenarios import Scenario, load_scenarios
from voicecoach.store.models import BaselineRow, ConversationRow, Job, Recording, TurnRow, User, utcnow
from voicecoach.store.recordings import store_recording
from voicecoach.voice.baseline import Baseline


class NotFound(VoiceCoachError):
    code = "not_found"


class PracticeService:
    def __init__(self, settings: Settings, analyser: Analyser | None = None) -> None:
        self.settings = settings
        self.analyser = analyser or Analyser(settings)
        self.scenarios, self.scenario_problems = load_scenarios()

    # --- baselines -----------------------------------------------------------------------
    def baseline_for(self, session: Session, user: User) -> BaselineRow | None:
        return session.scalar(
            select(BaselineRow).where(BaselineRow.user_id == user.id, BaselineRow.status == "done")
            .order_by(BaselineRow.id.desc()).limit(1)
        )

    def submit_calibration(self, session: Session, user: User, data: bytes) -> tuple[BaselineRow, Job]:
        recording = store_recording(self.settings.data_dir, user.id, "calibration", data)
        session.add(recording)
        session.flush()  # the recording row first: the baseline refers to it
        row = BaselineRow(user_id=user.id, recording_id=recording.id)
        session.add(row)
        session.flush()
        job = enqueue(session, "calibrate", str(row.id))
        session.commit()
        return row, job

    # --- conversations and turns ---------------------------------------------------------
    def scenario(self, scenario_id: str) -> Scenario:
        if scenario_id not in self.scenarios:
            raise NotFound(f"Scenario '{scenario_id}' bestaat niet.")
        return self.scenarios[scenario_id]

    def start_conversation(self, session: Session, user: User, scenario_id: str) -> ConversationRow:
        scenario = self.scenario(scenario_id)
        state = CustomerState.start(scenario)
        row = ConversationRow(
            id=str(uuid.uuid4()), user_id=user.id, scenario_id=scenario.id,
            state=asdict(state), customer_line=customer_line(scenario, state),
        )
        session.add(row)
        session.commit()
        return row

    def conversation(self, session: Session, user: User, conversation_id: str, *, write: bool = False) -> ConversationRow:
        """The conversation if `user` may see it (owner or their coach); only the owner may change it.
        Anything else is 'not found', so nobody learns whose conversations exist."""
        row = session.get(ConversationRow, conversation_id)
        if row is None or not self._allowed(session, user, row.user_id, write):
            raise NotFound("Dit gesprek bestaat niet.")
        return row

    def turn(self, session: Session, user: User, turn_id: str, *, write: bool = False) -> TurnRow:
        row = session.get(TurnRow, turn_id)
        if row is None or not self._allowed(session, user, row.conversation.user_id, write):
            raise NotFound("Deze beurt bestaat niet.")
        return row

    def turn_recording(self, session: Session, user: User, turn_id: str) -> Recording:
        """The recording of a turn; every opening is written to the audit log."""
        turn = self.turn(session, user, turn_id)
        recording = session.get(Recording, turn.recording_id)
        audit(session, user, "recording.opened", recording.user_id, recording.id)
        session.commit()
        return recording

    @staticmethod
    def _allowed(session: Session, user: User, owner_id: int, write: bool) -> bool:
        return user.id == owner_id if write else may_see(session, user, owner_id)

    def submit_turn(self, session: Session, user: User, conversation_id: str, data: bytes) -> tuple[TurnRow, Job]:
        """Store the recording and its turn, then queue the analysis (the caller answers 202)."""
        conversation = self.conversation(session, user, conversation_id, write=True)
        if conversation.finished_at is not None:
            raise VoiceCoachError("Dit gesprek is al afgelopen. Begin een nieuw gesprek.", code="conversation_finished")
        recording = store_recording(self.settings.data_dir, user.id, "turn", data)
        session.add(recording)
        session.flush()  # the recording row first: the turn refers to it
        turn = TurnRow(
            id=str(uuid.uuid4()), conversation_id=conversation.id, number=conversation.state["turn"] + 1,
            recording_id=recording.id, state_before=dict(conversation.state), customer_line=conversation.customer_line,
        )
        session.add(turn)
        session.flush()
        job = enqueue(session, "analyse_turn", turn.id)
        session.commit()
        return turn, job

    def reanalyse(self, session: Session, user: User, turn_id: str) -> Job:
        turn = self.turn(session, user, turn_id, write=True)
        turn.status = "queued"
        job = enqueue(session, "analyse_turn", turn.id)
        session.commit()
        return job

    def recording_path(self, recording: Recording) -> Path:
        return self.settings.data_dir / recording.path

    # --- job handlers (run by the worker) -------------------------------------------------
    def handle_analyse_turn(self, session: Session, job: Job) -> None:
        turn = session.get(TurnRow, job.target_id)
        if turn is None:  # deleted while queued
            return
        conversation_row = turn.conversation
        scenario = self.scenario(conversation_row.scenario_id)
        user = session.get(User, conversation_row.user_id)
        baseline_row = self.baseline_for(session, user)
        baseline = Baseline(**baseline_row.data) if baseline_row else None
        conversation = Conversation.resume(
            scenario, self.analyser, baseline, CustomerState(**turn.state_before), turn.customer_line
        )
        turn.status = "running"
        session.commit()
        try:
            result = conversation.reply_audio(
                self.recording_path(session.get(Recording, turn.recording_id)), corrected_text=turn.corrected_text
            )
        except AudioError as error:  # the trainee's audio, not a crash: say what to do
            turn.status, turn.error, turn.result = "error", error.to_dict(), None
            session.commit()
            return
        turn.result = {
            "analysis": result.analysis.to_dict(),
            "score": result.score.to_dict(),
            "reaction": {
                "phase": result.phase, "anger_before": result.anger_before, "anger_after": result.anger_after,
                "next_line": result.next_line, "outcome": result.outcome,
            },
        }
        turn.status, turn.error, turn.analysed_at = "done", None, utcnow()
        if conversation_row.state["turn"] == turn.number - 1:  # a re-analysis never moves the customer twice
            conversation_row.state = asdict(conversation.state)
            conversation_row.customer_line = conversation.line
            if conversation.finished:
                conversation_row.finished_at = utcnow()
        session.commit()

    def handle_calibrate(self, session: Session, job: Job) -> None:
        row = session.get(BaselineRow, int(job.target_id))
        if row is None:
            return
        try:
            baseline = self.analyser.calibrate(self.recording_path(session.get(Recording, row.recording_id)))
        except VoiceCoachError as error:
            row.status, row.error = "error", error.to_dict()
        else:
            row.status, row.data, row.error = "done", baseline.to_dict(), None
        session.commit()

    def handlers(self) -> dict[str, Any]:
        return {"analyse_turn": self.handle_analyse_turn, "calibrate": self.handle_calibrate}
