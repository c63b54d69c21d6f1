"""Pitch and loudness accuracy of the voice measures, against Praat and known signals.

    .venv/bin/python bench/pitch.py

Pitch: VoiceCoach's librosa pyin contour against Praat (praat-parselmouth, `to_pitch`, 10 ms
step) on espeak-ng Dutch clips and numpy tones: median absolute difference in semitones on the
frames both call voiced. Also times pyin, librosa.yin and Praat on the same clips.
Loudness: measured dBFS of numpy signals (sines, noise) of known RMS.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import librosa
import numpy as np
import parselmouth

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicecoach.audio.decode import decode_audio  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402
from voicecoach.voice.contours import F0_MAX_HZ, F0_MIN_HZ, HOP, compute_contours  # noqa: E402

RATE = 16_000
CLIPS = [
    ("nl+f2", "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"),
    ("nl", "Goedemiddag meneer, ik zie dat uw internet al drie dagen niet werkt."),
    ("nl+m3", "Als ik u goed begrijp, is de afspraak van vorige week niet doorgegaan."),
    ("nl+f2", "Ik wil u graag helpen, maar niet als u tegen mij blijft schreeuwen."),
]


def praat_f0(samples: np.ndarray, n_frames: int) -> np.ndarray:
    pitch = parselmouth.Sound(samples, RATE).to_pitch(time_step=HOP / RATE, pitch_floor=F0_MIN_HZ, pitch_ceiling=F0_MAX_HZ)
    times = librosa.frames_to_time(np.arange(n_frames), sr=RATE, hop_length=HOP)
    values = np.array([pitch.get_value_at_time(t) for t in times], dtype=float)
    return np.where(values > 0, values, np.nan)


def compare(samples: np.ndarray) -> tuple[float, int]:
    ours = compute_contours(samples, RATE, ((0.0, len(samples) / RATE),)).f0_hz
    reference = praat_f0(samples, len(ours))
    both = ~np.isnan(ours) & ~np.isnan(reference)
    return float(np.median(np.abs(12 * np.log2(ours[both] / reference[both])))), int(both.sum())


def timing(samples: np.ndarray) -> dict[str, float]:
    result = {}
    for name, run in (
        ("voicecoach pyin", lambda: compute_contours(samples, RATE, ((0.0, len(samples) / RATE),))),
        ("librosa pyin (defaults, 10 ms)", lambda: librosa.pyin(samples, fmin=F0_MIN_HZ, fmax=F0_MAX_HZ, sr=RATE, frame_length=1024, hop_length=HOP)),
        ("librosa yin (no voicing)", lambda: librosa.yin(samples, fmin=F0_MIN_HZ, fmax=F0_MAX_HZ, sr=RATE, frame_length=1024, hop_length=HOP)),
        ("praat to_pitch", lambda: parselmouth.Sound(samples, RATE).to_pitch(time_step=0.01, pitch_floor=F0_MIN_HZ, pitch_ceiling=F0_MAX_HZ)),
    ):
        run()
        started = time.perf_counter()
        run()
        result[name] = time.perf_counter() - started
    return result


def main() -> None:
    print("pitch: median |VoiceCoach pyin - Praat| in semitones, frames both call voiced")
    differences, timings = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for index, (voice, text) in enumerate(CLIPS):
            samples = decode_audio(speak_to_wav(text, Path(tmp) / f"{index}.wav", voice=voice), max_seconds=60).samples
            difference, frames = compare(samples)
            differences.append(difference)
            print(f"  espeak {voice:<6} {len(samples) / RATE:4.1f} s  {difference:.3f} st  ({frames} frames)")
            for name, seconds in timing(samples).items():
                timings.setdefault(name, []).append(seconds / (len(samples) / RATE))
    for frequency in (90.0, 150.0, 220.0, 400.0):
        t = np.arange(2 * RATE) / RATE
        tone = (0.1 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
        difference, frames = compare(tone)
        differences.append(difference)
        print(f"  tone {frequency:5.0f} Hz         {difference:.3f} st  ({frames} frames)")
    print(f"  median over all clips: {statistics.median(differences):.3f} st (requirement: <= 0.5)")

    print("\npitch tracker time per second of audio (same clips, warm):")
    plain = statistics.median(timings["librosa pyin (defaults, 10 ms)"])
    for name, values in timings.items():
        print(f"  {name:<32} {statistics.median(values) * 1000:7.1f} ms/s  ({statistics.median(values) / plain:.2f}x librosa pyin defaults)")

    print("\nloudness: measured against known RMS (dBFS)")
    rng = np.random.default_rng(0)
    for name, signal, level in (
        ("sine 220 Hz", lambda a: a * np.sqrt(2) * np.sin(2 * np.pi * 220 * np.arange(2 * RATE) / RATE), -20.0),
        ("sine 1 kHz", lambda a: a * np.sqrt(2) * np.sin(2 * np.pi * 1000 * np.arange(2 * RATE) / RATE), -35.0),
        ("white noise", lambda a: a * rng.standard_normal(2 * RATE), -30.0),
    ):
        samples = signal(10 ** (level / 20)).astype(np.float32)
        contours = compute_contours(samples, RATE, ())
        inner = contours.loudness_db[5:-5]
        print(f"  {name:<12} known {level:6.1f} dB  measured median {np.median(inner):6.2f} dB")


if __name__ == "__main__":
    main()
