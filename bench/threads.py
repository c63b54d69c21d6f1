"""How to spend the cores: CTranslate2 threads per Whisper model against analyses side by side.

    .venv/bin/python bench/threads.py

On the first 30 MBROLA replies of bench/data/replies_nl.tsv (the clips of bench/latency.py's "30 at
once"), all in this run: one full-window encoder pass and plain faster-whisper `transcribe(
language="nl", beam_size=5)` of every clip one after another, with 1 and 2 threads and
faster-whisper's default (cpu_threads=0); VoiceCoach's transcription (phrases, sized window, no
fallback) one after another with 1 and 2 threads, and in two processes side by side with one
thread each (what `voicecoach worker` does with VOICECOACH_ANALYSIS_PROCESSES=2). Ratios are
against plain sequential with faster-whisper's default threads. First, what a trainee waits for on
a streamed reply: the live pass over the last phrase of a 10 s reply with 1 and 2 threads
(VOICECOACH_LIVE_CPU_THREADS).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from faster_whisper import WhisperModel
from latency import (
    VOICES,
    encoder_pass,
    load_replies,
    median_seconds,
    one_after_another,
    plain_model,
    plain_transcribe,
    reply_of,
    speak,
)

from voicecoach.config import Settings
from voicecoach.speech.phrases import find_phrases
from voicecoach.speech.transcribe import load_whisper, transcribe, transcribe_phrase

CLIPS = 30
_model: WhisperModel | None = None


def _load(threads: int) -> None:
    global _model
    settings = Settings()
    _model = load_whisper(settings.whisper_model, settings.compute_type, threads)


def _ours(clip: np.ndarray) -> str:
    return transcribe(_model, clip).text


def side_by_side(clips: list[np.ndarray], processes: int) -> float:
    # spawn: a forked child of a process whose OpenMP threads already ran hangs in libgomp
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=_load, initargs=(1,)) as pool:
        list(pool.map(_ours, clips[:processes]))  # warm every process
        started = time.perf_counter()
        list(pool.map(_ours, clips))
        return time.perf_counter() - started


def live_pass(folder: Path) -> None:
    """What the trainee waits for after Stop on a streamed reply: one pass over the last phrase of a
    10 s reply, with 1 and 2 threads (VOICECOACH_LIVE_CPU_THREADS)."""
    samples = reply_of(10, load_replies(), folder)
    last = find_phrases(samples)[-1]
    settings = Settings()
    seconds = {}
    for threads in (1, 2):
        model = load_whisper(settings.whisper_model, settings.compute_type, threads)
        seconds[threads] = median_seconds(lambda m=model: transcribe_phrase(m, samples, last))
        print(f"  live pass over the last phrase ({last.end_s - last.start_s:.1f} s) of a 10 s reply, "
              f"{threads} thread(s): {seconds[threads]:.2f} s", flush=True)
    print(f"  -> VOICECOACH_LIVE_CPU_THREADS={min(seconds, key=seconds.__getitem__)} is faster on this machine")


def main() -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        replies = load_replies()[:CLIPS]
        clips = [speak(reply, Path(tmp) / f"c{i}.wav", VOICES[i % 2]) for i, reply in enumerate(replies)]
        live_pass(Path(tmp))
    speech = sum(len(clip) for clip in clips) / 16_000
    print(f"{CLIPS} replies, {speech:.0f} s of speech; seconds for all of them (replies per minute)")
    rows: list[tuple[str, float]] = []
    for threads, name in ((0, "default"), (1, "1"), (2, "2")):
        model = plain_model(Settings(), threads)
        encoder = median_seconds(lambda m=model: encoder_pass(m, clips[0]))
        print(f"  encoder pass (30 s window), {name} thread(s): {encoder:.2f} s", flush=True)
        rows.append((f"plain sequential, {name} thread(s)", one_after_another(lambda c, m=model: plain_transcribe(m, c), clips)))
        print(f"  {rows[-1][0]}: {rows[-1][1]:.1f} s", flush=True)
        del model
    for threads in (1, 2):
        _load(threads)
        rows.append((f"VoiceCoach sequential, {threads} thread(s)", one_after_another(_ours, clips)))
        print(f"  {rows[-1][0]}: {rows[-1][1]:.1f} s", flush=True)
    rows.append(("VoiceCoach, 2 processes side by side, 1 thread each", side_by_side(clips, 2)))
    reference = rows[0][1]
    print(f"\n{'':<52} {'seconds':>8} {'per min':>8} {'× plain default':>16}")
    for name, seconds in rows:
        print(f"{name:<52} {seconds:>8.1f} {60 * CLIPS / seconds:>8.1f} {reference / seconds:>16.2f}")


if __name__ == "__main__":
    main()
