"""`voicecoach calibrate` and `voicecoach analyse`: one recording in, JSON out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from voicecoach.config import get_settings
from voicecoach.errors import VoiceCoachError
from voicecoach.scenarios import Scenario, load_scenarios

# Whisper, spaCy and librosa are imported inside the commands: every other command (`users create`,
# `scenarios list`, …) would otherwise pay seconds for them at each start.

EXIT_BAD_INPUT = 2


def _fail(error: VoiceCoachError) -> None:
    print(json.dumps({"error": error.to_dict()}, ensure_ascii=False))
    raise typer.Exit(EXIT_BAD_INPUT)


def calibrate(
    file: Path = typer.Argument(..., help="Opname van de rustig voorgelezen kalibratietekst."),
    out: Path = typer.Option(..., "--out", help="Waar de basislijn (JSON) komt."),
) -> None:
    """Meet je rustige stem (luidheid, toonhoogte, spreektempo) uit een voorgelezen tekst."""
    from voicecoach.analysis import Analyser

    try:
        baseline = Analyser(get_settings()).calibrate(file)
    except VoiceCoachError as error:
        _fail(error)
        return
    baseline.save(out)
    print(json.dumps(baseline.model_dump(mode="json"), ensure_ascii=False, indent=2))


def analyse(
    file: Path = typer.Argument(..., help="Opname van je antwoord (WAV, FLAC, OGG, WebM, MP3, M4A)."),
    baseline_file: Path | None = typer.Option(None, "--baseline", help="Basislijn van `calibrate`."),
    scenario: str | None = typer.Option(None, "--scenario", help="Scenario-id (voor de context)."),
    as_json: bool = typer.Option(True, "--json/--no-json", help="Eén JSON-object op stdout."),
) -> None:
    """Analyseer één antwoord: tekst met woordtijden, stem tegen je basislijn."""
    from voicecoach.analysis import Analyser
    from voicecoach.coaching.conversation import Conversation
    from voicecoach.replies import answer, hear_audio, turn_record
    from voicecoach.voice.baseline import Baseline

    try:
        baseline = Baseline.load(baseline_file) if baseline_file else None
        analyser = Analyser(get_settings())
        conversation = None if scenario is None else Conversation(_scenario(scenario))
        heard = hear_audio(analyser, file, baseline=baseline)
        # in a scenario the reply is scored as its first turn, with the customer's reaction
        record = turn_record(heard, None) if conversation is None else answer(conversation, heard)
    except VoiceCoachError as error:
        _fail(error)
        return
    print(record.model_dump_json(indent=None if as_json else 2))


def _scenario(scenario_id: str) -> Scenario:
    scenarios, _ = load_scenarios()
    if scenario_id not in scenarios:
        raise VoiceCoachError(
            f"Onbekend scenario '{scenario_id}'. Kies uit: {', '.join(sorted(scenarios))}", code="unknown_scenario"
        )
    return scenarios[scenario_id]


def calibration_text() -> None:
    """Toon de tekst die je rustig voorleest voor de kalibratie."""
    from voicecoach.voice.baseline import CALIBRATION_TEXT

    sys.stdout.write(CALIBRATION_TEXT + "\n")
