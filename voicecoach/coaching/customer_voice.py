"""The customer's voice: MBROLA Dutch voices through espeak-ng, faster, higher and louder as anger
rises; espeak-ng's own voice when MBROLA is missing; cached on disk."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voicecoach.audio.synth import speak_to_wav

MBROLA_DIR = Path("/usr/share/mbrola")
# espeak-ng's own voice of the same sex, used when the MBROLA voice is not installed.
MBROLA_FALLBACK = {"mb-nl2": "nl+m3", "mb-nl3": "nl+f2"}
PEAK_LIMIT = 0.95  # below full scale, so an angry line never clips


@dataclass(frozen=True)
class Prosody:
    """How one anger level sounds. `pitch` is espeak-ng's 0-99 scale (50 is the voice's own)."""

    words_per_minute: int
    pitch: int
    loudness_db: float
    """Target RMS level of the line, relative to full scale."""


# Per anger level 0..4 (FINDINGS: `-s 190 -p 65` and `-s 210 -p 75` sound angry and stay intelligible).
PROSODY = (
    Prosody(words_per_minute=150, pitch=50, loudness_db=-26.0),
    Prosody(words_per_minute=160, pitch=55, loudness_db=-23.0),
    Prosody(words_per_minute=172, pitch=61, loudness_db=-20.0),
    Prosody(words_per_minute=190, pitch=67, loudness_db=-17.0),
    Prosody(words_per_minute=210, pitch=75, loudness_db=-14.0),
)


def mbrola_installed(voice: str) -> bool:
    """True when `voice` ("mb-nl2") has its MBROLA program and database on this machine."""
    return shutil.which("mbrola") is not None and (MBROLA_DIR / voice.removeprefix("mb-")).is_dir()


def resolve_voice(voice: str) -> str:
    """The voice that will actually speak: an MBROLA voice falls back to espeak-ng's own."""
    if voice in MBROLA_FALLBACK and not mbrola_installed(voice):
        return MBROLA_FALLBACK[voice]
    return voice


def customer_audio(text: str, anger: int, voice: str, cache_dir: Path) -> Path:
    """A WAV of `text` spoken at `anger`; the same line, level and voice are synthesised only once."""
    spoken_by = resolve_voice(voice)
    prosody = PROSODY[anger]
    key = hashlib.sha256(repr((text, spoken_by, prosody)).encode()).hexdigest()[:24]
    path = cache_dir / f"{key}.wav"
    if not path.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        # a partial file of this call's own: two requests for the same line may synthesise at once
        partial = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.wav")
        speak_to_wav(
            text, partial, voice=spoken_by, words_per_minute=prosody.words_per_minute, pitch=prosody.pitch
        )
        _set_loudness(partial, prosody.loudness_db)
        partial.replace(path)  # a crash mid-synthesis never leaves a half file in the cache
    return path


def _set_loudness(path: Path, target_db: float) -> None:
    """Scale the line to `target_db` RMS; peaks that would pass PEAK_LIMIT are rounded off
    (tanh), which also gives the compressed sound of a raised voice."""
    samples, rate = soundfile.read(path, dtype="float32")
    rms = float(np.sqrt(np.mean(np.square(samples)))) if samples.size else 0.0
    if rms <= 0.0:
        return
    scaled = samples * (10 ** (target_db / 20) / rms)
    if np.abs(scaled).max() > PEAK_LIMIT:
        scaled = PEAK_LIMIT * np.tanh(scaled / PEAK_LIMIT)
    soundfile.write(path, scaled.astype(np.float32), rate, subtype="PCM_16")
