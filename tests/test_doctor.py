"""`voicecoach doctor` on this machine, and with a broken setting."""

from __future__ import annotations

import os
import subprocess
import sys

from voicecoach.doctor import Status, run_checks


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voicecoach", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


def test_doctor_passes_with_bundled_models(tmp_path):
    result = run_cli("doctor", env={"VOICECOACH_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stdout + result.stderr
    for row in ("Whisper-modelbestanden", "Whisper-model laadt", "spaCy-pijplijn laadt", "Database", "espeak-ng"):
        assert row in result.stdout
    assert "fout" not in result.stdout


def test_doctor_fails_on_missing_model(tmp_path):
    result = run_cli(
        "doctor",
        env={"VOICECOACH_DATA_DIR": str(tmp_path / "data"), "VOICECOACH_WHISPER_MODEL": str(tmp_path / "nope")},
    )
    assert result.returncode == 1
    assert "fout" in result.stdout


def test_unwritable_data_dir_and_bad_database_are_errors_not_crashes(settings, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    broken = settings.model_copy(
        update={"data_dir": blocker / "data", "database_url": "sqlite:////nonexistent-dir/x/y.db"}
    )
    results = {r.name: r for r in run_checks(broken)}
    assert results["Gegevensmap"].status is Status.ERROR
    assert results["Database"].status is Status.ERROR
    assert results["Python-versie"].status is Status.OK


def test_help_lists_commands():
    result = run_cli("--help", env={})
    assert result.returncode == 0
    for command in ("models", "doctor", "serve"):
        assert command in result.stdout
