"""Fast feedback: Whisper's work sized to the reply, against one full-window encoder pass.

    .venv/bin/python bench/latency.py                 # decoding speed + word error rate
    .venv/bin/python bench/latency.py --only speed    # or: wer, service

Everything is measured in the same run, on MBROLA Dutch (`espeak-ng -v mb-nl2` / `mb-nl3`):
- speed, for 3 s, 10 s and 40 s replies (medians of REPEATS warm runs): one full-window encoder
  pass (features + encode of a 30 s window), plain faster-whisper `transcribe(language="nl",
  beam_size=5)` (both the faster of one thread and a thread per core), and VoiceCoach's transcription (phrases, sized encoder window, no temperature
  fallback), also for the last phrase alone (what is left at Stop on the streaming path);
- word error rate on the 48 replies of bench/data/replies_nl.tsv: plain beam 5 against VoiceCoach's
  transcription (the target: within 0.02);
- service (see bench/latency_service.py): end of speech → scored result through the WebSocket and
  the upload path.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jiwer
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from faster_whisper import WhisperModel  # noqa: E402
from faster_whisper.audio import pad_or_trim  # noqa: E402

from voicecoach.audio.decode import decode_audio  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402
from voicecoach.config import Settings  # noqa: E402
from voicecoach.speech.phrases import find_phrases  # noqa: E402
from voicecoach.speech.transcribe import load_whisper, transcribe, transcribe_phrase  # noqa: E402

REPEATS = 5
DURATIONS = (3, 10, 40)
REPLIES = Path(__file__).parent / "data" / "replies_nl.tsv"
VOICES = ("mb-nl2", "mb-nl3")


def load_replies() -> list[str]:
    with REPLIES.open(encoding="utf-8") as handle:
        return [row["reply"] for row in csv.DictReader(handle, delimiter="\t")]


def speak(text: str, path: Path, voice: str = "mb-nl2") -> np.ndarray:
    return decode_audio(speak_to_wav(text, path, voice=voice), max_seconds=120).samples


def reply_of(seconds: int, replies: list[str], folder: Path) -> np.ndarray:
    """Whole replies spoken one after another, about `seconds` long (never cut mid-word); the
    shortest replies first, so a 3 s reply is one short sentence (MBROLA: ~2.5 words a second)."""
    texts: list[str] = []
    samples = np.zeros(0, dtype=np.float32)
    for reply in sorted(replies, key=lambda text: abs(len(text.split()) / 2.5 - seconds)):
        candidate = speak(" ".join([*texts, reply]), folder / f"reply-{seconds}.wav")
        if texts and len(candidate) / 16_000 > seconds * 1.15:
            continue
        texts.append(reply)
        samples = candidate
        if len(samples) / 16_000 >= seconds * 0.9:
            break
    return samples


def plain_model(settings: Settings, threads: int) -> WhisperModel:
    """Plain faster-whisper as anyone would load it, with `threads` CTranslate2 threads (0: its default)."""
    return WhisperModel(str(settings.whisper_model), device="cpu", compute_type=settings.compute_type,
                        cpu_threads=threads, local_files_only=True)


def plain_models(settings: Settings) -> list[WhisperModel]:
    """Plain faster-whisper with one thread and with a thread per core: every reference below is
    the faster of the two (a thread per core encodes a 30 s window faster, one thread decodes
    faster here: bench/threads.py), so no ratio is flattered by a slow reference."""
    return [plain_model(settings, threads) for threads in sorted({1, os.cpu_count() or 1})]


def one_after_another(function, clips: list[np.ndarray]) -> float:  # type: ignore[no-untyped-def]
    """Seconds for `function(clip)` on every clip in turn (the first clip once before, to warm)."""
    function(clips[0])
    started = time.perf_counter()
    for clip in clips:
        function(clip)
    return time.perf_counter() - started


def fastest(models: list[WhisperModel], function, repeats: int = REPEATS) -> float:  # type: ignore[no-untyped-def]
    """The median seconds of `function(model)` with the faster of `models`."""
    return min(median_seconds(lambda model=model: function(model), repeats) for model in models)


def median_seconds(function, repeats: int = REPEATS) -> float:  # type: ignore[no-untyped-def]
    function()  # warm
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def encoder_pass(model: WhisperModel, samples: np.ndarray) -> None:
    """What every reply paid before: log-mel features and one 30 s encoder window."""
    features = model.feature_extractor(samples)
    model.encode(pad_or_trim(features[..., :-1]))


def plain_transcribe(model: WhisperModel, samples: np.ndarray) -> str:
    segments, _ = model.transcribe(samples, language="nl", beam_size=5)
    return " ".join(segment.text for segment in segments)


def bench_speed(plains: list[WhisperModel], ours: WhisperModel, folder: Path) -> None:
    replies = load_replies()
    print("speed, medians of", REPEATS, "warm runs (s); ratios against the encoder pass")
    print(f"{'reply':>7} {'encoder':>8} {'plain':>7} {'ours':>7} {'last phrase':>12} {'phrases':>8}")
    for seconds in DURATIONS:
        samples = reply_of(seconds, replies, folder)
        phrases = find_phrases(samples)
        encoder = fastest(plains, lambda model: encoder_pass(model, samples))
        plain_s = fastest(plains, lambda model: plain_transcribe(model, samples))
        ours_s = median_seconds(lambda: transcribe(ours, samples))
        last_s = median_seconds(lambda: transcribe_phrase(ours, samples, phrases[-1]))
        print(
            f"{len(samples) / 16_000:>6.1f}s {encoder:>8.2f} {plain_s:>7.2f} {ours_s:>7.2f} {last_s:>12.2f} "
            f"{len(phrases):>8}   ours/encoder {ours_s / encoder:.2f}, last phrase/encoder {last_s / encoder:.2f}"
        )


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def bench_wer(plain: WhisperModel, ours: WhisperModel, folder: Path) -> None:
    replies = load_replies()
    references, plain_text, our_text = [], [], []
    plain_time = our_time = 0.0
    for index, reply in enumerate(replies):
        samples = speak(reply, folder / f"wer-{index}.wav", VOICES[index % 2])
        references.append(normalise(reply))
        started = time.perf_counter()
        plain_text.append(normalise(plain_transcribe(plain, samples)))
        plain_time += time.perf_counter() - started
        started = time.perf_counter()
        our_text.append(normalise(transcribe(ours, samples).text))
        our_time += time.perf_counter() - started
    plain_wer, our_wer = jiwer.wer(references, plain_text), jiwer.wer(references, our_text)
    count = len(replies)
    print(f"\nword error rate on {count} MBROLA replies (mb-nl2 / mb-nl3 alternating, 150 words/min):")
    print(f"  plain faster-whisper beam 5  {plain_wer:.3f}   {plain_time / count:.2f} s per reply")
    print(f"  voicecoach (sized, phrases)  {our_wer:.3f}   {our_time / count:.2f} s per reply")
    print(f"  difference {our_wer - plain_wer:+.3f} (target: at most +0.02)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("speed", "wer", "service"))
    args = parser.parse_args()
    settings = Settings()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {settings.cpu_threads} threads, {settings.compute_type}")
    ours = load_whisper(settings.whisper_model, settings.compute_type, settings.cpu_threads)
    plains = plain_models(settings)
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "speed"):
            bench_speed(plains, ours, Path(tmp))
        if args.only in (None, "wer"):
            bench_wer(plains[0], ours, Path(tmp))
    if args.only in (None, "service"):
        from bench.latency_service import bench_service

        bench_service()


if __name__ == "__main__":
    main()
