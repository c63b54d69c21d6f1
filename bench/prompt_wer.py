"""Does the scenario's context help Whisper? Word error rate with no prompt, with the scenario as
`initial_prompt`, and with its words as `hotwords`, on the same MBROLA clips in the same run.

    .venv/bin/python bench/prompt_wer.py              # every 4th development reply (82 clips)
    .venv/bin/python bench/prompt_wer.py --step 2     # a larger sample

Clips: the development replies (tests/data/wording_dev.jsonl) spoken as bench/hear_corpus.py
speaks them (MBROLA mb-nl2/mb-nl3 by id, 150 words/min). Each clip is transcribed by the
product's voicecoach.speech.transcribe once per setting, settings interleaved per clip so load on
this shared machine hits them alike. The reply's `setting` names its scenario in scenarios/.
Prompts, built the way the product could build them from a scenario file:
- initial_prompt (setting): the scenario's `setting` paragraph;
- initial_prompt (setting + lines): that plus every customer line (Whisper keeps the last 223 tokens);
- hotwords: the scenario's own words of 5+ letters (setting and lines; those found in at most
  two of the six scenarios), first 60.
Prints WER (jiwer; lowercase, no punctuation), the change against no prompt with a 95 % paired
bootstrap interval over clips, and the mean transcription time per clip.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import jiwer
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hear_corpus import ROOT, read_jsonl, speak, voice_for  # noqa: E402

from voicecoach.config import Settings  # noqa: E402
from voicecoach.scenarios import Scenario, load_scenario  # noqa: E402
from voicecoach.speech.transcribe import load_whisper, transcribe  # noqa: E402
from voicecoach.wording.evaluation import as_speech_recognition_output  # noqa: E402

DEV = ROOT / "tests" / "data" / "wording_dev.jsonl"
# The development replies' `setting` → the scenario written for that setting.
SCENARIO_OF_SETTING = {
    "monteur": "monteur-deur",
    "loket": "gemeente-uitkering",
    "telefoon": "klantenservice-rekening",
    "levering": "late-levering",
    "ruzie": "ruzie-balie",
    "grens": "grens-overschrijden",
}
HOTWORDS_MAX = 60
BOOTSTRAP_ROUNDS = 2000


class _WithHotwords:
    """The loaded model with `hotwords` added to every call, so the product's transcribe() runs as is."""

    def __init__(self, model, hotwords: str) -> None:  # type: ignore[no-untyped-def]
        self._model, self._hotwords = model, hotwords

    def transcribe(self, audio, **options):  # type: ignore[no-untyped-def]
        return self._model.transcribe(audio, hotwords=self._hotwords, **options)


def customer_lines(scenario: Scenario) -> list[str]:
    return [line for phase in scenario.phases for level in sorted(phase.lines) for line in phase.lines[level]]


def scenario_words(scenario: Scenario) -> list[str]:
    """Distinct words of 5+ letters in the setting and the customer lines, in order of appearance."""
    text = " ".join([scenario.setting, *customer_lines(scenario)]).lower()
    return list(dict.fromkeys(re.findall(r"[^\W\d_]{5,}", text)))


def hotwords_of(scenario: Scenario, scenarios: list[Scenario]) -> str:
    """The scenario's own domain words: those found in at most two of all the scenarios."""
    counts = Counter(word for other in scenarios for word in scenario_words(other))
    return " ".join([word for word in scenario_words(scenario) if counts[word] <= 2][:HOTWORDS_MAX])


def settings_for(scenario: Scenario, scenarios: list[Scenario]) -> dict[str, dict[str, str | None]]:
    """Setting name → (initial_prompt, hotwords)."""
    return {
        "none": {"prompt": None, "hotwords": None},
        "initial_prompt (setting)": {"prompt": scenario.setting, "hotwords": None},
        "initial_prompt (setting + lines)": {
            "prompt": " ".join([scenario.setting, *customer_lines(scenario)]),
            "hotwords": None,
        },
        "hotwords": {"prompt": None, "hotwords": hotwords_of(scenario, scenarios)},
    }


def clip_errors(reference: str, hypothesis: str) -> int:
    """Word errors of one clip, so WERs can be pooled and resampled per clip."""
    out = jiwer.process_words(reference, hypothesis)
    return out.substitutions + out.deletions + out.insertions


def bootstrap_interval(base: np.ndarray, other: np.ndarray, words: np.ndarray) -> tuple[float, float]:
    """95 % interval of pooled WER(other) - WER(base), resampling clips (paired)."""
    rng = np.random.default_rng(20261125)
    picks = rng.integers(0, len(words), size=(BOOTSTRAP_ROUNDS, len(words)))
    diffs = (other[picks].sum(axis=1) - base[picks].sum(axis=1)) / words[picks].sum(axis=1)
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float(low), float(high)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", type=int, default=4, help="take every Nth development reply")
    args = parser.parse_args()
    settings = Settings()
    model = load_whisper(settings.whisper_model, settings.compute_type, settings.cpu_threads)
    scenarios = {name: load_scenario(ROOT / "scenarios" / f"{name}.yaml") for name in SCENARIO_OF_SETTING.values()}
    rows = read_jsonl(DEV)[:: args.step]
    errors: dict[str, list[int]] = {}
    seconds: dict[str, list[float]] = {}
    words: list[int] = []
    print(f"{len(rows)} clips (every {args.step}th development reply), {settings.cpu_threads} threads", flush=True)
    with tempfile.TemporaryDirectory(prefix="prompt-wer-") as tmp:
        for index, row in enumerate(rows, start=1):
            samples = speak(row["text"], voice_for(row["id"]), Path(tmp))
            reference = as_speech_recognition_output(row["text"])
            words.append(len(reference.split()))
            for name, choice in settings_for(scenarios[SCENARIO_OF_SETTING[row["setting"]]], list(scenarios.values())).items():
                runner = _WithHotwords(model, choice["hotwords"]) if choice["hotwords"] else model
                started = time.perf_counter()
                heard = transcribe(runner, samples, initial_prompt=choice["prompt"]).text
                seconds.setdefault(name, []).append(time.perf_counter() - started)
                errors.setdefault(name, []).append(clip_errors(reference, as_speech_recognition_output(heard)))
            if index % 10 == 0:
                print(f"  {index}/{len(rows)}", flush=True)
    word_array = np.array(words)
    base = np.array(errors["none"])
    print(f"\n{'setting':<34} {'WER':>6} {'vs none':>8} {'95 % interval':>17} {'s/clip':>7}")
    for name, counts in errors.items():
        wer = sum(counts) / word_array.sum()
        change = wer - base.sum() / word_array.sum()
        interval = ""
        if name != "none":
            low, high = bootstrap_interval(base, np.array(counts), word_array)
            interval = f"[{low:+.3f}, {high:+.3f}]"
        print(f"{name:<34} {wer:>6.3f} {change:>+8.3f} {interval:>17} "
              f"{statistics.mean(seconds[name]):>7.2f}")


if __name__ == "__main__":
    main()
