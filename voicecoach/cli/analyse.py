"""`voicecoach calibrate` and `voicecoach analyse`: one recording in, JSON out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from voicecoach.analysis import Analyser
from voicecoach.coaching.conversation import Conversation
from voicecoach.config import get_settings
from voicecoach.errors import VoiceCoachError
from voicecoach.scenarios import load_scenarios
from voicecoach.voice.baseline import CALIBRATION_TEXT, Baseline

EXIT_BAD_INPUT = 2


def _fail(error: VoiceCoachError) -> None:
    print(json.dumps({"error": error.to_dict()}, ensure_ascii=False))
    raise typer.Exit(EXIT_BAD_INPUT)


def calibrate(
    file: Path = typer.Argument(..., help="Opname van de rustig voorgelezen kalibratietekst."),
    out: Path = typer.Option(..., "--out", help="Waar de basislijn (JSON) komt."),
) -> None:
    """Meet je rustige stem (luidheid, toonhoogte, spreektempo) uit een voorgelezen tekst."""
    try:
        baseline = Analyser(get_settings()).calibrate(file)
    except VoiceCoachError as error:
        _fail(error)
        return
    baseline.save(out)
    print(json.dumps(baseline.to_dict(), ensure_ascii=False, indent=2))


def analyse(
    file: Path = typer.Argument(..., help="Opname van je antwoord (WAV, FLAC, OGG, WebM, MP3, M4A)."),
    baseline_file: Path | None = typer.Option(None, "--baseline", help="Basislijn van `calibrate`."),
    scenario: str | None = typer.Option(None, "--scenario", help="Scenario-id (voor de context)."),
    as_json: bool = typer.Option(True, "--json/--no-json", help="Eén JSON-object op stdout."),
) -> None:
    """Analyseer één antwoord: tekst met woordtijden, stem tegen je basislijn."""
    try:
        baseline = Baseline.load(baseline_file) if baseline_file else None
        analyser = Analyser(get_settings())
        if scenario is None:
            data = analyser.analyse(file, baseline=baseline).to_dict()
        else:
            data = _analyse_in_scenario(analyser, file, baseline, scenario)
    except VoiceCoachError as error:
        _fail(error)
        return
    print(json.dumps(data, ensure_ascii=False, indent=None if as_json else 2))


def _analyse_in_scenario(analyser: Analyser, file: Path, baseline: Baseline | None, scenario_id: str) -> dict:
    """Score the reply as the first turn of the scenario, with the customer's reaction."""
    scenarios, _ = load_scenarios()
    if scenario_id not in scenarios:
        raise VoiceCoachError(
            f"Onbekend scenario '{scenario_id}'. Kies uit: {', '.join(sorted(scenarios))}", code="unknown_scenario"
        )
    turn = Conversation(scenarios[scenario_id], analyser, baseline).reply_audio(file)
    data = turn.analysis.to_dict()
    data["score"] = {
        **turn.score.to_dict(),
        "phase": turn.phase,
        "customer_line": turn.customer_line,
        "anger_before": turn.anger_before,
        "anger_after": turn.anger_after,
        "next_line": turn.next_line,
    }
    return data


def calibration_text() -> None:
    """Toon de tekst die je rustig voorleest voor de kalibratie."""
    sys.stdout.write(CALIBRATION_TEXT + "\n")
