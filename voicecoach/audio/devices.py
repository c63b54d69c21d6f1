"""Microphone and speaker in the terminal practice mode (sounddevice / PortAudio)."""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from voicecoach.audio.errors import AudioError
from voicecoach.levels import rms_db

RECORD_RATE = 16_000
BLOCK_SECONDS = 0.1
SPEECH_DB = -45.0  # a block louder than this counts as speech (same floor as the "too quiet" check)
MIC_START_SECONDS = 5.0  # PulseAudio delivers the first block about a second after the stream starts
LOST_SECONDS = 0.3  # callbacks run late by a block or two on a busy machine without losing sound


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


class MicrophoneCapture:
    """The blocks PortAudio hands over, and what tells that some never arrived.

    PortAudio's overflow flag is not enough: through PulseAudio a client that is not scheduled in time
    loses blocks without it. So the capture also compares the audio it holds with the time between
    its first and last block, on the monotonic clock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blocks: list[np.ndarray] = []
        self._first: float | None = None
        self._last: float | None = None
        self.overflows = 0
        self.flowing = threading.Event()
        """Set by the first block: the microphone really delivers (through PulseAudio that takes up to a
        second after the stream starts, and what is said before is not recorded)."""

    def collect(self, indata: np.ndarray, _frames: int, _time, status) -> None:  # type: ignore[no-untyped-def]
        """sounddevice's callback."""
        now = time.monotonic()
        with self._lock:
            self._blocks.append(indata[:, 0].copy())
            self._first = self._first if self._first is not None else now
            self._last = now
            self.overflows += bool(status.input_overflow)
        self.flowing.set()

    def latest(self) -> np.ndarray:
        with self._lock:
            return self._blocks[-1] if self._blocks else np.zeros(0, dtype=np.float32)

    def samples(self) -> np.ndarray:
        with self._lock:
            return np.concatenate(self._blocks) if self._blocks else np.zeros(0, dtype=np.float32)

    def lost_seconds(self) -> float:
        """Seconds of sound missing between the first and the last block (0 when none is)."""
        with self._lock:
            if self._first is None or self._last is None:
                return 0.0
            held = sum(len(block) for block in self._blocks[1:]) / RECORD_RATE
            return max(0.0, self._last - self._first - held)


def record_reply(
    *,
    max_seconds: float,
    silence_seconds: float = 2.0,
    stop: threading.Event | None = None,
    device: int | str | None = None,
    on_listening: Callable[[], None] | None = None,
) -> bytes:
    """Record until `stop` is set (Enter), `silence_seconds` of quiet after speech, or `max_seconds`.

    `on_listening` is called once sound arrives, so the trainee is told to speak only when what they
    say is recorded. Raises AudioError `no_microphone` when none arrives within MIC_START_SECONDS, and
    `dropped_audio` when more than LOST_SECONDS of the reply never arrived (a machine too busy to read
    the microphone): an answer with a hole would be scored on words and pauses it does not have.
    Returns the recording as WAV bytes, so it is stored and analysed like any upload.
    """
    import sounddevice

    capture = MicrophoneCapture()
    stream = sounddevice.InputStream(
        samplerate=RECORD_RATE, channels=1, dtype="float32", device=device,
        blocksize=int(RECORD_RATE * BLOCK_SECONDS), callback=capture.collect,
    )
    # closed without stopping: stopping waits for the device and hangs when no sound flows
    with contextlib.closing(stream):
        stream.start()
        if not capture.flowing.wait(MIC_START_SECONDS):
            raise AudioError("no_microphone")
        if on_listening is not None:
            on_listening()
        started = time.monotonic()
        heard_speech, quiet_since = False, None
        while time.monotonic() - started < max_seconds and not (stop and stop.is_set()):
            time.sleep(BLOCK_SECONDS)
            if rms_db(capture.latest()) > SPEECH_DB:
                heard_speech, quiet_since = True, None
            elif heard_speech:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= silence_seconds:
                    break
    lost = capture.lost_seconds()
    if lost > LOST_SECONDS or capture.overflows:
        raise AudioError("dropped_audio", seconds=f"{max(lost, BLOCK_SECONDS):.1f}".replace(".", ","))
    buffer = io.BytesIO()
    soundfile.write(buffer, capture.samples(), RECORD_RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()
