"""The practice incident report (3 Reasons Why: "Meld het incident!"): the trainee writes what
happened, when and who; it is kept with the conversation and its coach sees it. Only the trainee
writes it: after an escalated ending, and after every ending of a scenario whose endings say to
report the incident ("Ook als je de situatie hebt opgelost": the calmed ending said "Meld het
incident achteraf toch" while the form was refused, a review)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from voicecoach.errors import VoiceCoachError
from voicecoach.scenarios import Scenario
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


def reportable(conversation: ConversationRow, scenario: Scenario) -> bool:
    if conversation.finished_at is None:
        return False
    return conversation.state.get("outcome") == "escalated" or scenario.ending.tells_reporting


def incident_dict(report: IncidentReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {"what": report.what, "happened_when": report.happened_when, "who": report.who,
            "updated_at": report.updated_at.isoformat(timespec="seconds")}


def save_incident(session: Session, conversation: ConversationRow, scenario: Scenario,
                  values: dict[str, str]) -> IncidentReport:
    """Store (or replace) the report; every field must be filled. Errors name the field in Dutch."""
    if not reportable(conversation, scenario):
        raise VoiceCoachError("Een incidentmelding hoort bij een afgelopen gesprek dat uit de hand liep (geëscaleerd), "
                              "of bij een oefening waarvan het einde zegt dat je het incident meldt.", code="not_escalated")
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
