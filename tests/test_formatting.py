"""Dutch numbers on the server-rendered pages and reports (voicecoach/api/formatting.py, coaching/voice_points.py)."""

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
    ("value", "measure", "baseline", "said"),
    [(12.4, "loudness", 0.0, "12 decibel"), (-2.04, "loudness", 0.0, "2 decibel"), (2.5, "loudness", 0.0, "2,5 decibel"),
     (12.0, "pitch", 0.0, "100 procent"), (-12.0, "pitch", 0.0, "50 procent"), (1.5, "pitch", 0.0, "9 procent"),
     (1.2, "rate", 4.0, "30 procent")],
)
def test_a_voice_difference_is_said_in_words_a_trainee_knows(value, measure, baseline, said):
    """Loudness in decibel, pitch and pace in percent: a test session's trainee did not know "halve
    tonen" or "lettergrepen per seconde" (an octave up is twice the pitch, an octave down half)."""
    from voicecoach.coaching.voice_points import _amount

    assert _amount(value, measure, baseline) == said
