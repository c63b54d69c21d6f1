"""Hearing a reply before the conversation sees it, and the record of the scored turn.

The callers (the terminal's `practice` and `analyse`, the worker's turn job) analyse first, hand
the conversation a `Reply`, and keep one `TurnRecord` (voicecoach/turn_record.py) of the turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from voicecoach.analysis import Analyser
from voicecoach.audio.checks import CheckedAudio
from voicecoach.audio.decode import decode_audio
from voicecoach.coaching.conversation import Conversation, Reply, TurnResult
from voicecoach.transcript import Transcript
from voicecoach.turn_record import AnalysisRecord, TurnRecord
from voicecoach.voice.baseline import Baseline
from voicecoach.voice.interruption import MAX_LINE_SECONDS, detect_interruption
from voicecoach.voice.shapes import Interruption


@dataclass(frozen=True)
class LineOverlap:
    """The recording started while the customer's line was playing: that line's audio, and how
    many seconds of it were still to play."""

    line_audio: Path
    seconds_left: float


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
    analyser: Analyser, source: Path | bytes, *, baseline: Baseline | None = None, corrected_text: str | None = None,
    overlap: LineOverlap | None = None,
) -> HeardReply:
    """A spoken reply: the full analysis against the baseline (raises AudioError for unusable audio);
    with `overlap`, also whether it interrupted the customer's line."""
    analysis = analyser.analyse(source, baseline=baseline, corrected_text=corrected_text)
    interruption = _interruption(analysis.checked, overlap) if overlap else None
    record = analysis.record()
    if interruption is not None:
        record = record.model_copy(update={"interruption": interruption})
    return HeardReply(Reply(record.text, record.wording, record.suggestions, record.voice, interruption=interruption), record)


def _interruption(checked: CheckedAudio, overlap: LineOverlap) -> Interruption:
    line = decode_audio(overlap.line_audio, max_seconds=MAX_LINE_SECONDS).samples
    return detect_interruption(checked.audio.samples, checked.speech_segments, line, overlap.seconds_left)


def turn_record(heard: HeardReply, result: TurnResult | None) -> TurnRecord:
    """The record of a turn; without a result (no scenario) it holds the analysis only."""
    if result is None:
        return TurnRecord(analysis=heard.analysis, score=None, reaction=None)
    analysis = heard.analysis
    if result.hits != analysis.wording:  # the words shown marked are those the turn was judged on
        kept = {(hit.rule, hit.text) for hit in result.hits}
        analysis = analysis.model_copy(update={
            "wording": result.hits, "suggestions": tuple(s for s in analysis.suggestions if (s.rule, s.text) in kept)})
    return TurnRecord(analysis=analysis, score=result.score, reaction=result.reaction)


def answer(conversation: Conversation, heard: HeardReply) -> TurnRecord:
    """The conversation takes the heard reply; the record of that turn."""
    return turn_record(heard, conversation.reply(heard.reply))
