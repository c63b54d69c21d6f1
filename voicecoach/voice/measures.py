"""Measure a reply's voice against a baseline; every number keeps its evidence (seconds, values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from voicecoach.levels import CLIPPED_WARNING_FRACTION
from voicecoach.voice.contours import FRAME_S, Contours
from voicecoach.voice.rate import RateMeasure
from voicecoach.voice.rises import find_rises
from voicecoach.voice.shapes import (
    FLOOR_LOUDNESS_DB, FLOOR_PITCH_ST, MIN_RATE_SPEECH_S, SHORT_REPLY_FACTOR, SHORT_REPLY_S, Baseline, BaselineRecord,
    Comparison, ContoursRecord, MeasureName, Rise, VoiceRecord,
)
from voicecoach.voice.stats import phrase_spread, semitones, step_robust_spread
from voicecoach.voice.stretches import smooth, spans_above

# Stretches of a phrase swing more than a whole reply's median (a calm sentence opens higher and
# ends lower), so a rise inside the reply must clear twice the raised-median threshold.
RISE_FACTOR = 2.0
CONTOUR_STEP = 5  # frames per plotted point (50 ms): enough for a chart, small in JSON


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
    clipped_fraction: float = 0.0
    """Share of samples at full scale: above CLIPPED_WARNING_FRACTION the loudness is a lower bound."""

    @property
    def clipped(self) -> bool:
        return self.clipped_fraction > CLIPPED_WARNING_FRACTION

    def record(self) -> VoiceRecord:
        """What the turn's record keeps: the measures, and the contours thinned for a chart."""
        step = slice(None, None, CONTOUR_STEP)
        c = self.contours
        note = None if self.baseline.is_personal else (
            "Er is nog geen eigen rustige stem gemeten: je stem is vergeleken met "
            + ("je rustigste eerdere antwoord in dit gesprek" if self.baseline.source == "earlier_replies"
               else "een gemiddelde rustige stem")
            + ", en een stijging met de rest van je antwoord. Meet eerst je rustige stem "
            "(startpagina, 'Je rustige stem') voor een eerlijke vergelijking."
        )
        return VoiceRecord(
            baseline=BaselineRecord(**dict(self.baseline), note=note),
            loudness=self.loudness, pitch=self.pitch, rate=self.rate,
            clipped_fraction=self.clipped_fraction, clipped=self.clipped,
            speech_seconds=self.speech_seconds, pause_seconds=self.pause_seconds, pauses=self.pauses,
            rises=self.rises,
            contours=ContoursRecord(
                times=np.round(c.times[step], 3).tolist(),
                loudness_db=[round(float(v), 1) if m else None for v, m in zip(c.loudness_db[step], c.speech[step])],
                pitch_st=[
                    None if np.isnan(v) else round(float(semitones(v, self.baseline.pitch_hz)), 2)
                    for v in c.f0_hz[step]
                ],
            ),
        )


def is_short_reply(contours: Contours) -> bool:
    """Less than SHORT_REPLY_S of speech frames (the frames loudness and pitch are judged on)."""
    return float(contours.speech.sum()) * FRAME_S < SHORT_REPLY_S


def measure_voice(
    contours: Contours, rate: RateMeasure, baseline: Baseline, *, clipped_fraction: float = 0.0
) -> VoiceMeasures:
    """Compare loudness (all speech frames), pitch (voiced frames) and rate with `baseline`, and
    find rises inside the reply; `clipped_fraction` (from decoding) is kept as a warning."""
    speech, voiced = contours.speech, contours.voiced
    loudness = pitch = None
    rises: tuple[Rise, ...] = ()
    # A short reply's median is its stressed core, not a voice's level: only a clearly raised one counts.
    margin = SHORT_REPLY_FACTOR if is_short_reply(contours) else 1.0
    if speech.any():
        times, values = contours.times[speech], contours.loudness_db[speech]
        loudness = _compare(
            "loudness", times, values, baseline.loudness_db, margin * baseline.loudness_threshold(),
            value=float(np.median(values)), baseline_value=baseline.loudness_db, unit="dBFS", difference_unit="dB",
        )
        rises += _rises("loudness", times, values, "dB", baseline, baseline.loudness_threshold(), FLOOR_LOUDNESS_DB)
    if voiced.any():
        times = contours.times[voiced]
        values = np.asarray(semitones(contours.f0_hz[voiced], baseline.pitch_hz))
        pitch = _compare(
            "pitch", times, values, 0.0, margin * baseline.pitch_threshold(),
            value=float(baseline.pitch_hz * 2 ** (np.median(values) / 12)), baseline_value=baseline.pitch_hz,
            unit="Hz", difference_unit="st",
        )
        rises += _rises("pitch", times, values, "st", baseline, baseline.pitch_threshold(), FLOOR_PITCH_ST)
    rate_comparison = None
    if rate.speech_seconds >= MIN_RATE_SPEECH_S:  # shorter: the rate of a few words is mostly noise
        span = _span(contours.times[speech]) if speech.any() else (0.0, 0.0)
        difference = rate.syllables_per_second - baseline.rate_sps
        threshold = baseline.rate_threshold(rate.speech_seconds)
        rate_comparison = Comparison(
            measure="rate",
            value=rate.syllables_per_second,
            baseline=baseline.rate_sps,
            unit="syll/s",
            difference=difference,
            difference_unit="syll/s",
            threshold=threshold,
            # against general values a pace says nothing: calm people differ by more than the threshold
            raised=baseline.is_personal and difference >= threshold,
            spread_in_reply=0.0,
            seconds=span,
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
        clipped_fraction=clipped_fraction,
    )


def _compare(
    measure: MeasureName,
    times: np.ndarray,
    values: np.ndarray,
    reference: float,
    threshold: float,
    *,
    value: float,
    baseline_value: float,
    unit: str,
    difference_unit: str,
) -> Comparison:
    """The reply's median of `values` against `reference` (same scale), with the stretches above
    reference + threshold; when raised, `seconds` span those stretches, else all of the speech.
    `value` and `baseline_value` are what is shown, in `unit`."""
    difference = float(np.median(values)) - reference
    stretches = spans_above(times, smooth(values), reference + threshold)
    raised_span = difference >= threshold and stretches
    start, end = (stretches[0][0], stretches[-1][1]) if raised_span else _span(times)
    return Comparison(
        measure=measure,
        value=value,
        baseline=baseline_value,
        unit=unit,
        difference=difference,
        difference_unit=difference_unit,
        threshold=threshold,
        spread_in_reply=phrase_spread(times, values),
        seconds=(start, end),
        frames=int(values.size),
        stretches=stretches,
    )


def _rises(
    measure: Literal["loudness", "pitch"],
    times: np.ndarray,
    values: np.ndarray,
    unit: str,
    baseline: Baseline,
    calibrated_threshold: float,
    floor: float,
) -> tuple[Rise, ...]:
    """Rises against the calibrated spread, or without a calibration against the reply's own
    (step-robust) spread: the population's spread says nothing about how one voice swings."""
    if baseline.is_personal:
        threshold, reference = calibrated_threshold, "calibration"
    else:
        threshold, reference = max(floor, step_robust_spread(times, values)), "reply"
    return find_rises(
        times, values, measure=measure, unit=unit, threshold=RISE_FACTOR * threshold, reference=reference
    )


def _span(times: np.ndarray) -> tuple[float, float]:
    return float(times[0]), float(times[-1])
