"""Shared fixtures: settings on a temporary data dir, the real models, generated Dutch audio."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from voicecoach.audio.synth import speak_to_wav
from voicecoach.config import MODELS_DIR, Settings

# Starlette's in-process TestClient addresses the app as "testserver"; the host check
# (VOICECOACH_ALLOWED_HOSTS) must let it in. tests/test_security.py checks the refusal itself.
os.environ.setdefault("VOICECOACH_ALLOWED_HOSTS", '["testserver"]')

WHISPER_DIR = MODELS_DIR / "whisper-base"
SPACY_DIR = MODELS_DIR / "spacy-nl"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR)


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def dutch_reply_wav(clip_dir: Path) -> Path:
    """About four seconds of calm Dutch, spoken by espeak-ng."""
    return speak_to_wav(
        "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?",
        clip_dir / "reply.wav",
    )
