"""Turn-taking in the terminal, as on the web page: the customer's line plays in the background and
Enter starts the answer, also before the line has ended (talking over the customer, README "Laat de
klant uitpraten"); otherwise the recording starts when the line has finished. Enter, or two seconds
of quiet after speech, ends the answer."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from rich.console import Console

from voicecoach.audio.devices import LinePlayback, record_reply
from voicecoach.replies import LineOverlap

console = Console(stderr=True)


class EnterKey:
    """Enter presses on the terminal, each for whatever waits for one now; presses while nothing
    waits are dropped (a late Enter must not end the next answer)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: threading.Event | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for _ in sys.stdin:
            with self._lock:
                if self._armed is not None:
                    self._armed.set()
                    self._armed = None

    def arm(self) -> threading.Event:
        """An event set by the next Enter."""
        with self._lock:
            self._armed = threading.Event()
            return self._armed


def line_overlap(playback: LinePlayback, line_audio: Path, recording_started: float) -> LineOverlap | None:
    """How much of the line the reply's recording overlapped (its `line_left`); None when the line
    had finished before the recording started."""
    left = playback.left(recording_started)
    return LineOverlap(line_audio, left) if left > 0 else None


def hear_line_and_record(
    line_audio: Path, *, keys: EnterKey | None, device: str | None, max_seconds: float,
) -> tuple[bytes, LineOverlap | None]:
    """Play the customer's line and record the answer (WAV bytes) with what it overlapped of the line.
    Without a terminal (`keys` None) the recording starts when the line has finished."""
    playback = LinePlayback.start(line_audio, device=device)
    if keys is None:
        playback.wait()
        prompt = "[b]Spreek je antwoord in.[/] Zwijg twee seconden als je klaar bent."
    else:
        console.print("Druk op Enter om te antwoorden (dat mag al terwijl de klant nog praat).")
        keys.arm().wait(playback.left())
        prompt = "[b]Spreek je antwoord in.[/] Druk op Enter als je klaar bent (of zwijg twee seconden)."
    started: list[float] = []

    def listening() -> None:  # the recording starts when sound arrives, not when the stream opens
        started.append(time.monotonic())
        console.print(prompt)

    audio = record_reply(max_seconds=max_seconds, stop=keys.arm() if keys else None, device=device,
                         on_listening=listening)
    playback.wait()
    return audio, line_overlap(playback, line_audio, started[0])
