"""Dutch transcription with word timestamps (faster-whisper), guarded against hallucinations."""

from __future__ import annotations

import logging
import threading
import zlib
from functools import lru_cache
from pathlib import Path

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.vad import VadOptions

from voicecoach.errors import ModelError
from voicecoach.transcript import Transcript, Word

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000

# Decoding choices, measured in bench/analysis.py (see README "Benchmarks"):
# - temperature fallback bounded to (0.0, 0.2): the default six-step fallback decoded unclear
#   clips six times over (FINDINGS.md) for no gain in word error rate;
# - condition_on_previous_text=False so one bad segment cannot seed a repetition loop;
# - no_repeat_ngram_size=5: a clip cut mid-word left a 0.5 s tail window that Whisper filled with
#   "dat je dat je …" (181 tokens, twice with the fallback): 19 s for a 30 s clip, now 6 s, and
#   the other segments decode identically. A reply that truly repeats the same five tokens
#   (two to four words) gets its repeat misheard; that is rarer than the loops;
# - the no-speech gate and the per-segment loop checks below drop text Whisper invents on
#   silence or noise.
TEMPERATURES = (0.0, 0.2)
BEAM_SIZE = 5
NO_REPEAT_NGRAM = 5
SAMPLING_SEED = 20261124
NO_SPEECH_THRESHOLD = 0.6
COMPRESSION_RATIO_LIMIT = 2.4
MAX_WORDS_PER_SECOND = 6.0  # fluent Dutch is ~3-4 words/s; far more is a decoding loop
MAX_TOKENS_PER_SECOND = 12  # bounds the decoder on short clips


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
    return WhisperModel(
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


def transcribe(
    model: WhisperModel,
    samples: np.ndarray,
    *,
    initial_prompt: str | None = None,
) -> Transcript:
    """Transcribe 16 kHz mono float32 `samples` as Dutch, with word timestamps."""
    duration = len(samples) / SAMPLE_RATE
    with _model_lock:
        # The fallback temperature samples; a fixed seed makes a re-analysis give the same words.
        ctranslate2.set_random_seed(SAMPLING_SEED)
        segments, _info = model.transcribe(
            samples,
            language="nl",
            task="transcribe",
            beam_size=BEAM_SIZE,
            temperature=list(TEMPERATURES),
            word_timestamps=True,
            vad_filter=True,
            vad_parameters=VadOptions(min_silence_duration_ms=500, speech_pad_ms=200),
            condition_on_previous_text=False,
            no_repeat_ngram_size=NO_REPEAT_NGRAM,
            no_speech_threshold=NO_SPEECH_THRESHOLD,
            compression_ratio_threshold=COMPRESSION_RATIO_LIMIT,
            initial_prompt=initial_prompt,
            max_new_tokens=max(16, int(MAX_TOKENS_PER_SECOND * min(duration, 30.0))),
        )
        segments = list(segments)
    kept_words: list[Word] = []
    kept_text: list[str] = []
    dropped: list[str] = []
    for segment in segments:
        text = segment.text.strip()
        if not text:
            continue
        if _is_hallucination(segment):
            log.info("dropped segment %.2f-%.2f: %r", segment.start, segment.end, text)
            dropped.append(text)
            continue
        kept_text.append(text)
        kept_words.extend(
            Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 4))
            for w in segment.words or []
            if w.word.strip()
        )
    return Transcript(
        text=" ".join(kept_text),
        language="nl",
        words=tuple(kept_words),
        dropped_segments=tuple(dropped),
    )


def _is_hallucination(segment) -> bool:
    """True for text Whisper made up: silence judged as speech, or a repetition loop."""
    if segment.no_speech_prob > NO_SPEECH_THRESHOLD and segment.avg_logprob < -1.0:
        return True
    if compression_ratio(segment.text) > COMPRESSION_RATIO_LIMIT:
        return True
    span = max(segment.end - segment.start, 0.5)
    return len(segment.words or []) / span > MAX_WORDS_PER_SECOND
