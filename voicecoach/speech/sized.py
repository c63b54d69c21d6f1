"""Whisper's encoder window sized to the audio it holds, instead of always 30 s.

faster-whisper pads every window's log-mel features with zero columns up to 3000 frames (30 s),
so a 3 s reply pays the encoder cost of 30 s. CTranslate2's encoder takes shorter input: on this
machine 56 ms for a 4 s window against 0.55 s for 30 s (shared/FINDINGS.md). `SizedWhisperModel`
cuts that zero padding back to the content plus a margin just before the encoder runs; decoding,
word alignment and segment seeking are faster-whisper's own, unchanged.

The margin matters: a window only 0.5 s longer than the clip sent a clip into a repetition loop
(FINDINGS.md), so at least MARGIN_FRAMES of padding stay after the audio.
"""

from __future__ import annotations

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel

FULL_WINDOW_FRAMES = 3000  # Whisper's 30 s window, 10 ms per frame
MARGIN_FRAMES = 400  # 4 s of padding after the audio: 2 s cost +0.021 word error rate, 4 s +0.014 (bench/latency.py)
MIN_WINDOW_FRAMES = 500  # below 5 s the encoder costs little more, and very short windows decode worse


def content_frames(features: np.ndarray) -> int:
    """Frames up to the last one holding audio. faster-whisper pads with exact zero columns;
    a normalised log-mel column of real audio (even digital silence, -1.5) is never all zero."""
    used = np.flatnonzero(np.any(features.reshape(-1, features.shape[-1]) != 0.0, axis=0))
    return int(used[-1]) + 1 if used.size else 0


def window_frames(features: np.ndarray) -> int:
    """The encoder window for these (padded) features: content + margin, at least the minimum."""
    available = features.shape[-1]
    return min(available, max(MIN_WINDOW_FRAMES, content_frames(features) + MARGIN_FRAMES))


class SizedWhisperModel(WhisperModel):
    """faster-whisper whose encoder sees only the audio plus a margin, not a full 30 s window."""

    def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
        return super().encode(features[..., : window_frames(features)])
