"""The one shape of a scored turn: analysis, score and the customer's reaction, with a version.

A leaf module above the stages' shape modules (audio/shapes, transcript, voice/shapes, wording/hits:
pydantic only), so the record and the pipeline share one definition of each concept; coaching builds
the score and reaction shapes defined here. The services return a TurnRecord, the API declares it as
its response model, the worker stores `model_dump()`, `analyse --json` and `practice --json` print it.
Stored JSON is read back through `read_turn_record`, which upgrades older versions first.
Field names are the ones the web pages read (web/static/*.js).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationError

from voicecoach.audio.shapes import AudioRecord
from voicecoach.errors import VoiceCoachError
from voicecoach.shape import Shape
from voicecoach.transcript import Transcript
from voicecoach.voice.shapes import Interruption, VoiceRecord
from voicecoach.wording.hits import Suggestion, WordingHit

SCHEMA_VERSION = 2
"""1: stored before the record had a version (no clipping, no model hits, a `score` inside the
analysis); 2: this module."""


# --- analysis ------------------------------------------------------------------------------------
class AnalysisRecord(Shape):
    """What was heard and measured. A typed reply has no audio and no voice, and no word times."""

    audio: AudioRecord | None
    transcript: Transcript
    voice: VoiceRecord | None
    wording: tuple[WordingHit, ...]
    suggestions: tuple[Suggestion, ...] = ()
    corrected_text: str | None = None
    timings: dict[str, float] = {}
    interruption: Interruption | None = None
    """Only when the recording started while the customer's line was still playing."""

    @property
    def text(self) -> str:
        """The words the wording was judged on: the coach's correction, else what was heard."""
        return self.corrected_text or self.transcript.text


# --- score and reaction --------------------------------------------------------------------------
class PointRecord(Shape):
    """One scored observation with its Dutch explanation, evidence and seed text."""

    criterion: str
    points: int
    explanation: str
    evidence: dict[str, Any]
    source: str
    source_title: str


class ScoreRecord(Shape):
    """A turn's points (coaching/scoring.py builds it)."""

    total: int
    points: tuple[PointRecord, ...]


class ReactionRecord(Shape):
    """How the customer took the reply."""

    turn: int | None = None
    phase: str
    customer_line: str | None = None
    """The customer's line this reply answered (not kept by version 1)."""
    anger_before: int
    anger_after: int
    next_line: str | None
    outcome: Literal["calmed", "escalated", "unfinished", "broken_off"] | None = None


class TurnRecord(Shape):
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


class UnreadableRecord(VoiceCoachError):
    """A stored result that is damaged or of a version this release does not know."""

    code = "result_unreadable"

    def __init__(self) -> None:
        super().__init__(
            "Deze beurt kan niet worden getoond: het bewaarde resultaat is beschadigd of van een onbekende "
            "versie. De rest van het gesprek staat er gewoon."
        )


def read_turn_record(data: dict[str, Any]) -> TurnRecord:
    """A stored record of any known version, upgraded and validated (raises UnreadableRecord)."""
    try:
        version = data.get("schema_version", 1)
        while version < SCHEMA_VERSION:
            data = UPGRADES[version](data)
            version = data["schema_version"]
        return TurnRecord.model_validate(data)
    except (ValidationError, LookupError, TypeError, AttributeError) as exc:
        raise UnreadableRecord() from exc
