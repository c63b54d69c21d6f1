"""How far the class and VoiceCoach agree: Cohen's kappa over yes/no judgements.

Each item is one (turn, checklist label): VoiceCoach heard the label or not, the class heard it or
not (at least half of the observers present at that turn tapped it, and at least one did). Kappa corrects the
share of agreeing items for the agreement expected by chance from both sides' own rates. A few
lines instead of scikit-learn, which is only a benchmark extra here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Agreement:
    items: int
    agreed: int
    kappa: float | None
    """None when chance agreement is already complete (both sides said the same thing throughout)."""
    heard: int = 0
    """Items at least one side said yes to: most items are labels nobody heard, which flatter `agreed`."""
    both: int = 0

    @property
    def share(self) -> float | None:
        return self.agreed / self.items if self.items else None

    def to_dict(self) -> dict[str, float | int | None]:
        return {"items": self.items, "agreed": self.agreed, "share": self.share, "kappa": self.kappa,
                "heard": self.heard, "both": self.both}


def cohen_kappa(first: Sequence[bool], second: Sequence[bool]) -> Agreement:
    """Kappa of two raters' yes/no judgements of the same items."""
    if len(first) != len(second):
        raise ValueError("both raters must judge the same items")
    n = len(first)
    if n == 0:
        return Agreement(0, 0, None)
    agreed = sum(a == b for a, b in zip(first, second, strict=True))
    heard = sum(a or b for a, b in zip(first, second, strict=True))
    both = sum(a and b for a, b in zip(first, second, strict=True))
    observed = agreed / n
    yes_first, yes_second = sum(first) / n, sum(second) / n
    expected = yes_first * yes_second + (1 - yes_first) * (1 - yes_second)
    if expected >= 1.0:
        return Agreement(n, agreed, None, heard, both)
    return Agreement(n, agreed, (observed - expected) / (1 - expected), heard, both)


def class_heard(taps: int, observers: int) -> bool:
    """The class heard a label in a turn when at least half of its observers (and at least one) tapped it."""
    return taps > 0 and 2 * taps >= observers
