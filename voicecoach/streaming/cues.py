"""Sparse live cues while the trainee speaks (issue 15): one word on screen, "Zachter", when the
voice stays above the trainee's own "harder dan je rustige stem" threshold for two seconds.

Sparse, because research on live speech feedback found that a word now and then helps where a
running stream of numbers distracts: at most one cue per QUIET_S. Cheap, because it runs for every
chunk of every stream: the same 400 ms RMS loudness the analysis measures (voice/contours.py), of
the newly arrived frames only, against the same level (the baseline's median plus its loudness
threshold; without a calibration the same population default the analysis falls back on), and
the same smoothing and stretch rule as the analysis' raised stretches (voice/stretches.py). No
voice activity detection: a quiet pause is below the level anyway. Cues are not stored and do not
change the score.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numpy as np

from voicecoach.streaming.pcm_file import SAMPLE_RATE
from voicecoach.voice.baseline import POPULATION_DEFAULT
from voicecoach.voice.contours import HOP, LOUDNESS_FRAME, loudness_contour
from voicecoach.voice.shapes import Baseline
from voicecoach.voice.stretches import smooth, spans_above

HOLD_S = 2.0  # the voice stays above the level this long (issue 15)
QUIET_S = 5.0  # at most one cue per this many seconds of the reply
LOOK_EVERY_S = 0.25  # the browser's chunk: looking more often finds nothing new
EDGE = LOUDNESS_FRAME // 2  # a loudness frame needs this many samples either side of its centre
KEEP_S = HOLD_S + 0.5  # frames judged at each look: a stretch of HOLD_S that is still going on
TAIL_SAMPLES = SAMPLE_RATE + LOUDNESS_FRAME  # what `hear` needs of the reply's end (a second between looks at most)


class Cue(TypedDict):
    """The stream's text message (api/routes/stream.py); the page shows the word's Dutch name."""

    type: Literal["cue"]
    cue: Literal["zachter"]
    at: float  # seconds into the reply


class LoudnessCues:
    """Decides, as a streamed reply arrives, when to send "zachter". Each look measures only the
    loudness frames that became complete since the last one (about half a millisecond)."""

    def __init__(self, baseline: Baseline | None) -> None:
        reference = baseline or POPULATION_DEFAULT
        self.level = reference.loudness_db + reference.loudness_threshold()
        self._quiet_until = 0.0  # no cue before this second of the reply
        self._looked_at = 0
        self._centre = EDGE  # the reply's sample at the centre of the next frame to measure
        self._times = np.zeros(0)
        self._levels = np.zeros(0)

    def hear(self, tail: np.ndarray, arrived: int) -> Cue | None:
        """`arrived`: samples of the reply so far; `tail`: its last TAIL_SAMPLES (all, early on)."""
        if arrived - self._looked_at < LOOK_EVERY_S * SAMPLE_RATE:
            return None
        self._looked_at = arrived
        self._measure(tail, arrived)
        end_s = arrived / SAMPLE_RATE
        if end_s < self._quiet_until:
            return None
        stretches = spans_above(self._times, smooth(self._levels), self.level, min_seconds=HOLD_S)
        if not stretches:
            return None
        self._quiet_until = end_s + QUIET_S
        self._times, self._levels = self._times[:0], self._levels[:0]  # that stretch has had its cue
        return {"type": "cue", "cue": "zachter", "at": round(end_s, 2)}

    def _measure(self, tail: np.ndarray, arrived: int) -> None:
        """Add the frames whose whole 400 ms window has arrived (a frame padded with zeros reads
        quiet), and keep those of the last KEEP_S."""
        first = max(self._centre - EDGE, arrived - len(tail))
        first += (self._centre - EDGE - first) % HOP  # stay on the reply's frame grid
        segment = tail[len(tail) - (arrived - first) :]
        if len(segment) < LOUDNESS_FRAME:
            return
        levels = loudness_contour(segment)[EDGE // HOP : (len(segment) - EDGE) // HOP + 1]
        centres = first + EDGE + HOP * np.arange(len(levels))
        self._centre = int(centres[-1]) + HOP
        self._times = np.concatenate((self._times, centres / SAMPLE_RATE))
        self._levels = np.concatenate((self._levels, levels))
        recent = self._times > arrived / SAMPLE_RATE - KEEP_S
        self._times, self._levels = self._times[recent], self._levels[recent]
