"""A wheel built from the repository works outside the checkout: rules, lexicon, weights,
migrations, scenarios and web files are package data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from voicecoach.config import CHECKOUT_ROOT

pytestmark = pytest.mark.slow
SKIP = shutil.ignore_patterns(".git", ".venv", "models", "data", "build", "dist", "*.egg-info", "__pycache__", "artifacts", ".pytest_cache")


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    return result


def test_the_wheel_installs_into_a_fresh_venv_and_analyses_outside_the_checkout(tmp_path, dutch_reply_wav):
    assert CHECKOUT_ROOT is not None
    source = tmp_path / "bron"
    shutil.copytree(CHECKOUT_ROOT, source, ignore=SKIP)
    _run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist", cwd=source)
    wheel = next((tmp_path / "dist").glob("voicecoach-*.whl"))

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    # The dependencies come from this environment (no network in tests); voicecoach itself only from the wheel.
    site = next((venv / "lib").glob("python3.*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run(venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel, cwd=tmp_path)

    outside = tmp_path / "elders"
    outside.mkdir()
    env = {**os.environ, "VOICECOACH_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    env.pop("PYTHONPATH", None)
    voicecoach = venv / "bin" / "voicecoach"
    located = _run(venv / "bin" / "python", "-c", "import voicecoach; print(voicecoach.__file__)", cwd=outside, env=env)
    assert located.stdout.strip().startswith(str(site))
    _run(voicecoach, "models", "install", cwd=outside, env=env)
    assert (tmp_path / "data" / "models" / "whisper-base" / "model.bin").is_file()
    _run(voicecoach, "doctor", cwd=outside, env=env)
    listed = _run(voicecoach, "scenarios", "list", cwd=outside, env=env)
    assert "monteur-deur" in listed.stdout + listed.stderr
    analysed = _run(voicecoach, "analyse", dutch_reply_wav, "--scenario", "monteur-deur", "--json", cwd=outside, env=env)
    result = json.loads(analysed.stdout)
    assert result["analysis"]["transcript"]["words"] and "points" in result["score"] and result["reaction"]
