"""A whole conversation: customer line, the trainee's analysed reply, score, reaction.

The conversation never analyses audio: callers hear the reply first (voicecoach/replies.py) and
hand over its text, wording hits and voice measures (none for a typed reply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from voicecoach.coaching.break_off import breaking_off
from voicecoach.coaching.customer import (
    CustomerState, acknowledging, answered_labels, asks_what_helps, customer_line, customer_reply, react, scored_labels,
    turn_labels,
)
from voicecoach.coaching.customer_voice import customer_audio
from voicecoach.coaching.scoring import calls_for_attention, score_turn, without_news_misread
from voicecoach.turn_record import ReactionRecord, ScoreRecord
from voicecoach.scenarios import Scenario
from voicecoach.voice.shapes import Interruption, VoiceRecord
from voicecoach.wording.hits import Suggestion, WordingHit


@dataclass(frozen=True)
class Reply:
    """An analysed reply: the words it is judged on, their wording hits, and how it sounded."""

    text: str
    hits: tuple[WordingHit, ...]
    suggestions: tuple[Suggestion, ...] = ()
    voice: VoiceRecord | None = None
    """None for a typed reply: wording and listening are scored, there is no voice to measure."""
    interruption: Interruption | None = None
    """Only for a recording started while the customer's line was still playing."""


@dataclass(frozen=True)
class TurnResult:
    """One turn as the trainee sees it."""

    reply: str
    score: ScoreRecord
    reaction: ReactionRecord
    hits: tuple[WordingHit, ...]
    """The wording hits the turn was judged on (without a model aanjager on the phase's news)."""


class Conversation:
    """Drives one scenario; the same object serves the terminal and the web worker."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.state = CustomerState.start(scenario)
        self.line = customer_line(scenario, self.state)

    @classmethod
    def resume(cls, scenario: Scenario, state: CustomerState, line: str) -> Conversation:
        """Continue a stored conversation from its saved state and the line the customer said."""
        conversation = cls(scenario)
        conversation.state, conversation.line = state, line
        return conversation

    @property
    def finished(self) -> bool:
        return self.state.outcome is not None

    def customer_audio(self, cache: Path) -> Path:
        return customer_audio(self.line, self.state.anger, self.scenario.persona.voice, cache, self.scenario.persona.speakers)

    def reply(self, reply: Reply) -> TurnResult:
        """Score the reply in the current phase and let the customer react to it."""
        if self.finished:
            raise RuntimeError("the conversation has ended")
        phase = self.scenario.phase(self.state.phase)
        news = phase.news_told(reply.text)
        procedure = phase.procedure_done(reply.text)
        hits = without_news_misread(reply.hits, news, phase)
        score = score_turn(
            hits=hits,
            suggestions=reply.suggestions,
            phase=phase,
            customer_anger=self.state.anger,
            word_count=len(re.findall(r"\w+", reply.text)),
            speech_seconds=reply.voice.speech_seconds if reply.voice else 0.0,
            voice=reply.voice,
            interruption=reply.interruption,
            news=news,
            procedure=procedure,
            attention_call=calls_for_attention(reply.text),
        )
        labels = turn_labels(phase, reply.text, hits, reply.interruption is not None and reply.interruption.interrupting)
        before, line = self.state, self.line
        heard = answered_labels(hits, scored_labels(labels, score), reply.text)
        self.state = react(self.scenario, before, score, labels, broke_off=breaking_off(reply.text, hits) is not None,
                           news_told=news is not None, offered=heard)
        self.line = customer_reply(self.scenario, before, self.state, heard, line,
                                   asked_what_helps=asks_what_helps(labels, heard), reply=reply.text) if not self.finished else ""
        self.state = acknowledging(self.scenario, before, self.state, heard)
        return TurnResult(
            reply=reply.text,
            score=score,
            hits=tuple(hits),
            reaction=ReactionRecord(
                turn=self.state.turn, phase=before.phase, customer_line=line, anger_before=before.anger,
                anger_after=self.state.anger, next_line=self.line or None, outcome=self.state.outcome,
            ),
        )
