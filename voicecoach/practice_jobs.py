"""The two kinds of analysis job: a spoken turn and a calm-baseline reading.

`prepare`, `store` and `mark` run in the worker with the database; `run` runs in the analysis
process and sees only plain data (paths, ids, dicts), so it can die without touching the database.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from voicecoach.coaching.conversation import Conversation
from voicecoach.coaching.customer import CustomerState
from voicecoach.store.models import BaselineRow, Recording, TurnRow, User, utcnow
from voicecoach.voice.baseline import Baseline

if TYPE_CHECKING:
    from voicecoach.practice_service import PracticeService


class TurnJob:
    def __init__(self, service: PracticeService) -> None:
        self.service = service

    def prepare(self, session: Session, target_id: str) -> dict[str, Any] | None:
        turn = session.get(TurnRow, target_id)
        if turn is None:
            return None
        conversation = turn.conversation
        baseline = self.service.baseline_for(session, session.get(User, conversation.user_id))
        return {
            "recording": str(self.service.recording_path(session.get(Recording, turn.recording_id))),
            "scenario_id": conversation.scenario_id,
            "scenario_version": conversation.scenario_version,
            "baseline": baseline.data if baseline else None,
            "state_before": dict(turn.state_before),
            "customer_line": turn.customer_line,
            "corrected_text": turn.corrected_text,
        }

    def run(self, order: dict[str, Any]) -> dict[str, Any]:
        conversation = Conversation.resume(
            self.service.scenario(order["scenario_id"], order.get("scenario_version")), self.service.analyser,
            Baseline(**order["baseline"]) if order["baseline"] else None,
            CustomerState(**order["state_before"]), order["customer_line"],
        )
        result = conversation.reply_audio(Path(order["recording"]), corrected_text=order["corrected_text"])
        return {
            "result": {
                "analysis": result.analysis.to_dict(),
                "score": result.score.to_dict(),
                "reaction": {
                    "phase": result.phase, "anger_before": result.anger_before, "anger_after": result.anger_after,
                    "next_line": result.next_line, "outcome": result.outcome,
                },
            },
            "state": asdict(conversation.state),
            "line": conversation.line,
            "finished": conversation.finished,
        }

    def store(self, session: Session, target_id: str, outcome: dict[str, Any]) -> None:
        turn = session.get(TurnRow, target_id)
        if turn is None:  # deleted during its analysis: nothing to keep
            return
        turn.result = outcome["result"]
        turn.status, turn.error, turn.analysed_at = "done", None, utcnow()
        conversation = turn.conversation
        if conversation.state["turn"] == turn.number - 1:  # a re-analysis never moves the customer twice
            conversation.state = outcome["state"]
            conversation.customer_line = outcome["line"]
            if outcome["finished"]:
                conversation.finished_at = utcnow()

    def mark(self, session: Session, target_id: str, status: str, error: dict[str, str] | None) -> None:
        turn = session.get(TurnRow, target_id)
        if turn is None:
            return
        turn.status, turn.error = status, error
        if status == "error":
            turn.result = None


class CalibrationJob:
    def __init__(self, service: PracticeService) -> None:
        self.service = service

    def prepare(self, session: Session, target_id: str) -> dict[str, Any] | None:
        row = session.get(BaselineRow, int(target_id))
        if row is None:
            return None
        return {"recording": str(self.service.recording_path(session.get(Recording, row.recording_id)))}

    def run(self, order: dict[str, Any]) -> dict[str, Any]:
        return {"baseline": self.service.analyser.calibrate(Path(order["recording"])).to_dict()}

    def store(self, session: Session, target_id: str, outcome: dict[str, Any]) -> None:
        row = session.get(BaselineRow, int(target_id))
        if row is not None:
            row.status, row.data, row.error = "done", outcome["baseline"], None

    def mark(self, session: Session, target_id: str, status: str, error: dict[str, str] | None) -> None:
        row = session.get(BaselineRow, int(target_id))
        if row is not None:
            row.status, row.error = status, error
