"""The two kinds of analysis job: a spoken turn and a calm-baseline reading.

`prepare`, `store` and `mark` run in the worker with the database; `run` runs in the analysis
process and sees only plain data (paths, ids, dicts), so it can die without touching the database.
A turn's `run` restores the conversation, hears the reply (voicecoach/replies.py) and lets the
conversation take it; the stored result is the turn's TurnRecord (voicecoach/turn_record.py).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from voicecoach.analysis import Analyser
from voicecoach.attempt_state import settle, stands_on
from voicecoach.coaching.conversation import Conversation
from voicecoach.coaching.customer import CustomerState
from voicecoach.jobs import JobKind
from voicecoach.replies import LineOverlap, answer, hear_audio
from voicecoach.scenario_library import ScenarioLibrary
from voicecoach.store.baselines import latest_baseline
from voicecoach.store.models import BaselineRow, Recording, TurnRow, utcnow
from voicecoach.turn_record import TurnRecord
from voicecoach.voice.baseline import Baseline, baseline_from_earlier_replies


def practice_jobs(analyser: Analyser, scenarios: ScenarioLibrary, data_dir: Path) -> dict[str, JobKind]:
    """The job kinds of practising, by the name `enqueue` uses."""
    return {"analyse_turn": TurnJob(analyser, scenarios, data_dir), "calibrate": CalibrationJob(analyser, data_dir)}


class TurnJob:
    def __init__(self, analyser: Analyser, scenarios: ScenarioLibrary, data_dir: Path) -> None:
        self.analyser, self.scenarios, self.data_dir = analyser, scenarios, data_dir

    def prepare(self, session: Session, target_id: str) -> dict[str, Any] | None:
        turn = session.get(TurnRow, target_id)
        if turn is None:
            return None
        conversation = turn.conversation
        return {
            "recording": str(self.data_dir / session.get(Recording, turn.recording_id).path),
            "scenario_id": conversation.scenario_id,
            "scenario_version": conversation.scenario_version,
            "baseline": _reference(session, turn),
            "state_before": dict(turn.state_before),
            "customer_line": turn.customer_line,
            "corrected_text": turn.corrected_text,
            "line_left": turn.line_left_seconds,
        }

    def run(self, order: dict[str, Any]) -> dict[str, Any]:
        conversation = Conversation.resume(  # first: a damaged stored state fails before the costly analysis
            self.scenarios.get(order["scenario_id"], order["scenario_version"]), CustomerState(**order["state_before"]), order["customer_line"]
        )
        line_left = order["line_left"]
        heard = hear_audio(
            self.analyser, Path(order["recording"]), corrected_text=order["corrected_text"],
            baseline=Baseline(**order["baseline"]) if order["baseline"] else None,
            overlap=LineOverlap(conversation.customer_audio(self.data_dir / "cache" / "customer"), line_left) if line_left else None,
        )
        return {
            "result": answer(conversation, heard).model_dump(mode="json"),
            "state": asdict(conversation.state),
            "line": conversation.line,
            "finished": conversation.finished,
        }

    def store(self, session: Session, target_id: str, outcome: dict[str, Any]) -> None:
        turn = session.get(TurnRow, target_id)
        if turn is None:  # deleted during its analysis: nothing to keep
            return
        record = TurnRecord.model_validate(outcome["result"])
        if turn.record is not None and turn.state_after is not None and not turn.set_aside and not stands_on(turn):
            # Re-analysed after the conversation went on from it (a coach's correction): what the
            # customer did then stays, only the judgement of the words changes; a new reaction
            # here contradicted the next turn's line and anger.
            record = record.model_copy(update={"reaction": turn.record.reaction})
        else:
            turn.state_after, turn.line_after = outcome["state"], outcome["line"]
        turn.result = record.model_dump(mode="json")
        turn.status, turn.error, turn.analysed_at = "done", None, utcnow()
        settle(turn)  # a re-analysis or another attempt never moves the customer twice

    def mark(self, session: Session, target_id: str, status: str, error: dict[str, str] | None) -> None:
        turn = session.get(TurnRow, target_id)
        if turn is None:
            return
        turn.status, turn.error = status, error
        if status == "error":
            turn.result = None


def _reference(session: Session, turn: TurnRow) -> dict[str, Any] | None:
    """What the reply's voice is held against: for a turn analysed before (a correction of its words)
    the same reference as then — a coach's correction re-judged a voice against a calibration made
    after the reply, and the conversation's other turns kept the old one (a test session); else the
    trainee's newest calibration, else the calmest earlier reply (None: general values)."""
    record = turn.record
    if record is not None and record.analysis.voice is not None:
        used = record.analysis.voice.baseline
        return None if used.source == "population_default" else used.model_dump(mode="json", exclude={"note"})
    baseline = latest_baseline(session, turn.conversation.user_id)
    return baseline.data if baseline else _earlier_replies_reference(turn)


def _earlier_replies_reference(turn: TurnRow) -> dict[str, Any] | None:
    """Without a calibration: the calmest of the trainee's replies recorded before this one in the
    same conversation (voice/baseline.py), or None (general values) for the first."""
    voices = [
        earlier.record.analysis.voice for earlier in turn.conversation.turns
        if earlier.id != turn.id and earlier.created_at < turn.created_at and earlier.status == "done"
        and earlier.record is not None and earlier.record.analysis.voice is not None
    ]
    reference = baseline_from_earlier_replies(voices)
    return reference.model_dump(mode="json") if reference else None


class CalibrationJob:
    def __init__(self, analyser: Analyser, data_dir: Path) -> None:
        self.analyser, self.data_dir = analyser, data_dir

    def prepare(self, session: Session, target_id: str) -> dict[str, Any] | None:
        row = session.get(BaselineRow, int(target_id))
        if row is None:
            return None
        return {"recording": str(self.data_dir / session.get(Recording, row.recording_id).path)}

    def run(self, order: dict[str, Any]) -> dict[str, Any]:
        return {"baseline": self.analyser.calibrate(Path(order["recording"])).model_dump(mode="json")}

    def store(self, session: Session, target_id: str, outcome: dict[str, Any]) -> None:
        row = session.get(BaselineRow, int(target_id))
        if row is not None:
            row.status, row.data, row.error = "done", outcome["baseline"], None

    def mark(self, session: Session, target_id: str, status: str, error: dict[str, str] | None) -> None:
        row = session.get(BaselineRow, int(target_id))
        if row is not None:
            row.status, row.error = status, error
