"""A trainee's progress over turns: scores, and techniques and accelerators used — with the coach's
overrules counted (a hit judged 'onterecht' is taken out, a 'gemist' label is added)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.store.models import ConversationRow, LabelOverrule, TurnRow, User


def turn_labels(turn: TurnRow, overrules: list[LabelOverrule]) -> set[str]:
    labels = {hit["label"] for hit in turn.result["analysis"]["wording"]}
    for overrule in overrules:
        if overrule.verdict == "onterecht":
            labels.discard(overrule.label)
        elif overrule.verdict == "gemist":
            labels.add(overrule.label)
    return labels


def progress(session: Session, user: User) -> dict[str, Any]:
    turns = session.scalars(
        select(TurnRow).join(ConversationRow).where(ConversationRow.user_id == user.id, TurnRow.status == "done")
        .order_by(TurnRow.created_at)
    ).all()
    counts: Counter[str] = Counter()
    scores, overruled = [], 0
    for turn in turns:
        overrules = session.scalars(select(LabelOverrule).where(LabelOverrule.turn_id == turn.id)).all()
        overruled += len(overrules)
        counts.update(turn_labels(turn, list(overrules)))
        scores.append({"date": turn.created_at.isoformat(timespec="minutes"), "scenario": turn.conversation.scenario_id,
                       "turn": turn.number, "total": turn.result["score"]["total"]})
    return {"turns": len(turns), "labels": dict(counts), "scores": scores, "coach_overrules": overruled}
