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


def calibrated(session: Session, user_ids: list[int]) -> set[int]:
    """Those of `user_ids` with a measured baseline (one query for a whole class)."""
    if not user_ids:
        return set()
    return set(session.scalars(
        select(BaselineRow.user_id).where(BaselineRow.user_id.in_(user_ids), BaselineRow.status == "done").distinct()
    ))
