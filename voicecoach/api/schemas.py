"""Response bodies of the practice API, so the OpenAPI spec documents every answer.

A turn's `result` is the stored TurnRecord (voicecoach/turn_record.py); `score` is that score
with the coach's overrules applied (voicecoach/coach_judgement.py).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from voicecoach.turn_record import TurnRecord
from voicecoach.voice.shapes import Baseline


class ErrorDetail(BaseModel):
    code: str
    message: str
    """Dutch, says what to do."""


class ErrorBody(BaseModel):
    error: ErrorDetail


class InvalidInputDetail(ErrorDetail):
    fields: list[Any]
    """Each wrong field with its Dutch problem."""


class InvalidInputBody(BaseModel):
    error: InvalidInputDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": InvalidInputBody if status == 422 else ErrorBody, "description": description}
    for status, description in {
        400: "Onbruikbare invoer (code en Nederlandse uitleg)", 401: "Niet ingelogd", 403: "Geen toegang",
        404: "Bestaat niet of niet zichtbaar", 409: "Conflict (bijvoorbeeld een beurt die nog wordt geanalyseerd)",
        413: "Opname te groot", 415: "Geen bruikbaar geluidsformaat", 422: "Ongeldige invoer",
        429: "Te veel pogingen, wacht even", 503: "Even druk: er is niets opgeslagen, probeer het zo opnieuw",
    }.items()
}
"""The error answers every API route may give, all as {"error": {"code", "message"}}."""

AUDIO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "De opname zelf als ruwe bytes (WAV, FLAC, OGG/Opus, WebM/Opus, MP3 of M4A).",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in ("audio/*", "application/octet-stream")
        },
    }
}
"""`openapi_extra` of the uploads: the routes read the raw body themselves (with a size limit)."""


class ScenarioCard(BaseModel):
    id: str
    title: str
    setting: str
    difficulty: int
    persona: str
    sources: list[str]
    max_turns: int


class ScenarioView(ScenarioCard):
    situation: str


class Accepted(BaseModel):
    """An upload or re-analysis was stored and queued; poll the turn or baseline for its result."""

    job_id: int
    status: str
    turn_id: str | None = None
    baseline_id: int | None = None


class CurrentBaseline(BaseModel):
    baseline: Baseline | None


class BaselineStatus(BaseModel):
    id: int
    status: str
    baseline: Baseline | None
    error: ErrorDetail | None


class JudgedScore(BaseModel):
    total: int
    points: list[dict[str, Any]]
    """The record's points; a point the coach changed carries `coach` ("added" | "removed" | "changed")."""
    machine_total: int
    judged: bool


class TurnView(BaseModel):
    id: str
    number: int
    status: str
    """queued | running | done | error"""
    customer_line: str
    phase_title: str | None
    result: TurnRecord | None
    error: ErrorDetail | None
    corrected_text: str | None
    score: JudgedScore | None
    notes: list[dict[str, Any]]
    history: list[dict[str, Any]]
    overrules: list[dict[str, Any]]
    set_aside: bool
    """Another attempt at this line counts (voicecoach/attempts.py)."""
    attempt: int
    """1 for the first answer to this customer line, 2 for "Probeer opnieuw", …"""
    current_line: bool
    """The conversation stands on this line: the turn may be retried, kept or corrected."""
    corrected_by: Literal["trainee", "coach"] | None


class Ending(BaseModel):
    calmed_message: str
    escalated_advice: list[str]


class Viewer(BaseModel):
    is_owner: bool
    role: str


class ConversationView(BaseModel):
    id: str
    scenario: ScenarioView
    state: dict[str, Any]
    phase_title: str
    phase_goal: str
    customer_line: str
    finished: bool
    ending: Ending
    turns: list[TurnView]
    notes: list[dict[str, Any]]
    summary: dict[str, Any] | None
    viewer: Viewer | None = None
