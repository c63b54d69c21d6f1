"""Wording: per-label precision, recall and F1 for rules alone, the model alone and the fused
result, on the three forms of a reply; p50/p95 time per reply on one core; memory.

    .venv/bin/python bench/wording.py [--split dev|train|train_c|…|test]  (train_<x>: every wording_train_<x>.jsonl)
    .venv/bin/python bench/wording.py --file SET.jsonl [--heard HEARD.jsonl]  (a set kept outside the repo)

A set kept outside the repository ({"id", "text", "labels"} a line, labels as tests/data/README.md
defines them) is measured the same way; its heard form comes from
`bench/hear_corpus.py --out-dir DIR SET.jsonl` (then `--heard DIR/SET.jsonl`).

Forms: as written; lowercase without punctuation (what a bare recogniser gives); as the bundled
Whisper base heard it spoken by the MBROLA Dutch voices (tests/data/heard/, made by the corpus
tooling; rows without a heard form are left out of that form and the count says so).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

os.environ["OMP_NUM_THREADS"] = "1"  # one core, as a worker runs it
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.wording_files import DATA, labelled_files  # noqa: E402
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
from voicecoach.wording.rules import AANJAGER, AANJAGER_SUBTYPES, LABELS  # noqa: E402

SPLITS = {name: files for name, files in labelled_files().items() if name != "guide"}
BENIGN = DATA / "wording_benign.jsonl"
ALL_LABELS = [*LABELS, *(f"{AANJAGER}:{s}" for s in AANJAGER_SUBTYPES)]
SYSTEMS = ("rules", "model", "fused")


def heard_forms(paths: list[Path]) -> dict[str, str]:
    heard: dict[str, str] = {}
    for path in paths:
        if path.is_file():
            heard.update({row["id"]: row["heard"] for row in load_labelled(path)})
    return heard


def predictions(classifier: WordingClassifier, texts: list[str]) -> dict[str, list[set[str]]]:
    result: dict[str, list[set[str]]] = {system: [] for system in SYSTEMS}
    for doc, text in zip(classifier.nlp.pipe(texts, batch_size=256), texts):
        rules, (model, best) = classifier.rule_hits(doc), classifier.model_opinion(text)
        result["rules"].append(predicted_labels(rules))
        result["model"].append(predicted_labels(model))
        result["fused"].append(predicted_labels(classifier.fuse(text, rules, model, best)))
    return result


def report(form: str, gold: list[set[str]], predicted: dict[str, list[set[str]]]) -> None:
    scores = {system: score(gold, predicted[system], ALL_LABELS) for system in SYSTEMS}
    print(f"\n{len(gold)} replies, {form}")
    print(f"  {'label':<36} {'n':>4} " + " ".join(f"{s + ' P/R/F1':>17}" for s in SYSTEMS))
    for row, label in enumerate(ALL_LABELS):
        cells = " ".join(
            f"{scores[s][row].precision:>5.2f} {scores[s][row].recall:>5.2f} {scores[s][row].f1:>5.2f}" for s in SYSTEMS
        )
        print(f"  {label:<36} {scores['rules'][row].support:>4} {cells}")
    for system in SYSTEMS:
        headline = macro_f1([s for s in scores[system] if s.label in HEADLINE_LABELS])
        overall = macro_f1([s for s in scores[system] if s.label in LABELS])
        aanjager = next(s for s in scores[system] if s.label == AANJAGER)
        print(f"  {system:<6} macro-F1 {headline:.4f} over {', '.join(HEADLINE_LABELS)}; {overall:.4f} over all "
              f"{len(LABELS)} labels; aanjager P {aanjager.precision:.3f} R {aanjager.recall:.3f}")


def fine_replies(classifier: WordingClassifier) -> None:
    """Everyday replies with no aanjager at all (tests/data/wording_benign.jsonl): each one given an
    aanjager costs a trainee -3 for a good or plain reply."""
    texts = [row["text"] for row in load_labelled(BENIGN)]
    for form, shown in (("as written", texts), ("lowercase, no punctuation", [as_speech_recognition_output(t) for t in texts])):
        flagged = [t for t, hits in zip(shown, classifier.classify_many(shown)) if any(h.label == AANJAGER for h in hits)]
        print(f"\nfine everyday replies, {form}: {len(flagged)} of {len(texts)} given an aanjager"
              + "".join(f"\n  {text}" for text in flagged))


def timing(classifier: WordingClassifier, texts: list[str]) -> None:
    for text in texts[:50]:
        classifier.classify(text)  # warm
    times = []
    for text in texts:
        started = time.perf_counter()
        classifier.classify(text)
        times.append(time.perf_counter() - started)
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(f"\ntime per reply (rules + model, one core, {len(times)} replies): p50 {p50 * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--file", type=Path, help="a labelled JSONL kept outside the repository (instead of --split)")
    parser.add_argument("--heard", type=Path, help="--file's heard forms, as bench/hear_corpus.py writes them")
    args = parser.parse_args()
    if args.file is not None:
        split, rows, heard = args.file.name, load_labelled(args.file), heard_forms([args.heard] if args.heard else [])
    else:
        split = args.split
        labelled, heard_names = SPLITS[split]
        rows, heard = load_labelled(DATA / labelled), heard_forms([DATA / "heard" / name for name in heard_names])

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    classifier = WordingClassifier(load_pipeline(Settings().spacy_model))
    classifier.classify("Ik begrijp dat u boos bent, maar dat is nou eenmaal ons beleid.")
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"split {split}: {len(rows)} replies; loading rules and model added {grown:.0f} MB to this process")

    gold = [gold_labels(r) for r in rows]
    report("as written", gold, predictions(classifier, [r["text"] for r in rows]))
    report("lowercase, no punctuation", gold, predictions(classifier, [as_speech_recognition_output(r["text"]) for r in rows]))
    with_heard = [r for r in rows if r["id"] in heard]
    if with_heard:
        report(f"as Whisper base heard it (MBROLA voices; {len(rows) - len(with_heard)} rows without a heard form)",
               [gold_labels(r) for r in with_heard], predictions(classifier, [heard[r["id"]] for r in with_heard]))
    else:
        print("\nno Whisper-heard forms found for this set")
    if args.file is None:
        fine_replies(classifier)
    timing(classifier, [r["text"] for r in rows])


if __name__ == "__main__":
    main()
