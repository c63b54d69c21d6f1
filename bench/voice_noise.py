"""How far the voice measures stray on their own, and what their thresholds then flag.

A reply is called louder, higher or faster than the trainee's calm voice when its median (or its
rate) exceeds the calibration's by a threshold (voice/shapes.py). This speaks the calibration text
and the 48 replies of bench/data (plus one-word answers) with the MBROLA voices at one constant
pace, level and pitch, calibrates on the first, analyses the others as the product does, and
prints per length of the reply's speech how often each measure was called raised — every such
call is a false one. For rate it also speaks the replies 15 % and 30 % faster (sox tempo: the same
voice, articulated faster) and prints how often each rate threshold calls them faster.

    .venv/bin/python bench/voice_noise.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.latency import load_replies  # noqa: E402
from voicecoach.analysis import Analyser  # noqa: E402
from voicecoach.audio.errors import AudioError  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402
from voicecoach.config import Settings  # noqa: E402
from voicecoach.voice.baseline import CALIBRATION_TEXT  # noqa: E402
from voicecoach.voice.rate import measure_rate  # noqa: E402

VOICES = ("mb-nl2", "mb-nl3")
ONE_WORD = ("Ja.", "Nee.", "Oké.", "Prima.", "Goed.", "Klopt.")
TEMPOS = (1.0, 1.15, 1.3)
RATE_THRESHOLDS = (0.10, 0.15, 0.20, 0.25)
LENGTHS = ((0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 4.0), (4.0, 8.0), (8.0, 60.0))  # seconds of speech


def spoken(text: str, voice: str, tempo: float, folder: Path) -> Path:
    path = speak_to_wav(text, folder / "spoken.wav", voice=voice)
    if tempo == 1.0:
        return path
    faster = folder / "faster.wav"
    subprocess.run(["sox", str(path), str(faster), "tempo", "-s", str(tempo)], check=True)
    return faster


def main() -> None:
    analyser = Analyser(Settings())
    replies = [*ONE_WORD, *load_replies()]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for voice in VOICES:
            baseline = analyser.calibrate(spoken(CALIBRATION_TEXT, voice, 1.0, folder))
            print(f"{voice}: calibration {baseline.loudness_db:.1f} dBFS, {baseline.pitch_hz:.0f} Hz, "
                  f"{baseline.rate_sps:.2f} syllables/s", flush=True)
            for tempo in TEMPOS:
                for reply in replies:
                    try:
                        analysis = analyser.analyse(spoken(reply, voice, tempo, folder), baseline=baseline)
                    except AudioError:  # e.g. a one-word answer sped up that Whisper no longer hears
                        continue
                    measures = analysis.voice
                    if measures is None:
                        continue
                    loud, pitch, rate = measures.loudness, measures.pitch, measures.rate
                    measured = measure_rate(analysis.transcript.words)  # also where the product does not judge it
                    rows.append({
                        "tempo": tempo, "speech": measures.speech_seconds,
                        "loud": loud.raised if loud else None, "pitch": pitch.raised if pitch else None,
                        "rate": rate.raised if rate else None,
                        "ratio": measured.syllables_per_second / baseline.rate_sps if measured.speech_seconds else None,
                    })
    print(f"\n{len(replies)} replies x {len(VOICES)} voices, each at the calibration's own level, pitch and pace")
    print("share called raised at the product's thresholds (all false): n, loudness, pitch, rate (— not judged)")
    for low, high in LENGTHS:
        same = [row for row in rows if row["tempo"] == 1.0 and low <= row["speech"] < high]
        if same:
            print(f"  {low:.0f}-{high:.0f} s speech: n {len(same):>3}  " + "  ".join(
                f"{name} {_share(same, name)}" for name in ("loud", "pitch", "rate")))
    print("\nrate / calibration rate (measured at every length, judged from 3 s), share at or above each")
    print("rate threshold, per tempo (1.00: all false)")
    print(f"{'tempo':>6} {'speech':>10} {'n':>4} {'median':>7} " + " ".join(f"{t:>6.0%}" for t in RATE_THRESHOLDS))
    for tempo in TEMPOS:
        for low, high in LENGTHS:
            ratios = sorted(row["ratio"] for row in rows if row["tempo"] == tempo and low <= row["speech"] < high and row["ratio"])
            if ratios:
                shares = " ".join(f"{sum(r - 1 >= t for r in ratios) / len(ratios):>6.0%}" for t in RATE_THRESHOLDS)
                print(f"{tempo:>6.2f} {f'{low:.0f}-{high:.0f} s':>10} {len(ratios):>4} {ratios[len(ratios) // 2]:>7.2f} {shares}")


def _share(rows: list[dict], name: str) -> str:
    judged = [row[name] for row in rows if row[name] is not None]
    return f"{sum(judged) / len(judged):>4.0%} of {len(judged):>3}" if judged else "   —      "


if __name__ == "__main__":
    main()
