"""One turn's analysis, the same for the CLI, the web service and the practice mode.

decode → phrases → (transcribe ∥ checks ∥ voice tracked) → wording (∥ checks, voice tracked) →
speech mask → voice against baseline → score

A streamed reply brings what was worked out per phrase while it arrived (speech/phrase_file.py):
the words and the pitch of every phrase but the last, so only the last is left here.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voicecoach.audio.checks import CheckedAudio, check_audio
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.errors import AudioError
from voicecoach.config import Settings
from voicecoach.speech.phrase_file import StreamedPhrases, recorded_phrases, take_phrases
from voicecoach.speech.phrases import phrase_key, reply_phrases
from voicecoach.speech.transcribe import load_whisper, transcribe
from voicecoach.transcript import Transcript
from voicecoach.turn_record import AnalysisRecord
from voicecoach.voice.baseline import POPULATION_DEFAULT, Baseline, baseline_from_measures
from voicecoach.voice.contours import Contours, compute_contours, track_voice
from voicecoach.voice.measures import VoiceMeasures, measure_voice
from voicecoach.voice.rate import RateMeasure, measure_rate
from voicecoach.wording.classify import WordingClassifier, with_word_times
from voicecoach.wording.hits import Suggestion, WordingHit
from voicecoach.wording.pipeline import load_pipeline


@dataclass(frozen=True)
class TurnAnalysis:
    """Everything known about one recorded reply."""

    checked: CheckedAudio
    transcript: Transcript
    voice: VoiceMeasures
    wording: tuple[WordingHit, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    corrected_text: str | None = None
    """A coach's correction of the transcript; the wording was classified on it."""
    timings: dict[str, float] = field(default_factory=dict)

    def record(self) -> AnalysisRecord:
        return AnalysisRecord(
            audio=self.checked.record(),
            transcript=self.transcript,
            voice=self.voice.record(),
            wording=self.wording,
            suggestions=self.suggestions,
            corrected_text=self.corrected_text,
            timings={k: round(v, 3) for k, v in self.timings.items()},
        )


SHORT_SPEECH_S = 1.5  # less speech than this without words: cut off, not unclear


class Analyser:
    """Holds the loaded models; thread-safe, one per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # The checks (Silero) and the voice tracking (pyin) run beside Whisper and the wording, one
        # core each: the decoder's serial steps leave a core idle part of the time.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice")
        self._checks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks")

    @property
    def whisper(self):  # type: ignore[no-untyped-def]
        s = self.settings
        return load_whisper(s.whisper_model, s.compute_type, s.cpu_threads)

    @property
    def live_whisper(self):  # type: ignore[no-untyped-def]
        """The model of the live pass over a streamed reply's phrases (streaming/session.py)."""
        s = self.settings
        return load_whisper(s.whisper_model, s.compute_type, s.live_cpu_threads or s.cpu_threads)

    @property
    def wording(self) -> WordingClassifier:
        return WordingClassifier(load_pipeline(self.settings.spacy_model))

    def warm_up(self) -> None:
        """Load Whisper and compile librosa's numba kernels before the first trainee waits."""
        self.whisper  # noqa: B018 - loads and caches the model
        self.wording.classify("Ik begrijp dat u boos bent.")
        tone = 0.1 * np.sin(2 * np.pi * 150 * np.arange(16_000) / 16_000).astype(np.float32)
        compute_contours(tone, 16_000, ((0.0, 1.0),))

    def _measure(self, source: Path | bytes, *, initial_prompt: str | None) -> _Measured:
        """The words and their rate; the checks and the voice contours may still be under way."""
        timings: dict[str, float] = {}
        with _timed(timings, "decode"):
            decoded = decode_audio(source, max_seconds=self.settings.max_audio_seconds)
        samples = decoded.samples
        streamed = take_phrases(source) if isinstance(source, Path) else StreamedPhrases()
        phrases = reply_phrases(samples, recorded_phrases(source) if isinstance(source, Path) else None)
        # pitch is tracked per phrase, so a phrase tracked while streaming is reused as it is
        tracked = [streamed.pitch.get(phrase_key(samples, phrase)) for phrase in phrases]
        timings["pitch_streamed"] = sum(piece is not None for piece in tracked)
        # The checks (a Silero run over the whole reply) and the voice (loudness, pitch) run beside
        # Whisper: a phrase left to transcribe (a streamed reply's last) does not wait for them.
        checks = self._checks.submit(_timed_call, check_audio, decoded)
        tracks = self._pool.submit(
            _timed_call, track_voice, samples, decoded.sample_rate, [(p.start, p.end) for p in phrases], tracked
        )
        with _timed(timings, "transcribe"):
            texts = len(streamed.texts)
            with _refusal_first(checks):
                transcript = transcribe(
                    self.whisper, samples, initial_prompt=initial_prompt, cache=streamed.texts, phrases=phrases,
                    give_up=lambda: checks.done() and checks.exception() is not None,  # refused audio: no more passes
                )
            timings["phrases_streamed"], timings["phrases_left"] = texts, len(streamed.texts) - texts
        with _timed(timings, "rate"):
            rate = measure_rate(transcript.words)
        return _Measured(checks, transcript, tracks, rate, timings)

    def analyse(
        self,
        source: Path | bytes,
        *,
        baseline: Baseline | None = None,
        initial_prompt: str | None = None,
        corrected_text: str | None = None,
    ) -> TurnAnalysis:
        """Analyse one reply; raises AudioError (with a Dutch message) for unusable audio.

        With `corrected_text` (a coach's correction) the wording is classified on that text;
        timing and voice still come from the recording."""
        started = time.perf_counter()
        measured = self._measure(source, initial_prompt=initial_prompt)
        transcript, timings = measured.transcript, measured.timings
        text = corrected_text or transcript.text
        worded = bool(transcript.words or corrected_text)
        if worded:
            # While the checks and the voice tracking may still be under way: a streamed reply whose
            # phrases are all transcribed already waits for its checks otherwise (40 s: ~0.05 s).
            with _timed(timings, "wording"), _refusal_first(measured.checks):
                classifier = self.wording
                hits = with_word_times(classifier.classify(text), text, transcript.words)
                suggestions = classifier.suggestions(hits)
        checked = measured.checked()  # unusable audio is said as such, before anything about its words
        if not worded:
            measured.tracks.cancel()
            # a voice without words must not be scored as an empty reply; a cut-off second of speech
            # was told to speak louder (a test session)
            raise AudioError("no_words_short" if checked.speech_seconds < SHORT_SPEECH_S else "no_words")
        contours = measured.contours(checked)
        with _timed(timings, "voice"):
            voice = measure_voice(
                contours, measured.rate, baseline or POPULATION_DEFAULT, clipped_fraction=checked.audio.clipped_fraction
            )
        timings["total"] = time.perf_counter() - started
        return TurnAnalysis(
            checked=checked,
            transcript=transcript,
            voice=voice,
            wording=tuple(hits),
            suggestions=tuple(suggestions),
            corrected_text=corrected_text,
            timings=timings,
        )

    def calibrate(self, source: Path | bytes) -> Baseline:
        """Measure the calm baseline from a reading of CALIBRATION_TEXT."""
        measured = self._measure(source, initial_prompt=None)
        checked = measured.checked()
        if not measured.transcript.words:
            measured.tracks.cancel()
            raise AudioError("no_words")
        return baseline_from_measures(measured.contours(checked), measured.rate)


@dataclass
class _Measured:
    """A reply's words, with its checks and voice tracking running beside them."""

    checks: Future[tuple[CheckedAudio, float]]
    transcript: Transcript
    tracks: Future[tuple[Contours, float]]
    rate: RateMeasure
    timings: dict[str, float]

    def checked(self) -> CheckedAudio:
        """The checked audio; raises the checks' AudioError (and drops the voice tracking)."""
        with _timed(self.timings, "checks_wait"):
            try:
                checked, self.timings["checks"] = self.checks.result()
            except BaseException:
                self.tracks.cancel()  # a tracking under way ends by itself
                raise
        return checked

    def contours(self, checked: CheckedAudio) -> Contours:
        """The tracked contours, masked to the speech the checks found."""
        with _timed(self.timings, "voice_wait"):
            contours, self.timings["voice_contours"] = self.tracks.result()
        return contours.in_speech(checked.speech_segments, checked.audio.sample_rate)


def _timed_call(function, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


@contextmanager
def _refusal_first(checks: Future[tuple[CheckedAudio, float]]):  # type: ignore[no-untyped-def]
    """A failure beside the checks (Whisper, the wording) gives way to their refusal: unusable audio
    is said as such in Dutch, not as the crash it caused (a crash is retried, a refusal is final)."""
    try:
        yield
    except Exception:
        checks.result()  # raises the checks' AudioError, if they refused the audio
        raise


@contextmanager
def _timed(timings: dict[str, float], name: str):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - started
