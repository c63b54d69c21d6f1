"""Robust statistics used for baselines and comparisons."""

from __future__ import annotations

import numpy as np

IQR_TO_SD = 1.349  # IQR of a normal distribution in standard deviations


def robust_spread(values: np.ndarray) -> float:
    """Robust standard deviation (IQR / 1.349): syllable-to-syllable swings, not outliers, set it."""
    if values.size < 2:
        return 0.0
    q75, q25 = np.percentile(values, [75, 25])
    return float((q75 - q25) / IQR_TO_SD)


def semitones(hz: np.ndarray | float, reference_hz: float) -> np.ndarray | float:
    """Interval from `reference_hz` in semitones (12 per octave)."""
    return 12.0 * np.log2(np.asarray(hz) / reference_hz)


def semitones_as_percent(interval: float) -> float:
    """An interval in semitones as the percent its pitch is above (negative: below) the reference:
    how the trainee is told about pitch ("half-tones" is a musician's word)."""
    return 100.0 * (2.0 ** (interval / 12.0) - 1.0)


def window_medians(times: np.ndarray, values: np.ndarray, *, window_seconds: float = 1.0, min_frames: int = 30) -> np.ndarray:
    """Median of `values` in consecutive `window_seconds` windows with at least `min_frames` frames.

    A reply is judged by its median level, so the spread that matters is how much the level of a
    second or so of calm speech varies, not how much single 10 ms frames (vowels against voiced
    consonants) vary.
    """
    if values.size == 0:
        return values
    bins = np.floor((times - times[0]) / window_seconds).astype(int)
    medians = [np.median(values[bins == b]) for b in np.unique(bins) if np.count_nonzero(bins == b) >= min_frames]
    return np.asarray(medians, dtype=np.float64)


def phrase_spread(times: np.ndarray, values: np.ndarray) -> float:
    """Robust spread of one-second medians (see window_medians)."""
    return robust_spread(window_medians(times, values))


# For normal noise, the median absolute difference of two independent values is 0.954 standard deviations.
MEDIAN_ABS_DIFFERENCE_TO_SD = 0.954


def step_robust_spread(times: np.ndarray, values: np.ndarray) -> float:
    """Spread of one-second medians estimated from their successive differences.

    Used inside a reply when there is no calibration: a rise of the voice shifts the level of
    everything after it, which widens the IQR (phrase_spread) but adds only one large
    second-to-second difference, which the median ignores (the usual noise estimate of change-point
    detection). 0.0 when the reply has fewer than three seconds to compare.
    """
    medians = window_medians(times, values)
    if medians.size < 3:
        return 0.0
    return float(np.median(np.abs(np.diff(medians))) / MEDIAN_ABS_DIFFERENCE_TO_SD)
