"""One streamed reply: PCM chunks go to the recording file as they arrive, and each phrase the
trainee finishes is transcribed and pitch-tracked in the background while they go on speaking, so
at Stop only the last phrase is left for the analysis — or none, when the trainee paused before
Stop long enough for the open phrase to be worked out as it stood (streaming/speculative.py).

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
    split_settled,
)
from voicecoach.speech.transcribe import PhraseText, transcribe_phrase
from voicecoach.streaming.pcm_file import GrowingWav
from voicecoach.streaming.speculative import (
    Guess,
    kept_phrases,
    paused_speech_end,
    settles_as_guessed,
    worth_guessing,
)
from voicecoach.voice.contours import span_pitch

log = logging.getLogger(__name__)

LIVE_WORK = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-phrases")
# A phrase's pitch track beside its Whisper pass (each holds one core, CTranslate2 lets go of the
# GIL): a guess made in the pause before Stop is ready ~0.1-0.2 s sooner.
LIVE_PITCH = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-pitch")
LOOK_EVERY_S = 0.2  # phrase ends are looked for (Silero VAD over the open part) after each page chunk (250 ms)
VAD_WINDOW = 512  # Silero's window: a partial VAD run must start on the whole run's window grid


_warm = threading.Event()
_queued = 0  # live looks submitted and not finished, over all streams: a guess waits for none
_queued_lock = threading.Lock()


def _count_queued(change: int) -> None:
    global _queued
    with _queued_lock:
        _queued += change


def warm_up(model: Callable[[], WhisperModel]) -> None:
    """Load the model, run one pass and compile pyin's kernels, once per process: the first pass
    of each costs seconds more."""
    if not _warm.is_set():
        tone = 0.1 * np.sin(2 * np.pi * 150 * np.arange(SAMPLE_RATE) / SAMPLE_RATE).astype(np.float32)
        transcribe_phrase(model(), np.zeros(SAMPLE_RATE, dtype=np.float32), Phrase(0, SAMPLE_RATE))
        span_pitch(tone, SAMPLE_RATE, 0, SAMPLE_RATE)
        _warm.set()


def is_warm() -> bool:
    """Whether this process's live Whisper pass is warmed up (`serve` starts it at once)."""
    return _warm.is_set()


class StreamSession:
    def __init__(self, path: Path, max_seconds: float, model: Callable[[], WhisperModel], *, guess: bool = True) -> None:
        self.file = GrowingWav(path, max_seconds)
        self._model = model
        self._lock = threading.Lock()
        self.streamed = StreamedPhrases()
        self._done: set[Phrase] = set()
        self._open_from = 0  # samples before this belong to settled phrases
        self._looked_at = 0
        self._work: Future[None] | None = None
        self._guesses = guess
        self._guess: Guess | None = None
        self._guessing: Phrase | None = None  # the span being guessed now
        self._stopped = False
        LIVE_WORK.submit(warm_up, model)  # while the trainee starts speaking

    def feed(self, data: bytes, *, look: bool = True) -> bool:
        """Take one chunk of 16-bit PCM; False once the recording is at its maximum length. With
        `look=False` the caller calls `look_if_due` itself once the chunk is all in (a WebM chunk
        arrives here in several decoded pieces, and a look at the first piece misses the rest)."""
        with self._lock:
            written = self.file.append(data)
        if look:
            self.look_if_due()
        return written

    def look_if_due(self) -> None:
        """Search the open part for phrase ends (in the live thread) when LOOK_EVERY_S more arrived."""
        with self._lock:
            due = self.file.seconds - self._looked_at / SAMPLE_RATE >= LOOK_EVERY_S
            if due and (self._work is None or self._work.done()):
                self._looked_at = int(self.file.seconds * SAMPLE_RATE)
                _count_queued(1)
                self._work = LIVE_WORK.submit(self._look)

    @property
    def guessed(self) -> Phrase | None:
        """The span of the open phrase worked out during the latest pause, if any."""
        return self._guess.phrase if self._guess is not None else None

    def looking(self) -> bool:
        """True while this stream's latest live look is queued or running."""
        work = self._work
        return work is not None and not work.done()

    def recent(self, count: int) -> tuple[np.ndarray, int]:
        """The reply's last `count` samples and how many arrived, read together (a WebM stream's
        decoder feeds from its own thread)."""
        with self._lock:
            return self.file.tail(count), self.file.arrived

    def _look(self) -> None:
        try:
            self._transcribe_settled()
        finally:
            _count_queued(-1)

    def _transcribe_settled(self) -> None:
        with self._lock:
            if self._stopped:
                return
            samples = self.file.samples()
            start = self._open_from - self._open_from % VAD_WINDOW
        log.debug("looking from %d in %d samples", start, len(samples))
        settled, still_open = split_settled(samples[start:])
        found_all = [Phrase(p.start + start, p.end + start) for p in [*settled, *([still_open] if still_open else [])]]
        for index, found in enumerate(found_all[: len(settled)]):
            phrase = Phrase(max(found.start, self._open_from), found.end)
            if phrase in self._done or phrase.end <= phrase.start or self._stopped:
                continue
            guess = self._guess
            try:
                if guess is not None and settles_as_guessed(guess.phrase, phrase, found_all[index + 1 :]):
                    # The pass made in this phrase's pause holds all its speech: the phrase is cut
                    # there, as at Stop (finish), instead of paying a second pass for the same words.
                    phrase, passed, self._guess = guess.phrase, (guess.text, guess.pitch), None
                else:
                    log.debug("live phrase %.2f-%.2f s", phrase.start_s, phrase.end_s)
                    passed = self._phrase_pass(samples, phrase)
                key = phrase_key(samples, phrase)
                self.streamed.texts[key], self.streamed.pitch[key] = passed
            except Exception:  # the final analysis works it out again
                log.exception("live analysis of %s failed", phrase)
            self._done.add(phrase)
            self._open_from = max(self._open_from, phrase.end)
        if still_open is not None and self._guesses and _queued <= 1:  # only this look waits: other streams go first
            self._guess_open(samples, Phrase(max(still_open.start + start, self._open_from), len(samples)))

    def _guess_open(self, samples: np.ndarray, open_phrase: Phrase) -> None:
        """Work out the open phrase as it stands once the voice pauses (streaming/speculative.py)."""
        if open_phrase.end <= open_phrase.start:
            return
        speech_end = paused_speech_end(samples, open_phrase)
        if speech_end is None or not worth_guessing(self._guess, open_phrase, speech_end):
            return
        with self._lock:
            if self._stopped:
                return
            self._guessing = open_phrase  # from here on Stop waits for this pass only if it is kept
        try:
            log.debug("guessing the open phrase %.2f-%.2f s", open_phrase.start_s, open_phrase.end_s)
            self._guess = Guess(open_phrase, speech_end, *self._phrase_pass(samples, open_phrase))
        except Exception:  # only a guess: the final analysis works it out
            log.exception("guessing %s failed", open_phrase)
        finally:
            self._guessing = None

    def _phrase_pass(self, samples: np.ndarray, phrase: Phrase) -> tuple[PhraseText, np.ndarray]:
        """The phrase's words and, beside them, its pitch track."""
        pitch = LIVE_PITCH.submit(span_pitch, samples, SAMPLE_RATE, phrase.start, phrase.end)
        return transcribe_phrase(self._model(), samples, phrase), pitch.result()

    def stopping(self) -> None:
        """Stop came (or the connection went): no live pass starts any more, not even over the audio
        still being decoded; a guess begun now would run beside the analysis, which cuts the last
        phrases from the finished recording itself."""
        with self._lock:
            self._stopped = True

    def finish(self) -> StreamedPhrases:
        """Close the recording with its phrase boundaries: those settled while it arrived, then
        those of the rest. Waits for the phrase being transcribed now, skips those not started; a
        guess under way is waited for only when it will be kept (else the analysis starts at once)."""
        with self._lock:
            self._stopped = True
            work, guessing = self._work, self._guessing
        if work is not None and work.cancel():
            _count_queued(-1)  # never ran
        elif work is not None and guessing is None:
            _wait(work)  # a settled phrase's pass: its result is needed (a guess starts no more)
        samples = self.file.samples()
        start = self._open_from - self._open_from % VAD_WINDOW
        rest = [Phrase(max(p.start + start, self._open_from), p.end + start) for p in find_phrases(samples[start:])]
        rest = [p for p in rest if p.end > p.start]
        if work is not None and guessing is not None and kept_phrases(guessing, rest) == [guessing]:
            _wait(work)
        guess = self._guess
        rest = kept_phrases(guess.phrase if guess is not None else None, rest)
        if guess is not None and rest == [guess.phrase]:  # the pause before Stop was used
            key = phrase_key(samples, guess.phrase)
            self.streamed.texts[key], self.streamed.pitch[key] = guess.text, guess.pitch
        phrases = sorted(self._done, key=lambda phrase: phrase.start) + rest
        self.file.close(phrases)
        return self.streamed


def _wait(work: Future[None]) -> None:
    if work.exception() is not None:
        log.error("live phrase search failed", exc_info=work.exception())  # the recording is what counts
