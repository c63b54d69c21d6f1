from pathlib import Path

from voicecoach.config import MODELS_DIR, Settings


def test_defaults_are_local_and_offline(monkeypatch, tmp_path):
    for name in ("VOICECOACH_HOST", "VOICECOACH_PORT", "VOICECOACH_DATABASE_URL", "VOICECOACH_WHISPER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = Settings()
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.compute_type == "int8"
    assert settings.whisper_model == MODELS_DIR / "whisper-base"
    assert settings.data_dir == tmp_path / "voicecoach"
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'voicecoach' / 'voicecoach.db'}"


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("VOICECOACH_DATA_DIR", str(tmp_path / "elders"))
    monkeypatch.setenv("VOICECOACH_WHISPER_MODEL", "/opt/modellen/whisper-small")
    monkeypatch.setenv("VOICECOACH_CPU_THREADS", "3")
    monkeypatch.setenv("VOICECOACH_DATABASE_URL", "postgresql://coach@localhost/voicecoach")
    monkeypatch.setenv("VOICECOACH_PORT", "8123")
    settings = Settings()
    assert settings.data_dir == tmp_path / "elders"
    assert settings.whisper_model == Path("/opt/modellen/whisper-small")
    assert settings.cpu_threads == 3
    assert settings.port == 8123
    assert settings.resolved_database_url == "postgresql://coach@localhost/voicecoach"


def test_hub_is_switched_off():
    import os

    import voicecoach  # noqa: F401

    assert os.environ["HF_HUB_OFFLINE"] == "1"
