"""Measure the wording rules on a labelled set: per-label precision, recall and F1."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voicecoach.wording.classify import WordingHit
from voicecoach.wording.rules import AANJAGER

HEADLINE_LABELS = ("ik_boodschap", "gedrag_benoemen", "open_vraag", AANJAGER)


@dataclass(frozen=True)
class LabelScore:
    label: str
    support: int
    precision: float
    recall: float
    f1: float


def load_labelled(path: Path) -> list[dict]:
    """JSONL rows {"text", "setting", "labels"}; labels are names or "aanjager:subtype"."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def as_speech_recognition_output(text: str) -> str:
    """The lowercase, punctuation-free form a bare speech recogniser gives."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s'-]", " ", text.lower())).strip()


def predicted_labels(hits: Sequence[WordingHit]) -> set[str]:
    """Label names present, plus "aanjager:subtype" for each accelerator kind."""
    labels = {hit.label for hit in hits}
    labels |= {f"{AANJAGER}:{hit.subtype}" for hit in hits if hit.label == AANJAGER}
    return labels


def gold_labels(row: dict) -> set[str]:
    labels = set(row["labels"])
    if any(label.startswith(f"{AANJAGER}:") for label in labels):
        labels.add(AANJAGER)
    return labels


def score(gold: Sequence[set[str]], predicted: Sequence[set[str]], labels: Sequence[str]) -> list[LabelScore]:
    result = []
    for label in labels:
        tp = sum(label in g and label in p for g, p in zip(gold, predicted))
        fp = sum(label not in g and label in p for g, p in zip(gold, predicted))
        fn = sum(label in g and label not in p for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.append(LabelScore(label, tp + fn, precision, recall, f1))
    return result


def macro_f1(scores: Sequence[LabelScore]) -> float:
    return sum(s.f1 for s in scores) / len(scores)
