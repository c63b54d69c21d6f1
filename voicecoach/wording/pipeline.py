"""Build, save and load the project's own Dutch spaCy pipeline.

No trained Dutch pipeline can be installed here, so the pipeline is `spacy.blank("nl")` with
the lookup lemmatizer (tables from spacy-lookups-data, serialised into the saved pipeline so
loading needs no extra package) and a sentencizer. Rule components are added on top.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from voicecoach.errors import ModelError
from voicecoach.wording import component  # noqa: F401 - registers the voicecoach_wording factory

PIPELINE_NAME = "voicecoach_nl"


def build_pipeline() -> Language:
    """Create the pipeline from scratch (needs spacy-lookups-data installed)."""
    nlp = spacy.blank("nl")
    # spaCy's Dutch tokenizer keeps "u." together as an initial; in spoken replies it is the
    # pronoun u before a full stop ("Ik begrijp u.") and must be two tokens.
    nlp.tokenizer.rules = {text: rule for text, rule in nlp.tokenizer.rules.items() if text not in ("u.", "U.")}
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "VoiceCoach Dutch rule pipeline: lookup lemmas, sentences, wording rules."
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("voicecoach_wording")
    nlp.initialize()
    return nlp


def save_pipeline(target: Path) -> None:
    """Build and write the pipeline to `target` atomically enough for a re-run to repair it."""
    nlp = build_pipeline()
    staging = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


@lru_cache(maxsize=4)
def load_pipeline(path: Path) -> Language:
    """Load the saved pipeline once per process."""
    if not (path / "config.cfg").is_file():
        raise ModelError(
            f"De spaCy-pijplijn ontbreekt in {path}. Maak hem met: .venv/bin/voicecoach models install",
            code="spacy_missing",
        )
    return spacy.load(path)
