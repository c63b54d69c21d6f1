"""Hearing a reply before the conversation sees it, and the record of the scored turn.

The callers (the terminal's `practice` and `analyse`, the worker's turn job) analyse first, hand
the conversation a `Reply`, and keep one `TurnRecord` (voicecoach/turn_record.py) of the turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voicecoach.analysis import Analyser
from voicecoach.coaching.conversation import Conversation, Reply, TurnResult
from voicecoach.transcript import Transcript
from voicecoach.turn_record import AnalysisRecord, TurnRecord
from voicecoach.voice.baseline import Baseline


@dataclass(frozen=True)
class HeardReply:
    reply: Reply
    """What the conversation scores."""
    analysis: AnalysisRecord
    """What the turn's record keeps."""


def hear_text(analyser: Analyser, text: str) -> HeardReply:
    """A typed reply: its wording only (no audio, no voice, no word times)."""
    classifier = analyser.wording
    hits = tuple(classifier.classify(text))
    suggestions = tuple(classifier.suggestions(hits))
    analysis = AnalysisRecord(
        audio=None, voice=None, transcript=Transcript(text=text, language="nl", words=()),
        wording=hits, suggestions=suggestions,
    )
    return HeardReply(Reply(text, hits, suggestions), analysis)


def hear_audio(
    analyser: Analyser, source: Path | bytes, *, baseline: Baseline | None = None, corrected_text: str | None = None
) -> HeardReply:
    """A spoken reply: the full analysis against the baseline (raises AudioError for unusable audio)."""
    record = analyser.analyse(source, baseline=baseline, corrected_text=corrected_text).record()
    return HeardReply(Reply(record.text, record.wording, record.suggestions, record.voice), record)


def turn_record(heard: HeardReply, result: TurnResult | None) -> TurnRecord:
    """The record of a turn; without a result (no scenario) it holds the analysis only."""
    if result is None:
        return TurnRecord(analysis=heard.analysis, score=None, reaction=None)
    return TurnRecord(analysis=heard.analysis, score=result.score, reaction=result.reaction)


def answer(conversation: Conversation, heard: HeardReply) -> TurnRecord:
    """The conversation takes the heard reply; the record of that turn."""
    return turn_record(heard, conversation.reply(heard.reply))
