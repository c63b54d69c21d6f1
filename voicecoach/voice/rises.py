"""Rises inside a reply: loudness or pitch climbing above what came before, with their seconds.

The contour (speech frames for loudness, voiced frames for pitch) is smoothed and scanned from the
start. A rise starts where the smoothed level is `threshold` above the median of everything said
before it (at least MIN_REFERENCE_SECONDS of it), and lasts while the level stays above halfway
between that median and the rise's own first second, bridging pauses and dips shorter than a
second (voice/stretches.py): one raised stretch is one flag however many breaths it holds; within
half a second of the reply's end it runs to the end (a shouted last sentence falls at its end). A rise
must last MIN_RISE_SECONDS and its median must be `threshold` above the median before it. It is a
*jump* when the level changes by the threshold within JUMP_SECONDS around its start, else
*gradual*.

An earlier version cut the contour into at most four steady stretches by binary segmentation; it
missed a 3 s rise in the middle of a 20 s reply (no single cut set it apart from the calm speech
around it).
"""

from __future__ import annotations

import bisect
from typing import Literal

import numpy as np

from voicecoach.voice.shapes import Rise
from voicecoach.voice.stretches import smooth, spans_above

# "Louder than before" needs a before (counted in measured frames): with 1 s, a low first word
# ("Goedemorgen.") made the rest of a calm 20 s reading a 4-semitone rise.
MIN_REFERENCE_SECONDS = 2.0
MIN_RISE_SECONDS = 1.5  # shorter swings are ordinary intonation (a low greeting, a stressed word)
JUMP_SECONDS = 0.4
# A rise ends when the level is back below halfway between before and the rise's first second
# (and at least below before + half the threshold): calm speech after a shout that is a little
# louder than the start of the reply does not lengthen the shout.
END_FRACTION = 0.5
# A shouted last sentence ends in a fall; when no more than this is left of the reply, that fall
# belongs to the rise. (Also extending to the next pause inside a reply cost precision: the
# share of +10 dB stretches whose ends were found within 0.3 s fell from 96 to 80 %.)
FINAL_FALL_SECONDS = 0.5


def find_rises(
    times: np.ndarray,
    values: np.ndarray,
    *,
    measure: Literal["loudness", "pitch"],
    unit: str,
    threshold: float,
    reference: Literal["calibration", "reply"],
    hop_seconds: float = 0.01,
) -> tuple[Rise, ...]:
    """Rises of at least `threshold` (same unit as `values`) above the reply before them."""
    first_possible = int(MIN_REFERENCE_SECONDS / hop_seconds)
    if len(values) <= first_possible:
        return ()
    smoothed = smooth(values)
    before = _prefix_medians(values)
    jump_frames = int(JUMP_SECONDS / hop_seconds)
    rises: list[Rise] = []
    index = first_possible
    while index < len(values):
        if smoothed[index] - before[index] < threshold:
            index += 1
            continue
        level = before[index]
        core = float(np.median(values[index : np.searchsorted(times, times[index] + MIN_RISE_SECONDS)]))
        end = _end(times, smoothed, index, level + max(END_FRACTION * threshold, (core - level) / 2))
        end = _with_final_fall(times, end)
        after = float(np.median(values[index:end]))
        if times[end - 1] - times[index] >= MIN_RISE_SECONDS and after - level >= threshold:
            jump = _local_step(smoothed, index, jump_frames) >= threshold
            rises.append(
                Rise(
                    measure=measure,
                    kind="jump" if jump else "gradual",
                    start=float(times[index]),
                    end=float(times[end - 1]),
                    before=float(level),
                    after=after,
                    unit=unit,
                    threshold=threshold,
                    reference=reference,
                )
            )
        index = end
    return tuple(rises)


def _end(times: np.ndarray, smoothed: np.ndarray, start: int, level: float) -> int:
    """One past the last frame of the stretch from `start` that stays above `level` (dips bridged)."""
    span = spans_above(times[start:], smoothed[start:], level, min_seconds=0.0)
    return int(np.searchsorted(times, span[0][1], side="right"))


def _with_final_fall(times: np.ndarray, end: int) -> int:
    """`end`, moved to the end of the reply when only a short final fall is left of it."""
    return len(times) if times[-1] - times[end - 1] <= FINAL_FALL_SECONDS else end


def _prefix_medians(values: np.ndarray) -> np.ndarray:
    """medians[i] = median of values[:i] (NaN for i = 0); a sorted list keeps it O(n log n) in search."""
    ordered: list[float] = []
    medians = np.full(len(values), np.nan)
    for index, value in enumerate(values):
        if ordered:
            middle = len(ordered) // 2
            medians[index] = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        bisect.insort(ordered, float(value))
    return medians


def _local_step(series: np.ndarray, index: int, width: int) -> float:
    before = series[max(0, index - width) : index]
    after = series[index : index + width]
    if not len(before) or not len(after):
        return 0.0
    return float(np.median(after) - np.median(before))
