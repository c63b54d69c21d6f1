"""Bad-input checks on decoded audio: silence, no speech, too short, too quiet (errors) and clipping (warning)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from voicecoach.audio.decode import DecodedAudio
from voicecoach.audio.errors import AudioError, AudioWarning
from voicecoach.audio.shapes import AudioRecord, AudioSource
from voicecoach.levels import CLIPPED_WARNING_FRACTION, rms_db

# Shorter than this, a file cannot hold even a "ja" (about 0.3 s). Short speech in a longer file is
# scored (a one-word answer is a poor reply to practise, not an error); silence is still refused.
MIN_RECORDING_SECONDS = 0.25
SILENCE_DB = -70.0  # below this the whole file is (near) digital silence
TOO_QUIET_DB = -45.0  # speech below this is too close to the noise floor to measure
VAD_OPTIONS = VadOptions(threshold=0.5, min_speech_duration_ms=120, min_silence_duration_ms=300, speech_pad_ms=60)


@dataclass(frozen=True)
class CheckedAudio:
    """Audio that passed the checks, with where the speech is."""

    audio: DecodedAudio
    speech_segments: tuple[tuple[float, float], ...]
    """(start, end) seconds of each stretch of speech, from Silero VAD."""
    speech_level_db: float
    warnings: tuple[AudioWarning, ...]

    @property
    def speech_seconds(self) -> float:
        return sum(end - start for start, end in self.speech_segments)

    def record(self) -> AudioRecord:
        audio = self.audio
        return AudioRecord(
            duration=audio.duration,
            speech_seconds=self.speech_seconds,
            speech_segments=self.speech_segments,
            speech_level_db=self.speech_level_db,
            clipped_fraction=audio.clipped_fraction,
            source=AudioSource(format=audio.source_format, sample_rate=audio.source_rate, channels=audio.source_channels),
            warnings=self.warnings,
        )


def check_audio(audio: DecodedAudio) -> CheckedAudio:
    """Raise AudioError for audio that cannot be analysed; return speech stretches otherwise."""
    samples = audio.samples
    if audio.duration < MIN_RECORDING_SECONDS:
        raise AudioError("too_short")
    overall = rms_db(samples)
    if overall < SILENCE_DB:
        raise AudioError("silent")
    segments = tuple(
        (stamp["start"] / audio.sample_rate, stamp["end"] / audio.sample_rate)
        for stamp in get_speech_timestamps(samples, VAD_OPTIONS)
    )
    if not segments:
        # Loud noise, a tone or a square wave is something to hear, just not a voice.
        raise AudioError("silent" if overall < TOO_QUIET_DB else "no_speech")
    speech = np.concatenate([samples[int(s * audio.sample_rate) : int(e * audio.sample_rate)] for s, e in segments])
    level = rms_db(speech)
    if level < TOO_QUIET_DB:
        raise AudioError("too_quiet", level_db=level)
    warnings = []
    if audio.clipped_fraction > CLIPPED_WARNING_FRACTION:
        warnings.append(
            AudioWarning.make("clipped", audio.clipped_fraction, percent=f"{100 * audio.clipped_fraction:.1f}".replace(".", ","))
        )
    return CheckedAudio(audio=audio, speech_segments=segments, speech_level_db=level, warnings=tuple(warnings))
