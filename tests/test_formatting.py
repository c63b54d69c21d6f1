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


@pytest.mark.parametrize(
    ("value", "unit", "said"),
    [(1.04, "halve tonen", "1 halve toon"), (-1.0, "halve tonen", "1 halve toon"), (1.5, "halve tonen", "1,5 halve tonen"),
     (12.4, "dB", "12 dB"), (1.0, "lettergrepen per seconde", "1 lettergreep per seconde")],
)
def test_a_voice_difference_is_said_with_its_unit_in_the_right_number(value, unit, said):
    """A test session read "1 halve tonen hoger" in a voice point."""
    from voicecoach.coaching.scoring import _amount

    assert _amount(value, unit) == said
