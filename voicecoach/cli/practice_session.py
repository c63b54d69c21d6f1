"""One `voicecoach practice` conversation: the customer speaks, the trainee answers (spoken or
typed), each turn is scored and shown, and the end says how it went. Heavy (Whisper, spaCy, librosa):
cli/practice.py imports it only when a conversation starts, so the other commands start fast."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.panel import Panel

from voicecoach.analysis import Analyser
from voicecoach.cli.practice import console
from voicecoach.cli.practice_replies import KeptReplies, SpokenReplies, UnkeptReplies
from voicecoach.cli.turn_taking import EnterKey, hear_line_and_record
from voicecoach.coaching.break_off import break_off_verdict
from voicecoach.coaching.conversation import Conversation
from voicecoach.config import Settings
from voicecoach.end_summary import calm_unfinished
from voicecoach.errors import VoiceCoachError
from voicecoach.replies import answer, hear_text
from voicecoach.scenarios import Scenario
from voicecoach.turn_record import TurnRecord
from voicecoach.voice.baseline import Baseline


def run_practice(settings: Settings, scenario: Scenario, *, text: bool, as_json: bool, baseline_file: Path | None,
                 device: str | None, user: str | None) -> None:
    """The whole conversation (`voicecoach practice`'s options, checked there)."""
    analyser = Analyser(settings)
    try:
        baseline = Baseline.load(baseline_file) if baseline_file else None
        spoken: SpokenReplies | None = None
        if not text:
            spoken = KeptReplies(settings, analyser, user, scenario.id) if user else UnkeptReplies(analyser, scenario, baseline)
    except VoiceCoachError as error:
        console.print(f"[red]{error.message}[/]")
        raise typer.Exit(2) from error
    if not as_json:
        console.print(Panel(f"[b]{scenario.title}[/]\n{scenario.setting}", title="Scenario"))
    try:
        if spoken is None:
            conversation, last = _converse_typed(Conversation(scenario), analyser, iter(sys.stdin.readline, ""), as_json)
        else:
            conversation, last = _converse_spoken(spoken, settings, as_json=as_json, device=device)
    finally:
        if spoken is not None:
            spoken.close()
    outcome = conversation.state.outcome or "unfinished"
    if as_json:
        print(json.dumps({"outcome": outcome, "turns": conversation.state.turn}, ensure_ascii=False))
    else:
        _show_end(conversation, outcome, last)
        if isinstance(spoken, KeptReplies):
            console.print(f"Bewaard bij {user}: je coach kan dit gesprek nu terugkijken (gesprek {spoken.conversation_id}).")


def _converse_typed(conversation: Conversation, analyser: Analyser, replies: Iterator[str],
                    as_json: bool) -> tuple[Conversation, TurnRecord | None]:
    """Plays the conversation to its end or the end of the typed replies; the last turn."""
    last: TurnRecord | None = None
    while not conversation.finished:
        _show_customer(conversation, as_json)
        line = next(replies, None)
        if line is None:
            break
        last = answer(conversation, hear_text(analyser, line.strip()))
        _show_result(last, as_json)
    return conversation, last


def _converse_spoken(spoken: SpokenReplies, settings: Settings, *, as_json: bool,
                     device: str | None) -> tuple[Conversation, TurnRecord | None]:
    """Plays the conversation to its end, each line heard and answered out loud; the last turn."""
    keys = EnterKey() if sys.stdin.isatty() else None
    last: TurnRecord | None = None
    while not spoken.conversation.finished:
        _show_customer(spoken.conversation, as_json)
        try:
            audio, overlap = hear_line_and_record(
                spoken.conversation.customer_audio(settings.data_dir / "cache" / "customer"),
                keys=keys, device=device, max_seconds=settings.max_audio_seconds,
            )
            last = spoken.take(audio, overlap)
        except VoiceCoachError as error:  # bad audio: say what to do, the customer says the line again
            console.print(f"[yellow]{error.message}[/]")
            continue
        _show_result(last, as_json)
    return spoken.conversation, last


def _show_customer(conversation: Conversation, as_json: bool) -> None:
    if not as_json:
        console.print(f"\n[b red]{conversation.scenario.persona.name}[/] (boosheid {conversation.state.anger}/4): "
                      f"{conversation.line}", highlight=False)


def _show_result(record: TurnRecord, as_json: bool) -> None:
    if as_json:
        print(record.model_dump_json(), flush=True)
        return
    score, reaction = record.score, record.reaction
    assert score is not None and reaction is not None  # a conversation's turn is always scored
    console.print(f"[b]Jij:[/] {record.analysis.transcript.text}", highlight=False)
    for point in score.points:
        colour = "green" if point.points > 0 else "red"
        console.print(f"  [{colour}]{point.explanation}[/]", highlight=False)
    console.print(f"  Punten deze beurt: [b]{score.total}[/]; boosheid {reaction.anger_before} → {reaction.anger_after}")


def _show_end(conversation: Conversation, outcome: str, last: TurnRecord | None) -> None:
    ending = conversation.scenario.ending
    if outcome == "broken_off" and last is not None and last.reaction is not None:
        verdict = break_off_verdict(last.analysis.text, last.analysis.wording, last.reaction.anger_before,
                                    conversation.state.turn - 1, ending.escalated_at)
        console.print(Panel(verdict, title="Gesprek afgebroken met een afspraak"))
    elif outcome == "calmed":
        console.print(Panel(ending.calmed_message, title="De klant is gekalmeerd", style="green"))
    elif outcome == "escalated":
        console.print(Panel("\n".join(f"• {advice}" for advice in ending.escalated_advice),
                            title="Het gesprek escaleerde — wat nu?", style="red"))
    elif (calm := calm_unfinished(conversation.scenario, conversation.state.anger, conversation.state.turn)) is not None:
        console.print(Panel(calm, title="Niet afgerond"))
    else:  # still angry when the turns ran out: the advice for aggression, as on the page
        console.print(Panel("\n".join(f"• {advice}" for advice in ending.escalated_advice),
                            title="Niet afgerond: de klant is nog boos — wat nu?", style="yellow"))
