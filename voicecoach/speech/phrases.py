"""Phrases: the stretches of speech a reply is transcribed in, one Whisper pass each.

A phrase is a Silero VAD speech chunk (the VAD inside faster-whisper). Its rules only look
backwards (a chunk ends after MIN_SILENCE_MS of silence, or is cut at its last short pause once it
reaches MAX_PHRASE_S), so the phrases found while a reply is still arriving are the phrases of the
finished recording: the streaming path transcribes them while the trainee speaks, and the final
analysis (and any re-analysis) finds the same phrases again and reuses those results by their
samples' hash (`PhraseCache`), or transcribes them itself with the same decoding.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

SAMPLE_RATE = 16_000
MIN_SILENCE_MS = 500
SPEECH_PAD_MS = 200
# Long enough for a sentence (Whisper needs context), short enough that the phrase still open at
# Stop is quick to decode: beam-5 decoding costs about 45 ms per token (~3 tokens per second).
MAX_PHRASE_S = 8.0
PHRASE_VAD = VadOptions(
    min_silence_duration_ms=MIN_SILENCE_MS, speech_pad_ms=SPEECH_PAD_MS, max_speech_duration_s=MAX_PHRASE_S
)
# A phrase counts as finished in a growing recording once this much audio follows it: the VAD
# needs MIN_SILENCE_MS of silence to end a chunk, of which SPEECH_PAD_MS is already in the phrase.
SETTLED_AFTER_S = (MIN_SILENCE_MS - SPEECH_PAD_MS) / 1000 + 0.3


@dataclass(frozen=True)
class Phrase:
    start: int  # first sample
    end: int  # one past the last sample

    @property
    def start_s(self) -> float:
        return self.start / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        return self.end / SAMPLE_RATE


def find_phrases(samples: np.ndarray) -> list[Phrase]:
    """The phrases of 16 kHz mono float32 `samples`, in order."""
    if len(samples) == 0:
        return []
    return [Phrase(c["start"], c["end"]) for c in get_speech_timestamps(samples, PHRASE_VAD, SAMPLE_RATE)]


def reply_phrases(samples: np.ndarray, recorded: list[Phrase] | None = None) -> list[Phrase]:
    """The phrases a reply is analysed in: those its recording carries (a streamed reply,
    speech/phrase_file.py) when they fit its samples, else those Silero VAD finds."""
    if recorded is None or any(not 0 <= p.start < p.end <= len(samples) for p in recorded):
        return find_phrases(samples)
    return recorded


def split_settled(samples: np.ndarray) -> tuple[list[Phrase], Phrase | None]:
    """The phrases of a recording that is still growing which later audio can no longer change
    (settled), and the phrase still open after them (if any)."""
    limit = len(samples) - int(SETTLED_AFTER_S * SAMPLE_RATE)
    found = find_phrases(samples)
    settled = [phrase for phrase in found if phrase.end <= limit]
    return settled, found[len(settled)] if len(found) > len(settled) else None


def phrase_key(samples: np.ndarray, phrase: Phrase) -> str:
    """Identifies a phrase by its exact samples, so a cached result is only used for the same audio."""
    data = np.ascontiguousarray(samples[phrase.start : phrase.end], dtype=np.float32).tobytes()
    return f"{phrase.start}-{phrase.end}-{hashlib.sha256(data).hexdigest()[:32]}"
