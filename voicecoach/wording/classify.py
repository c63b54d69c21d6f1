"""Classify a reply's wording: hits with label, rule, span and seed source, plus rewrite suggestions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from voicecoach.speech.transcribe import Word
from voicecoach.wording.component import SPAN_KEY, WordingRules
from voicecoach.wording.rules import AANJAGER


@dataclass(frozen=True)
class WordingHit:
    """One rule match: the words (character span) that caused it, and why it counts."""

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

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "subtype": self.subtype,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "source": self.source,
            "source_title": self.source_title,
            "explanation": self.explanation,
            "seconds": list(self.seconds) if self.seconds else None,
        }


@dataclass(frozen=True)
class Suggestion:
    """A Dutch rewrite for one aanjager hit."""

    rule: str
    subtype: str
    text: str
    suggestion: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "subtype": self.subtype, "text": self.text, "suggestion": self.suggestion}


class WordingClassifier:
    """Wraps the loaded pipeline; thread-safe for reading (spaCy components hold no per-call state)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.rules: WordingRules = nlp.get_pipe("voicecoach_wording")

    def classify(self, text: str) -> list[WordingHit]:
        return self._hits(self.nlp(text))

    def classify_many(self, texts: Iterable[str], batch_size: int = 256) -> list[list[WordingHit]]:
        return [self._hits(doc) for doc in self.nlp.pipe(texts, batch_size=batch_size)]

    def suggestions(self, hits: Sequence[WordingHit]) -> list[Suggestion]:
        """One rewrite per aanjager hit: the rule's own, else the subtype's (both from the rule data)."""
        result = []
        for hit in hits:
            if hit.label != AANJAGER:
                continue
            rule = self.rules.rules[hit.rule.split("+")[0]]
            text = rule.suggestion or self.rules.suggestions[hit.subtype]
            result.append(Suggestion(rule=hit.rule, subtype=hit.subtype, text=hit.text, suggestion=text))
        return result

    def _hits(self, doc: Doc) -> list[WordingHit]:
        hits = []
        for span in doc.spans[SPAN_KEY]:
            rule, subtype = self.rules.rule_for(span)
            hits.append(
                WordingHit(
                    label=span.label_,
                    subtype=subtype,
                    rule=span.id_,
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                    source=rule.source,
                    source_title=rule.source_title,
                    explanation=rule.explanation,
                )
            )
        return hits


def with_word_times(hits: Sequence[WordingHit], text: str, words: Sequence[Word]) -> list[WordingHit]:
    """Give each hit the start and end seconds of the recognised words its characters cover."""
    offsets = _word_offsets(text, words)
    timed = []
    for hit in hits:
        covered = [word for (start, end), word in zip(offsets, words) if start < hit.end and hit.start < end]
        seconds = (covered[0].start, covered[-1].end) if covered else None
        timed.append(WordingHit(**{**hit.__dict__, "seconds": seconds}))
    return timed


def _word_offsets(text: str, words: Sequence[Word]) -> list[tuple[int, int]]:
    """Character span of each word inside `text` (the transcript text joins the words in order)."""
    offsets, cursor = [], 0
    for word in words:
        found = text.find(word.word, cursor)
        if found < 0:  # a word Whisper spelled differently in the text: give it an empty span
            offsets.append((cursor, cursor))
            continue
        offsets.append((found, found + len(word.word)))
        cursor = found + len(word.word)
    return offsets
