"""A trainee's progress over turns: scores, and techniques and accelerators used — with the coach's
overrules counted (a hit judged 'onterecht' is taken out, a 'gemist' label is added, and the
turn's score is the re-scored one: voicecoach/coach_judgement.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.coach_judgement import judged_labels
from voicecoach.scenarios import Scenario
from voicecoach.store.models import ConversationRow, TurnRow, User
from voicecoach.turn_scores import overrules_by_turn, turn_score


def progress(session: Session, user: User, scenarios: dict[str, Scenario]) -> dict[str, Any]:
    turns = [
        turn for turn in session.scalars(
            select(TurnRow).join(ConversationRow).where(
                ConversationRow.user_id == user.id, TurnRow.status == "done", TurnRow.set_aside.is_(False))
            .order_by(TurnRow.created_at)
        )
        if turn.result and turn.conversation.scenario_id in scenarios
    ]
    overrules = overrules_by_turn(session, turns)
    counts: Counter[str] = Counter()
    scores = []
    for turn in turns:
        judged = overrules[turn.id]
        counts.update(label for label in judged_labels(turn.record, judged) if ":" not in label)
        score = turn_score(scenarios[turn.conversation.scenario_id], turn, judged)
        scores.append({"date": turn.created_at.isoformat(timespec="minutes"), "scenario": turn.conversation.scenario_id,
                       "turn": turn.number, "total": score["total"] if score else 0})
    return {"turns": len(turns), "labels": dict(counts), "scores": scores,
            "coach_overrules": sum(len(rows) for rows in overrules.values())}
