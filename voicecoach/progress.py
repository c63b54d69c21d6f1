"""A trainee's progress over turns and conversations: points per criterion, techniques and
accelerators per turn, the voice against the calm baseline, and a personal advice from the weakest
criterion — with the coach's overrules counted (a hit judged 'onterecht' is taken out, a 'gemist'
label is added, and the turn's score is the re-scored one: voicecoach/coach_judgement.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import mean
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.coach_judgement import judged_labels
from voicecoach.scenarios import Scenario
from voicecoach.store.models import ConversationRow, TurnRow, User
from voicecoach.turn_record import TurnRecord
from voicecoach.turn_scores import overrules_by_turn, turn_score
from voicecoach.vocabulary import AANJAGER, CRITERION_KINDS, REMMER_LABELS, SEED_FILES, TECHNIQUE_SOURCES, criterion_name
from voicecoach.voice.stats import semitones_as_percent

VOICE_MEASURES = ("loudness", "pitch", "rate")
# What to do about the weakest criterion, per kind of criterion; the seed comes from its points.
ADVICE = {
    "techniek": "Gebruik vaker {name}: deze techniek leverde je het minst op ({points} in {turns}).",
    "aanjager": "Let vooral op {name}: dat kostte je {points} in {turns}.",
    "stem": "Let op je stem ({name}): dat kostte je {points} in {turns}.",
    "stijging": "Let op je stem ({name}): dat kostte je {points} in {turns}.",
    "luisteren": "Let op hoe je luistert ({name}): dat kostte je {points} in {turns}.",  # also interrupting, short answers
}
UNUSED_ADVICE = "Probeer ook eens {name}: in {turns} vroeg de fase van het gesprek erom, maar je gebruikte deze techniek nog niet."


def voice_differences(record: TurnRecord) -> dict[str, float | None]:
    """Loudness (dB) above the calm baseline, pitch and rate in % of it (as the turn's texts say it)."""
    voice = record.analysis.voice
    found: dict[str, float | None] = {}
    for measure in VOICE_MEASURES:
        comparison = getattr(voice, measure) if voice is not None else None
        if comparison is None:
            found[measure] = None
        elif measure == "rate":
            found[measure] = round(100 * comparison.difference / comparison.baseline, 1) if comparison.baseline else None
        elif measure == "pitch":
            found[measure] = round(semitones_as_percent(comparison.difference), 1)
        else:
            found[measure] = comparison.difference
    return found


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(mean(known), 2) if known else None


def _done_turns(session: Session, user: User, scenarios: dict[str, Scenario]) -> list[TurnRow]:
    return [
        turn for turn in session.scalars(
            select(TurnRow).join(ConversationRow).where(
                ConversationRow.user_id == user.id, TurnRow.status == "done", TurnRow.set_aside.is_(False))
            .order_by(TurnRow.created_at)
        )
        if turn.record is not None and turn.conversation.scenario_id in scenarios
    ]


def progress(session: Session, user: User, scenarios: dict[str, Scenario]) -> dict[str, Any]:
    """Everything the progress page, its plots and the progress report show of one trainee."""
    turns = _done_turns(session, user, scenarios)
    overrules = overrules_by_turn(session, turns)
    counts: Counter[str] = Counter()
    scores = []
    criteria: dict[str, dict[str, Any]] = {}
    asked: Counter[str] = Counter()  # techniques the phase of each turn asked for, in how many turns
    by_conversation: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for turn in turns:
        judged = overrules[turn.id]
        labels = judged_labels(turn.record, judged)
        counts.update(label for label in labels if ":" not in label)
        score = turn_score(scenarios[turn.conversation.scenario_id], turn, judged) or {"total": 0, "points": []}
        scores.append({"date": turn.created_at.isoformat(timespec="minutes"), "scenario": turn.conversation.scenario_id,
                       "turn": turn.number, "total": score["total"]})
        _add_turn_points(criteria, score["points"])
        asked.update(_asked(scenarios[turn.conversation.scenario_id], turn.state_before.get("phase")))
        by_conversation[turn.conversation_id].append({
            "turn": turn, "score": score, "voice": voice_differences(turn.record),
            "techniques": sum(1 for label in labels if label in REMMER_LABELS),
            "aanjagers": sum(1 for label in labels if label.startswith(f"{AANJAGER}:")),
        })
    return {
        "turns": len(turns), "labels": dict(counts), "scores": scores,
        "coach_overrules": sum(len(rows) for rows in overrules.values()),
        "conversations": [_conversation(rows, scenarios) for rows in by_conversation.values()],
        "criteria": sorted(criteria.values(), key=lambda c: c["points"]),
        "advice": advice(list(criteria.values()), {label: count for label, count in asked.items()
                                                   if criteria.get(f"techniek:{label}", {}).get("points", 0) <= 0}),
    }


def _add_turn_points(criteria: dict[str, dict[str, Any]], points: list[dict[str, Any]]) -> None:
    """One turn's points per criterion: points summed, `turns` counts the turn once however often
    the criterion was hit in it (the advice says "in 2 beurten", not the number of hits)."""
    counted: set[str] = set()
    for point in points:
        if point["points"] == 0:  # told, not counted: a technique that was not needed is no weakness to practise
            continue
        entry = criteria.setdefault(point["criterion"], {
            "criterion": point["criterion"], "name": criterion_name(point["criterion"]), "points": 0, "turns": 0,
            "source_title": point["source_title"], "explanation": point["explanation"],
        })
        entry["points"] += point["points"]
        entry["explanation"] = point["explanation"]  # the latest one: the trainee remembers it best
        if point["criterion"] not in counted:
            counted.add(point["criterion"])
            entry["turns"] += 1


def _conversation(rows: list[dict[str, Any]], scenarios: dict[str, Scenario]) -> dict[str, Any]:
    """One conversation's point in the plots: points per kind of criterion, labels per turn, voice."""
    conversation = rows[0]["turn"].conversation
    kinds = dict.fromkeys(CRITERION_KINDS, 0)
    for row in rows:
        for point in row["score"]["points"]:
            kind = point["criterion"].partition(":")[0]
            kinds[kind] = kinds.get(kind, 0) + point["points"]
    return {
        "id": conversation.id, "date": conversation.created_at.isoformat(timespec="minutes"),
        "scenario": conversation.scenario_id, "scenario_title": scenarios[conversation.scenario_id].title,
        "outcome": conversation.state.get("outcome"), "turns": len(rows),
        "total": sum(row["score"]["total"] for row in rows), "criteria": kinds,
        "techniques_per_turn": round(sum(r["techniques"] for r in rows) / len(rows), 2),
        "aanjagers_per_turn": round(sum(r["aanjagers"] for r in rows) / len(rows), 2),
        "voice": {measure: _mean([r["voice"][measure] for r in rows]) for measure in VOICE_MEASURES},
    }


def advice(criteria: list[dict[str, Any]], unused: dict[str, int] | None = None) -> dict[str, Any] | None:
    """The weakest criterion (fewest points over all turns) as one personal advice with its seed.
    When nothing cost points: a technique the phases asked for (`unused`: label → turns) that never
    earned a point — the one asked most often — else the technique that earned least."""
    weakest = _least(criteria) if criteria else None
    if (weakest is None or weakest["points"] >= 0) and unused:
        label, turns = max(unused.items(), key=lambda item: (item[1], -REMMER_LABELS.index(item[0])))
        name = criterion_name(f"techniek:{label}")
        return {"criterion": f"techniek:{label}", "name": name, "points": 0, "turns": 0, "unused": True,
                "source_title": SEED_FILES[TECHNIQUE_SOURCES[label]], "explanation": None,
                "text": UNUSED_ADVICE.format(name=name, turns=_counted(turns, "beurt", "beurten"))}
    if weakest is not None and weakest["points"] >= 0 and not weakest["criterion"].startswith("techniek:"):
        # nothing cost points (e.g. only +1 kalm onder druk): advise the technique that earned least
        techniques = [c for c in criteria if c["criterion"].startswith("techniek:")]
        weakest = _least(techniques) if techniques else None
    if weakest is None:
        return None
    kind = weakest["criterion"].partition(":")[0]
    text = ADVICE.get(kind, ADVICE["stem"]).format(
        name=weakest["name"], points=_counted(abs(weakest["points"]), "punt", "punten"),  # "kostte je 3 punten", not -3
        turns=_counted(weakest["turns"], "beurt", "beurten"),
    )
    return {**weakest, "unused": False, "text": text}


def _asked(scenario: Scenario, phase_id: str | None) -> list[str]:
    """The techniques a turn's phase asks for: those that reach its goal, else all it lists (none
    when an edited scenario no longer has the phase)."""
    return next((phase.goal_techniques or phase.techniques for phase in scenario.phases if phase.id == phase_id), [])


def _least(criteria: list[dict[str, Any]]) -> dict[str, Any]:
    """Fewest points over all turns; of equals, the one of more turns."""
    return min(criteria, key=lambda c: (c["points"], -c["turns"]))


def _counted(count: int, one: str, more: str) -> str:
    return f"{count} {one if count == 1 else more}"


def group_progress(session: Session, members: list[User], scenarios: dict[str, Scenario]) -> dict[str, Any]:
    """Per trainee of a group: conversations, points per turn, accelerators per turn, weakest point."""
    trainees = []
    for member in members:
        data = progress(session, member, scenarios)
        aanjagers = sum(c["aanjagers_per_turn"] * c["turns"] for c in data["conversations"])
        trainees.append({
            "username": member.username, "name": member.display_name, "conversations": len(data["conversations"]),
            "turns": data["turns"], "coach_overrules": data["coach_overrules"],
            "points_per_turn": round(sum(s["total"] for s in data["scores"]) / data["turns"], 2) if data["turns"] else None,
            "aanjagers_per_turn": round(aanjagers / data["turns"], 2) if data["turns"] else None,
            "advice": data["advice"],
        })
    return {"trainees": trainees}
