"""The live "Rustig" cue's pitch (streaming/pitch_watch.py) against the analysis' pyin, and its cost.

    .venv/bin/python bench/live_pitch.py

MBROLA's Dutch voice (`mb-nl2`) reads the calibration text (the calm baseline, measured by the
analysis) and two replies: the four sentences of tests/test_live_cues.py's loudness cues, and the
three mostly voiced sentences of its pitch cues. Each is shifted with sox `pitch` (loudness
unchanged). Per shift: the median pitch over the frames pyin calls voiced and over those YIN calls
voiced (semitones above the calm baseline), how often they agree on voicing, whether the analysis'
stretch rule (pyin, voice/stretches.py) finds two seconds above the level, and the live cues of the
reply streamed in 250 ms chunks. Then, for a +500 cents stretch of 1 s and of 3.5 s spliced into
the calm reply every half second: how often the analysis' rule finds two seconds, and how often
the live cue comes. Last, the cost of one look (`LiveCues.hear`, both measures) per 250 ms chunk
and of its pitch part alone: p50 and p95.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicecoach.analysis import Analyser  # noqa: E402
from voicecoach.audio.decode import decode_audio  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402
from voicecoach.config import Settings  # noqa: E402
from voicecoach.streaming.cues import HOLD_S, TAIL_SAMPLES, LiveCues  # noqa: E402
from voicecoach.streaming.pcm_file import SAMPLE_RATE  # noqa: E402
from voicecoach.streaming.pitch_watch import track  # noqa: E402
from voicecoach.voice.baseline import CALIBRATION_TEXT  # noqa: E402
from voicecoach.voice.contours import HOP, PITCH_FRAME, PITCH_HOP, pitch_contour  # noqa: E402
from voicecoach.voice.shapes import Baseline  # noqa: E402
from voicecoach.voice.stats import semitones  # noqa: E402
from voicecoach.voice.stretches import smooth, spans_above  # noqa: E402

REPLIES = {
    "loudness test": (
        "Goedemiddag meneer, ik begrijp dat u boos bent.",
        "Kunt u mij vertellen wat er precies is gebeurd?",
        "Dan ga ik het direct voor u uitzoeken.",
        "Ik snap dat het vervelend is dat de monteur niet kwam.",
    ),
    "pitch test": (
        "Neemt u mij niet kwalijk, ik zal er meteen naar kijken.",
        "Ja mevrouw, ik weet wel dat u al lang moet wachten.",
        "Dat is heel vervelend, daar ben ik het mee eens.",
    ),
}
SHIFTS = (0, 100, 200, 300, 500, 700)
SPLICED_CENTS = 500
CHUNK = SAMPLE_RATE // 4


def sox(source: Path, target: Path, *effects: str) -> Path:
    subprocess.run(["sox", str(source), str(target), *effects], check=True, capture_output=True)
    return target


def streamed(samples: np.ndarray, baseline: Baseline, looks: list[float], pitch_looks: list[float]) -> list[dict]:
    """The cues of `samples` arriving in 250 ms chunks; the seconds each look took go to `looks`,
    those of tracking one chunk's pitch to `pitch_looks`."""
    cues, heard = LiveCues(baseline), []
    for end in range(CHUNK, len(samples) + 1, CHUNK):
        tail = samples[max(0, end - TAIL_SAMPLES) : end]
        start = time.perf_counter()
        if cue := cues.hear(tail, end):
            heard.append(cue)
        looks.append(time.perf_counter() - start)
        start = time.perf_counter()
        track(tail[-(CHUNK + PITCH_FRAME) :])  # about the frames one look tracks
        pitch_looks.append(time.perf_counter() - start)
    return heard


def analysis_holds(samples: np.ndarray, baseline: Baseline) -> bool:
    """The analysis' rule over the whole reply (pyin's voiced frames; no speech mask, as live)."""
    f0 = pitch_contour(samples, SAMPLE_RATE)
    voiced = ~np.isnan(f0)
    times = np.arange(len(f0))[voiced] * HOP / SAMPLE_RATE
    values = np.asarray(semitones(f0[voiced], baseline.pitch_hz))
    return bool(spans_above(times, smooth(values), baseline.pitch_threshold(), min_seconds=HOLD_S))


def main() -> None:
    models = Path(__file__).resolve().parent.parent / "models"
    analyser = Analyser(Settings(whisper_model=models / "whisper-base", spacy_model=models / "spacy-nl"))
    folder = Path(tempfile.mkdtemp(prefix="live-pitch-"))
    baseline = analyser.calibrate(speak_to_wav(CALIBRATION_TEXT, folder / "lezing.wav", voice="mb-nl2"))
    print(f"calm baseline (pyin over the calibration reading): {baseline.pitch_hz:.1f} Hz, "
          f"threshold {baseline.pitch_threshold():.2f} st")
    looks: list[float] = []
    pitch_looks: list[float] = []
    for name, sentences in REPLIES.items():
        parts = [sox(speak_to_wav(t, folder / f"z{i}.wav", voice="mb-nl2"), folder / f"p{i}.wav", "pad", "0", "0.25")
                 for i, t in enumerate(sentences)]
        reply = folder / "antwoord.wav"
        subprocess.run(["sox", *map(str, parts), "-r", str(SAMPLE_RATE), str(reply)], check=True)
        print(f"\n{name} reply\n")
        print("| shift (cents) | pyin median (st) | YIN median (st) | pyin voiced | YIN voiced | voicing agrees "
              "| analysis: 2 s above | live cues (s) |")
        print("|---|---|---|---|---|---|---|---|")
        shifted = {}
        for cents in SHIFTS:
            samples = decode_audio(sox(reply, folder / f"r{cents}.wav", "pitch", str(cents)), max_seconds=60).samples
            shifted[cents] = samples
            pyin = pitch_contour(samples, SAMPLE_RATE)[:: PITCH_HOP // HOP]
            f0, voiced = track(np.pad(samples, PITCH_FRAME // 2))
            n = min(len(pyin), len(f0))
            pyin, f0, voiced = pyin[:n], f0[:n], voiced[:n]
            pyin_voiced = ~np.isnan(pyin)
            heard = streamed(samples, baseline, looks, pitch_looks)
            cue_list = ", ".join(f"{c['cue']} {c['at']}" for c in heard) or "none"
            print(f"| +{cents} | {np.median(semitones(pyin[pyin_voiced], baseline.pitch_hz)):.2f} "
                  f"| {np.median(semitones(f0[voiced], baseline.pitch_hz)):.2f} | {pyin_voiced.mean():.0%} "
                  f"| {voiced.mean():.0%} | {np.mean(voiced == pyin_voiced):.0%} "
                  f"| {analysis_holds(samples, baseline)} | {cue_list} |")
        calm, high = shifted[0], shifted[SPLICED_CENTS]
        n = min(len(calm), len(high))
        for seconds in (1.0, 3.5):
            analysis = live = early = positions = 0
            for begin in np.arange(0.5, n / SAMPLE_RATE - 4.0, 0.5):
                spliced = calm[:n].copy()
                span = slice(int(begin * SAMPLE_RATE), int((begin + seconds) * SAMPLE_RATE))
                spliced[span] = high[span]
                heard = streamed(spliced, baseline, [], [])
                positions += 1
                analysis += analysis_holds(spliced, baseline)
                live += bool(heard)
                early += bool(heard) and heard[0]["at"] < begin + HOLD_S
            print(f"\n+{SPLICED_CENTS} cents for {seconds} s at {positions} positions: the analysis' rule finds "
                  f"2 s above at {analysis}; a live cue comes at {live} (before the raise had lasted 2 s: {early})")
    ms, pitch_ms = 1000 * np.array(looks), 1000 * np.array(pitch_looks)
    print(f"\none look (LiveCues.hear, per 250 ms chunk): p50 {np.percentile(ms, 50):.2f} ms, "
          f"p95 {np.percentile(ms, 95):.2f} ms (n={len(ms)})")
    print(f"its pitch part (YIN and aperiodicity of one chunk): p50 {np.percentile(pitch_ms, 50):.2f} ms, "
          f"p95 {np.percentile(pitch_ms, 95):.2f} ms")


if __name__ == "__main__":
    main()
