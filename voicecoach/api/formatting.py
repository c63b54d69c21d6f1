"""Dutch formatting for the pages (Jinja filters): dates in the machine's local time, numbers with
a decimal comma, role names."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_datetime
from babel.numbers import format_decimal

from voicecoach.vocabulary import OUTCOME_NAMES, ROLE_NAMES



def nl_date(value: datetime | str | None, pattern: str = "d MMMM y, HH:mm") -> str:
    """'25 november 2026, 14:05' (or another babel `pattern`) from a stored (naive UTC) timestamp."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(), pattern, locale="nl")


def nl_number(value: float | int, digits: int = 1) -> str:
    rounded = round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0: "-0,00" reads as a negative figure
    return format_decimal(rounded, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale="nl")


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)


def outcome_name(outcome: str | None) -> str:
    return OUTCOME_NAMES.get(outcome or "", "bezig")


FILTERS = {"nl_date": nl_date, "nl_number": nl_number, "role_name": role_name, "outcome_name": outcome_name}
