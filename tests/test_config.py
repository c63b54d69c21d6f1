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


def test_the_live_pass_has_its_own_thread_count(tmp_path):
    """VOICECOACH_LIVE_CPU_THREADS gives the streamed replies' live pass its own model (bench/threads.py
    measures which count is faster on this machine); unset, it shares the analysis's."""
    from voicecoach.analysis import Analyser
    from voicecoach.speech.transcribe import load_whisper

    shared = Analyser(Settings(data_dir=tmp_path, cpu_threads=1))
    assert shared.live_whisper is shared.whisper
    own = Analyser(Settings(data_dir=tmp_path, cpu_threads=1, live_cpu_threads=2))
    assert own.live_whisper is load_whisper(own.settings.whisper_model, own.settings.compute_type, 2)
    assert own.live_whisper is not own.whisper
