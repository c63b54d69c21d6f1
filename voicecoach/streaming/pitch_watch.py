"""The live "Rustig" cue's ear (issue 15): does the pitch stay above the trainee's own "hoger dan je
rustige stem" level? The level is the analysis' own (voice/measures.py): semitones above the calm
baseline's median pitch, at least `Baseline.pitch_threshold()`, judged on voiced frames with the
analysis' smoothing and stretch rule (voice/stretches.py).

The analysis tracks pitch with pyin, about 45 ms per half second of audio on this machine: too much
for every chunk of 30 streams. Here plain YIN tracks it (librosa.yin, about 1 ms per 250 ms chunk) on the
analysis' frame (PITCH_FRAME, every PITCH_HOP); where both call a frame voiced, YIN's F0 is pyin's
within 0.1 semitone (README, "Live cues while speaking"). YIN has no voicing decision of its own, so
a frame counts as voiced when its aperiodicity (the lowest point of YIN's cumulative mean normalised
difference) is below VOICED_APERIODICITY.
"""

from __future__ import annotations

import librosa
import numpy as np
from librosa.core.pitch import (
    _cumulative_mean_normalized_difference,  # YIN's aperiodicity (no public API)
)

from voicecoach.streaming.pcm_file import SAMPLE_RATE
from voicecoach.voice.contours import F0_MAX_HZ, F0_MIN_HZ, HOP, PITCH_FRAME, PITCH_HOP
from voicecoach.voice.shapes import Baseline
from voicecoach.voice.stats import semitones
from voicecoach.voice.stretches import (
    MERGE_GAP_SECONDS,
    SMOOTH_FRAMES,
    smooth,
    spans_above,
)

# Measured on MBROLA speech spliced with +500 cents (bench/live_pitch.py, README): with 0.2, 3.5 s of
# a raised pitch got a cue at 25 of 31 positions, 1 s at 4 (0 of 13 on mostly voiced speech); 0.3 and
# 0.4 cued more of the 1 s raises; at YIN's own trough threshold (0.1) too few frames were voiced.
VOICED_APERIODICITY = 0.2
EDGE = PITCH_FRAME // 2  # a frame needs this many samples either side of its centre
CONTEXT_S = 6.0  # frames kept: a stretch of two seconds and the smoothing around it, with room
MIN_PERIOD = int(np.floor(SAMPLE_RATE / F0_MAX_HZ))  # librosa.yin's own period range
MAX_PERIOD = min(int(np.ceil(SAMPLE_RATE / F0_MIN_HZ)), PITCH_FRAME - 1)


def track(segment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F0 (Hz) and voicing of the frames centred every PITCH_HOP from EDGE into `segment`."""
    f0 = librosa.yin(segment, fmin=F0_MIN_HZ, fmax=F0_MAX_HZ, sr=SAMPLE_RATE, frame_length=PITCH_FRAME,
                     hop_length=PITCH_HOP, center=False)
    frames = librosa.util.frame(segment, frame_length=PITCH_FRAME, hop_length=PITCH_HOP)
    aperiodicity = _cumulative_mean_normalized_difference(frames, MIN_PERIOD, MAX_PERIOD).min(axis=0)
    silent = ~np.any(frames, axis=0)  # digital silence reads as perfectly periodic
    return f0, (aperiodicity < VOICED_APERIODICITY) & ~silent


class PitchWatch:
    """Follows a streamed reply's pitch, a few new frames per look; `held` tells when the analysis'
    stretch rule, applied to the frames so far, finds the pitch above the level for `hold_s` and
    still going on (the frames of the last CONTEXT_S are kept)."""

    def __init__(self, baseline: Baseline, hold_s: float) -> None:
        self.reference_hz = baseline.pitch_hz
        self.level_st = baseline.pitch_threshold()  # measures.py: reference 0 st + the threshold
        self._hold_s = hold_s
        self._centre = EDGE  # the reply's sample at the centre of the next frame to track
        self._centres = np.zeros(0, dtype=int)
        self._f0 = np.zeros(0)
        self._voiced = np.zeros(0, dtype=bool)
        self._from_s = 0.0  # stretches that began before this second have had their cue
        self._edge_s = 0.0  # the reply so far

    def measure(self, tail: np.ndarray, arrived: int) -> None:
        """Track the frames whose whole window has arrived (`tail`: the reply's last samples)."""
        self._edge_s = arrived / SAMPLE_RATE
        first = max(self._centre - EDGE, arrived - len(tail))
        first += (self._centre - EDGE - first) % PITCH_HOP  # stay on the reply's frame grid
        segment = tail[len(tail) - (arrived - first) :]
        if len(segment) < PITCH_FRAME:
            return
        f0, voiced = track(segment)
        centres = first + EDGE + PITCH_HOP * np.arange(len(f0))
        self._centre = int(centres[-1]) + PITCH_HOP
        recent = np.concatenate((self._centres, centres)) > arrived - CONTEXT_S * SAMPLE_RATE
        self._centres = np.concatenate((self._centres, centres))[recent]
        self._f0 = np.concatenate((self._f0, f0))[recent]
        self._voiced = np.concatenate((self._voiced, voiced))[recent]

    def held(self) -> bool:
        # Onto the analysis' 10 ms grid, as pitch_contour does, so the 250 ms smoothing means the same.
        repeat = PITCH_HOP // HOP
        times = (self._centres[self._voiced, None] + HOP * np.arange(repeat)).ravel() / SAMPLE_RATE
        values = np.repeat(np.asarray(semitones(self._f0[self._voiced], self.reference_hz)), repeat)
        # Judged only where the smoothing window has arrived on both sides, as in the analysis: at
        # the live edge the median would repeat the newest frames (voiced frames come sparsely).
        judged = len(values) - SMOOTH_FRAMES // 2
        if judged <= 0 or self._edge_s - times[-1] > MERGE_GAP_SECONDS:  # no voice for a while: it is over
            return False
        stretches = spans_above(times[:judged], smooth(values)[:judged], self.level_st, min_seconds=self._hold_s)
        # Going on: it reaches the last judged frame, and it is not one that has had its cue.
        return any(end == times[judged - 1] and start >= self._from_s for start, end in stretches)

    def forget(self, now_s: float) -> None:
        """What held until `now_s` has had its cue."""
        self._from_s = now_s
