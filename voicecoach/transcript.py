"""What a recogniser heard: words with times, and the transcript of one reply.

A leaf module: wording, voice and coaching read transcripts without importing the speech engine.
The turn record keeps these same shapes (voicecoach/turn_record.py).
"""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

from voicecoach.shape import Shape


# A pydantic dataclass (not a model): the recogniser builds thousands positionally.
@dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Word:
    """One recognised word; times in seconds from the start of the audio."""

    word: str
    start: float
    end: float
    probability: float


class Transcript(Shape):
    """The recognised text of one reply."""

    text: str
    language: str
    words: tuple[Word, ...]
    dropped_segments: tuple[str, ...] = ()
    """Segments rejected as hallucinations or loops (kept for the coach to see)."""
