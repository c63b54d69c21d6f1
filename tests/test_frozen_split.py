"""The wording test split is frozen: written before any tuning, never edited (its sha256 is recorded)."""

from __future__ import annotations

import hashlib
from pathlib import Path

DATA = Path(__file__).parent / "data"


def test_the_frozen_wording_test_split_is_unchanged():
    recorded, name = (DATA / "wording_test.sha256").read_text(encoding="utf-8").split()
    assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == recorded
