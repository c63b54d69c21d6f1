"""What the printable reports hold: a conversation (transcript, points and their explanations,
plots, the coach's notes, the end summary) and a trainee's progress (voicecoach/progress.py).
The web API renders them (web/templates/reports/) as HTML, and as PDF through reports/pdf.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from voicecoach.api.formatting import nl_date
from voicecoach.end_summary import end_summary
from voicecoach.incident import incident_dict
from voicecoach.progress import VOICE_MEASURES, progress, voice_differences
from voicecoach.reports.svg import line_chart
from voicecoach.review_service import conversation_notes
from voicecoach.scenarios import Scenario
from voicecoach.store.models import ConversationRow, IncidentReport, TurnRow, User
from voicecoach.turn_scores import done_turns, overrules_by_turn, turn_score
from voicecoach.vocabulary import VOICE_MEASURE_NAMES


def conversation_report(session: Session, scenario: Scenario, conversation: ConversationRow, owner: User) -> dict[str, Any]:
    turns = done_turns(conversation)
    overrules = overrules_by_turn(session, turns)
    scores = {turn.id: turn_score(scenario, turn, overrules[turn.id]) for turn in turns}
    notes = conversation_notes(session, conversation)
    phases = {phase.id: phase.title for phase in scenario.phases}
    rows = [_row(turn, scores[turn.id], phases, notes) for turn in turns]
    readable = [row for row, turn in zip(rows, turns) if turn.record is not None]  # a damaged result is no point on a chart
    labels = [f"beurt {row['number']}" for row in readable]
    voices = [voice_differences(turn.record) for turn in turns if turn.record is not None]
    charts = [
        line_chart("Punten per beurt", labels, {"punten": [row["total"] for row in readable]}, "punten", "beurt"),
        line_chart("Je stem tegenover rustig", labels,
                   {VOICE_MEASURE_NAMES[m]: [v[m] for v in voices] for m in VOICE_MEASURES}, "verschil", "beurt"),
    ] if turns else []
    return {
        "scenario": scenario, "conversation": conversation, "owner": owner, "turns": rows, "charts": charts,
        "total": sum(row["total"] for row in rows),
        "notes": [note for note in notes if note["turn_id"] is None],
        "summary": end_summary(scenario, conversation, turns, scores) if conversation.finished_at and turns else None,
        "incident": incident_dict(session.get(IncidentReport, conversation.id)),
    }


def _row(turn: TurnRow, score: dict[str, Any] | None, phases: dict[str, str], notes: list[dict[str, Any]]) -> dict[str, Any]:
    """One turn of the report; a stored result that cannot be read shows its Dutch error instead."""
    record, unreadable = turn.record, turn.unreadable
    return {
        "number": turn.number, "phase": phases.get(turn.state_before.get("phase"), ""), "customer_line": turn.customer_line,
        "transcript": turn.corrected_text or (record.analysis.transcript.text if record else ""),
        "corrected": turn.corrected_text is not None,
        "points": score["points"] if score else [], "total": score["total"] if score else 0,
        "problem": unreadable.message if unreadable else None,
        "notes": [note for note in notes if note["turn_id"] == turn.id],
    }


def progress_report(session: Session, scenarios: dict[str, Scenario], trainee: User) -> dict[str, Any]:
    data = progress(session, trainee, scenarios)
    conversations = data["conversations"]
    # day and time: several conversations a day read "2026-11-27" five times over (a test session)
    labels = [nl_date(c["date"], "d MMM HH:mm") for c in conversations]
    charts = [
        line_chart("Punten per gesprek", labels, {"punten": [c["total"] for c in conversations]}, "punten", "gesprek (datum)"),
        line_chart("Technieken en conflictaanjagers per beurt", labels, {
            "technieken per beurt": [c["techniques_per_turn"] for c in conversations],
            "conflictaanjagers per beurt": [c["aanjagers_per_turn"] for c in conversations],
        }, "aantal per beurt", "gesprek (datum)"),
        line_chart("Je stem tegenover rustig", labels,
                   {VOICE_MEASURE_NAMES[m]: [c["voice"][m] for c in conversations] for m in VOICE_MEASURES},
                   "verschil", "gesprek (datum)"),
    ] if conversations else []
    return {"trainee": trainee, "progress": data, "charts": charts}
