"""One `voicecoach practice` conversation: the customer speaks, the trainee answers (spoken or
typed), each turn is scored and shown, and the end says how it went. Heavy (Whisper, spaCy, librosa):
cli/practice.py imports it only when a conversation starts, so the other commands start fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.panel import Panel

from voicecoach.analysis import Analyser
from voicecoach.cli.practice import console
from voicecoach.cli.practice_recordings import PracticeRecordings
from voicecoach.cli.turn_taking import EnterKey, hear_line_and_record
from voicecoach.coaching.break_off import break_off_verdict
from voicecoach.coaching.conversation import Conversation
from voicecoach.config import Settings
from voicecoach.end_summary import calm_unfinished
from voicecoach.errors import VoiceCoachError
from voicecoach.replies import answer, hear_audio, hear_text
from voicecoach.scenarios import Scenario
from voicecoach.turn_record import TurnRecord
from voicecoach.voice.baseline import Baseline, baseline_from_earlier_replies
from voicecoach.voice.shapes import VoiceRecord


def run_practice(settings: Settings, scenario: Scenario, *, text: bool, as_json: bool, baseline_file: Path | None,
                 device: str | None, user: str | None) -> None:
    """The whole conversation (`voicecoach practice`'s options, checked there)."""
    try:
        baseline = Baseline.load(baseline_file) if baseline_file else None
        recordings = None if text else PracticeRecordings(settings, user)
    except VoiceCoachError as error:
        console.print(f"[red]{error.message}[/]")
        raise typer.Exit(2) from error
    conversation, analyser = Conversation(scenario), Analyser(settings)
    if not as_json:
        console.print(Panel(f"[b]{scenario.title}[/]\n{scenario.setting}", title="Scenario"))
    replies = iter(sys.stdin.readline, "") if text else None
    try:
        last = _converse(conversation, analyser, baseline, replies, recordings, as_json=as_json, device=device)
    finally:
        if recordings is not None:
            recordings.close()
    outcome = conversation.state.outcome or "unfinished"
    if as_json:
        print(json.dumps({"outcome": outcome, "turns": conversation.state.turn}, ensure_ascii=False))
    else:
        _show_end(conversation, outcome, last)


def _converse(
    conversation: Conversation, analyser: Analyser, baseline: Baseline | None, replies,  # type: ignore[no-untyped-def]
    recordings: PracticeRecordings | None, *, as_json: bool, device: str | None,
) -> TurnRecord | None:
    """Plays the conversation to its end (or the end of the typed replies); the last turn."""
    settings = analyser.settings
    keys = EnterKey() if replies is None and sys.stdin.isatty() else None
    last: TurnRecord | None = None
    voices: list[VoiceRecord] = []  # without a calibration the calmest earlier reply is the reference, as on the web
    while not conversation.finished:
        _show_customer(conversation, as_json)
        try:
            if replies is not None:
                line = next(replies, None)
                if line is None:
                    break
                heard = hear_text(analyser, line.strip())
            else:
                assert recordings is not None
                audio, overlap = hear_line_and_record(
                    conversation.customer_audio(settings.data_dir / "cache" / "customer"),
                    keys=keys, device=device, max_seconds=settings.max_audio_seconds,
                )
                reference = baseline or baseline_from_earlier_replies(voices)
                stored = recordings.store(conversation.state.turn + 1, audio)
                heard = hear_audio(analyser, stored, baseline=reference, overlap=overlap)
        except VoiceCoachError as error:  # bad audio: say what to do, keep the conversation going
            console.print(f"[yellow]{error.message}[/]")
            continue
        last = answer(conversation, heard)
        if last.analysis.voice is not None:
            voices.append(last.analysis.voice)
        _show_result(last, as_json)
    return last


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
