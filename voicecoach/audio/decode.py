"""Decode any common audio file (WAV, FLAC, OGG/Opus, WebM/Opus, MP3, M4A) to 16 kHz mono float32.

PyAV (FFmpeg, already a faster-whisper dependency) reads every container the browsers and phones
send. Samples are taken at the source rate and layout first, so clipping is judged on what was
recorded, then averaged to mono and resampled with soxr (high quality, deterministic).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import soxr

from voicecoach.audio.errors import AudioError

TARGET_RATE = 16_000
CLIP_LEVEL = 0.99  # |sample| at or above this (of full scale) counts as clipped


@dataclass(frozen=True)
class DecodedAudio:
    """16 kHz mono float32 samples plus what was learned about the source."""

    samples: np.ndarray
    sample_rate: int
    source_rate: int
    source_channels: int
    source_format: str
    clipped_fraction: float

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


def decode_audio(source: Path | bytes, *, max_seconds: float) -> DecodedAudio:
    """Decode `source` (a path or the file's bytes); never modifies the input.

    Raises AudioError with code `empty`, `not_audio`, `no_audio_stream` or `too_long`.
    Decoding stops as soon as the audio is longer than `max_seconds`, so a huge upload costs
    no more memory than the limit.
    """
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
    except OSError as exc:
        raise AudioError("unreadable") from exc
    if len(data) == 0:
        raise AudioError("empty")
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise AudioError("not_audio") from exc
    with container:
        if not container.streams.audio:
            raise AudioError("no_audio_stream")
        stream = container.streams.audio[0]
        chunks, rate, channels = _read_stream(container, stream, max_seconds)
    if not chunks:
        raise AudioError("not_audio")
    per_channel = np.concatenate(chunks, axis=1)  # (channels, samples) at the source rate
    clipped = float(np.mean(np.abs(per_channel) >= CLIP_LEVEL)) if per_channel.size else 0.0
    mono = per_channel.mean(axis=0).astype(np.float32)
    samples = soxr.resample(mono, rate, TARGET_RATE) if rate != TARGET_RATE else mono
    return DecodedAudio(
        samples=np.ascontiguousarray(samples, dtype=np.float32),
        sample_rate=TARGET_RATE,
        source_rate=rate,
        source_channels=channels,
        source_format=container.format.name,
        clipped_fraction=clipped,
    )


def _read_stream(container, stream, max_seconds: float) -> tuple[list[np.ndarray], int, int]:  # type: ignore[no-untyped-def]
    """Planar float frames of the first audio stream, each shaped (channels, n)."""
    chunks: list[np.ndarray] = []
    total = 0
    rate = 0
    channels = 0
    resampler = None
    try:
        for frame in container.decode(stream):
            if resampler is None:
                rate, channels = frame.sample_rate, len(frame.layout.channels)
                # Convert the sample format only; keep rate and layout (clipping is judged per channel).
                resampler = av.AudioResampler(format="fltp", layout=frame.layout, rate=rate)
            for converted in resampler.resample(frame):
                array = converted.to_ndarray().reshape(channels, -1)
                chunks.append(array)
                total += array.shape[1]
            if total > max_seconds * rate:
                raise AudioError("too_long", limit_seconds=max_seconds)
    except av.FFmpegError as exc:
        if not chunks:
            raise AudioError("not_audio") from exc
        # A damaged tail after good audio: keep what decoded (a cut-off upload is still usable).
    return chunks, rate, channels
