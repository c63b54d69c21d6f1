"""Shared fixtures: settings on a temporary data dir, the real models, generated Dutch audio."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import LiveService
from voicecoach.audio.synth import speak_to_wav
from voicecoach.config import MODELS_DIR, Settings

# Starlette's in-process TestClient addresses the app as "testserver"; the host check
# (VOICECOACH_ALLOWED_HOSTS) must let it in. tests/test_security.py checks the refusal itself.
os.environ.setdefault("VOICECOACH_ALLOWED_HOSTS", '["testserver"]')

# The longest files (seconds each, alone, in 2026-11) run first. scripts/test.sh gives every pytest-xdist
# worker whole files; xdist's own order (most tests first) hands these files of few, slow tests out
# last, where one worker can still run one while the others have nothing left to do.
LONGEST_FIRST = (
    "test_reliability.py",  # 257
    "test_browser_recorder.py",  # 113
    "test_browser_page_limits.py",  # 98
    "test_browser.py",  # 89
    "test_browser_progress.py",  # 75
    "test_postgres.py",  # 68
    "test_classroom_browser.py",  # 62
    "test_streaming_browser.py",  # 56
    "test_worker_crash.py",  # 56
    "test_schemathesis.py",  # 53
)

WHISPER_DIR = MODELS_DIR / "whisper-base"
SPACY_DIR = MODELS_DIR / "spacy-nl"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


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


@pytest.fixture(scope="session")
def shared_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    """A running service with its worker and default settings, one per test process: starting one
    takes 13–27 s, so the browser modules that need nothing of their own share it. Each module
    creates users (and groups) with names of its own, so it sees only its own data."""
    live = LiveService(tmp_path_factory.mktemp("shared-data")).start()
    live.start_worker()
    yield live
    live.stop()
