"""The reply's `turn`: the number of the customer line the page answers (the "Beurt N" it shows).
A reply is stored only while that line still awaits one (practice_service.check_awaiting), so a
stream cut mid-reply and stored late never becomes the answer to the next line. The upload takes
it as a query parameter, the stream in its handshake's query string; the pages always send it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from voicecoach.errors import VoiceCoachError

DESCRIPTION = "Nummer van de beurt (klantzin) waarop dit antwoord reageert; weggelaten: de beurt die nu aan de beurt is."
AnsweredTurn = Annotated[int | None, Query(ge=1, description=DESCRIPTION)]


def parse_answered_turn(value: str | None) -> int | None:
    """The stream's handshake value; a bad one is refused in Dutch (nothing has been received yet)."""
    if value is None or value == "":
        return None
    if not value.isdigit() or int(value) < 1:
        raise VoiceCoachError("Ongeldige invoer: 'turn' moet een beurtnummer zijn (1 of hoger).", code="invalid_input")
    return int(value)
