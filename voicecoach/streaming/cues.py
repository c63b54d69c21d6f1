"""Sparse live cues while the trainee speaks (issue 15): one word on screen, "Zachter" when the
voice stays above the trainee's own "harder dan je rustige stem" level for two seconds, "Rustig"
when its pitch stays above their own "hoger dan je rustige stem" level for two seconds.

Sparse, because research on live speech feedback found that a word now and then helps where a
running stream of numbers distracts: at most one cue per QUIET_S, whichever measure it is for.
When both hold at once, "Zachter" goes: the blog's list of escalation signals ("Cliëntcommunicatie
in crisismomenten") opens with "Verhoogd stemvolume", and the scoring derived from it weighs a
raised voice more than a raised pitch (coaching/weights.yaml: voice_raised). Cheap, because it runs
for every chunk of every stream: the same 400 ms RMS loudness the analysis measures
(voice/contours.py), of the newly arrived frames only, against the same level (the baseline's
median plus its loudness threshold; without a calibration the same population default the analysis
falls back on), and the same smoothing and stretch rule as the analysis' raised stretches
(voice/stretches.py); pitch likewise, by YIN (streaming/pitch_watch.py). No voice activity
detection: a quiet pause is below the level anyway, and has no voiced frames. Cues are not stored
and do not change the score.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import numpy as np

from voicecoach.streaming.pcm_file import SAMPLE_RATE
from voicecoach.streaming.pitch_watch import PitchWatch
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

CueName = Literal["zachter", "rustig"]


class Cue(TypedDict):
    """The stream's text message (api/routes/stream.py); the page shows the word's Dutch name."""

    type: Literal["cue"]
    cue: CueName
    at: float  # seconds into the reply


class LoudnessWatch:
    """Follows a streamed reply's loudness: each look measures only the loudness frames that became
    complete since the last one (about half a millisecond)."""

    def __init__(self, baseline: Baseline) -> None:
        self.level = baseline.loudness_db + baseline.loudness_threshold()
        self._centre = EDGE  # the reply's sample at the centre of the next frame to measure
        self._times = np.zeros(0)
        self._levels = np.zeros(0)

    def measure(self, tail: np.ndarray, arrived: int) -> None:
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

    def held(self) -> bool:
        return bool(spans_above(self._times, smooth(self._levels), self.level, min_seconds=HOLD_S))

    def forget(self, now_s: float) -> None:
        """What held until `now_s` has had its cue."""
        self._times, self._levels = self._times[:0], self._levels[:0]


class LiveCues:
    """Decides, as a streamed reply arrives, when to send a cue, and which."""

    def __init__(self, baseline: Baseline | None) -> None:
        reference = baseline or POPULATION_DEFAULT
        self.loudness = LoudnessWatch(reference)
        self.pitch = PitchWatch(reference, HOLD_S)
        self._quiet_until = 0.0  # no cue before this second of the reply
        self._looked_at = 0

    def hear(self, tail: np.ndarray, arrived: int) -> Cue | None:
        """`arrived`: samples of the reply so far; `tail`: its last TAIL_SAMPLES (all, early on)."""
        if arrived - self._looked_at < LOOK_EVERY_S * SAMPLE_RATE:
            return None
        self._looked_at = arrived
        watches: dict[CueName, LoudnessWatch | PitchWatch] = {"zachter": self.loudness, "rustig": self.pitch}
        for watch in watches.values():
            watch.measure(tail, arrived)
        end_s = arrived / SAMPLE_RATE
        if end_s < self._quiet_until:
            return None
        cue = next((name for name, watch in watches.items() if watch.held()), None)  # the more urgent first
        if cue is None:
            return None
        self._quiet_until = end_s + QUIET_S
        for watch in watches.values():
            watch.forget(end_s)  # what held now has had its cue; the other starts afresh after the pause
        return {"type": "cue", "cue": cue, "at": round(end_s, 2)}
