"""The trainee's calm voice: measured once from a calm reading, stored as JSON, compared against
(the Baseline shape and its thresholds: voice/shapes.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from voicecoach.errors import VoiceCoachError
from voicecoach.voice.contours import Contours
from voicecoach.voice.rate import RateMeasure
from voicecoach.voice.shapes import FLOOR_RATE_FRACTION, SHORT_REPLY_S, Baseline, VoiceRecord
from voicecoach.voice.stats import phrase_spread, semitones

# Read aloud for calibration (about 20 s at a calm pace), written in the tone of the seeds:
# calm, clear, respectful language (3 Reasons Why: "Praat kalm en gebruik duidelijke taal").
CALIBRATION_TEXT = (
    "Goedemorgen. Ik lees deze tekst rustig en duidelijk voor, in mijn gewone stem. "
    "Als een klant boos is, blijf ik kalm en luister ik eerst goed. Ik laat de klant uitpraten "
    "en vraag daarna wat er precies is gebeurd. Samen zoeken we naar een oplossing die past. "
    "Zo houden we het gesprek prettig en veilig, voor de klant en voor mij."
)

MIN_CALIBRATION_SPEECH_SECONDS = 8.0


# Used only when a trainee has no calibration yet, and always marked as such. Mid-range adult
# values: a usual close-microphone speech level; F0 between typical male (~120 Hz) and female
# (~210 Hz) medians, with a spread that takes in calm adult voices up to ~255 Hz (8 half-tones:
# with 4, an ordinary woman's voice read as raised); a Dutch articulation rate of about 4.5
# syllables/s, shown but not judged (measures.py: people's own pace differs by more than a fifth).
POPULATION_DEFAULT = Baseline(
    loudness_db=-26.0,
    loudness_spread_db=6.0,
    pitch_hz=160.0,
    pitch_spread_st=8.0,
    rate_sps=4.5,
    rate_spread_sps=0.8,
    speech_seconds=0.0,
    source="population_default",
    created="",
)


# Without a calibration, a reply is held against the calmest of the trainee's earlier replies in the
# same conversation (same microphone, same voice) rather than general values, against which a shout
# on a quiet microphone passed and a calm voice on a close headset read as raised. Calm replies of
# one speaker differ more from each other than the seconds of one reading do, so the margins are
# wider than a calibration's usual spread: 6 dB (a clear step up, where shouting is 10 dB or more)
# and 4 half-tones (a voice pitched up in anger rises that much; an ordinary voice does not between
# two calm replies). Pace is not judged against them (measures.py: only against a calibration).
EARLIER_LOUDNESS_SPREAD_DB = 6.0
EARLIER_PITCH_SPREAD_ST = 4.0


def baseline_from_earlier_replies(voices: Sequence[VoiceRecord]) -> Baseline | None:
    """The calmest level and lowest pitch of earlier replies (each of at least SHORT_REPLY_S of
    speech, whose median is a level, not a stressed word; an overdriven one reads too low; one
    judged raised itself is no calm reference: a trainee who shouted from the first reply on was
    held against that shout), or None when there is none."""
    usable = [v for v in voices if v.speech_seconds >= SHORT_REPLY_S and not v.clipped and v.loudness and v.pitch
              and not v.loudness.raised and not v.pitch.raised]
    if not usable:
        return None
    return Baseline(
        loudness_db=min(v.loudness.value for v in usable if v.loudness),
        loudness_spread_db=EARLIER_LOUDNESS_SPREAD_DB,
        pitch_hz=min(v.pitch.value for v in usable if v.pitch),
        pitch_spread_st=EARLIER_PITCH_SPREAD_ST,
        rate_sps=POPULATION_DEFAULT.rate_sps,
        rate_spread_sps=POPULATION_DEFAULT.rate_spread_sps,
        speech_seconds=sum(v.speech_seconds for v in usable),
        source="earlier_replies",
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
