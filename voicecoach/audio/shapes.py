"""What the audio stage tells a turn's record about the recording (a leaf: pydantic only)."""

from __future__ import annotations

from voicecoach.audio.errors import AudioWarning
from voicecoach.shape import Round2, Round3, Round5, Shape


class AudioSource(Shape):
    """The uploaded file before decoding to 16 kHz mono."""

    format: str
    sample_rate: int
    channels: int


class AudioRecord(Shape):
    """The decoded recording and where the speech is (seconds; audio/checks.py: CheckedAudio.record)."""

    duration: Round3
    speech_seconds: Round3
    speech_segments: tuple[tuple[Round3, Round3], ...]
    speech_level_db: Round2
    clipped_fraction: Round5
    source: AudioSource
    warnings: tuple[AudioWarning, ...] = ()
