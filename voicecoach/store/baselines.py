"""The calm baseline a user's replies are compared with."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.store.models import BaselineRow


def latest_baseline(session: Session, user_id: int) -> BaselineRow | None:
    """The user's newest measured baseline (None before their first calibration)."""
    return session.scalar(
        select(BaselineRow).where(BaselineRow.user_id == user_id, BaselineRow.status == "done")
        .order_by(BaselineRow.id.desc()).limit(1)
    )
