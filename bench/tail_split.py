"""Would keeping the guess made at a pause *inside* the last phrase leave less for after Stop? (issue 15)

    .venv/bin/python bench/tail_split.py

A live guess (streaming/speculative.py) is made at every pause of 0.2 s; when the trainee speaks on,
it is dropped and the phrase is passed whole once it settles or at Stop. The idea measured here:
keep the latest such guess as the phrase's head, so that Stop leaves only the tail (speech after
that pause) — alone, or with the head's words as Whisper's `initial_prompt` for context. This cuts
the last phrase of each of the 48 MBROLA replies of bench/data (and of the 10 s and 40 s replies
of bench/latency.py) where the live guess would have cut it (its latest pause of PAUSE_S with
speech after it; the guess's span ends LAG_S after the speech, when the look saw the pause), and
prints the word error rate of the whole replies and the time of the last pass, in the same run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import jiwer
import numpy as np
from faster_whisper.vad import get_speech_timestamps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency import VOICES, load_replies, normalise, reply_of, speak  # noqa: E402
from voicecoach.config import Settings  # noqa: E402
from voicecoach.speech.phrases import SAMPLE_RATE, Phrase, find_phrases  # noqa: E402
from voicecoach.speech.transcribe import load_whisper, transcribe_phrase  # noqa: E402
from voicecoach.streaming.speculative import PAUSE_VAD  # noqa: E402

LAG_S = 0.3  # the guessed span ends this long after the speech: the look that saw a 0.2 s pause


def head_end(samples: np.ndarray, phrase: Phrase) -> int | None:
    """Where the latest guess inside `phrase` would have ended (None: no pause with speech after it)."""
    chunks = get_speech_timestamps(samples[phrase.start : phrase.end], PAUSE_VAD, SAMPLE_RATE)
    ends = [phrase.start + chunk["end"] + int(LAG_S * SAMPLE_RATE) for chunk in chunks[:-1]]
    ends = [end for end in ends if end < phrase.start + chunks[-1]["start"]]
    return ends[-1] if ends else None


def words(model, samples: np.ndarray, phrase: Phrase, prompt: str | None = None) -> tuple[str, float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    text = " ".join(transcribe_phrase(model, samples, phrase, initial_prompt=prompt).texts)
    return text, time.perf_counter() - started


def main() -> None:
    settings = Settings()
    model = load_whisper(settings.whisper_model, settings.compute_type, settings.cpu_threads)
    print(f"{time.strftime('%Y-%m-%d %H:%M')} UTC, {settings.cpu_threads} thread(s), {settings.compute_type}")
    texts: dict[str, list[str]] = {"whole": [], "tail alone": [], "tail with the head as prompt": []}
    seconds: dict[str, list[float]] = {name: [] for name in texts}
    references: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        replies = load_replies()
        clips = [(reply, speak(reply, Path(folder) / f"r{i}.wav", VOICES[i % 2])) for i, reply in enumerate(replies)]
        long_clips = [(f"{s} s", reply_of(s, replies, Path(folder))) for s in (10, 40)]
        for reference, samples in [*clips, *long_clips]:
            phrases = find_phrases(samples)
            before = [words(model, samples, phrase)[0] for phrase in phrases[:-1]]
            last = phrases[-1]
            whole, whole_s = words(model, samples, last)
            cut = head_end(samples, last)
            if reference.endswith(" s"):
                tail_s = words(model, samples, Phrase(cut, last.end))[1] if cut else None
                print(f"{reference} reply: last phrase {last.end_s - last.start_s:.1f} s, pass {whole_s:.3f} s; "
                      + (f"tail {(last.end - cut) / SAMPLE_RATE:.1f} s, pass {tail_s:.3f} s" if cut else "no pause inside it"))
                continue
            references.append(normalise(reference))
            texts["whole"].append(normalise(" ".join([*before, whole])))
            if cut is None:
                texts["tail alone"].append(texts["whole"][-1])
                texts["tail with the head as prompt"].append(texts["whole"][-1])
                continue
            seconds["whole"].append(whole_s)
            head, _ = words(model, samples, Phrase(last.start, cut))
            alone = words(model, samples, Phrase(cut, last.end))
            seconds["tail alone"].append(alone[1])
            prompted = words(model, samples, Phrase(cut, last.end), head)
            seconds["tail with the head as prompt"].append(prompted[1])
            texts["tail alone"].append(normalise(" ".join([*before, head, alone[0]])))
            texts["tail with the head as prompt"].append(normalise(" ".join([*before, head, prompted[0]])))
    print(f"{len(seconds['whole'])} of {len(references)} replies have a pause inside their last phrase")
    for name, hypotheses in texts.items():
        median = statistics.median(seconds[name]) if seconds[name] else float("nan")
        print(f"{name:<30} word error rate {jiwer.wer(references, hypotheses):.3f}   last pass, median of the cut ones {median:.3f} s")


if __name__ == "__main__":
    main()
