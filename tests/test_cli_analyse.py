"""`voicecoach calibrate` and `voicecoach analyse --json` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.audio_factory import sox
from voicecoach.audio.synth import speak_to_wav
from voicecoach.turn_record import SCHEMA_VERSION, TurnRecord
from voicecoach.voice.baseline import CALIBRATION_TEXT


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voicecoach", *args], capture_output=True, text=True, env=os.environ.copy(), timeout=600
    )


def test_calibrate_then_analyse_prints_one_json_object(tmp_path: Path, dutch_reply_wav: Path):
    reading = speak_to_wav(CALIBRATION_TEXT, tmp_path / "kalibratie.wav")
    baseline_file = tmp_path / "basislijn.json"
    calibrated = run_cli("calibrate", str(reading), "--out", str(baseline_file))
    assert calibrated.returncode == 0, calibrated.stderr
    assert json.loads(baseline_file.read_text())["source"] == "calibration"

    reply = sox(dutch_reply_wav, tmp_path / "antwoord.flac")
    analysed = run_cli("analyse", str(reply), "--baseline", str(baseline_file), "--json")
    assert analysed.returncode == 0, analysed.stderr
    lines = analysed.stdout.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert TurnRecord.model_validate(record).schema_version == SCHEMA_VERSION  # the web service's shape
    assert record["score"] is None and record["reaction"] is None  # no scenario: analysed, not scored
    result = record["analysis"]
    assert list(result)[:4] == ["audio", "transcript", "voice", "wording"]
    assert result["transcript"]["language"] == "nl"
    assert result["transcript"]["words"][0].keys() >= {"word", "start", "end", "probability"}
    assert result["voice"]["baseline"]["source"] == "calibration"
    assert result["voice"]["loudness"]["raised"] is False
    assert result["audio"]["duration"] > 3


def test_bad_input_exits_2_with_a_json_error(tmp_path: Path):
    empty = tmp_path / "leeg.webm"
    empty.write_bytes(b"")
    result = run_cli("analyse", str(empty), "--json")
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "empty"
    assert "opnieuw" in error["message"]


def test_broken_baseline_file_is_a_clear_error(tmp_path: Path, dutch_reply_wav: Path):
    broken = tmp_path / "basislijn.json"
    broken.write_text("{niet: json")
    result = run_cli("analyse", str(dutch_reply_wav), "--baseline", str(broken))
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["code"] == "baseline_invalid"


def test_reanalysis_in_a_new_process_gives_the_same_words_and_score(tmp_path: Path, dutch_reply_wav: Path):
    """Whisper's sampling seed is fixed and the pitch thread does not disturb it: a stored
    recording analysed again later, in another process, tells the trainee the same thing."""
    reply = sox(dutch_reply_wav, tmp_path / "antwoord.wav", "gain", "-2", "pitch", "300")
    runs = [run_cli("analyse", str(reply), "--scenario", "monteur-deur", "--json") for _ in range(2)]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    first, second = (json.loads(run.stdout) for run in runs)
    assert first["score"] == second["score"] and first["reaction"] == second["reaction"]
    first, second = first["analysis"], second["analysis"]
    assert first["transcript"]["words"] == second["transcript"]["words"]
    assert first["wording"] == second["wording"]
    assert first["voice"] == second["voice"]
