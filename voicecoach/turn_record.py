"""The one shape of a scored turn: analysis, score and the customer's reaction, with a version.

A leaf module (pydantic only): the services return a TurnRecord, the API declares it as its
response model, the worker stores `model_dump()`, `analyse --json` and `practice --json` print it.
Stored JSON is read back through `read_turn_record`, which upgrades older versions first.
Field names are the ones the web pages read (web/static/*.js).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = 2
"""1: stored before the record had a version (no clipping, no model hits, a `score` inside the
analysis); 2: this module."""


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- analysis ------------------------------------------------------------------------------------
class AudioSource(_Shape):
    format: str
    sample_rate: int
    channels: int


class AudioWarningRecord(_Shape):
    code: str
    message: str
    value: float


class AudioRecord(_Shape):
    """The decoded recording and where the speech is (seconds)."""

    duration: float
    speech_seconds: float
    speech_segments: list[tuple[float, float]]
    speech_level_db: float
    clipped_fraction: float
    source: AudioSource
    warnings: list[AudioWarningRecord] = []


class WordRecord(_Shape):
    word: str
    start: float
    end: float
    probability: float


class TranscriptRecord(_Shape):
    text: str
    language: str
    words: list[WordRecord]
    dropped_segments: list[str] = []


class BaselineRecord(_Shape):
    """The calm voice the reply was compared with; `note` says when it was not the trainee's own."""

    loudness_db: float
    loudness_spread_db: float
    pitch_hz: float
    pitch_spread_st: float
    rate_sps: float
    rate_spread_sps: float
    speech_seconds: float
    source: Literal["calibration", "population_default"]
    created: str
    version: int
    note: str | None = None


class ComparisonRecord(_Shape):
    measure: Literal["loudness", "pitch", "rate"]
    value: float
    baseline: float
    unit: str
    difference: float
    difference_unit: str
    threshold: float
    spread_in_reply: float
    raised: bool
    seconds: tuple[float, float]
    stretches: list[tuple[float, float]] = []
    frames: int


class RiseRecord(_Shape):
    measure: Literal["loudness", "pitch"]
    kind: Literal["jump", "gradual"]
    start: float
    end: float
    before: float
    after: float
    unit: str
    threshold: float
    reference: Literal["calibration", "reply"]
    difference: float


class ContoursRecord(_Shape):
    """Every fifth 10 ms frame: loudness (None outside speech) and pitch in semitones (None unvoiced)."""

    times: list[float]
    loudness_db: list[float | None]
    pitch_st: list[float | None]


class VoiceRecord(_Shape):
    baseline: BaselineRecord
    loudness: ComparisonRecord | None
    pitch: ComparisonRecord | None
    rate: ComparisonRecord | None
    clipped_fraction: float = 0.0
    clipped: bool = False
    speech_seconds: float
    pause_seconds: float
    pauses: list[tuple[float, float]] = []
    rises: list[RiseRecord] = []
    contours: ContoursRecord | None = None


class HitRecord(_Shape):
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
    method: Literal["rule", "model"] = "rule"
    probability: float | None = None
    nearest_example: str | None = None


class SuggestionRecord(_Shape):
    rule: str
    subtype: str
    text: str
    suggestion: str


class InterruptionRecord(_Shape):
    """Speech that started while the customer's line was still playing (voice/interruption.py)."""

    interrupting: bool
    line_left: float
    seconds: float
    stretches: list[tuple[float, float]] = []
    speech_seconds: float
    explained_seconds: float
    similarity: float | None
    threshold: float
    min_seconds: float
    lag: float | None
    echo: bool
    prominence: float | None
    echo_prominence: float


class AnalysisRecord(_Shape):
    """What was heard and measured. A typed reply has no audio and no voice, and no word times."""

    audio: AudioRecord | None
    transcript: TranscriptRecord
    voice: VoiceRecord | None
    wording: list[HitRecord]
    suggestions: list[SuggestionRecord] = []
    corrected_text: str | None = None
    timings: dict[str, float] = {}
    interruption: InterruptionRecord | None = None
    """Only when the recording started while the customer's line was still playing."""

    @property
    def text(self) -> str:
        """The words the wording was judged on: the coach's correction, else what was heard."""
        return self.corrected_text or self.transcript.text


# --- score and reaction --------------------------------------------------------------------------
class PointRecord(_Shape):
    """One scored observation with its Dutch explanation, evidence and seed text."""

    criterion: str
    points: int
    explanation: str
    evidence: dict[str, Any]
    source: str
    source_title: str


class ScoreRecord(_Shape):
    total: int
    points: list[PointRecord]


class ReactionRecord(_Shape):
    """How the customer took the reply."""

    turn: int | None = None
    phase: str
    customer_line: str | None = None
    """The customer's line this reply answered (not kept by version 1)."""
    anger_before: int
    anger_after: int
    next_line: str | None
    outcome: Literal["calmed", "escalated"] | None = None


class TurnRecord(_Shape):
    """One scored turn. `score` and `reaction` are None for a reply analysed outside a scenario."""

    schema_version: Literal[2] = SCHEMA_VERSION
    analysis: AnalysisRecord
    score: ScoreRecord | None
    reaction: ReactionRecord | None


# --- reading stored records ----------------------------------------------------------------------
def _upgrade_1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept an always-empty `score` inside the analysis and no clipping or hit method."""
    analysis = {k: v for k, v in data["analysis"].items() if k != "score"}
    voice = analysis.get("voice")
    if voice is not None:
        voice = {**voice, "clipped_fraction": voice.get("clipped_fraction", 0.0), "clipped": voice.get("clipped", False)}
        analysis["voice"] = voice
    analysis["wording"] = [{**hit, "method": hit.get("method", "rule")} for hit in analysis.get("wording", [])]
    return {**data, "analysis": analysis, "schema_version": 2}


UPGRADES = {1: _upgrade_1}
"""version → function returning the data one version later."""


def read_turn_record(data: dict[str, Any]) -> TurnRecord:
    """A stored record of any known version, upgraded and validated (raises pydantic.ValidationError)."""
    version = data.get("schema_version", 1)
    while version < SCHEMA_VERSION:
        data = UPGRADES[version](data)
        version = data["schema_version"]
    return TurnRecord.model_validate(data)
