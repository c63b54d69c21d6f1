"""The building blocks of a scored turn's points: one point with its seed, a number in Dutch."""

from __future__ import annotations

from typing import Any

from voicecoach.turn_record import PointRecord
from voicecoach.vocabulary import SEED_FILES


def point(*, criterion: str, points: int, explanation: str, evidence: dict[str, Any], source: str) -> PointRecord:
    """One scored observation, with its seed's title."""
    return PointRecord(
        criterion=criterion, points=points, explanation=explanation, evidence=evidence, source=source,
        source_title=SEED_FILES[source],
    )


def fmt(value: float, digits: int = 1) -> str:
    """Seconds and decibels with a Dutch decimal comma ('2,5')."""
    return f"{value:.{digits}f}".replace(".", ",")


def seconds(value: float) -> str:
    """A duration in plain Dutch ('2,5 seconden'): trainees read "s" as nothing."""
    said = fmt(value)
    return f"{said} seconde" if said == "1,0" else f"{said} seconden"


def span(start: float, end: float) -> str:
    """A stretch of the reply in plain Dutch ('van 1,2 tot 3,4 seconden')."""
    return f"van {fmt(start)} tot {seconds(end)}"
