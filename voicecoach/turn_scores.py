"""Turn scores as the trainee and coach see them: the analysis's score with the coach's overrules
applied (voicecoach/coach_judgement.py), and a conversation's totals over its analysed turns."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.coach_judgement import judged_score
from voicecoach.scenarios import Scenario
from voicecoach.store.models import ConversationRow, LabelOverrule, TurnRow


def overrules_by_turn(session: Session, turns: list[TurnRow]) -> dict[str, list[LabelOverrule]]:
    found: dict[str, list[LabelOverrule]] = defaultdict(list)
    ids = [turn.id for turn in turns]
    if ids:
        query = select(LabelOverrule).where(LabelOverrule.turn_id.in_(ids)).order_by(LabelOverrule.id)
        for row in session.scalars(query):
            found[row.turn_id].append(row)
    return found


def turn_score(scenario: Scenario, turn: TurnRow, overrules: list[LabelOverrule]) -> dict[str, Any] | None:
    """The judged score of an analysed turn (None while it is queued or failed)."""
    record = turn.record if turn.status == "done" else None
    if record is None or record.score is None:
        return None
    phase = scenario.phase(turn.state_before["phase"])
    return judged_score(record, overrules, phase, turn.state_before["anger"])


def done_turns(conversation: ConversationRow) -> list[TurnRow]:
    """The analysed turns that count: an attempt set aside for another at its line does not."""
    return [turn for turn in conversation.turns if turn.status == "done" and turn.result and not turn.set_aside]


def conversation_totals(session: Session, scenario: Scenario, conversation: ConversationRow) -> dict[str, int]:
    """Analysed turns and their judged score total (failed or queued attempts are no turns)."""
    turns = done_turns(conversation)
    overrules = overrules_by_turn(session, turns)
    scores = [turn_score(scenario, turn, overrules[turn.id]) for turn in turns]
    return {"turns": len(turns), "score": sum(score["total"] for score in scores if score)}
