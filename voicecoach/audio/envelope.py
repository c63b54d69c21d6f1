"""A recording's outline for drawing its waveform: the loudest sample of each of a few hundred
stretches. The page draws the reply from this instead of fetching the recording itself, so that
showing a turn is not a listen: only pressing play fetches (and audits) the audio."""

from __future__ import annotations

import numpy as np

from voicecoach.shape import Round3, Shape

BARS = 600  # far more than the panel's width in bars; a few kilobytes of JSON


class Envelope(Shape):
    """What `GET /api/turns/{id}/waveform` answers."""

    duration: Round3  # seconds
    peaks: list[Round3]  # 0..1, one per stretch of duration / len(peaks) seconds


def envelope(samples: np.ndarray, sample_rate: int, bars: int = BARS) -> Envelope:
    """The peak level of `bars` equal stretches of mono `samples` (fewer for a very short clip)."""
    count = min(bars, len(samples))
    if count == 0:
        return Envelope(duration=0.0, peaks=[])
    edges = np.linspace(0, len(samples), count + 1).astype(int)
    peaks = np.maximum.reduceat(np.abs(samples), edges[:-1])
    return Envelope(duration=len(samples) / sample_rate, peaks=[min(float(peak), 1.0) for peak in peaks])
