"""Speed and accuracy of one turn's analysis, against plain faster-whisper in the same run.

    .venv/bin/python bench/analysis.py            # timings on 5, 10, 30 s clips + word error rate
    .venv/bin/python bench/analysis.py --no-wer   # timings only

Speed: per-stage time of `Analyser.analyse`, real-time factor, and the ratio
whole analysis / plain `WhisperModel.transcribe(language="nl")` on the same clip (medians of
REPEATS warm runs). Accuracy: word error rate (jiwer) on the generated Dutch replies in
bench/data/replies_nl.tsv, for plain faster-whisper, for our decoding, and for our decoding
with the scenario context as `initial_prompt`.
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jiwer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicecoach.analysis import Analyser  # noqa: E402
from voicecoach.audio.decode import decode_audio  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402
from voicecoach.config import Settings  # noqa: E402
from voicecoach.speech.transcribe import transcribe  # noqa: E402

REPEATS = 3
DURATIONS = (5, 10, 30)
REPLIES = Path(__file__).parent / "data" / "replies_nl.tsv"
# Scenario context as a prompt: the setting and its domain words (what issue 4 asks to measure).
CONTEXT_PROMPTS = {
    "monteur": "Gesprek aan de deur tussen een monteur en een boze klant over een storing in internet en tv.",
    "loket": "Gesprek aan het loket van de gemeente over een afgewezen aanvraag voor een uitkering.",
    "telefoon": "Telefoongesprek met de klantenservice over een te hoge rekening en de factuur.",
    "levering": "Gesprek met een klant over een bestelling die te laat is geleverd.",
}


def load_replies() -> list[tuple[str, str]]:
    with REPLIES.open(encoding="utf-8") as handle:
        return [(row["context"], row["reply"]) for row in csv.DictReader(handle, delimiter="\t")]


def make_clip(seconds: int, replies: list[tuple[str, str]], folder: Path) -> Path:
    """espeak-ng Dutch of the replies in order, cut to exactly `seconds`."""
    texts, words = [], 0
    for _, reply in replies:
        texts.append(reply)
        words += len(reply.split())
        if words / 2.5 > seconds + 2:  # ~2.5 words/s at 150 words/min
            break
    long_clip = speak_to_wav(" ".join(texts), folder / f"long-{seconds}.wav")
    clip = folder / f"clip-{seconds}s.wav"
    subprocess.run(["sox", str(long_clip), str(clip), "trim", "0", str(seconds)], check=True)
    return clip


def time_plain(analyser: Analyser, samples) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    segments, _ = analyser.whisper.transcribe(samples, language="nl")
    list(segments)
    return time.perf_counter() - started


def bench_speed(analyser: Analyser, folder: Path) -> None:
    replies = load_replies()
    print(f"{'clip':>5} {'plain s':>8} {'analyse s':>10} {'ratio':>6} {'RTF':>6}  stages (median s)")
    for seconds in DURATIONS:
        clip = make_clip(seconds, replies, folder)
        samples = decode_audio(clip, max_seconds=120).samples
        analyser.analyse(clip)  # warm
        plain, totals, stages = [], [], {}
        for _ in range(REPEATS):
            plain.append(time_plain(analyser, samples))
            result = analyser.analyse(clip)
            totals.append(result.timings["total"])
            for name, value in result.timings.items():
                stages.setdefault(name, []).append(value)
        plain_s, total_s = statistics.median(plain), statistics.median(totals)
        stage_text = ", ".join(
            f"{name} {statistics.median(values):.2f}" for name, values in stages.items() if name != "total"
        )
        print(f"{seconds:>4}s {plain_s:>8.2f} {total_s:>10.2f} {total_s / plain_s:>6.2f} {total_s / seconds:>6.2f}  {stage_text}")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def bench_wer(analyser: Analyser, folder: Path) -> None:
    replies = load_replies()
    references, plain, ours, prompted = [], [], [], []
    for index, (context, reply) in enumerate(replies):
        clip = speak_to_wav(reply, folder / f"reply-{index}.wav")
        samples = decode_audio(clip, max_seconds=120).samples
        segments, _ = analyser.whisper.transcribe(samples, language="nl")
        references.append(normalise(reply))
        plain.append(normalise(" ".join(s.text for s in segments)))
        ours.append(normalise(transcribe(analyser.whisper, samples).text))
        prompted.append(normalise(transcribe(analyser.whisper, samples, initial_prompt=CONTEXT_PROMPTS[context]).text))
    print(f"\nword error rate on {len(replies)} generated Dutch replies (espeak-ng nl+f2, 150 wpm):")
    for name, hypotheses in (("plain faster-whisper", plain), ("voicecoach decoding", ours), ("+ scenario prompt", prompted)):
        print(f"  {name:<22} {jiwer.wer(references, hypotheses):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-wer", action="store_true", help="skip the word error rate part")
    args = parser.parse_args()
    analyser = Analyser(Settings())
    analyser.warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        bench_speed(analyser, Path(tmp))
        if not args.no_wer:
            bench_wer(analyser, Path(tmp))


if __name__ == "__main__":
    main()
