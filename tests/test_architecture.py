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
