"""Frame-wise loudness (dBFS) and pitch (F0, Hz) of the speech stretches of a reply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import librosa
import numpy as np

from voicecoach.levels import power_to_db

HOP = 160  # 10 ms at 16 kHz
FRAME_S = 0.01  # one contour frame (HOP samples at 16 kHz)
PITCH_HOP = 2 * HOP  # pyin every 20 ms, repeated onto the 10 ms grid: half the cost; F0 moves slower than that
# 400 ms, EBU R128's "momentary" window: long enough that a consonant or a short pause inside a
# phrase does not read as getting quiet (with 25 ms frames over all speech frames, calm replies
# showed false 13 dB "rises"; with 400 ms at most 5 dB), short enough to follow a phrase.
LOUDNESS_FRAME = 6400
PITCH_FRAME = 1024  # 64 ms: pyin needs two periods of the lowest F0
F0_MIN_HZ = 65.0  # low male voice
F0_MAX_HZ = 600.0  # a raised female voice
# pyin's pitch grid: 0.2 semitone bins (default 0.1) cost a quarter of the Viterbi time and
# stayed within 0.2 semitone of Praat in bench/pitch.py.
PYIN_RESOLUTION = 0.2


@dataclass(frozen=True)
class Contours:
    """Per 10 ms frame: time (s, frame centre), loudness (dBFS over 400 ms), F0 (Hz, NaN if unvoiced),
    speech mask (Silero VAD stretches). Loudness is judged on all speech frames, pitch on voiced ones."""

    times: np.ndarray
    loudness_db: np.ndarray
    f0_hz: np.ndarray
    speech: np.ndarray

    @property
    def voiced(self) -> np.ndarray:
        return self.speech & ~np.isnan(self.f0_hz)

    def in_speech(self, segments: tuple[tuple[float, float], ...], sample_rate: int) -> Contours:
        """These contours with the speech mask of `segments` (pauses carry no F0)."""
        speech = speech_mask(len(self.times), segments, sample_rate)
        return replace(self, f0_hz=np.where(speech, self.f0_hz, np.nan), speech=speech)


def loudness_contour(samples: np.ndarray) -> np.ndarray:
    """dBFS per 10 ms frame, the mean square over the LOUDNESS_FRAME around it (zero outside the
    reply): librosa.feature.rms(center=True) framed the same, but it copies every 400 ms frame, 6,400
    samples per 10 ms (a 40 s reply: 100 MB), and on this VM fresh memory after a pause cost 0.2-0.3 s
    of a streamed reply's analysis. A running sum gives the same frames in one pass."""
    running = np.concatenate(([0.0], np.cumsum(np.square(samples, dtype=np.float64))))
    centres = np.arange(1 + len(samples) // HOP) * HOP
    starts = np.clip(centres - LOUDNESS_FRAME // 2, 0, len(samples))
    ends = np.clip(centres + LOUDNESS_FRAME // 2, 0, len(samples))
    return power_to_db((running[ends] - running[starts]) / LOUDNESS_FRAME)


def pitch_contour(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """F0 in Hz per 10 ms frame (NaN where pyin finds no voicing), tracked every 20 ms."""
    f0, voiced, _ = librosa.pyin(
        samples,
        fmin=F0_MIN_HZ,
        fmax=F0_MAX_HZ,
        sr=sample_rate,
        frame_length=PITCH_FRAME,
        hop_length=PITCH_HOP,
        resolution=PYIN_RESOLUTION,
        center=True,
    )
    return np.repeat(np.where(voiced, f0, np.nan), PITCH_HOP // HOP)


def speech_mask(n_frames: int, segments: tuple[tuple[float, float], ...], sample_rate: int) -> np.ndarray:
    times = librosa.frames_to_time(np.arange(n_frames), sr=sample_rate, hop_length=HOP)
    mask = np.zeros(n_frames, dtype=bool)
    for start, end in segments:
        mask |= (times >= start) & (times <= end)
    return mask


def span_pitch(samples: np.ndarray, sample_rate: int, start: int, end: int) -> np.ndarray:
    """F0 per 10 ms frame of samples[start:end], tracked from `start` aligned down to the frame grid.

    One phrase's pitch depends only on its own samples, so the streaming path tracks each phrase
    as it ends and the analysis of the whole reply reuses it unchanged."""
    return pitch_contour(samples[start // HOP * HOP : end], sample_rate)


def compute_contours(
    samples: np.ndarray,
    sample_rate: int,
    segments: tuple[tuple[float, float], ...],
    spans: Sequence[tuple[int, int]] | None = None,
    tracked: Sequence[np.ndarray | None] = (),
) -> Contours:
    """Loudness over the whole clip; pitch tracked per span (first and end sample: the reply's
    phrases; by default the speech stretches) and kept only inside speech (pauses carry no F0).
    `tracked[i]`, when given, is span i's `span_pitch`, already tracked while the reply arrived."""
    if spans is None:
        spans = [(int(start * sample_rate), int(end * sample_rate)) for start, end in segments]
    return track_voice(samples, sample_rate, spans, tracked).in_speech(segments, sample_rate)


def track_voice(
    samples: np.ndarray, sample_rate: int, spans: Sequence[tuple[int, int]], tracked: Sequence[np.ndarray | None] = ()
) -> Contours:
    """`compute_contours` before the speech stretches are known (every frame counts as speech until
    `in_speech`): the analysis tracks the voice beside the audio checks that find them."""
    loudness = loudness_contour(samples)
    n = len(loudness)
    f0 = np.full(n, np.nan)
    for index, (start, end) in enumerate(spans):
        piece = tracked[index] if index < len(tracked) else None
        if piece is None:
            piece = span_pitch(samples, sample_rate, start, end)
        offset = start // HOP
        count = max(0, min(len(piece), n - offset))
        f0[offset : offset + count] = piece[:count]
    return Contours(
        times=librosa.frames_to_time(np.arange(n), sr=sample_rate, hop_length=HOP),
        loudness_db=loudness,
        f0_hz=f0,
        speech=np.ones(n, dtype=bool),
    )
