"""The reply's `reply`: an id the page makes for each recording and sends with every try to store
it (upload, stream, and the upload after a cut stream). When an answer is lost on the way back (a
phone losing its connection after the server stored the reply, a server stopping), the page sends
the recording again; the server then answers with the turn it already made
(`PracticeService.stored_reply`) instead of storing it twice or refusing it because its line was
answered meanwhile. Without it (the CLI, older pages) every reply is a new one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query

from voicecoach.errors import VoiceCoachError

DESCRIPTION = "Eigen kenmerk (UUID) van deze opname: dezelfde opname opnieuw versturen geeft de beurt die er al van is."
ReplyUuid = Annotated[uuid.UUID | None, Query(alias="reply", description=DESCRIPTION)]


def reply_id(value: uuid.UUID | None) -> str | None:
    """How a reply id is stored: the UUID's lower-case text form, whatever form the page sent."""
    return str(value) if value is not None else None


def parse_reply_id(value: str | None) -> str | None:
    """The stream's handshake value; a bad one is refused in Dutch (nothing has been received yet)."""
    if value is None or value == "":
        return None
    try:
        return reply_id(uuid.UUID(value))
    except ValueError:
        raise VoiceCoachError("Ongeldige invoer: 'reply' moet een UUID zijn.", code="invalid_input") from None
