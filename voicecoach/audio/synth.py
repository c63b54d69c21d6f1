"""Dutch speech synthesis with espeak-ng (the customer's voice; also used to make test clips)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from voicecoach.errors import VoiceCoachError


def speak_to_wav(
    text: str,
    out_path: Path,
    *,
    voice: str = "nl+f2",
    words_per_minute: int = 150,
    pitch: int = 50,
    amplitude: int = 100,
) -> Path:
    """Write `text` spoken in Dutch to `out_path` (22.05 kHz mono WAV, espeak-ng's native rate).

    `pitch` is espeak-ng's 0-99 scale, `amplitude` its 0-200 scale.
    """
    executable = shutil.which("espeak-ng")
    if executable is None:
        raise VoiceCoachError(
            "espeak-ng ontbreekt; installeer het met: apt-get install espeak-ng", code="espeak_missing"
        )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            executable,
            "-v", voice,
            "-s", str(words_per_minute),
            "-p", str(pitch),
            "-a", str(amplitude),
            "-w", str(out_path),
            "--",  # the text is never an option: "-0" or "--help" from an editor field wrote no file
            text,
        ],
        check=True,
        capture_output=True,
    )
    return out_path
