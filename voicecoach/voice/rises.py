"""Rises inside a reply: loudness or pitch climbing above what came before, with their seconds.

The contour (voiced frames only) is cut by binary segmentation into at most four stretches of
steady level. A stretch whose median lies a threshold above the median of everything before
it starts a rise; following stretches still above that level extend it (so a sentence-final
fall does not cut a shouted sentence short). A rise must last MIN_RISE_SECONDS. A rise is a *jump* when
the level changes by the threshold within JUMP_SECONDS around its start, else *gradual*.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
from scipy.ndimage import median_filter

SMOOTH_FRAMES = 15  # 150 ms at a 10 ms hop: smooths syllable swings, keeps phrase-level steps
MIN_STRETCH_SECONDS = 0.6
MIN_RISE_SECONDS = 1.0  # shorter swings are ordinary intonation (a low greeting, a stressed word)
MAX_DEPTH = 2  # up to four stretches
JUMP_SECONDS = 0.4


@dataclass(frozen=True)
class Rise:
    """A stretch of the reply that is louder or higher than the reply before it."""

    measure: Literal["loudness", "pitch"]
    kind: Literal["jump", "gradual"]
    start: float
    end: float
    before: float
    after: float
    unit: str

    @property
    def difference(self) -> float:
        return self.after - self.before

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["difference"] = round(self.difference, 2)
        for key in ("start", "end"):
            data[key] = round(data[key], 2)
        for key in ("before", "after"):
            data[key] = round(data[key], 2)
        return data


def find_rises(
    times: np.ndarray,
    values: np.ndarray,
    *,
    measure: Literal["loudness", "pitch"],
    unit: str,
    threshold: float,
    hop_seconds: float = 0.01,
) -> tuple[Rise, ...]:
    """Rises of at least `threshold` (same unit as `values`) above the reply before them."""
    min_len = int(MIN_STRETCH_SECONDS / hop_seconds)
    if len(values) < 2 * min_len:
        return ()
    smooth = median_filter(values, size=SMOOTH_FRAMES, mode="nearest")
    cuts = sorted(_split(values, 0, len(values), min_len, threshold / 2, MAX_DEPTH))
    bounds = list(zip([0, *cuts], [*cuts, len(values)]))
    rises: list[Rise] = []
    run: list[int] = []
    for index in range(1, len(bounds) + 1):
        if index < len(bounds):
            above = _above_before(values, bounds, run[0] if run else index, index)
            # hysteresis: a rise starts at the full threshold and lasts until the level is back
            # down to where it was before the rise
            if above >= threshold or (run and above > 0):
                run.append(index)
                continue
        if run:
            first, last = bounds[run[0]][0], bounds[run[-1]][1]
            run = []
            if times[last - 1] - times[first] < MIN_RISE_SECONDS:
                continue
            jump = _local_step(smooth, first, int(JUMP_SECONDS / hop_seconds)) >= threshold
            rises.append(
                Rise(
                    measure=measure,
                    kind="jump" if jump else "gradual",
                    start=float(times[first]),
                    end=float(times[last - 1]),
                    before=float(np.median(values[:first])),
                    after=float(np.median(values[first:last])),
                    unit=unit,
                )
            )
    return tuple(rises)


def _above_before(values: np.ndarray, bounds: list[tuple[int, int]], run_first: int, index: int) -> float:
    """Median of stretch `index` above the median of everything said before stretch `run_first`."""
    start, end = bounds[index]
    return float(np.median(values[start:end]) - np.median(values[: bounds[run_first][0]]))


def _split(series: np.ndarray, lo: int, hi: int, min_len: int, min_step: float, depth: int) -> list[int]:
    """Cut points (absolute indices) of a binary segmentation on the mean level."""
    if depth == 0 or hi - lo < 2 * min_len:
        return []
    piece = series[lo:hi]
    cumulative = np.cumsum(piece)
    n = len(piece)
    candidates = np.arange(min_len, n - min_len + 1)
    left_mean = cumulative[candidates - 1] / candidates
    right_mean = (cumulative[-1] - cumulative[candidates - 1]) / (n - candidates)
    # between-stretch variance explained: the classic CUSUM-type split statistic
    gain = candidates * (n - candidates) / n * (right_mean - left_mean) ** 2
    best = int(candidates[int(np.argmax(gain))])
    step = abs(np.median(piece[best:]) - np.median(piece[:best]))
    if step < min_step:
        return []
    cut = lo + best
    return [
        *_split(series, lo, cut, min_len, min_step, depth - 1),
        cut,
        *_split(series, cut, hi, min_len, min_step, depth - 1),
    ]


def _local_step(series: np.ndarray, index: int, width: int) -> float:
    before = series[max(0, index - width) : index]
    after = series[index : index + width]
    if not len(before) or not len(after):
        return 0.0
    return float(np.median(after) - np.median(before))
