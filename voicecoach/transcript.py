"""What a recogniser heard: words with times, and the transcript of one reply.

A leaf module: wording, voice and coaching read transcripts without importing the speech engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """One recognised word; times in seconds from the start of the audio."""

    word: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Transcript:
    """The recognised text of one reply."""

    text: str
    language: str
    words: tuple[Word, ...]
    dropped_segments: tuple[str, ...] = field(default=())
    """Segments rejected as hallucinations or loops (kept for the coach to see)."""

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "language": self.language,
            "words": [
                {"word": w.word, "start": w.start, "end": w.end, "probability": w.probability}
                for w in self.words
            ],
            "dropped_segments": list(self.dropped_segments),
        }
