"""Microphone and speaker in the terminal practice mode (sounddevice / PortAudio)."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voicecoach.levels import rms_db

RECORD_RATE = 16_000
BLOCK_SECONDS = 0.1
SPEECH_DB = -45.0  # a block louder than this counts as speech (same floor as the "too quiet" check)


@dataclass(frozen=True)
class LinePlayback:
    """The customer's line playing in the background, so the trainee may start answering before it
    ends (as on the web page); `left()` at the recording's start is the reply's `line_left`."""

    seconds: float
    """The line's length."""
    started: float
    """time.monotonic() when it started playing."""

    @classmethod
    def start(cls, path: Path, *, device: int | str | None = None) -> LinePlayback:
        import sounddevice

        data, rate = soundfile.read(path, dtype="float32")
        sounddevice.play(data, rate, device=device)
        return cls(len(data) / rate, time.monotonic())

    def left(self, now: float | None = None) -> float:
        """Seconds of the line still to play at `now` (0 once it has finished)."""
        return max(0.0, self.started + self.seconds - (time.monotonic() if now is None else now))

    @staticmethod
    def wait() -> None:
        """Until the line has finished playing."""
        import sounddevice

        sounddevice.wait()


def record_reply(
    *,
    max_seconds: float,
    silence_seconds: float = 2.0,
    stop: threading.Event | None = None,
    device: int | str | None = None,
) -> bytes:
    """Record until `stop` is set (Enter), `silence_seconds` of quiet after speech, or `max_seconds`.

    Returns the recording as WAV bytes, so it is stored and analysed like any upload.
    """
    import sounddevice

    blocks: list[np.ndarray] = []
    lock = threading.Lock()

    def collect(indata: np.ndarray, _frames: int, _time, _status) -> None:  # type: ignore[no-untyped-def]
        with lock:
            blocks.append(indata[:, 0].copy())

    started = time.monotonic()
    heard_speech, quiet_since = False, None
    with sounddevice.InputStream(
        samplerate=RECORD_RATE, channels=1, dtype="float32", device=device,
        blocksize=int(RECORD_RATE * BLOCK_SECONDS), callback=collect,
    ):
        while time.monotonic() - started < max_seconds and not (stop and stop.is_set()):
            time.sleep(BLOCK_SECONDS)
            with lock:
                latest = blocks[-1] if blocks else np.zeros(0, dtype=np.float32)
            if rms_db(latest) > SPEECH_DB:
                heard_speech, quiet_since = True, None
            elif heard_speech:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= silence_seconds:
                    break
    with lock:
        samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, RECORD_RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()
