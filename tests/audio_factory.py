"""Real test audio: numpy signals of known level and pitch, espeak-ng speech, sox and PyAV conversions."""

from __future__ import annotations

import io
import itertools
import math
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import soundfile

TIMESLICE_S = 0.25  # the page's MediaRecorder timeslice


def sine(frequency: float, level_dbfs: float, seconds: float, rate: int = 16_000) -> np.ndarray:
    """A sine whose RMS is `level_dbfs` (dBFS re full-scale square wave, as voicecoach measures)."""
    amplitude = np.sqrt(2.0) * 10 ** (level_dbfs / 20)
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def through_loudspeaker(samples: np.ndarray, rng: np.random.Generator, rate: int = 16_000) -> np.ndarray:
    """`samples` as a microphone hears them from a laptop loudspeaker in a room: little bass and
    top, a synthetic room (exponentially decaying noise, RT60 0.2-0.6 s), 30-300 ms of latency."""
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    spectrum[(freqs < 250) | (freqs > 6000)] *= 0.1
    speaker = np.fft.irfft(spectrum, len(samples))
    rt60 = rng.uniform(0.2, 0.6)
    t = np.arange(int(rt60 * rate)) / rate
    room = rng.standard_normal(len(t)) * np.exp(-6.9 * t / rt60)
    room[0] = 8.0  # the direct sound
    room /= np.sqrt(np.sum(room**2))
    heard = np.convolve(speaker, room)[: len(samples)]
    return np.concatenate((np.zeros(int(rng.uniform(0.03, 0.3) * rate)), heard)).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000, subtype: str = "PCM_16") -> Path:
    soundfile.write(path, samples, rate, subtype=subtype)
    return path


def sox(source: Path, target: Path, *effects: str) -> Path:
    subprocess.run(["sox", str(source), str(target), *effects], check=True, capture_output=True)
    return target


def sox_concat(first: Path, second: Path, target: Path) -> Path:
    subprocess.run(["sox", str(first), str(second), str(target)], check=True, capture_output=True)
    return target


def duration_of(path: Path) -> float:
    return soundfile.info(path).duration


def encode(
    samples: np.ndarray,
    rate: int,
    path: Path,
    *,
    container: str,
    codec: str,
    channels: int = 1,
    out_rate: int | None = None,
) -> Path:
    """Encode mono float `samples` into `path` with PyAV (e.g. webm/libopus, mp3, mp4/aac, flac)."""
    layout = "mono" if channels == 1 else "stereo"
    data = np.tile(samples.astype(np.float32), (channels, 1))
    with av.open(str(path), "w", format=container) as output:
        stream = output.add_stream(codec, rate=out_rate or rate)
        stream.layout = layout
        frame = av.AudioFrame.from_ndarray(data, format="fltp", layout=layout)
        frame.sample_rate = rate
        frame.time_base = Fraction(1, rate)
        frame.pts = 0
        resampler = av.AudioResampler(format=stream.codec_context.format, layout=layout, rate=out_rate or rate)
        for converted in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(converted):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return path


def video_only(path: Path) -> Path:
    """A short MP4 with one video stream and no audio."""
    with av.open(str(path), "w", format="mp4") as output:
        stream = output.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(10):
            image = np.full((48, 64, 3), index * 20, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return path


def time_chunks(recording: bytes, seconds: float) -> list[bytes]:
    """The WebM `recording` cut as MediaRecorder's timeslice cuts it: chunk k holds the Opus
    packets of [k × 250 ms, (k + 1) × 250 ms). (Cut by bytes instead, a pause at the end arrived
    with Stop: Opus codes silence in a few bytes a packet.)"""
    with av.open(io.BytesIO(recording)) as container:
        starts = [(float(p.pts * p.time_base), p.pos) for p in container.demux(container.streams.audio[0]) if p.pts is not None]
    count = max(1, math.ceil(seconds / TIMESLICE_S))
    cuts = [0, *(next((pos for pts, pos in starts if pts >= k * TIMESLICE_S), len(recording)) for k in range(1, count)), len(recording)]
    return [recording[a:b] for a, b in itertools.pairwise(cuts)]
