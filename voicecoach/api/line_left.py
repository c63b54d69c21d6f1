"""The reply's optional `line_left`: seconds of the customer's line still to play when the page
started recording (voice/interruption.py checks that overlap). The upload takes it as a query
parameter, the stream in its handshake's query string; both are bounded the same way."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Query

from voicecoach.errors import VoiceCoachError
from voicecoach.voice.interruption import MAX_LINE_SECONDS as MAX_LINE_LEFT_S
DESCRIPTION = "Seconden van de klantzin die nog moesten klinken toen de opname begon (0 of weggelaten: geen overlap)."
LineLeft = Annotated[float | None, Query(ge=0, le=MAX_LINE_LEFT_S, description=DESCRIPTION)]


def parse_line_left(value: str | None) -> float | None:
    """The stream's handshake value; a bad one is refused in Dutch (nothing has been received yet)."""
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_LINE_LEFT_S:  # also NaN
        raise VoiceCoachError(
            f"Ongeldige invoer: 'line_left' moet een getal van 0 tot {MAX_LINE_LEFT_S:.0f} seconden zijn.", code="invalid_input"
        )
    return seconds
