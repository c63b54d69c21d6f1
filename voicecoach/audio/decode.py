"""Decode any common audio file (WAV, FLAC, OGG/Opus, WebM/Opus, MP3, M4A) to 16 kHz mono float32.

PyAV (FFmpeg, already a faster-whisper dependency) reads every container the browsers and phones
send. Each decoded frame is converted to *packed* float (one plane, any channel count: PyAV's
`to_ndarray` on planar frames of 8 or more channels crashes natively), its samples are checked
(finite, plausible) and counted for clipping per channel at the source rate, then it is averaged
to mono and resampled frame by frame with a soxr stream. Only the 16 kHz mono output is kept, so
memory is bounded by the output length, never by the source's rate or channel count.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import soxr

from voicecoach.audio.errors import AudioError

TARGET_RATE = 16_000
CLIP_LEVEL = 0.99  # |sample| at or above this (of full scale) counts as clipped
ABSURD_LEVEL = 10.0  # 20 dB above full scale: no microphone records this, the file is broken
MAX_CHANNELS = 32
MIN_RATE, MAX_RATE = 4_000, 384_000


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

    Raises AudioError with code `empty`, `not_audio`, `no_audio_stream`, `unusual_format`,
    `invalid_samples` or `too_long`. Inputs whose header already says they are too long or
    unusual are refused before any sample is decoded.
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
        _refuse_before_decoding(container, stream, max_seconds)
        reader = StreamReader(max_seconds)
        reader.read(container, stream)
        source_format = container.format.name
    if reader.output_samples == 0:
        raise AudioError("not_audio")
    return DecodedAudio(
        samples=reader.samples(),
        sample_rate=TARGET_RATE,
        source_rate=reader.rate,
        source_channels=reader.channels,
        source_format=source_format,
        clipped_fraction=reader.clipped / reader.source_values if reader.source_values else 0.0,
    )


def _refuse_before_decoding(container, stream, max_seconds: float) -> None:  # type: ignore[no-untyped-def]
    """What the header claims: channel count, sample rate and duration (a cheap first check)."""
    context = stream.codec_context
    if context is None:  # a codec FFmpeg has no decoder for (a damaged header can name any)
        raise AudioError("not_audio")
    _check_shape(context.channels, context.sample_rate)
    claimed = container.duration / av.time_base if container.duration else None
    if claimed is not None and claimed > max_seconds + 1.0:  # +1 s: container padding and rounding
        raise AudioError("too_long", limit_seconds=max_seconds)


def _check_shape(channels: int, rate: int) -> None:
    if channels and channels > MAX_CHANNELS:
        raise AudioError("unusual_format", channels=channels, rate=rate)
    if rate and not MIN_RATE <= rate <= MAX_RATE:
        raise AudioError("unusual_format", channels=channels, rate=rate)


class StreamReader:
    """Decodes one stream frame by frame into a bounded 16 kHz mono output, kept (`samples()`) or
    handed to `sink` block by block as it is decoded (a stream that is still arriving)."""

    def __init__(self, max_seconds: float, sink: Callable[[np.ndarray], None] | None = None) -> None:
        self.max_seconds = max_seconds
        self.max_output = math.ceil(max_seconds * TARGET_RATE)
        self.rate = 0
        self.channels = 0
        self.clipped = 0
        self.source_values = 0
        self.output_samples = 0
        self._chunks: list[np.ndarray] = []
        self._sink = sink or self._chunks.append
        self._packer: av.AudioResampler | None = None
        self._resampler: soxr.ResampleStream | None = None

    def read(self, container, stream) -> None:  # type: ignore[no-untyped-def]
        try:
            for frame in container.decode(stream):
                self._add(frame)
            self._finish()
        except (av.FFmpegError, ValueError) as exc:
            if self.output_samples == 0 and not self.source_values:
                raise AudioError("not_audio") from exc
            # A damaged tail after good audio: keep what decoded (a cut-off upload is still usable).
            self._finish()

    def _add(self, frame) -> None:  # type: ignore[no-untyped-def]
        if self._packer is None:
            self.rate, self.channels = frame.sample_rate, len(frame.layout.channels)
            _check_shape(self.channels, self.rate)
            # Same rate and layout, packed float: one plane whatever the channel count.
            self._packer = av.AudioResampler(format="flt", layout=frame.layout, rate=self.rate)
            self._resampler = soxr.ResampleStream(self.rate, TARGET_RATE, 1, dtype="float32", quality="HQ")
        elif frame.sample_rate != self.rate or len(frame.layout.channels) != self.channels:
            raise AudioError("unusual_format", channels=len(frame.layout.channels), rate=frame.sample_rate)
        for packed in self._packer.resample(frame):
            self._take(packed.to_ndarray().reshape(-1, self.channels), last=False)

    def _take(self, interleaved: np.ndarray, *, last: bool) -> None:
        """Check one block of (samples, channels) source values, then downmix and resample it."""
        if interleaved.size:
            magnitude = np.abs(interleaved)
            if not np.isfinite(magnitude).all() or float(magnitude.max()) > ABSURD_LEVEL:
                raise AudioError("invalid_samples")
            self.clipped += int(np.count_nonzero(magnitude >= CLIP_LEVEL))
            self.source_values += interleaved.size
        mono = interleaved.mean(axis=1, dtype=np.float32) if interleaved.size else np.zeros(0, np.float32)
        out = mono if self.rate == TARGET_RATE else self._resampler.resample_chunk(mono, last=last)
        if out.size:
            self._sink(np.asarray(out, dtype=np.float32).reshape(-1))
            self.output_samples += out.size
        if self.output_samples > self.max_output:
            raise AudioError("too_long", limit_seconds=self.max_seconds)

    def _finish(self) -> None:
        if self._packer is None:
            return
        tail = [p.to_ndarray().reshape(-1, self.channels) for p in self._packer.resample(None)]
        block = np.concatenate(tail) if tail else np.zeros((0, self.channels), np.float32)
        self._take(block, last=True)
        self._packer = None

    def samples(self) -> np.ndarray:
        return np.ascontiguousarray(np.concatenate(self._chunks), dtype=np.float32)
