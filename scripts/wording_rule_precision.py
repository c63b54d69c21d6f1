"""Which wording rules overfire: each rule's precision on the labelled replies it was not tuned on.

    .venv/bin/python scripts/wording_rule_precision.py [--label aanjager] [--worst 25]

Runs the rules alone (no model) over the training files and dev (never the frozen test split), in
the three forms a transcript takes (as written, lowercase without punctuation, Whisper-heard where
present), and counts per rule how often the label it gives is in the reply's gold labels (a true
hit) or not (a false hit). Rules do not learn, so these are out-of-sample figures for every file
the rules were not written from. Sorted by false hits; a rule with many false hits on look-alikes
(the hard negatives of wording_train_d.jsonl) is a candidate for a tighter pattern or a check.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wording_files import DATA, labelled_files  # noqa: E402
from voicecoach.wording.classify import WordingClassifier  # noqa: E402
from voicecoach.wording.evaluation import as_speech_recognition_output, gold_labels, load_labelled  # noqa: E402
from voicecoach.wording.pipeline import build_pipeline  # noqa: E402

FILES = {name: files for name, files in labelled_files().items() if name != "test"}  # never the test split


def forms(name: str) -> list[tuple[str, str, set[str]]]:
    """(form, text, gold labels) for every reply of one file in every available form."""
    labelled, heard_names = FILES[name]
    if not (DATA / labelled).is_file():
        return []
    heard = {r["id"]: r["heard"] for n in heard_names if (DATA / "heard" / n).is_file()
             for r in load_labelled(DATA / "heard" / n)}
    result = []
    for row in load_labelled(DATA / labelled):
        gold = gold_labels(row)
        result += [("written", row["text"], gold), ("lowercase", as_speech_recognition_output(row["text"]), gold)]
        if row["id"] in heard:
            result.append(("heard", heard[row["id"]], gold))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="aanjager", help="only rules of this label ('' for all)")
    parser.add_argument("--worst", type=int, default=25)
    args = parser.parse_args()
    classifier = WordingClassifier(build_pipeline(), use_model=False)
    true_hits: Counter[tuple[str, str]] = Counter()
    false_hits: Counter[tuple[str, str]] = Counter()
    for name in FILES:
        data = forms(name)
        for (form, _, gold), hits in zip(data, classifier.classify_many([text for _, text, _ in data])):
            for rule in {(hit.rule, hit.label) for hit in hits if not args.label or hit.label == args.label}:
                (true_hits if rule[1] in gold else false_hits)[(rule[0], f"{name}/{form}")] += 1
    rules = {rule for rule, _ in [*true_hits, *false_hits]}
    columns = [f"{name}/{form}" for name in FILES for form in ("written", "lowercase", "heard")]
    total = {rule: (sum(true_hits[(rule, c)] for c in columns), sum(false_hits[(rule, c)] for c in columns)) for rule in rules}
    print(f"{'rule':<44} {'true':>5} {'false':>5} {'P':>5}   false hits per file (written+lowercase+heard)")
    for rule in sorted(rules, key=lambda r: (-total[r][1], r))[:args.worst]:
        tp, fp = total[rule]
        per_file = ", ".join(
            f"{name} {n}" for name in FILES
            if (n := sum(false_hits[(rule, f'{name}/{form}')] for form in ('written', 'lowercase', 'heard')))
        )
        print(f"{rule:<44} {tp:>5} {fp:>5} {tp / (tp + fp):>5.2f}   {per_file}")


if __name__ == "__main__":
    main()
