"""The trainee's calm voice: measured once from a calm reading, stored as JSON, compared against.

"Raised" is judged against the trainee's own spread, not a fixed number: a voice that swings a
lot in calm speech must move further before the change means something (README, "Voice measures").
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np

from voicecoach.errors import VoiceCoachError
from voicecoach.voice.contours import Contours
from voicecoach.voice.rate import RateMeasure
from voicecoach.voice.stats import phrase_spread, semitones

BASELINE_VERSION = 2  # 2: loudness over all speech frames in 400 ms windows (1: voiced 25 ms frames)

# Read aloud for calibration (about 20 s at a calm pace), written in the tone of the seeds:
# calm, clear, respectful language (3 Reasons Why: "Praat kalm en gebruik duidelijke taal").
CALIBRATION_TEXT = (
    "Goedemorgen. Ik lees deze tekst rustig en duidelijk voor, in mijn gewone stem. "
    "Als een klant boos is, blijf ik kalm en luister ik eerst goed. Ik laat de klant uitpraten "
    "en vraag daarna wat er precies is gebeurd. Samen zoeken we naar een oplossing die past. "
    "Zo houden we het gesprek prettig en veilig, voor de klant en voor mij."
)

# Minimum changes that always count as raised, whatever the spread: about two just-noticeable
# differences for loudness, a clear half-tone step for pitch, a tenth faster for rate.
FLOOR_LOUDNESS_DB = 3.0
FLOOR_PITCH_ST = 1.5
FLOOR_RATE_FRACTION = 0.10
MIN_CALIBRATION_SPEECH_SECONDS = 8.0


@dataclass(frozen=True)
class Baseline:
    """Median and spread of the calm voice. Loudness in dBFS (over all speech frames), pitch in Hz
    (voiced frames; spread in semitones).

    Spreads are robust SDs of one-second medians (voice/stats.py: phrase_spread).
    """

    loudness_db: float
    loudness_spread_db: float
    pitch_hz: float
    pitch_spread_st: float
    rate_sps: float
    rate_spread_sps: float
    speech_seconds: float
    source: Literal["calibration", "population_default"]
    created: str
    version: int = BASELINE_VERSION

    @property
    def is_personal(self) -> bool:
        return self.source == "calibration"

    def loudness_threshold(self) -> float:
        return max(FLOOR_LOUDNESS_DB, self.loudness_spread_db)

    def pitch_threshold(self) -> float:
        return max(FLOOR_PITCH_ST, self.pitch_spread_st)

    def rate_threshold(self) -> float:
        return max(FLOOR_RATE_FRACTION * self.rate_sps, self.rate_spread_sps)

    def to_dict(self) -> dict[str, object]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != BASELINE_VERSION:
                raise ValueError(f"version {data.get('version')}")
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise VoiceCoachError(
                f"Het basislijnbestand {path} is onleesbaar of van een oude versie. "
                "Meet je rustige stem opnieuw met: voicecoach calibrate OPNAME --out basislijn.json",
                code="baseline_invalid",
            ) from exc


# Used only when a trainee has no calibration yet, and always marked as such. Mid-range adult
# values: F0 between typical male (~120 Hz) and female (~210 Hz) medians with a wide spread,
# a usual close-microphone speech level, and a Dutch articulation rate of about 4.5 syllables/s.
POPULATION_DEFAULT = Baseline(
    loudness_db=-26.0,
    loudness_spread_db=6.0,
    pitch_hz=160.0,
    pitch_spread_st=4.0,
    rate_sps=4.5,
    rate_spread_sps=0.8,
    speech_seconds=0.0,
    source="population_default",
    created="",
)


def baseline_from_measures(contours: Contours, rate: RateMeasure) -> Baseline:
    """Summarise a calm reading; needs enough voiced speech to be meaningful."""
    voiced = contours.voiced
    if rate.speech_seconds < MIN_CALIBRATION_SPEECH_SECONDS or voiced.sum() < 200:
        raise VoiceCoachError(
            "De kalibratie-opname bevat te weinig spraak (minder dan "
            f"{MIN_CALIBRATION_SPEECH_SECONDS:.0f} seconden). Lees de hele tekst rustig voor.",
            code="calibration_too_short",
        )
    f0 = contours.f0_hz[voiced]
    pitch_hz = float(np.median(f0))
    loudness = contours.loudness_db[contours.speech]  # like a reply: over all speech, not only voiced frames
    return Baseline(
        loudness_db=float(np.median(loudness)),
        loudness_spread_db=phrase_spread(contours.times[contours.speech], loudness),
        pitch_hz=pitch_hz,
        pitch_spread_st=phrase_spread(contours.times[voiced], np.asarray(semitones(f0, pitch_hz))),
        rate_sps=rate.syllables_per_second,
        rate_spread_sps=FLOOR_RATE_FRACTION * rate.syllables_per_second,
        speech_seconds=rate.speech_seconds,
        source="calibration",
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
