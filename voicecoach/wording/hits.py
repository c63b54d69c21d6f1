"""What the wording stage finds: a hit (label, words, why) and a rewrite suggestion.

A leaf of the wording stage (pydantic only), so the turn record keeps these same shapes without
loading spaCy or the model.
"""

from __future__ import annotations

from typing import Literal

from voicecoach.shape import Round3, Shape


class WordingHit(Shape):
    """One wording hit: the words (character span) that caused it, and why it counts."""

    label: str
    subtype: str
    rule: str
    start: int
    end: int
    text: str
    source: str
    source_title: str
    explanation: str
    seconds: tuple[float, float] | None = None
    """The recognised words' times (kept as the recogniser gave them)."""
    method: Literal["rule", "model"] = "rule"
    """"rule" (a rule matched these words) or "model" (the second opinion: the clause it fired on)."""
    probability: Round3 | None = None
    nearest_example: str | None = None
    """For a model hit: id of the most similar labelled training example."""

    def overlaps(self, other: WordingHit) -> bool:
        """Whether the two hits share any of the reply's characters."""
        return self.start < other.end and other.start < self.end

    def lies_within(self, other: WordingHit) -> bool:
        """Whether all of this hit's words are among `other`'s."""
        return other.start <= self.start and self.end <= other.end


class Suggestion(Shape):
    """A Dutch rewrite for one aanjager hit."""

    rule: str
    subtype: str
    text: str
    suggestion: str
