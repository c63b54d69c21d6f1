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
    openers: tuple[tuple[str, ...], ...] = ()
    """spoken sentence openers ('nou kijk', 'ja nee'), longest first."""
    not_after_opener: frozenset[str] = frozenset()
    """a word that makes the opener part of what is said ('weet je wat', 'kijk uit', 'ja maar')."""
    attitude_openers: tuple[tuple[str, ...], ...] = ()
    """openers with an attitude but nothing said yet ('nou kijk', 'eerlijk gezegd'), longest first."""


@lru_cache(maxsize=4)
def load_tables(directory: Path = PATTERNS_DIR) -> Tables:
    data = json.loads((directory / "normalise.json").read_text(encoding="utf-8"))
    return Tables(
        fillers=frozenset(data["fillers"]),
        respell=dict(data["respell"]),
        joins={tuple(pieces.split()): word for pieces, word in data["joins"].items()},
        discourse_markers=frozenset(data["discourse_markers"]),
        openers=_longest_first(data["openers"]),
        not_after_opener=frozenset(data["not_after_opener"]),
        attitude_openers=_longest_first(data["attitude_openers"]),
    )


def _longest_first(openers: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(sorted((tuple(opener.split()) for opener in openers), key=len, reverse=True))


def only_markers(text: str, tables: Tables) -> bool:
    """True when `text` holds nothing but fillers and discourse markers ('Eh, nou ja, weet je'),
    none said twice in a row: 'ja ja' and 'nou nou' wave the customer away."""
    words = WORD.findall(text.lower())
    return all(word in tables.fillers | tables.discourse_markers for word in words) and all(
        first != second for first, second in zip(words, words[1:]))


def opener_end(text: str, tables: Tables, min_rest: int, openers: tuple[tuple[str, ...], ...] | None = None) -> int:
    """Where a spoken opener (of `openers`, by default the tables' openers) that starts `text` ends
    ('nou kijk de regels zijn …' → after 'kijk'), when at least `min_rest` words follow it; 0 when
    there is none. Fillers inside it are part of it; a repeat ('ja ja') or a word of `not_after_opener`
    after the longest opener it starts with makes it no opener ('nou ja zeg' is not 'nou' before 'ja zeg')."""
    words = [(match.group(0).lower(), match.end()) for match in WORD.finditer(text)]
    spoken = [(word, end) for word, end in words if word not in tables.fillers]
    said = tuple(word for word, _ in spoken)
    opener = next((opener for opener in (tables.openers if openers is None else openers) if said[: len(opener)] == opener), ())
    rest = said[len(opener):]
    if opener and len(rest) >= min_rest and rest[0] not in tables.not_after_opener and rest[0] != opener[-1]:
        return spoken[len(opener) - 1][1]
    return 0


def only_an_attitude_opener(text: str, tables: Tables) -> bool:
    """True when `text` is one attitude opener and nothing else ('Nou kijk', 'Hoor eens')."""
    said = tuple(word for word in WORD.findall(text.lower()) if word not in tables.fillers)
    return said in tables.attitude_openers


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
