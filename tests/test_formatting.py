"""Dutch numbers on the server-rendered pages and reports (voicecoach/api/formatting.py)."""

from __future__ import annotations

import pytest

from voicecoach.api.formatting import nl_number


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [(-0.001, 2, "0,00"), (-0.0, 1, "0,0"), (-0.13, 2, "-0,13"), (1234.5, 1, "1.234,5"), (7, 0, "7")],
)
def test_nl_number_uses_a_decimal_comma_and_never_shows_minus_zero(value, digits, shown):
    assert nl_number(value, digits) == shown
