"""One streamed reply: PCM chunks go to the recording file as they arrive, and each phrase the
trainee finishes is transcribed and pitch-tracked in the background while they go on speaking, so
at Stop only the last phrase is left for the analysis.

All live Whisper work of a server process runs on one thread (`LIVE_WORK`), one phrase at a time
and in arrival order, so 30 trainees streaming at once share the cores fairly and the event loop
that receives the audio is never blocked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

from voicecoach.speech.phrase_file import StreamedPhrases
from voicecoach.speech.phrases import (
    SAMPLE_RATE,
    Phrase,
    find_phrases,
    phrase_key,
    settled_phrases,
)
from voicecoach.speech.transcribe import transcribe_phrase
from voicecoach.streaming.pcm_file import GrowingWav
from voicecoach.voice.contours import span_pitch

log = logging.getLogger(__name__)

LIVE_WORK = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-phrases")
LOOK_EVERY_S = 0.5  # how often the phrase ends are looked for (Silero VAD over the open part)
VAD_WINDOW = 512  # Silero's window: a partial VAD run must start on the whole run's window grid


_warm = threading.Event()


def warm_up(model: Callable[[], WhisperModel]) -> None:
    """Load the model, run one pass and compile pyin's kernels, once per process: the first pass
    of each costs seconds more."""
    if not _warm.is_set():
        tone = 0.1 * np.sin(2 * np.pi * 150 * np.arange(SAMPLE_RATE) / SAMPLE_RATE).astype(np.float32)
        transcribe_phrase(model(), np.zeros(SAMPLE_RATE, dtype=np.float32), Phrase(0, SAMPLE_RATE))
        span_pitch(tone, SAMPLE_RATE, 0, SAMPLE_RATE)
        _warm.set()


class StreamSession:
    def __init__(self, path: Path, max_seconds: float, model: Callable[[], WhisperModel]) -> None:
        self.file = GrowingWav(path, max_seconds)
        self._model = model
        self._lock = threading.Lock()
        self.streamed = StreamedPhrases()
        self._done: set[Phrase] = set()
        self._open_from = 0  # samples before this belong to settled phrases
        self._looked_at = 0
        self._work: Future[None] | None = None
        self._stopped = False
        LIVE_WORK.submit(warm_up, model)  # while the trainee starts speaking

    def feed(self, data: bytes) -> bool:
        """Take one chunk of 16-bit PCM; False once the recording is at its maximum length."""
        with self._lock:
            written = self.file.append(data)
            due = self.file.seconds - self._looked_at / SAMPLE_RATE >= LOOK_EVERY_S
            if due and (self._work is None or self._work.done()):
                self._looked_at = int(self.file.seconds * SAMPLE_RATE)
                self._work = LIVE_WORK.submit(self._transcribe_settled)
        return written

    def recent(self, count: int) -> tuple[np.ndarray, int]:
        """The reply's last `count` samples and how many arrived, read together (a WebM stream's
        decoder feeds from its own thread)."""
        with self._lock:
            return self.file.tail(count), self.file.arrived

    def _transcribe_settled(self) -> None:
        with self._lock:
            if self._stopped:
                return
            samples = self.file.samples()
            start = self._open_from - self._open_from % VAD_WINDOW
        log.debug("looking from %d in %d samples", start, len(samples))
        for found in settled_phrases(samples[start:]):
            phrase = Phrase(max(found.start + start, self._open_from), found.end + start)
            if phrase in self._done or phrase.end <= phrase.start or self._stopped:
                continue
            try:
                log.debug("live phrase %.2f-%.2f s", phrase.start_s, phrase.end_s)
                key = phrase_key(samples, phrase)
                self.streamed.texts[key] = transcribe_phrase(self._model(), samples, phrase)
                self.streamed.pitch[key] = span_pitch(samples, SAMPLE_RATE, phrase.start, phrase.end)
            except Exception:  # the final analysis works it out again
                log.exception("live analysis of %s failed", phrase)
            self._done.add(phrase)
            self._open_from = max(self._open_from, phrase.end)

    def finish(self) -> StreamedPhrases:
        """Close the recording with its phrase boundaries: those settled while it arrived, then
        those of the rest. Waits for the phrase being transcribed now, skips those not started."""
        with self._lock:
            self._stopped = True
            work = self._work
        if work is not None and not work.cancel() and work.exception() is not None:
            log.error("live phrase search failed", exc_info=work.exception())  # the recording is what counts
        samples = self.file.samples()
        start = self._open_from - self._open_from % VAD_WINDOW
        rest = [Phrase(max(p.start + start, self._open_from), p.end + start) for p in find_phrases(samples[start:])]
        phrases = sorted(self._done, key=lambda phrase: phrase.start) + [p for p in rest if p.end > p.start]
        self.file.close(phrases)
        return self.streamed
