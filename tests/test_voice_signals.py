"""Voice flags on real speech scaled with numpy: no Whisper, only the VAD, pyin and the scoring.

Silero VAD does not take synthetic harmonic tones for speech, so the signals are espeak-ng speech
(MBROLA mb-nl2 too when it is installed) with known gains applied to known seconds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile

from voicecoach.audio.checks import check_audio
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.synth import speak_to_wav
from voicecoach.coaching.scoring import score_turn
from voicecoach.scenarios import load_scenarios
from voicecoach.voice.baseline import CALIBRATION_TEXT, POPULATION_DEFAULT, Baseline, baseline_from_measures
from voicecoach.voice.contours import compute_contours
from voicecoach.voice.measures import VoiceMeasures, measure_voice
from voicecoach.voice.rate import RateMeasure

RATE = 16_000
CALM_GAIN_DB = -12.0  # espeak-ng speaks near -22 dBFS; a calm trainee at a usual microphone level
SENTENCES = (
    "Goedemiddag meneer, ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?",
    "Ik hoor dat u al drie keer hebt gebeld en dat niemand u heeft teruggebeld. Dat is vervelend.",
    "Ik wil graag een oplossing met u zoeken, en ik ga het nu voor u uitzoeken.",
)
JARGON = ("dBFS", "Hz", " st ", " st)", "syll")
VOICES = ["nl+f2"] + (["mb-nl2"] if shutil.which("mbrola") and Path("/usr/share/mbrola/nl2").is_dir() else [])


@pytest.fixture(scope="module", params=VOICES)
def speech(request, tmp_path_factory) -> dict:  # type: ignore[type-arg]  # type: ignore[no-untyped-def]
    """Calm sentences and a calm calibration reading, 16 kHz, at the calm gain."""
    folder = tmp_path_factory.mktemp(request.param.replace("+", "-"))
    gain = 10 ** (CALM_GAIN_DB / 20)

    def say(text: str, name: str) -> np.ndarray:
        wav = speak_to_wav(text, folder / f"{name}.wav", voice=request.param)
        return decode_audio(wav, max_seconds=120).samples * gain

    sentences = [say(text, f"zin{i}") for i, text in enumerate(SENTENCES)]
    return {"sentences": sentences, "reply": np.concatenate(sentences), "reading": say(CALIBRATION_TEXT, "kalibratie")}


@pytest.fixture(scope="module")
def calibrated(speech) -> Baseline:  # type: ignore[no-untyped-def]
    """The calibration reading measured like `voicecoach calibrate` does, without Whisper's words:
    the rate is not judged in these tests, so it is set from the VAD's speech time."""
    contours, checked = _contours(speech["reading"])
    seconds = checked.speech_seconds
    return baseline_from_measures(contours, RateMeasure(round(4.5 * seconds), seconds, 0.0, ()))


def test_a_10_db_rise_for_3_s_without_calibration_is_flagged_with_its_seconds(speech, tmp_path):
    calm = speech["reply"]
    start, end = _inside_speech(calm, first=3.0, length=3.0)
    loud = calm.copy()
    loud[int(start * RATE) : int(end * RATE)] *= 10 ** (10 / 20)

    voice = _voice(loud, tmp_path, POPULATION_DEFAULT)

    rises = [r for r in voice.rises if r.measure == "loudness"]
    assert len(rises) == 1, voice.rises
    rise = rises[0]
    assert rise.start == pytest.approx(start, abs=0.3) and rise.end == pytest.approx(end, abs=0.3), (rise, start, end)
    assert rise.difference >= 7.0 and rise.kind == "jump"
    assert rise.reference == "reply" and rise.threshold < 10.0  # the reply's own spread, not the population's doubled
    point = _points(voice)["stijging:loudness"]
    assert f"van {_nl(rise.start)} tot {_nl(rise.end)} s" in point.explanation
    assert "nog niet gemeten" in point.explanation
    assert voice.record().baseline.note  # the result asks to calibrate
    _plain(voice)


def test_the_same_reply_calm_is_not_flagged(speech, calibrated, tmp_path):
    """Ordinary phrase swings: the sentences at -2, +2 and +3 dB from each other."""
    swung = np.concatenate([s * 10 ** (g / 20) for s, g in zip(speech["sentences"], (0.0, -2.0, 2.0))])
    for baseline in (POPULATION_DEFAULT, calibrated):
        voice = _voice(swung, tmp_path, baseline)
        assert voice.rises == (), (baseline.source, voice.rises)
        assert not voice.loudness.raised and not voice.clipped
        assert not any(c.startswith(("stem:loudness", "stem:pitch", "stijging")) for c in _points(voice))


@pytest.mark.parametrize("personal", [False, True], ids=["zonder-kalibratie", "met-kalibratie"])
def test_a_clipped_loud_reply_gets_a_loudness_point(speech, calibrated, tmp_path, personal):
    shouted = np.clip(speech["reply"] * 10 ** (30 / 20), -1.0, 1.0)
    voice = _voice(shouted, tmp_path, calibrated if personal else POPULATION_DEFAULT)

    assert voice.clipped and voice.loudness is not None and voice.loudness.raised
    points = _points(voice, customer_anger=4)
    loudness = points["stem:loudness"]
    assert loudness.points < 0
    assert loudness.evidence["clipped"] is True and loudness.evidence["clipped_fraction"] > 0.001
    assert "overstuurd" in loudness.explanation
    assert "stem:kalm_onder_druk" not in points
    assert sum(p.points for p in points.values()) < 0
    _plain(voice)


def test_a_reply_loud_throughout_is_one_flag_from_start_to_end(speech, calibrated, tmp_path):
    loud = speech["reply"] * 10 ** (10 / 20)  # +10 dB, not clipped
    voice = _voice(loud, tmp_path, calibrated)

    assert not voice.clipped and voice.loudness.raised
    first, last = _speech_span(loud)
    assert len(voice.loudness.stretches) == 1, voice.loudness.stretches
    start, end = voice.loudness.stretches[0]
    assert start == pytest.approx(first, abs=0.5) and end == pytest.approx(last, abs=0.5)
    explanation = _points(voice)["stem:loudness"].explanation
    assert re.findall(r"van \d+,\d tot \d+,\d s", explanation) == [f"van {_nl(start)} tot {_nl(end)} s"]
    _plain(voice)


# --- helpers ------------------------------------------------------------------------------------
def _contours(samples: np.ndarray, tmp_path: Path | None = None):  # type: ignore[no-untyped-def]
    """What Analyser does before Whisper: decode (clipping judged on the file), VAD, contours."""
    if tmp_path is not None:
        path = tmp_path / "antwoord.wav"
        soundfile.write(path, samples, RATE, subtype="PCM_16")
        decoded = decode_audio(path, max_seconds=120)
    else:
        from voicecoach.audio.decode import DecodedAudio

        decoded = DecodedAudio(samples.astype(np.float32), RATE, RATE, 1, "wav", 0.0)
    checked = check_audio(decoded)
    return compute_contours(decoded.samples, RATE, checked.speech_segments), checked


def _voice(samples: np.ndarray, tmp_path: Path, baseline: Baseline) -> VoiceMeasures:
    contours, checked = _contours(samples, tmp_path)
    no_words = RateMeasure(0, 0.0, 0.0, ())  # the rate needs Whisper's words; not judged here
    return measure_voice(contours, no_words, baseline, clipped_fraction=checked.audio.clipped_fraction)


def _points(voice: VoiceMeasures, customer_anger: int = 2) -> dict:  # type: ignore[type-arg]
    phase = load_scenarios()[0]["monteur-deur"].phases[0]
    score = score_turn(
        hits=(), suggestions=(), phase=phase, customer_anger=customer_anger, word_count=20,
        speech_seconds=voice.speech_seconds, voice=voice.record(),
    )
    return {p.criterion: p for p in score.points}


def _plain(voice: VoiceMeasures) -> None:
    """Trainee-facing voice text: no jargon units, Dutch decimal commas."""
    for criterion, point in _points(voice, customer_anger=4).items():
        if criterion.startswith(("stem:", "stijging:")):
            assert not any(word in point.explanation for word in JARGON), point.explanation
            assert not re.search(r"\d\.\d", point.explanation), point.explanation


def _speech_span(samples: np.ndarray) -> tuple[float, float]:
    segments = _contours(samples)[1].speech_segments
    return segments[0][0], segments[-1][1]


def _inside_speech(samples: np.ndarray, *, first: float, length: float) -> tuple[float, float]:
    """The first start from `first` on (0.1 s steps) where both ends lie 0.3 s inside a VAD stretch:
    the truth is then where the louder sound begins and ends, not a pause."""
    segments = _contours(samples)[1].speech_segments

    def inside(t: float) -> bool:
        return any(a + 0.3 <= t <= b - 0.3 for a, b in segments)

    for start in np.arange(first, segments[-1][1] - length, 0.1):
        if inside(start) and inside(start + length):
            return float(start), float(start + length)
    raise AssertionError(f"no {length} s stretch inside speech in {segments}")


def _nl(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",")
