"""Measure a reply's voice against a baseline; every number keeps its evidence (seconds, values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from voicecoach.voice.baseline import Baseline
from voicecoach.voice.contours import Contours
from voicecoach.voice.rate import RateMeasure
from voicecoach.voice.rises import Rise, find_rises
from voicecoach.voice.stats import phrase_spread, semitones

# Stretches of a phrase swing more than a whole reply's median (a calm sentence opens higher and
# ends lower), so a rise inside the reply must clear twice the raised-median threshold.
RISE_FACTOR = 2.0
CONTOUR_STEP = 5  # frames per plotted point (50 ms): enough for a chart, small in JSON

MeasureName = Literal["loudness", "pitch", "rate"]


@dataclass(frozen=True)
class Comparison:
    """One measure of the reply against the baseline.

    `value` and `baseline` are in `unit`; `difference` is in `difference_unit` (dB for loudness,
    semitones for pitch, syllables/s for rate); `raised` when difference ≥ threshold.
    """

    measure: MeasureName
    value: float
    baseline: float
    unit: str
    difference: float
    difference_unit: str
    threshold: float
    spread: float
    start: float
    end: float
    frames: int

    @property
    def raised(self) -> bool:
        return self.difference >= self.threshold

    def to_dict(self) -> dict[str, object]:
        return {
            "measure": self.measure,
            "value": round(self.value, 2),
            "baseline": round(self.baseline, 2),
            "unit": self.unit,
            "difference": round(self.difference, 2),
            "difference_unit": self.difference_unit,
            "threshold": round(self.threshold, 2),
            "spread_in_reply": round(self.spread, 2),
            "raised": self.raised,
            "seconds": [round(self.start, 2), round(self.end, 2)],
            "frames": self.frames,
        }


@dataclass(frozen=True)
class VoiceMeasures:
    """Everything measured about how the reply sounded."""

    loudness: Comparison | None
    pitch: Comparison | None
    rate: Comparison | None
    speech_seconds: float
    pause_seconds: float
    pauses: tuple[tuple[float, float], ...]
    rises: tuple[Rise, ...]
    baseline: Baseline
    contours: Contours

    def to_dict(self) -> dict[str, object]:
        step = slice(None, None, CONTOUR_STEP)
        c = self.contours
        return {
            "baseline": {
                **self.baseline.to_dict(),
                "note": None
                if self.baseline.is_personal
                else (
                    "Er is nog geen eigen rustige stem gemeten: je stem is vergeleken met algemene "
                    "standaardwaarden. Doe eerst de kalibratie voor een eerlijke vergelijking."
                ),
            },
            "loudness": self.loudness.to_dict() if self.loudness else None,
            "pitch": self.pitch.to_dict() if self.pitch else None,
            "rate": self.rate.to_dict() if self.rate else None,
            "speech_seconds": round(self.speech_seconds, 2),
            "pause_seconds": round(self.pause_seconds, 2),
            "pauses": [[round(s, 2), round(e, 2)] for s, e in self.pauses],
            "rises": [rise.to_dict() for rise in self.rises],
            "contours": {
                "times": np.round(c.times[step], 3).tolist(),
                "loudness_db": [round(float(v), 1) if m else None for v, m in zip(c.loudness_db[step], c.speech[step])],
                "pitch_st": [
                    None if np.isnan(v) else round(float(semitones(v, self.baseline.pitch_hz)), 2)
                    for v in c.f0_hz[step]
                ],
            },
        }


def measure_voice(contours: Contours, rate: RateMeasure, baseline: Baseline) -> VoiceMeasures:
    """Compare loudness, pitch and rate with `baseline` and find rises inside the reply."""
    voiced = contours.voiced
    times = contours.times[voiced]
    loudness_values = contours.loudness_db[voiced]
    pitch_values = np.asarray(semitones(contours.f0_hz[voiced], baseline.pitch_hz))
    loudness = pitch = None
    rises: tuple[Rise, ...] = ()
    if voiced.any():
        span = (float(times[0]), float(times[-1]))
        loudness_median = float(np.median(loudness_values))
        loudness = Comparison(
            measure="loudness",
            value=loudness_median,
            baseline=baseline.loudness_db,
            unit="dBFS",
            difference=loudness_median - baseline.loudness_db,
            difference_unit="dB",
            threshold=baseline.loudness_threshold(),
            spread=phrase_spread(times, loudness_values),
            start=span[0],
            end=span[1],
            frames=int(voiced.sum()),
        )
        pitch_median_st = float(np.median(pitch_values))
        pitch = Comparison(
            measure="pitch",
            value=float(baseline.pitch_hz * 2 ** (pitch_median_st / 12)),
            baseline=baseline.pitch_hz,
            unit="Hz",
            difference=pitch_median_st,
            difference_unit="st",
            threshold=baseline.pitch_threshold(),
            spread=phrase_spread(times, pitch_values),
            start=span[0],
            end=span[1],
            frames=int(voiced.sum()),
        )
        rises = find_rises(
            times,
            loudness_values,
            measure="loudness",
            unit="dB",
            threshold=RISE_FACTOR * baseline.loudness_threshold(),
        ) + find_rises(
            times, pitch_values, measure="pitch", unit="st", threshold=RISE_FACTOR * baseline.pitch_threshold()
        )
    rate_comparison = None
    if rate.speech_seconds > 0:
        rate_comparison = Comparison(
            measure="rate",
            value=rate.syllables_per_second,
            baseline=baseline.rate_sps,
            unit="syll/s",
            difference=rate.syllables_per_second - baseline.rate_sps,
            difference_unit="syll/s",
            threshold=baseline.rate_threshold(),
            spread=0.0,
            start=float(contours.times[contours.speech][0]) if contours.speech.any() else 0.0,
            end=float(contours.times[contours.speech][-1]) if contours.speech.any() else 0.0,
            frames=rate.syllables,
        )
    return VoiceMeasures(
        loudness=loudness,
        pitch=pitch,
        rate=rate_comparison,
        speech_seconds=rate.speech_seconds,
        pause_seconds=rate.pause_seconds,
        pauses=rate.pauses,
        rises=tuple(sorted(rises, key=lambda r: r.start)),
        baseline=baseline,
        contours=contours,
    )
