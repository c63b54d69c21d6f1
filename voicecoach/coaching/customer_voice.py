"""The customer's voice: espeak-ng, louder, faster and higher as anger rises; cached on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

from voicecoach.audio.synth import speak_to_wav

# Per anger level 0..4. espeak-ng's scales: words/min, pitch 0-99, amplitude 0-200.
WORDS_PER_MINUTE = (140, 150, 162, 175, 190)
PITCH = (40, 45, 52, 60, 68)
AMPLITUDE = (80, 95, 115, 140, 170)


def customer_audio(text: str, anger: int, voice: str, cache_dir: Path) -> Path:
    """A WAV of `text` spoken at `anger`; the same line and level are synthesised only once."""
    settings = (voice, WORDS_PER_MINUTE[anger], PITCH[anger], AMPLITUDE[anger])
    key = hashlib.sha256(repr((text, settings)).encode()).hexdigest()[:24]
    path = cache_dir / f"{key}.wav"
    if not path.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp.wav")
        speak_to_wav(text, partial, voice=voice, words_per_minute=settings[1], pitch=settings[2], amplitude=settings[3])
        partial.replace(path)  # a crash mid-synthesis never leaves a half file in the cache
    return path
