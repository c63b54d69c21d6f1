"""Transcript normalisation before rules and model: fillers out, split and joined words repaired,
frequent mishearings respelled.

The tables are data (`patterns/normalise.json`, each with its provenance). Work is per word, and
every output word remembers the input words it came from, so a hit maps back to what was said.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from voicecoach.wording.rules import PATTERNS_DIR

WORD = re.compile(r"[\w'-]+")
MAX_JOIN = 3  # a split word is repaired from at most this many recognised pieces


@dataclass(frozen=True)
class Tables:
    fillers: frozenset[str]
    respell: dict[str, str]
    """one heard word → the meant word(s), space-separated when a joined word is split."""
    joins: dict[tuple[str, ...], str]
    """heard pieces → the one meant word."""
    discourse_markers: frozenset[str] = frozenset()
    """words that alone make no statement ('nou ja', 'ja hè', 'weet je')."""


@lru_cache(maxsize=4)
def load_tables(directory: Path = PATTERNS_DIR) -> Tables:
    data = json.loads((directory / "normalise.json").read_text(encoding="utf-8"))
    return Tables(
        fillers=frozenset(data["fillers"]),
        respell=dict(data["respell"]),
        joins={tuple(pieces.split()): word for pieces, word in data["joins"].items()},
        discourse_markers=frozenset(data["discourse_markers"]),
    )


def only_markers(text: str, tables: Tables) -> bool:
    """True when `text` holds nothing but fillers and discourse markers ('Eh, nou ja, weet je'),
    none said twice in a row: 'ja ja' and 'nou nou' wave the customer away."""
    words = WORD.findall(text.lower())
    return all(word in tables.fillers | tables.discourse_markers for word in words) and all(
        first != second for first, second in zip(words, words[1:]))


def normalise_words(words: list[str], tables: Tables) -> list[tuple[str, int, int]]:
    """(word, first input index, last input index) for each normalised word, lowercased."""
    lowered = [word.lower() for word in words]
    result: list[tuple[str, int, int]] = []
    index = 0
    while index < len(lowered):
        joined = _join_at(lowered, index, tables)
        if joined:
            word, length = joined
            result.append((word, index, index + length - 1))
            index += length
            continue
        word = lowered[index]
        if word not in tables.fillers:
            for piece in tables.respell.get(word, word).split():
                result.append((piece, index, index))
        index += 1
    return result


def _join_at(words: list[str], index: int, tables: Tables) -> tuple[str, int] | None:
    for length in range(MAX_JOIN, 1, -1):
        pieces = tuple(words[index : index + length])
        if len(pieces) == length and pieces in tables.joins:
            return tables.joins[pieces], length
    return None


def normalise_text(text: str, tables: Tables | None = None) -> str:
    """Lowercase words without punctuation, normalised: what the model reads."""
    tables = tables or load_tables()
    return " ".join(word for word, _, _ in normalise_words(WORD.findall(text), tables))
