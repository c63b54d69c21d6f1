"""Settings from the environment (prefix VOICECOACH_), with embedded defaults."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "voicecoach"


class Settings(BaseSettings):
    """Everything a deployment may change. Read once per process by `get_settings()`."""

    model_config = SettingsConfigDict(env_prefix="VOICECOACH_", env_file=None, extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Recordings, database, caches.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file in the data dir."
    )
    whisper_model: Path = Field(
        default=MODELS_DIR / "whisper-base",
        description="Any faster-whisper (CTranslate2) model directory.",
    )
    spacy_model: Path = Field(default=MODELS_DIR / "spacy-nl", description="The project's spaCy pipeline.")
    compute_type: Literal["int8", "int8_float32", "int16", "float32", "default"] = "int8"
    cpu_threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_audio_seconds: float = Field(default=120.0, gt=0)
    max_upload_bytes: int = Field(default=25_000_000, gt=0, description="Largest accepted upload.")
    job_lease_seconds: float = Field(default=30.0, gt=0, description="A dead worker's job is retried after this.")
    job_timeout_seconds: float = Field(default=600.0, gt=0, description="An analysis taking longer fails its attempt.")
    worker_stale_seconds: float = Field(default=60.0, gt=0, description="/healthz fails when no worker beat for this long.")
    queue_stale_seconds: float = Field(default=600.0, gt=0, description="/healthz fails when a job waits this long.")
    retention_days: int | None = Field(default=None, ge=1, description="Delete recordings older than this (unset: keep).")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'voicecoach.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
