"""Signal levels shared by the audio checks and the voice measures.

dBFS: RMS re full scale (a full-scale square wave is 0 dB, a full-scale sine -3.01 dB).
"""

from __future__ import annotations

import numpy as np

FLOOR_DB = -120.0
CLIPPED_WARNING_FRACTION = 0.001  # 0.1 % of samples at full scale is audible distortion


def rms_db(samples: np.ndarray) -> float:
    """RMS level of `samples` (float, full scale ±1) in dBFS; digital silence gives FLOOR_DB."""
    if samples.size == 0:
        return FLOOR_DB
    power = float(np.mean(np.square(samples, dtype=np.float64)))
    return max(FLOOR_DB, float(10.0 * np.log10(power))) if power > 0 else FLOOR_DB


def power_to_db(power: np.ndarray) -> np.ndarray:
    """Mean-square power per frame to dBFS, floored like rms_db."""
    return np.maximum(FLOOR_DB, 10.0 * np.log10(np.maximum(power, 1e-12)))
