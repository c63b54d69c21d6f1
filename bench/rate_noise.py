"""How far the speaking-rate measure strays on its own, and what a rate threshold then flags.

A trainee's reply is called "sneller dan je rustige stem" when its articulation rate (syllables per
second of speech, voice/rate.py, from Whisper's word times) exceeds the calibration's by the rate
threshold. This speaks the calibration text and the 48 replies of bench/data with the MBROLA voices
at one constant pace (so every reply is exactly as fast as the calibration), and again 15 % and 30 %
faster (sox tempo: the same voice, articulated faster), measures each as the product does, and
prints, per length of the reply's speech, how often each threshold calls it faster.

    .venv/bin/python bench/rate_noise.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency import load_replies  # noqa: E402
from voicecoach.audio.decode import decode_audio  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402
from voicecoach.config import Settings  # noqa: E402
from voicecoach.speech.transcribe import load_whisper, transcribe  # noqa: E402
from voicecoach.voice.baseline import CALIBRATION_TEXT  # noqa: E402
from voicecoach.voice.rate import RateMeasure, measure_rate  # noqa: E402

VOICES = ("mb-nl2", "mb-nl3")
TEMPOS = (1.0, 1.15, 1.3)
THRESHOLDS = (0.10, 0.15, 0.20, 0.25, 0.30)
LENGTHS = ((0.0, 2.0), (2.0, 3.0), (3.0, 4.0), (4.0, 8.0), (8.0, 60.0))  # seconds of speech in the reply


def rate_of(text: str, voice: str, tempo: float, folder: Path, model) -> RateMeasure:  # type: ignore[no-untyped-def]
    spoken = speak_to_wav(text, folder / "spoken.wav", voice=voice)
    if tempo != 1.0:
        faster = folder / "faster.wav"
        subprocess.run(["sox", str(spoken), str(faster), "tempo", "-s", str(tempo)], check=True)
        spoken = faster
    samples = decode_audio(spoken, max_seconds=120).samples
    return measure_rate(transcribe(model, samples).words)


def main() -> None:
    settings = Settings()
    model = load_whisper(settings.whisper_model, settings.compute_type, settings.cpu_threads)
    replies = load_replies()
    rows: list[tuple[float, float, float]] = []  # tempo, speech seconds, rate / calibration rate
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for voice in VOICES:
            calm = rate_of(CALIBRATION_TEXT, voice, 1.0, folder, model).syllables_per_second
            print(f"{voice}: calibration text {calm:.2f} syllables/s", flush=True)
            for tempo in TEMPOS:
                for reply in replies:
                    measured = rate_of(reply, voice, tempo, folder, model)
                    if measured.speech_seconds > 0:
                        rows.append((tempo, measured.speech_seconds, measured.syllables_per_second / calm))
    print(f"\n{len(replies)} replies x {len(VOICES)} voices per tempo; share called faster at each threshold")
    print(f"{'tempo':>6} {'speech':>10} {'n':>4} {'median':>7} " + " ".join(f"{t:>6.0%}" for t in THRESHOLDS))
    for tempo in TEMPOS:
        for low, high in LENGTHS:
            ratios = sorted(r for t, s, r in rows if t == tempo and low <= s < high)
            if not ratios:
                continue
            shares = " ".join(f"{sum(r - 1 >= t for r in ratios) / len(ratios):>6.0%}" for t in THRESHOLDS)
            median = ratios[len(ratios) // 2]
            print(f"{tempo:>6.2f} {f'{low:.0f}-{high:.0f} s':>10} {len(ratios):>4} {median:>7.2f} {shares}")


if __name__ == "__main__":
    main()
