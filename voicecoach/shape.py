"""The base of every typed shape the pipeline produces and the turn record keeps (a leaf: pydantic only).

A stage's result and the stored record are the same class: the stage builds it, the record holds
it, `model_dump(mode="json")` stores it. Numbers keep their full precision in memory (the scoring
reads them) and are rounded only when dumped, so stored JSON stays small.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer


class Shape(BaseModel):
    """Frozen, and strict about names: a stored field nobody knows is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _rounded(digits: int) -> PlainSerializer:
    return PlainSerializer(lambda value: round(value, digits), return_type=float)


Round2 = Annotated[float, _rounded(2)]
Round3 = Annotated[float, _rounded(3)]
Round5 = Annotated[float, _rounded(5)]
Seconds = tuple[Round2, Round2]
"""A (start, end) stretch in seconds, stored to the hundredth."""
