"""`voicecoach classify --jsonl`: one reply per line on stdin, one JSON object per line on stdout."""

from __future__ import annotations

import json
import sys

import typer

from voicecoach.config import get_settings
from voicecoach.errors import VoiceCoachError

BATCH = 256


def classify(
    jsonl: bool = typer.Option(True, "--jsonl/--no-jsonl", help="JSON per regel (standaard)."),
) -> None:
    """Herken conflictremmers en conflictaanjagers in getypte antwoorden (één per regel op stdin)."""
    from voicecoach.wording.classify import WordingClassifier  # spaCy: only for this command
    from voicecoach.wording.pipeline import load_pipeline

    try:
        classifier = WordingClassifier(load_pipeline(get_settings().spacy_model))
    except VoiceCoachError as error:
        print(json.dumps({"error": error.to_dict()}, ensure_ascii=False))
        raise typer.Exit(2) from error
    texts = [line.rstrip("\n") for line in sys.stdin]
    for text, hits in zip(texts, classifier.classify_many(texts, batch_size=BATCH)):
        record = {
            "text": text,
            # label, subtype, rule, start, end, text, source first (the stable shape), then the evidence
            "hits": [hit.model_dump(mode="json", exclude={"seconds"}) for hit in hits],
            "suggestions": [s.model_dump(mode="json") for s in classifier.suggestions(hits)],
        }
        print(json.dumps(record, ensure_ascii=False, indent=None if jsonl else 2))
