"""Did the trainee start talking while the customer's line was still playing?

3 Reasons Why: "Laat de klant uitpraten (of uitrazen, indien nodig)". The page says how many seconds
of the customer's line were still to play when the recording started; speech in that stretch of the
recording is interrupting — unless the playback explains it: with loudspeakers the microphone hears
the customer too. The server has the line's audio, so each speech frame of the overlap is compared
with the line at the same moment (aligned by the best lag) as log-mel spectra, each band's mean over
time removed (that cancels the loudspeaker's and the room's colouring) and correlated across bands:
the customer's own words heard through a loudspeaker correlate highly, the trainee's own voice does
not. The line counts as heard only when its best lag stands out from the others; then frames at or
above the threshold are its echo. The rest of the overlap's speech is the trainee's; enough of it in
total is an interruption. The thresholds and the Interruption shape live in voice/shapes.py (the
turn record keeps that shape without loading librosa).
"""

from __future__ import annotations

import librosa
import numpy as np
from scipy.signal import lfilter

from voicecoach.voice.shapes import ECHO_PROMINENCE, SIMILARITY_THRESHOLD, Interruption

RATE = 16_000
MAX_LINE_SECONDS = 120.0  # no customer line is longer; a page claiming more is refused
HOP = 160  # 10 ms frames
N_FFT = 512
N_MELS = 40
MAX_LAG_S = 1.0
"""How far the echo may sit from where the page says the line was: output and input latency of the
browser and the sound card (tens to a few hundred ms)."""
ROOM_TAUS = (0.0, 0.03, 0.06, 0.12, 0.25, 0.5)
"""Energy decay time constants (s) tried for the room between loudspeaker and microphone: none (the
page's own file, a headset's leak) to a reverberant classroom (RT60 = 6.9 tau, up to ~3 s)."""
FLOOR_DB = -30.0
ACTIVE_DB = 40.0  # a line frame within this of the line's loudest frame is "playing", not a pause
SMOOTH_FRAMES = 9  # one decision per ~90 ms: single frames flip on consonants
MERGE_GAP_S = 0.5  # the trainee's own speech with shorter pauses (where the echo is heard) is one stretch


def detect_interruption(
    recording: np.ndarray, speech_segments: tuple[tuple[float, float], ...], line: np.ndarray, line_left: float,
    *, threshold: float = SIMILARITY_THRESHOLD,
) -> Interruption:
    """`recording` and the customer's `line` as 16 kHz mono float; `speech_segments` in seconds
    (Silero VAD of the recording); `line_left` as the page measured it (bounded to the line here)."""
    line_seconds = len(line) / RATE
    line_left = float(min(max(line_left, 0.0), line_seconds))
    window = min(line_left, len(recording) / RATE)
    speech = _speech_frames(speech_segments, int(window * RATE / HOP))
    if not speech.any():
        return Interruption(
            line_left=line_left, seconds=0.0, speech_seconds=0.0, similarity=None, lag=None, threshold=threshold
        )
    rec, line_power = _features(_mel_power(recording[: int((window + 0.1) * RATE)])), _mel_power(line)
    frames = np.flatnonzero(speech[: rec.shape[1]])
    start = int(round((line_seconds - line_left) * RATE / HOP))  # where the line stood at the recording's start
    # the room the microphone is in is unknown: the smearing that explains the speech best
    lag, similarity, prominence = max(
        (_align(rec, _features(heard), _active(heard), frames, start) for heard in (_room(line_power, tau) for tau in ROOM_TAUS)),
        key=lambda found: float(found[1].mean()),
    )
    prominence = round(prominence, 3)  # as the Interruption keeps it: its `echo` agrees with the decision here
    # without an echo, frames matching the line by chance are still the trainee's
    explained = _smooth(similarity >= threshold) & (prominence >= ECHO_PROMINENCE)
    own = np.zeros(rec.shape[1], dtype=bool)
    own[frames] = ~explained
    return Interruption(
        line_left=line_left,
        seconds=int(own.sum()) * HOP / RATE,
        stretches=_stretches(own),
        speech_seconds=len(frames) * HOP / RATE,
        similarity=float(np.median(similarity)),
        lag=lag * HOP / RATE,
        prominence=prominence,
        threshold=threshold,
    )


def _speech_frames(segments: tuple[tuple[float, float], ...], count: int) -> np.ndarray:
    frames = np.zeros(count, dtype=bool)
    for begin, end in segments:
        frames[int(begin * RATE / HOP) : int(np.ceil(end * RATE / HOP))] = True
    return frames


def _mel_power(samples: np.ndarray) -> np.ndarray:
    return librosa.feature.melspectrogram(
        y=np.asarray(samples, dtype=np.float32), sr=RATE, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS,
        fmin=100.0, fmax=7000.0, center=True,
    )


def _features(power: np.ndarray) -> np.ndarray:
    """Log-mel spectra with a floor FLOOR_DB under the loud frames (faint bands are noise), each
    band's mean over time removed (a fixed colouring is a constant per band)."""
    floor = np.percentile(power.sum(axis=0), 95) / power.shape[0] * 10 ** (FLOOR_DB / 10)
    logmel = np.log(power + max(floor, 1e-12))
    return logmel - logmel.mean(axis=1, keepdims=True)


def _room(power: np.ndarray, tau: float) -> np.ndarray:
    """The line as a room would smear it: each frame's energy decays with time constant `tau`."""
    if tau == 0:
        return power
    decay = np.exp(-HOP / RATE / tau)
    return lfilter([1 - decay], [1, -decay], power, axis=1)


def _active(power: np.ndarray) -> np.ndarray:
    """Line frames where the customer (or the room's echo of them) is heard, not silence."""
    level = 10 * np.log10(np.maximum(power.sum(axis=0), 1e-20))
    return level >= level.max() - ACTIVE_DB


def _unit_frames(features: np.ndarray) -> np.ndarray:
    """Each frame centred across bands and scaled to length 1: a dot product is then Pearson's r."""
    centred = features - features.mean(axis=0)
    return centred / np.maximum(np.linalg.norm(centred, axis=0), 1e-12)


def _align(
    rec: np.ndarray, ref: np.ndarray, active: np.ndarray, frames: np.ndarray, start: int
) -> tuple[int, np.ndarray, float]:
    """The lag (frames) at which the line best explains the speech frames, each frame's similarity
    there (0 where the line is silent or over: nothing to explain the speech with), and how far that
    lag stands out from the others."""
    max_lag = int(MAX_LAG_S * RATE / HOP)
    correlations = _unit_frames(rec[:, frames]).T @ _unit_frames(ref)  # speech frame × line frame
    lags = np.arange(-max_lag, max_lag + 1)
    at = frames[None, :] + start + lags[:, None]  # lag × speech frame → line frame
    inside = (at >= 0) & (at < ref.shape[1])
    at = np.clip(at, 0, ref.shape[1] - 1)
    similarity = correlations[np.arange(len(frames))[None, :], at] * (inside & active[at])
    means = similarity.mean(axis=1)
    best = int(np.argmax(means))
    return int(lags[best]), similarity[best], float(means[best] - np.median(means))


def _smooth(flags: np.ndarray) -> np.ndarray:
    """Majority over SMOOTH_FRAMES neighbouring speech frames."""
    if len(flags) == 0:
        return flags
    kernel = np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES
    return np.convolve(flags.astype(float), kernel, mode="same") >= 0.5


def _stretches(frames: np.ndarray) -> tuple[tuple[float, float], ...]:
    """Runs of True frames as (start, end) seconds, pauses under MERGE_GAP_S bridged."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], frames.astype(int), [0])))) * HOP / RATE
    runs: list[tuple[float, float]] = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if runs and start - runs[-1][1] < MERGE_GAP_S:
            runs[-1] = (runs[-1][0], float(end))
        else:
            runs.append((float(start), float(end)))
    return tuple(runs)
