"""`voicecoach doctor`: check that this machine can run VoiceCoach, one row per check."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from voicecoach.config import Settings


class Status(str, Enum):
    OK = "ok"
    WARNING = "waarschuwing"
    ERROR = "fout"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str


Check = Callable[[Settings], tuple[Status, str]]


def check_python(_: Settings) -> tuple[Status, str]:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] == (3, 11):
        return Status.OK, f"Python {version}"
    return Status.ERROR, f"Python {version}; VoiceCoach vraagt Python 3.11"


def check_model_files(settings: Settings) -> tuple[Status, str]:
    from voicecoach.speech.model_files import verify_model_dir

    model_dir = settings.whisper_model
    if model_dir.resolve() != (settings.models_dir / "whisper-base").resolve():
        # A user-supplied model: no pinned checksum to compare with.
        present = all((model_dir / name).is_file() for name in ("model.bin", "config.json"))
        if present:
            return Status.OK, f"eigen model in {model_dir} (geen vaste controlesom)"
        return Status.ERROR, f"model.bin of config.json ontbreekt in {model_dir}"
    problems = verify_model_dir(model_dir)
    if problems:
        return Status.ERROR, "; ".join(problems) + " — voer uit: voicecoach models install"
    return Status.OK, f"{model_dir}: controlesommen kloppen"


def check_whisper_loads(settings: Settings) -> tuple[Status, str]:
    from voicecoach.speech.transcribe import load_whisper

    model = load_whisper(settings.whisper_model, settings.compute_type, settings.cpu_threads)
    kind = "meertalig" if model.model.is_multilingual else "alleen Engels"
    if not model.model.is_multilingual:
        return Status.ERROR, "het model is alleen Engels; Nederlands vraagt een meertalig model"
    return Status.OK, f"geladen ({kind}, {settings.compute_type}, {settings.cpu_threads} threads)"


def check_spacy_loads(settings: Settings) -> tuple[Status, str]:
    from voicecoach.wording.pipeline import load_pipeline

    nlp = load_pipeline(settings.spacy_model)
    lemma = nlp("klanten")[0].lemma_
    return Status.OK, f"{settings.spacy_model.name}: {', '.join(nlp.pipe_names)} (klanten → {lemma})"


def check_espeak(_: Settings) -> tuple[Status, str]:
    path = shutil.which("espeak-ng")
    if path:
        return Status.OK, path
    return Status.ERROR, "espeak-ng ontbreekt (apt-get install espeak-ng); de klant kan niet spreken"


def check_audio_inputs(_: Settings) -> tuple[Status, str]:
    try:
        import sounddevice
    except OSError as exc:  # PortAudio library itself missing
        return Status.ERROR, f"PortAudio ontbreekt ({exc}); apt-get install libportaudio2"
    inputs = [d["name"] for d in sounddevice.query_devices() if d["max_input_channels"] > 0]
    if not inputs:
        return Status.WARNING, "geen microfoon gevonden; opnemen kan alleen in de browser"
    return Status.OK, f"{len(inputs)} invoerapparaat/-apparaten: {', '.join(inputs[:3])}"


def check_data_dir(settings: Settings) -> tuple[Status, str]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=settings.data_dir, prefix=".doctor-"):
        pass
    return Status.OK, f"{settings.data_dir} is schrijfbaar"


def check_database(settings: Settings) -> tuple[Status, str]:
    from sqlalchemy import text

    from voicecoach.store.db import create_db_engine

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.resolved_database_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    return Status.OK, engine.url.render_as_string(hide_password=True)


CHECKS: list[tuple[str, Check]] = [
    ("Python-versie", check_python),
    ("Whisper-modelbestanden", check_model_files),
    ("Whisper-model laadt", check_whisper_loads),
    ("spaCy-pijplijn laadt", check_spacy_loads),
    ("espeak-ng", check_espeak),
    ("Microfoons (sounddevice)", check_audio_inputs),
    ("Gegevensmap", check_data_dir),
    ("Database", check_database),
]


def run_checks(settings: Settings) -> list[CheckResult]:
    """Run every check; an exception inside a check is that check's error, not a crash."""
    results = []
    for name, check in CHECKS:
        try:
            status, detail = check(settings)
        except Exception as exc:  # noqa: BLE001 - the doctor reports, it must not crash
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            status, detail = Status.ERROR, message
        results.append(CheckResult(name, status, detail))
    return results
