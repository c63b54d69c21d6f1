"""The import contracts of pyproject.toml ([tool.importlinter]) hold: the stages are separate rooms,
the services never reach up into the web API or the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from voicecoach.config import CHECKOUT_ROOT


def test_import_contracts_are_kept():
    assert CHECKOUT_ROOT is not None
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is in the test extras"
    result = subprocess.run([lint, "--no-cache"], cwd=CHECKOUT_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_the_turn_record_and_the_stage_shapes_load_no_engine():
    """The record holds the stages' own shapes; reading one must not load Whisper, spaCy or librosa."""
    engines = ("faster_whisper", "ctranslate2", "spacy", "librosa", "numpy", "sqlalchemy")
    code = f"import sys, voicecoach.turn_record; print(sorted(set({engines!r}) & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout
