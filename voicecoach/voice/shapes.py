"""What the voice stage produces: the calm baseline, a comparison with it, a rise inside a reply,
and speech over the customer's line (the interruption).

A leaf of the voice stage (pydantic only), so the turn record keeps these same shapes without
loading librosa. "Raised" is judged against the trainee's own spread, not a fixed number: a voice
that swings a lot in calm speech must move further before the change means something (README,
"Voice measures").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, computed_field, model_validator

from voicecoach.errors import VoiceCoachError
from voicecoach.shape import Round2, Round3, Round5, Seconds, Shape

BASELINE_VERSION = 2  # 2: loudness over all speech frames in 400 ms windows (1: voiced 25 ms frames)

# Minimum changes that always count as raised, whatever the spread: about two just-noticeable
# differences for loudness, a clear half-tone step for pitch, a fifth faster for rate.
FLOOR_LOUDNESS_DB = 3.0
FLOOR_PITCH_ST = 1.5
# Rate from word times strays on its own (bench/voice_noise.py, 2026-11-27: MBROLA replies spoken at
# exactly the calibration's pace): at a tenth, 64 % of 2-3 s replies, 34 % of 3-4 s and 30 % of
# 4-8 s were called faster; at a fifth 16 % of 3-4 s and none from 4 s on, while replies 30 %
# faster were still caught (84-100 %). Below MIN_RATE_SPEECH_S the rate is not judged at all.
FLOOR_RATE_FRACTION = 0.20
MIN_RATE_SPEECH_S = 3.0
# 3-4 s of speech: a quarter (the same run, 2026-11-28 05:51): 18 % of such replies at the calibration's
# pace were called faster at a fifth, 8 % at a quarter, while 30 % faster was caught 94 / 91 %.
SHORT_RATE_SPEECH_S = 4.0
SHORT_RATE_FLOOR_FRACTION = 0.25
# Less than this much speech (a word or a short sentence: "ja", "Dat is ons beleid.") is judged
# raised only at twice the threshold: its median is its stressed core, while the calibration's
# takes in the quiet ends of 20 s of reading. At the calibration's own level 2 of 12 one-word
# MBROLA answers were called louder at 1 x (bench/voice_noise.py, 2026-11-27), none from 3 s on,
# and a test session saw a calm 1.4 s reply called 3.4 dB louder.
SHORT_REPLY_S = 2.0
SHORT_REPLY_FACTOR = 2.0

MeasureName = Literal["loudness", "pitch", "rate"]


class Baseline(Shape):
    """Median and spread of the calm voice. Loudness in dBFS (over all speech frames), pitch in Hz
    (voiced frames; spread in semitones).

    Spreads are robust SDs of one-second medians (voice/stats.py: phrase_spread).
    """

    loudness_db: Round3
    loudness_spread_db: Round3
    pitch_hz: Round3
    pitch_spread_st: Round3
    rate_sps: Round3
    rate_spread_sps: Round3
    speech_seconds: Round3
    source: Literal["calibration", "earlier_replies", "population_default"]
    created: str
    version: int = BASELINE_VERSION

    @property
    def is_personal(self) -> bool:
        return self.source == "calibration"

    def loudness_threshold(self) -> float:
        return max(FLOOR_LOUDNESS_DB, self.loudness_spread_db)

    def pitch_threshold(self) -> float:
        return max(FLOOR_PITCH_ST, self.pitch_spread_st)

    def rate_threshold(self, speech_seconds: float) -> float:
        """How much faster (syllables per second) a reply of `speech_seconds` must be to be called faster."""
        floor = SHORT_RATE_FLOOR_FRACTION if speech_seconds < SHORT_RATE_SPEECH_S else FLOOR_RATE_FRACTION
        return max(floor * self.rate_sps, self.rate_spread_sps)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != BASELINE_VERSION:
                raise ValueError(f"version {data.get('version')}")
            return cls.model_validate(data)
        except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            raise VoiceCoachError(
                f"Het basislijnbestand {path} is onleesbaar of van een oude versie. "
                "Meet je rustige stem opnieuw met: voicecoach calibrate OPNAME --out basislijn.json",
                code="baseline_invalid",
            ) from exc


def _derived(data: Any, key: str, derive: Callable[[dict[str, Any]], Any]) -> Any:
    """A new shape derives `key` from its other fields; a stored one keeps what was stored."""
    return {**data, key: derive(data)} if isinstance(data, dict) and key not in data else data


class Comparison(Shape):
    """One measure of the reply against the baseline.

    `value` and `baseline` are in `unit`; `difference` is in `difference_unit` (dB for loudness,
    semitones for pitch, syllables/s for rate); `raised` when difference ≥ threshold. `seconds`
    span the raised stretches (else all of the speech); `stretches` are the seconds where the level
    stayed above baseline + threshold (merged across pauses).
    """

    measure: MeasureName
    value: Round2
    baseline: Round2
    unit: str
    difference: Round2
    difference_unit: str
    threshold: Round2
    spread_in_reply: Round2
    raised: bool
    seconds: Seconds
    stretches: tuple[Seconds, ...] = ()
    frames: int

    @model_validator(mode="before")
    @classmethod
    def _raised(cls, data: Any) -> Any:
        return _derived(data, "raised", lambda d: d["difference"] >= d["threshold"])


class Rise(Shape):
    """A stretch of the reply that is louder or higher than the reply before it."""

    measure: Literal["loudness", "pitch"]
    kind: Literal["jump", "gradual"]
    start: Round2
    end: Round2
    before: Round2
    after: Round2
    unit: str
    threshold: Round2
    reference: Literal["calibration", "reply"]
    """Where the threshold's spread came from: the calibration, or the reply itself (no calibration)."""
    difference: Round2

    @model_validator(mode="before")
    @classmethod
    def _difference(cls, data: Any) -> Any:
        return _derived(data, "difference", lambda d: d["after"] - d["before"])


class BaselineRecord(Baseline):
    """The baseline as a reply's record keeps it: `note` says when it was not the trainee's own."""

    note: str | None = None


class ContoursRecord(Shape):
    """Every fifth 10 ms frame: loudness (None outside speech) and pitch in semitones (None unvoiced)."""

    times: list[float]
    loudness_db: list[float | None]
    pitch_st: list[float | None]


class VoiceRecord(Shape):
    """How a reply sounded, as its record keeps it (voice/measures.py: VoiceMeasures.record)."""

    baseline: BaselineRecord
    loudness: Comparison | None
    pitch: Comparison | None
    rate: Comparison | None
    clipped_fraction: Round5 = 0.0
    clipped: bool = False
    speech_seconds: Round2
    pause_seconds: Round2
    pauses: tuple[Seconds, ...] = ()
    rises: tuple[Rise, ...] = ()
    contours: ContoursRecord | None = None


SIMILARITY_THRESHOLD = 0.6
"""A speech frame correlating at least this much with the customer's line is the line's echo
(measured by bench/interruption.py: echo frames through a simulated loudspeaker and room against the
trainee's own speech over the echo; see the README's Benchmarks)."""
ECHO_PROMINENCE = 0.45
"""The line is in the recording (an echo) only when its best lag stands out: its mean similarity at
least this much above the median over all lags tried. Measured (bench/interruption.py): echo alone
0.66-0.99, the trainee alone 0.11-0.32. Below it, every speech frame of the overlap is the trainee's."""
MIN_SECONDS = 0.4
"""Less unexplained speech than this is no interruption: a breath or a click, an echo's odd frame."""


Measured3 = Annotated[float, AfterValidator(lambda value: round(value, 3))]
"""Rounded when made, not only when stored (far finer than the 10 ms frames): the verdicts computed
from it are the same in memory as after a round trip through the database."""


class Interruption(Shape):
    """What overlapped the customer's line, with its evidence (voice/interruption.py finds it; the
    score explains it; the turn record keeps it). The verdicts are computed from the measures and the
    thresholds they were judged by, so a stored record keeps the thresholds of its day."""

    line_left: Measured3
    """Seconds of the customer's line still to play when the recording started (the overlap)."""
    seconds: Measured3
    """How long the trainee's own speech inside the overlap lasted (echo left out)."""
    stretches: tuple[tuple[Measured3, Measured3], ...] = ()
    """Where it was (seconds in the recording; short pauses bridged)."""
    speech_seconds: Measured3
    """All speech heard inside the overlap, echo included."""
    similarity: Measured3 | None
    """Median correlation of the overlap's speech frames with the line (None: no speech there)."""
    threshold: float = SIMILARITY_THRESHOLD
    min_seconds: float = MIN_SECONDS
    lag: Measured3 | None
    """Where the line was found in the recording against where the page said it was (seconds)."""
    prominence: Measured3 | None = None
    """How far the best lag's mean similarity stands above the median lag's (None: no speech)."""
    echo_prominence: float = ECHO_PROMINENCE

    @model_validator(mode="before")
    @classmethod
    def _computed_are_derived(cls, data: Any) -> Any:
        """A stored record holds the computed verdicts too; they are derived again, not read."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in _INTERRUPTION_COMPUTED}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def interrupting(self) -> bool:
        return self.seconds >= self.min_seconds

    @computed_field  # type: ignore[prop-decorator]
    @property
    def explained_seconds(self) -> Round3:
        """Speech inside the overlap that the playback explains."""
        return max(0.0, self.speech_seconds - self.seconds)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def echo(self) -> bool:
        """The microphone heard the customer's line (loudspeakers)."""
        return self.prominence is not None and self.prominence >= self.echo_prominence


_INTERRUPTION_COMPUTED = frozenset(Interruption.model_computed_fields)
