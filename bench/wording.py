"""Wording rules: per-label precision/recall/F1 on the development set, and throughput.

    .venv/bin/python bench/wording.py

Throughput is replies per second on one core (spaCy runs single-threaded here), printed next to
a plain regular-expression baseline measured in the same run on the same replies.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicecoach.config import Settings  # noqa: E402
from voicecoach.wording.classify import WordingClassifier  # noqa: E402
from voicecoach.wording.evaluation import (  # noqa: E402
    HEADLINE_LABELS,
    as_speech_recognition_output,
    gold_labels,
    load_labelled,
    macro_f1,
    predicted_labels,
    score,
)
from voicecoach.wording.pipeline import load_pipeline  # noqa: E402
from voicecoach.wording.rules import AANJAGER_SUBTYPES, REMMER_LABELS  # noqa: E402

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "wording_dev.jsonl"
REPEAT_TO = 5000  # replies timed per method

# The plain baseline: one regular expression per headline label, as a first attempt would write.
BASELINE = {
    "ik_boodschap": re.compile(r"\bik (merk|zie|hoor|vind|voel|wil|begrijp|snap|ben het)\b", re.I),
    "gedrag_benoemen": re.compile(r"\b(u|je) (schreeuwt|onderbreekt|scheldt|verheft|roept|slaat)\b|wat u nu doet", re.I),
    "open_vraag": re.compile(r"^(wat|hoe|waarom|wanneer|waar|welke|wie)\b|\bvertellen\b", re.I),
    "aanjager": re.compile(r"rustig aan|doe (eens )?normaal|u zit ernaast|dat is niet zo|u bent (niet )?\w+|zoek het|altijd|nooit", re.I),
}


def baseline_labels(text: str) -> set[str]:
    return {label for label, pattern in BASELINE.items() if pattern.search(text)}


def main() -> None:
    rows = load_labelled(DEV_SET)
    classifier = WordingClassifier(load_pipeline(Settings().spacy_model))
    labels = [*REMMER_LABELS, "aanjager", *(f"aanjager:{s}" for s in AANJAGER_SUBTYPES)]
    gold = [gold_labels(r) for r in rows]
    for name, transform in (("as written", lambda t: t), ("lowercase, no punctuation", as_speech_recognition_output)):
        texts = [transform(r["text"]) for r in rows]
        predicted = [predicted_labels(h) for h in classifier.classify_many(texts)]
        scores = score(gold, predicted, labels)
        headline = macro_f1([s for s in scores if s.label in HEADLINE_LABELS])
        base = macro_f1(score(gold, [baseline_labels(t) for t in texts], HEADLINE_LABELS))
        print(f"\n{len(rows)} replies, {name}: macro-F1 over {', '.join(HEADLINE_LABELS)} = {headline:.3f} "
              f"(regex baseline {base:.3f})")
        print(f"  {'label':<38} {'n':>4} {'P':>5} {'R':>5} {'F1':>5}")
        for s in scores:
            print(f"  {s.label:<38} {s.support:>4} {s.precision:>5.2f} {s.recall:>5.2f} {s.f1:>5.2f}")

    texts = [r["text"] for r in rows] * (REPEAT_TO // len(rows) + 1)
    texts = texts[:REPEAT_TO]
    classifier.classify_many(texts[:200])  # warm
    started = time.perf_counter()
    classifier.classify_many(texts)
    rules_rate = len(texts) / (time.perf_counter() - started)
    started = time.perf_counter()
    for text in texts:
        baseline_labels(text)
    regex_rate = len(texts) / (time.perf_counter() - started)
    print(f"\nthroughput on one core, {len(texts)} replies: rules {rules_rate:,.0f} replies/s, "
          f"regex baseline {regex_rate:,.0f} replies/s (rules take {regex_rate / rules_rate:.0f}x the time)")


if __name__ == "__main__":
    main()
