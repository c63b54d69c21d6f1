"""Dutch transcription with word timestamps (faster-whisper), guarded against hallucinations.

A recording is transcribed phrase by phrase (`speech/phrases.py`), each phrase in an encoder window
sized to it (`speech/sized.py`); the streaming path fills a `PhraseCache` while the trainee speaks,
and the same function then only transcribes the phrases not in it.
"""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel

from voicecoach.errors import ModelError
from voicecoach.speech.phrases import Phrase, phrase_key, reply_phrases
from voicecoach.speech.sized import SizedWhisperModel
from voicecoach.transcript import Transcript, Word

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000

# Decoding choices, measured in bench/analysis.py and bench/latency.py (see README "Benchmarks"):
# - no temperature fallback: synthetic and unclear speech scores an average log-probability just
#   under -1.0, so the fallback decoded nearly every phrase twice without changing the text
#   (FINDINGS.md; bench/latency.py measures the word error rate against plain beam 5);
# - condition_on_previous_text=False so one bad segment cannot seed a repetition loop;
# - no_repeat_ngram_size=5: a clip cut mid-word left a 0.5 s tail window that Whisper filled with
#   "dat je dat je …" (181 tokens, twice with the fallback): 19 s for a 30 s clip, now 6 s, and
#   the other segments decode identically. A reply that truly repeats the same five tokens
#   (two to four words) gets its repeat misheard; that is rarer than the loops;
# - the no-speech gate and the per-segment loop checks below drop text Whisper invents on
#   silence or noise.
TEMPERATURES = (0.0,)
BEAM_SIZE = 5
NO_REPEAT_NGRAM = 5
SAMPLING_SEED = 20261124
NO_SPEECH_THRESHOLD = 0.6
COMPRESSION_RATIO_LIMIT = 2.4
MAX_WORDS_PER_SECOND = 6.0  # fluent Dutch is ~3-4 words/s; far more is a decoding loop
MAX_TOKENS_PER_SECOND = 12  # bounds the decoder on short clips
# Sound descriptions Whisper learnt from subtitles ("MUZIEK" after a shouted reply, a test session):
# no words of the trainee, so they leave the text (kept under `dropped`) and the word list.
SOUND_TAG = re.compile(r"[\[(]?\b(MUZIEK|APPLAUS|GELACH|GELUID|STILTE|MUSIC|APPLAUSE|LAUGHTER)\b[\])]?[.!]?")


_model_lock = threading.Lock()


@lru_cache(maxsize=2)
def load_whisper(model_dir: Path, compute_type: str = "int8", cpu_threads: int = 2) -> WhisperModel:
    """Load a faster-whisper model from disk once per process (never from a hub)."""
    if not (model_dir / "model.bin").is_file():
        raise ModelError(
            f"Geen Whisper-model gevonden in {model_dir}. Installeer het met: "
            ".venv/bin/voicecoach models install (of zet VOICECOACH_WHISPER_MODEL op een modelmap).",
            code="whisper_missing",
        )
    return SizedWhisperModel(
        str(model_dir),
        device="cpu",
        compute_type=compute_type,
        cpu_threads=cpu_threads,
        local_files_only=True,
    )


def compression_ratio(text: str) -> float:
    """gzip ratio as Whisper computes it; loops compress far better than speech."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


@dataclass(frozen=True)
class PhraseText:
    """What Whisper heard in one phrase; word times are seconds in the whole recording."""

    texts: tuple[str, ...]
    words: tuple[Word, ...]
    dropped: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"texts": list(self.texts), "words": [[w.word, w.start, w.end, w.probability] for w in self.words],
                "dropped": list(self.dropped)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhraseText:
        return cls(tuple(data["texts"]), tuple(Word(*w) for w in data["words"]), tuple(data["dropped"]))


PhraseCache = MutableMapping[str, PhraseText]
"""Phrase results by `phrase_key`: filled while streaming, read by the final analysis."""


def transcribe_phrase(
    model: WhisperModel, samples: np.ndarray, phrase: Phrase, *, initial_prompt: str | None = None
) -> PhraseText:
    """One Whisper pass over one phrase of `samples` (16 kHz mono float32)."""
    clip = samples[phrase.start : phrase.end]
    with _model_lock:
        # Decoding is deterministic without the fallback; the seed guards any sampling left.
        ctranslate2.set_random_seed(SAMPLING_SEED)
        segments, _info = model.transcribe(
            clip,
            language="nl",
            task="transcribe",
            beam_size=BEAM_SIZE,
            temperature=list(TEMPERATURES),
            word_timestamps=True,
            vad_filter=False,  # the phrase is a VAD chunk already
            condition_on_previous_text=False,
            no_repeat_ngram_size=NO_REPEAT_NGRAM,
            no_speech_threshold=NO_SPEECH_THRESHOLD,
            compression_ratio_threshold=COMPRESSION_RATIO_LIMIT,
            initial_prompt=initial_prompt,
            max_new_tokens=max(16, int(MAX_TOKENS_PER_SECOND * min(len(clip) / SAMPLE_RATE, 30.0))),
        )
        segments = list(segments)
    offset = phrase.start_s
    texts: list[str] = []
    words: list[Word] = []
    dropped: list[str] = []
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        if _is_hallucination(segment):
            log.info("dropped segment %.2f-%.2f: %r", offset + segment.start, offset + segment.end, text)
            dropped.append(text)
            continue
        dropped.extend(match.group(0) for match in SOUND_TAG.finditer(text))
        text = " ".join(SOUND_TAG.sub(" ", text).split())
        if not text:
            continue
        texts.append(text)
        words.extend(
            Word(w.word.strip(), round(offset + float(w.start), 3), round(offset + float(w.end), 3),
                 round(float(w.probability), 4))
            for w in segment.words or []
            if w.word.strip() and not SOUND_TAG.fullmatch(w.word.strip())
        )
    return PhraseText(tuple(texts), tuple(words), tuple(dropped))


def transcribe(
    model: WhisperModel,
    samples: np.ndarray,
    *,
    initial_prompt: str | None = None,
    cache: PhraseCache | None = None,
    phrases: list[Phrase] | None = None,
    give_up: Callable[[], bool] = lambda: False,
) -> Transcript:
    """Transcribe 16 kHz mono float32 `samples` as Dutch, with word timestamps, phrase by phrase.

    `phrases` are the boundaries a streamed recording carries (else Silero VAD finds them).
    Phrases found in `cache` (same samples) are not transcribed again; new ones are added to it.
    A prompt changes the decoding, so a cache is only used without one. Once `give_up()` is true
    (the audio was refused meanwhile) no further phrase is transcribed."""
    if initial_prompt is not None:
        cache = None
    parts: list[PhraseText] = []
    for phrase in reply_phrases(samples, phrases):
        if give_up():
            break
        key = phrase_key(samples, phrase) if cache is not None else ""
        part = cache.get(key) if cache is not None else None
        if part is None:
            part = transcribe_phrase(model, samples, phrase, initial_prompt=initial_prompt)
            if cache is not None:
                cache[key] = part
        parts.append(part)
    return Transcript(
        text=" ".join(text for part in parts for text in part.texts),
        language="nl",
        words=tuple(word for part in parts for word in part.words),
        dropped_segments=tuple(text for part in parts for text in part.dropped),
    )


def _is_hallucination(segment) -> bool:
    """True for text Whisper made up: silence judged as speech, or a repetition loop."""
    if segment.no_speech_prob > NO_SPEECH_THRESHOLD and segment.avg_logprob < -1.0:
        return True
    if compression_ratio(segment.text) > COMPRESSION_RATIO_LIMIT:
        return True
    span = max(segment.end - segment.start, 0.5)
    return len(segment.words or []) / span > MAX_WORDS_PER_SECOND
