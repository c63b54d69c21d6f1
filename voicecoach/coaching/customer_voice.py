"""The customer's voice: MBROLA Dutch voices through espeak-ng, faster, higher and louder as anger
rises; espeak-ng's own voice when MBROLA is missing; cached on disk."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import librosa
import numpy as np
import soundfile

from voicecoach.audio.synth import speak_to_wav
from voicecoach.scenarios import SPEAKER

MBROLA_DIR = Path("/usr/share/mbrola")
# espeak-ng's own voice of the same sex, used when the MBROLA voice is not installed.
MBROLA_FALLBACK = {"mb-nl2": "nl+m3", "mb-nl3": "nl+f2"}
PEAK_LIMIT = 0.95  # below full scale, so an angry line never clips
SPEAKER_PAUSE_S = 0.3  # between two customers' words in one line


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


def spoken_parts(text: str, voice: str, speakers: Mapping[str, str]) -> list[tuple[str, str]]:
    """(voice, words) in order: a part after "Mevrouw Smit zegt:" in that speaker's voice (`speakers`,
    by name; the persona's `voice` for a name it does not list), without the name; the rest in `voice`."""
    parts: list[tuple[str, str]] = []
    current, start = voice, 0
    for marker in SPEAKER.finditer(text):
        parts.append((current, text[start:marker.start()]))
        name = f"{marker[1]} {marker[2]}".lower()
        current = next((v for n, v in speakers.items() if n.lower() == name), voice)
        start = marker.end()
    parts.append((current, text[start:]))
    return [(resolve_voice(v), words.strip()) for v, words in parts if words.strip()]


def customer_audio(text: str, anger: int, voice: str, cache_dir: Path, speakers: Mapping[str, str] | None = None) -> Path:
    """A WAV of `text` spoken at `anger`, each speaker's words in their voice (spoken_parts); the same
    line, level and voices are synthesised only once."""
    parts = spoken_parts(text, voice, speakers or {})
    prosody = PROSODY[anger]
    key = hashlib.sha256(repr((text, parts, prosody)).encode()).hexdigest()[:24]
    path = cache_dir / f"{key}.wav"
    if not path.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        # a partial file of this call's own: two requests for the same line may synthesise at once
        partial = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.wav")
        _speak_parts(parts or [(resolve_voice(voice), text)], partial, prosody)
        _set_loudness(partial, prosody.loudness_db)
        partial.replace(path)  # a crash mid-synthesis never leaves a half file in the cache
    return path


def _speak_parts(parts: list[tuple[str, str]], out: Path, prosody: Prosody) -> None:
    """Each part in its voice, one after another with a short pause (at the first part's rate)."""
    if len(parts) == 1:
        speak_to_wav(parts[0][1], out, voice=parts[0][0], words_per_minute=prosody.words_per_minute, pitch=prosody.pitch)
        return
    pieces: list[np.ndarray] = []
    rate = 0
    for index, (voice, words) in enumerate(parts):
        piece_path = out.with_name(f"{out.stem}.{index}.wav")
        try:
            speak_to_wav(words, piece_path, voice=voice, words_per_minute=prosody.words_per_minute, pitch=prosody.pitch)
            samples, piece_rate = soundfile.read(piece_path, dtype="float32")
        finally:
            piece_path.unlink(missing_ok=True)
        rate = rate or piece_rate
        if piece_rate != rate:  # an MBROLA voice (16 kHz) beside espeak-ng's own (22.05 kHz)
            samples = librosa.resample(samples, orig_sr=piece_rate, target_sr=rate)
        pieces += [samples, np.zeros(int(SPEAKER_PAUSE_S * rate), dtype=np.float32)]
    soundfile.write(out, np.concatenate(pieces[:-1]), rate, subtype="PCM_16")


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
