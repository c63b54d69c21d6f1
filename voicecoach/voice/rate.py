"""Speaking rate in syllables per second of speech time (pauses excluded), from word timestamps."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.transcript import Word

PAUSE_SECONDS = 0.3  # a gap between words longer than this is a pause, not articulation
_VOWEL_GROUP = re.compile(r"[äëïöü]?[aeiouyáéíóúàèìòùâêîôû]+|[äëïöü]")
# A trema starts a new syllable ("beëindigen", "geïnteresseerd"), so it is its own group;
# other Dutch vowel clusters (aa, ee, oe, ie, eu, ui, ou, au, ei, ieu, eeu) are one syllable.
_DIGITS = re.compile(r"\d")


def count_syllables(word: str) -> int:
    """Dutch syllable count of one written word (at least 1 for any word with a letter or digit)."""
    lowered = word.lower()
    groups = len(_VOWEL_GROUP.findall(lowered))
    if groups:
        return groups
    digits = len(_DIGITS.findall(lowered))  # "4" said as "vier": one syllable per digit is close enough
    return max(digits, 1 if re.search(r"\w", lowered) else 0)


@dataclass(frozen=True)
class RateMeasure:
    """Articulation rate of a reply."""

    syllables: int
    speech_seconds: float
    pause_seconds: float
    pauses: tuple[tuple[float, float], ...]

    @property
    def syllables_per_second(self) -> float:
        return self.syllables / self.speech_seconds if self.speech_seconds > 0 else 0.0


def measure_rate(words: Sequence[Word]) -> RateMeasure:
    """Syllables over speech time, where speech time is the words' span minus pauses between them."""
    if not words:
        return RateMeasure(0, 0.0, 0.0, ())
    syllables = sum(count_syllables(w.word) for w in words)
    pauses = tuple(
        (previous.end, current.start)
        for previous, current in zip(words, words[1:])
        if current.start - previous.end > PAUSE_SECONDS
    )
    pause_seconds = sum(end - start for start, end in pauses)
    speech_seconds = max(words[-1].end - words[0].start - pause_seconds, 0.0)
    return RateMeasure(syllables, speech_seconds, pause_seconds, pauses)
