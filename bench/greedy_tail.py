"""Would greedy decoding of the last phrase make feedback after Stop fast enough? (issue 15)

    .venv/bin/python bench/greedy_tail.py

On the streaming path the last phrase's beam-5 pass is what is left after Stop when the trainee
presses it with their last word. This decodes the 48 MBROLA replies of bench/data phrase by phrase
as VoiceCoach does, then the last phrase once more with beam 5 and with beam 1 (greedy), and prints
the last phrase's time for each and the word error rate of the whole reply with its last phrase
greedy (and every phrase greedy) against all beam 5, in the same run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import jiwer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import voicecoach.speech.transcribe as transcription  # noqa: E402
from bench.latency import VOICES, load_replies, normalise, speak  # noqa: E402
from voicecoach.config import Settings  # noqa: E402
from voicecoach.speech.phrases import Phrase, reply_phrases  # noqa: E402


def decoded(model, samples, phrases: list[Phrase], beam: int) -> list[transcription.PhraseText]:  # type: ignore[no-untyped-def]
    transcription.BEAM_SIZE = beam  # the module's decoding choice, read at every call
    return [transcription.transcribe_phrase(model, samples, phrase) for phrase in phrases]


def timed(function) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    settings = Settings()
    model = transcription.load_whisper(settings.whisper_model, settings.compute_type, settings.cpu_threads)
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {settings.cpu_threads} thread(s), {settings.compute_type}")
    references: list[str] = []
    texts: dict[str, list[str]] = {"beam 5": [], "last phrase greedy": [], "every phrase greedy": []}
    seconds: dict[int, list[float]] = {5: [], 1: []}
    joined = lambda parts: normalise(" ".join(text for part in parts for text in part.texts))  # noqa: E731
    with tempfile.TemporaryDirectory() as folder:
        for index, reply in enumerate(load_replies()):
            samples = speak(reply, Path(folder) / f"reply-{index}.wav", VOICES[index % 2])
            phrases = list(reply_phrases(samples, None))
            references.append(normalise(reply))
            beam5, greedy = decoded(model, samples, phrases, 5), decoded(model, samples, phrases, 1)
            for beam in seconds:
                seconds[beam].append(timed(lambda: decoded(model, samples, phrases[-1:], beam)))  # noqa: B023
            texts["beam 5"].append(joined(beam5))
            texts["last phrase greedy"].append(joined(beam5[:-1] + greedy[-1:]))
            texts["every phrase greedy"].append(joined(greedy))
    transcription.BEAM_SIZE = 5
    count = len(references)
    print(f"last phrase's pass, median of {count} (max): beam 5 {statistics.median(seconds[5]):.3f} s "
          f"({max(seconds[5]):.3f}), greedy {statistics.median(seconds[1]):.3f} s ({max(seconds[1]):.3f})")
    for name, hypotheses in texts.items():
        print(f"word error rate, {name:<20} {jiwer.wer(references, hypotheses):.3f}")


if __name__ == "__main__":
    main()
