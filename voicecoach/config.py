"""Settings from the environment (prefix VOICECOACH_), with embedded defaults."""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_ROOT: Path | None = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else None
"""The source checkout the package runs from (the README's set-up), or None for an installed wheel."""


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "voicecoach"


MODELS_DIR: Path | None = CHECKOUT_ROOT / "models" if CHECKOUT_ROOT else None
"""A checkout keeps its generated models beside the code; an installed wheel in the data dir."""


def bundled_dir(name: str) -> Path:
    """A folder shipped with the code ("scenarios", "web"): the checkout's top-level folder, or
    in an installed wheel the package `voicecoach.bundled.<name>` (pyproject's package-dir)."""
    if CHECKOUT_ROOT and (CHECKOUT_ROOT / name).is_dir():
        return CHECKOUT_ROOT / name
    spec = importlib.util.find_spec(f"voicecoach.bundled.{name}")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"voicecoach.bundled.{name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


class Settings(BaseSettings):
    """Everything a deployment may change. Read once per process by `get_settings()`."""

    model_config = SettingsConfigDict(env_prefix="VOICECOACH_", env_file=None, extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Recordings, database, caches.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in the data dir."
    )
    whisper_model: Path = Field(
        description="Any faster-whisper (CTranslate2) model directory; default: the bundled Whisper base."
    )
    spacy_model: Path = Field(description="The project's spaCy pipeline; default: the one `models install` builds.")
    compute_type: Literal["int8", "int8_float32", "int16", "float32", "default"] = "int8"
    cpu_threads: int = Field(
        default=1,
        ge=1,
        description="CTranslate2 threads per loaded Whisper model. One: a second thread made Whisper's decoding "
        "2–3 × slower on the 2-core machines measured (bench/threads.py); the cores are used by analyses side "
        "by side (analysis_processes) and by the live path beside them.",
    )
    live_cpu_threads: int | None = Field(
        default=None,
        ge=1,
        description="CTranslate2 threads of the live pass over a streamed reply's phrases (one pass at a time per "
        "server, the trainee waiting for the last). Unset: cpu_threads. Two made the last phrase's pass 1.65 × "
        "faster on one 2-core machine and twice as slow on another: bench/threads.py measures both here.",
    )
    analysis_processes: int = Field(
        default_factory=lambda: min(os.cpu_count() or 1, 2),
        ge=1,
        description="Analyses a worker runs at once, each in its own process with its own models (~0.7 GB each).",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Host names besides 127.0.0.1, localhost and `host` that requests may address."
    )
    lan_port: int = Field(default=8443, ge=1, le=65535, description="HTTPS port of LAN mode (a teacher's setting).")
    max_audio_seconds: float = Field(default=120.0, gt=0)
    live_guess: bool = Field(
        default=True,
        description="A streamed reply's open phrase is worked out during a pause before Stop (issue 15; "
        "streaming/speculative.py); false saves that live work.",
    )
    live_streaming: bool = Field(
        default=True,
        description="The conversation page streams replies over the WebSocket while recording (issue 15); it "
        "uploads its own recording when the stream cannot start or lost samples.",
    )
    max_upload_bytes: int = Field(default=25_000_000, gt=0, description="Largest accepted upload.")
    job_lease_seconds: float = Field(default=30.0, gt=0, description="A dead worker's job is retried after this.")
    job_timeout_seconds: float = Field(default=600.0, gt=0, description="An analysis taking longer fails its attempt.")
    worker_stale_seconds: float = Field(default=60.0, gt=0, description="/healthz fails when no worker beat for this long.")
    queue_stale_seconds: float = Field(default=600.0, gt=0, description="/healthz fails when a job waits this long.")
    retention_days: int | None = Field(default=None, ge=1, description="Delete recordings older than this (unset: keep).")

    @property
    def models_dir(self) -> Path:
        """Where `voicecoach models install` puts the bundled models."""
        return MODELS_DIR or self.data_dir / "models"

    @model_validator(mode="before")
    @classmethod
    def _bundled_models_by_default(cls, data: dict[str, Any]) -> dict[str, Any]:
        models = MODELS_DIR or Path(data.get("data_dir") or _default_data_dir()) / "models"
        return {"whisper_model": models / "whisper-base", "spacy_model": models / "spacy-nl", **data}

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'voicecoach.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def prepare_data_dir(path: Path) -> None:
    """Create the data folder readable by its owner only: recordings, transcripts and the database are
    personal data, and school laptops are shared (it was 755 with 644 files, readable by every account
    on the machine, a test session). Files made inside follow the process's umask (cli.main: 077)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        path.chmod(0o700)
    except PermissionError:  # a folder someone else set up: theirs to protect
        pass
