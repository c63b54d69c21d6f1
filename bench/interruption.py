"""Interruption detection (voicecoach/voice/interruption.py): where must the similarity threshold be?

Every shipped scenario's customer lines (MBROLA, as the server speaks them) are "played through a
loudspeaker": band-limited, smeared by a synthetic room (exponentially decaying noise, RT60 0.2-0.6 s),
delayed (latency), attenuated, with background noise. The recording starts somewhere in the line.
Three kinds of recording:
- echo: only the loudspeaker's customer (no interruption; the detector must explain it away),
- over-echo: the trainee (other MBROLA voice, a reply from bench/data) talks over that echo, louder,
- headphones: the trainee talks over the line, the microphone hears only the trainee.
Printed per threshold: how many interruptions are found and how many echo-only recordings are
flagged, and the median similarity of each kind's overlap (percentiles).

    python bench/interruption.py [--lines 60]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

import numpy as np
from faster_whisper.vad import get_speech_timestamps

from tests.audio_factory import through_loudspeaker
from voicecoach.audio.checks import VAD_OPTIONS
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.synth import speak_to_wav
from voicecoach.coaching.customer_voice import customer_audio
from voicecoach.scenarios import load_scenarios
from voicecoach.voice.interruption import RATE, detect_interruption
from voicecoach.voice.shapes import SIMILARITY_THRESHOLD

REPLIES = Path(__file__).parent / "data" / "replies_nl.tsv"


def level(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2)) + 1e-12)


def vad(samples: np.ndarray) -> tuple[tuple[float, float], ...]:
    return tuple((s["start"] / RATE, s["end"] / RATE) for s in get_speech_timestamps(samples, VAD_OPTIONS))


def cases(lines: int, folder: Path, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    scenarios, _ = load_scenarios()
    said = [(s, phase, anger, text) for s in scenarios.values() for phase in s.phases for anger, texts in phase.lines.items() for text in texts]
    chosen = [said[i] for i in rng.choice(len(said), size=min(lines, len(said)), replace=False)]
    with REPLIES.open(encoding="utf-8") as handle:
        replies = [row["reply"] for row in csv.DictReader(handle, delimiter="\t")]
    for n, (scenario, _phase, anger, text) in enumerate(chosen):
        line = decode_audio(customer_audio(text, anger, scenario.persona.voice, folder / "lines"), max_seconds=120).samples
        other = "mb-nl3" if scenario.persona.voice == "mb-nl2" else "mb-nl2"
        reply_path = speak_to_wav(replies[n % len(replies)], folder / f"reply{n}.wav", voice=other)
        reply = decode_audio(reply_path, max_seconds=120).samples
        line_left = rng.uniform(0.5, 0.9) * len(line) / RATE
        skip = len(line) - int(line_left * RATE)
        echo = through_loudspeaker(line, rng)[skip:] * 10 ** (rng.uniform(-18, -6) / 20)
        noise = rng.standard_normal(len(echo) + len(reply) + RATE) * level(echo) * 10 ** (-rng.uniform(20, 35) / 20)
        start = int(rng.uniform(0.2, 0.6) * RATE)

        def mix(with_echo: bool, with_reply: bool, louder_db: float) -> np.ndarray:
            out = noise.copy()
            if with_echo:
                out[: len(echo)] += echo
            if with_reply:
                out[start : start + len(reply)] += reply / level(reply) * level(echo) * 10 ** (louder_db / 20)
            return out.astype(np.float32)

        overlap = max(0.0, min(line_left, (start + len(reply)) / RATE) - start / RATE)  # the trainee's part
        yield "echo", mix(True, False, 0), line, line_left, 0.0
        yield "over-echo", mix(True, True, rng.uniform(3, 12)), line, line_left, overlap
        yield "headphones", mix(False, True, 10), line, line_left, overlap


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=60)
    args = parser.parse_args()
    rng = np.random.default_rng(15)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, recording, line, line_left, overlap in cases(args.lines, Path(tmp), rng):
            rows.append((kind, recording, vad(recording), line, line_left, overlap))
    # Truth: echo alone is no interruption; the trainee's speech overlapping the line by at least
    # 0.8 s is one (0.4 s counts; the margin leaves room for the VAD's edges); in between: not scored.
    similarities = {kind: [] for kind in ("echo", "over-echo", "headphones")}
    prominences = {kind: [] for kind in similarities}
    print("| threshold | interruptions found (over echo) | (headphones) | echo alone flagged | time per recording |")
    print("|---|---|---|---|---|")
    for threshold in (0.4, 0.5, 0.6, 0.7, 0.8):
        found = {"over-echo": [0, 0], "headphones": [0, 0]}
        echo = [0, 0]
        started = time.perf_counter()
        for kind, recording, segments, line, line_left, overlap in rows:
            result = detect_interruption(recording, segments, line, line_left, threshold=threshold)
            if threshold == SIMILARITY_THRESHOLD and result.similarity is not None:
                similarities[kind].append(result.similarity)
                prominences[kind].append(result.prominence)
            if kind == "echo":
                echo[0] += result.interrupting
                echo[1] += 1
            elif overlap >= 0.8:
                found[kind][0] += result.interrupting
                found[kind][1] += 1
        each = (time.perf_counter() - started) / len(rows)
        print(f"| {threshold:.2f} | {found['over-echo'][0]}/{found['over-echo'][1]} | "
              f"{found['headphones'][0]}/{found['headphones'][1]} | {echo[0]}/{echo[1]} | {1000 * each:.0f} ms |")
    print(f"median similarity of the overlap's speech at {SIMILARITY_THRESHOLD}: " + ", ".join(
        f"{kind} p5 {np.percentile(v, 5):.2f} p50 {np.percentile(v, 50):.2f} p95 {np.percentile(v, 95):.2f}"
        for kind, v in similarities.items() if v))
    print("how far the best lag stands out (echo found at >= ECHO_PROMINENCE): " + ", ".join(
        f"{kind} min {min(v):.2f} p50 {np.percentile(v, 50):.2f} max {max(v):.2f}" for kind, v in prominences.items() if v))


if __name__ == "__main__":
    main()
