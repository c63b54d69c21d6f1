"""The phrases a streamed reply had transcribed while it arrived, handed to its final analysis.

The streaming session (web server) writes them next to the recording, named by the recording's
sha256; the analysis (worker) reads them, uses each only for a phrase with exactly the same
samples (`PhraseCache`), and removes the file: it holds the reply's words, which must not outlive
the recording (the worker's housekeeping also removes a file without a recording row).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from voicecoach.speech.transcribe import PhraseCache, PhraseText

SUFFIX = ".phrases.json"


def phrase_file(folder: Path, recording_sha256: str) -> Path:
    return folder / f"{recording_sha256}{SUFFIX}"


def save_phrases(folder: Path, recording_sha256: str, cache: PhraseCache) -> Path:
    """Write atomically, so the analysis never reads half a file."""
    target = phrase_file(folder, recording_sha256)
    partial = target.with_suffix(".part")
    partial.write_text(json.dumps({key: part.to_dict() for key, part in cache.items()}), encoding="utf-8")
    os.replace(partial, target)
    return target


def take_phrases(recording: Path) -> PhraseCache:
    """The phrases streamed for this recording file (none when it was uploaded), and the file gone."""
    path = phrase_file(recording.parent, hashlib.sha256(recording.read_bytes()).hexdigest())
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    finally:
        path.unlink(missing_ok=True)
    try:
        return {key: PhraseText.from_dict(value) for key, value in data.items()}
    except (KeyError, TypeError, ValueError):
        return {}  # a damaged file only costs the time to transcribe again
