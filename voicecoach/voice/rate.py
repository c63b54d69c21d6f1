"""Speaking rate in syllables per second of speech time (pauses excluded), from word timestamps.

A word Whisper gives far more time than its syllables take is not timed: Whisper drops words it
misses in hurried speech and stretches a neighbour over their time ("Ik begrijp dat u boos bent, dat
is heel vervelend" at 200 words a minute was heard as "Dat is heel vervelend", "heel" over 0,9 s,
and the reply read 6 % faster than calm where it was 33 % faster, a test session). Its time and its
syllables are left out of the rate (they still count as speech: no pause is invented)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.transcript import Word

PAUSE_SECONDS = 0.3  # a gap between words longer than this is a pause, not articulation
# A word longer than this is stretched over speech Whisper did not write down: a syllable takes
# 0,1-0,3 s, and a drawn-out one-syllable word ("nee", "hoor") stays under half a second.
STRETCHED_BASE_S = 0.3
STRETCHED_PER_SYLLABLE_S = 0.2
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
    """Articulation rate of a reply; `untimed_*`: the stretched words' syllables and seconds."""

    syllables: int
    speech_seconds: float
    pause_seconds: float
    pauses: tuple[tuple[float, float], ...]
    untimed_syllables: int = 0
    untimed_seconds: float = 0.0

    @property
    def syllables_per_second(self) -> float:
        seconds = self.speech_seconds - self.untimed_seconds
        return (self.syllables - self.untimed_syllables) / seconds if seconds > 0 else 0.0


def is_stretched(word: Word, syllables: int) -> bool:
    return word.end - word.start > STRETCHED_BASE_S + STRETCHED_PER_SYLLABLE_S * syllables


def measure_rate(words: Sequence[Word]) -> RateMeasure:
    """Syllables over speech time, where speech time is the words' span minus pauses between them
    (stretched words left out of both)."""
    if not words:
        return RateMeasure(0, 0.0, 0.0, ())
    counts = [count_syllables(w.word) for w in words]
    stretched = [(w, n) for w, n in zip(words, counts) if is_stretched(w, n)]
    pauses = tuple(
        (previous.end, current.start)
        for previous, current in zip(words, words[1:])
        if current.start - previous.end > PAUSE_SECONDS
    )
    pause_seconds = sum(end - start for start, end in pauses)
    speech_seconds = max(words[-1].end - words[0].start - pause_seconds, 0.0)
    return RateMeasure(sum(counts), speech_seconds, pause_seconds, pauses,
                       untimed_syllables=sum(n for _, n in stretched),
                       untimed_seconds=sum(w.end - w.start for w, _ in stretched))
