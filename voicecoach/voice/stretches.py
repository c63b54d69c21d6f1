"""Seconds where a contour stays above a level: one flag per stretch, merged across pauses and dips.

A reply shouted from start to end is one stretch from its start to its end, not a handful of
fragments between breaths (or only the few frames where pitch tracking found a voice).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter

SMOOTH_FRAMES = 41  # 250 ms at a 10 ms hop: a single stressed syllable does not start a stretch
MERGE_GAP_SECONDS = 1.0  # a breath, a pause between sentences or a short dip does not split a stretch
MIN_STRETCH_SECONDS = 0.5


def smooth(values: np.ndarray) -> np.ndarray:
    """Running median over SMOOTH_FRAMES: syllable-to-syllable swings out, phrase-level steps kept."""
    if values.size == 0:
        return values
    return median_filter(values, size=min(SMOOTH_FRAMES, values.size), mode="nearest")


def spans_above(
    times: np.ndarray,
    smoothed: np.ndarray,
    level: float,
    *,
    merge_gap: float = MERGE_GAP_SECONDS,
    min_seconds: float = MIN_STRETCH_SECONDS,
) -> tuple[tuple[float, float], ...]:
    """(start, end) seconds where `smoothed` values are at or above `level`.

    `times` are the frames' centres (only the frames that count, e.g. speech), so a pause is a gap
    in `times`; above-frames less than `merge_gap` apart belong to one stretch.
    """
    above = times[smoothed >= level]
    if above.size == 0:
        return ()
    breaks = np.flatnonzero(np.diff(above) > merge_gap)
    starts = above[np.concatenate(([0], breaks + 1))]
    ends = above[np.concatenate((breaks, [above.size - 1]))]
    return tuple(
        (float(start), float(end)) for start, end in zip(starts, ends) if end - start >= min_seconds
    )
