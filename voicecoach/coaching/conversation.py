"""A whole conversation: customer line, trainee reply (audio or text), score, reaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicecoach.analysis import Analyser, TurnAnalysis
from voicecoach.coaching.customer import CustomerState, customer_line, customer_reply, react
from voicecoach.coaching.customer_voice import customer_audio
from voicecoach.coaching.scoring import TurnScore, score_turn
from voicecoach.scenarios import Scenario
from voicecoach.voice.baseline import Baseline
from voicecoach.wording.evaluation import predicted_labels


@dataclass(frozen=True)
class TurnResult:
    """One turn as the trainee sees it."""

    turn: int
    phase: str
    customer_line: str
    reply: str
    anger_before: int
    anger_after: int
    score: TurnScore
    analysis: TurnAnalysis | None
    next_line: str | None
    outcome: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "phase": self.phase,
            "customer_line": self.customer_line,
            "reply": self.reply,
            "anger_before": self.anger_before,
            "anger_after": self.anger_after,
            "points": self.score.total,
            "explanations": [p.explanation for p in self.score.points],
            "next_line": self.next_line,
        }


class Conversation:
    """Drives one scenario; the same object serves the terminal and the web worker."""

    def __init__(self, scenario: Scenario, analyser: Analyser, baseline: Baseline | None = None) -> None:
        self.scenario = scenario
        self.analyser = analyser
        self.baseline = baseline
        self.state = CustomerState.start(scenario)
        self.line = customer_line(scenario, self.state)

    @classmethod
    def resume(
        cls, scenario: Scenario, analyser: Analyser, baseline: Baseline | None, state: CustomerState, line: str
    ) -> Conversation:
        """Continue a stored conversation from its saved state and the line the customer said."""
        conversation = cls(scenario, analyser, baseline)
        conversation.state, conversation.line = state, line
        return conversation

    @property
    def finished(self) -> bool:
        return self.state.outcome is not None

    def customer_audio(self) -> Path:
        cache = self.analyser.settings.data_dir / "cache" / "customer"
        return customer_audio(self.line, self.state.anger, self.scenario.persona.voice, cache)

    def reply_text(self, text: str) -> TurnResult:
        """A typed reply: wording and listening are scored; there is no voice to measure."""
        classifier = self.analyser.wording
        hits = classifier.classify(text)
        score = self._score(hits, classifier.suggestions(hits), text, speech_seconds=0.0, voice=None)
        return self._advance(text, score, None, predicted_labels(hits))

    def reply_audio(self, source: Path | bytes, *, corrected_text: str | None = None) -> TurnResult:
        """A spoken reply: the full analysis against the baseline, then the score."""
        analysis = self.analyser.analyse(source, baseline=self.baseline, corrected_text=corrected_text)
        score = self._score(
            analysis.wording, analysis.suggestions, corrected_text or analysis.transcript.text,
            speech_seconds=analysis.voice.speech_seconds, voice=analysis.voice,
        )
        return self._advance(analysis.transcript.text, score, analysis, predicted_labels(analysis.wording))

    def _score(self, hits, suggestions, text: str, *, speech_seconds: float, voice) -> TurnScore:  # type: ignore[no-untyped-def]
        return score_turn(
            hits=hits,
            suggestions=suggestions,
            phase=self.scenario.phase(self.state.phase),
            customer_anger=self.state.anger,
            word_count=len(re.findall(r"\w+", text)),
            speech_seconds=speech_seconds,
            voice=voice,
        )

    def _advance(self, reply: str, score: TurnScore, analysis: TurnAnalysis | None, labels: set[str]) -> TurnResult:
        if self.finished:
            raise RuntimeError("the conversation has ended")
        before, line = self.state, self.line
        self.state = react(self.scenario, before, score, labels)
        self.line = customer_reply(self.scenario, before, self.state, labels) if not self.finished else ""
        return TurnResult(
            turn=self.state.turn,
            phase=before.phase,
            customer_line=line,
            reply=reply,
            anger_before=before.anger,
            anger_after=self.state.anger,
            score=score,
            analysis=analysis,
            next_line=self.line or None,
            outcome=self.state.outcome,
        )
