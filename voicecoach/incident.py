"""The practice incident report after an escalated ending (3 Reasons Why: "Meld het incident!"):
the trainee writes what happened, when and who; it is kept with the conversation and its coach
sees it. Only the trainee writes it, and only for a conversation that escalated."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import ConversationRow, IncidentReport
from voicecoach.vocabulary import R3

SOURCE = R3  # 3 Reasons Why: report every incident to Dispatch afterwards
# Field, its Dutch name in an error, and its longest length.
FIELDS = (("what", "Wat er gebeurde", 2000), ("happened_when", "Wanneer", 200), ("who", "Wie", 500))


class IncidentError(VoiceCoachError):
    """A problem with one field of the form: the page shows it beside that field."""

    def __init__(self, message: str, *, code: str, field: str) -> None:
        super().__init__(message, code=code)
        self.field = field

    def to_dict(self) -> dict[str, str]:
        return {**super().to_dict(), "field": self.field}


def escalated(conversation: ConversationRow) -> bool:
    return conversation.finished_at is not None and conversation.state.get("outcome") == "escalated"


def incident_dict(report: IncidentReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {"what": report.what, "happened_when": report.happened_when, "who": report.who,
            "updated_at": report.updated_at.isoformat(timespec="seconds")}


def save_incident(session: Session, conversation: ConversationRow, values: dict[str, str]) -> IncidentReport:
    """Store (or replace) the report; every field must be filled. Errors name the field in Dutch."""
    if not escalated(conversation):
        raise VoiceCoachError("Een incidentmelding hoort bij een gesprek dat uit de hand liep (geëscaleerd).", code="not_escalated")
    cleaned = {name: (values.get(name) or "").strip() for name, _, _ in FIELDS}
    for name, title, longest in FIELDS:
        if not cleaned[name]:
            raise IncidentError(f"Vul '{title}' in: een melding zegt wat er gebeurde, wanneer en wie erbij waren.",
                                code="incident_incomplete", field=name)
        if len(cleaned[name]) > longest:
            raise IncidentError(f"'{title}' is te lang: houd het bij {longest} tekens.", code="incident_too_long", field=name)
    report = session.get(IncidentReport, conversation.id)
    if report is None:
        report = IncidentReport(conversation_id=conversation.id, **cleaned)
        session.add(report)
    else:
        report.what, report.happened_when, report.who = cleaned["what"], cleaned["happened_when"], cleaned["who"]
    session.commit()
    return report
