"""What a streamed reply worked out per phrase while it arrived (the words, and the pitch contour
the voice measures need), handed to its final analysis.

The phrase boundaries themselves travel inside the recording (a RIFF chunk after the audio, which
decoders skip): Silero VAD run on a growing recording can place a boundary a few milliseconds
differently from a run on the finished one, so the recording keeps the boundaries the stream
decided, and its analysis and every re-analysis cut it there and hear the same words.

The streaming session (web server) writes them next to the recording, named by the recording's
sha256; the analysis (worker) reads them, uses each only for a phrase with exactly the same
samples (`phrase_key`), and removes the file: it holds the reply's words, which must not outlive
the recording (the worker's housekeeping also removes a file without a recording row).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voicecoach.speech.phrases import Phrase
from voicecoach.speech.transcribe import PhraseCache, PhraseText

SUFFIX = ".phrases.json"
PHRASE_CHUNK = b"vcph"


@dataclass
class StreamedPhrases:
    """Per phrase, by `phrase_key`: what Whisper heard, and its F0 per 10 ms frame (Hz, NaN where
    unvoiced; voice/contours.py `span_pitch`) — kept opaque here: the stages import none of each other."""

    texts: PhraseCache = field(default_factory=dict)
    pitch: dict[str, np.ndarray] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.texts or self.pitch)


def phrase_chunk(phrases: list[Phrase]) -> bytes:
    """The RIFF chunk holding phrase boundaries in samples (pairs of little-endian uint32)."""
    payload = b"".join(struct.pack("<II", phrase.start, phrase.end) for phrase in phrases)
    return PHRASE_CHUNK + struct.pack("<I", len(payload)) + payload


def recorded_phrases(recording: Path) -> list[Phrase] | None:
    """The phrase boundaries a streamed WAV recording carries; None for any other recording."""
    with recording.open("rb") as handle:
        if handle.read(12)[8:12] != b"WAVE":
            return None
        while len(header := handle.read(8)) == 8:
            name, size = header[:4], struct.unpack("<I", header[4:])[0]
            if name == PHRASE_CHUNK:
                data = handle.read(size)
                return [Phrase(*pair) for pair in struct.iter_unpack("<II", data[: len(data) // 8 * 8])]
            handle.seek(size + size % 2, os.SEEK_CUR)
    return None


def phrase_file(folder: Path, recording_sha256: str) -> Path:
    return folder / f"{recording_sha256}{SUFFIX}"


def save_phrases(folder: Path, recording_sha256: str, phrases: StreamedPhrases) -> Path:
    """Write atomically, so the analysis never reads half a file."""
    target = phrase_file(folder, recording_sha256)
    partial = target.with_suffix(".part")
    data = {
        "texts": {key: part.to_dict() for key, part in phrases.texts.items()},
        "pitch": {key: [None if np.isnan(v) else float(v) for v in f0] for key, f0 in phrases.pitch.items()},
    }
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, target)
    return target


def take_phrases(recording: Path) -> StreamedPhrases:
    """What was streamed for this recording file (nothing when it was uploaded), and the file gone."""
    path = phrase_file(recording.parent, hashlib.sha256(recording.read_bytes()).hexdigest())
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return StreamedPhrases()
    finally:
        path.unlink(missing_ok=True)
    try:
        return StreamedPhrases(
            {key: PhraseText.from_dict(value) for key, value in data["texts"].items()},
            {key: np.array(f0, dtype=float) for key, f0 in data["pitch"].items()},  # None reads as NaN
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return StreamedPhrases()  # a damaged file only costs the time to work it out again
