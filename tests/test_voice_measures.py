"""Voice measures on real generated audio: known tones, a reply that rises, fast against slow speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.audio_factory import sine, sox, sox_concat
from voicecoach.analysis import Analyser
from voicecoach.audio.synth import speak_to_wav
from voicecoach.voice.baseline import CALIBRATION_TEXT, POPULATION_DEFAULT, Baseline
from voicecoach.voice.contours import Contours, compute_contours
from voicecoach.voice.measures import measure_voice
from voicecoach.voice.rate import RateMeasure
from voicecoach.voice.stats import semitones


@pytest.fixture(scope="session")
def analyser() -> Analyser:
    from voicecoach.config import Settings
    from tests.conftest import SPACY_DIR, WHISPER_DIR

    return Analyser(Settings(whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))


@pytest.fixture(scope="session")
def calm_baseline(analyser: Analyser, clip_dir: Path) -> Baseline:
    """The calibration text read by espeak-ng, 12 dB below its native level."""
    reading = speak_to_wav(CALIBRATION_TEXT, clip_dir / "kalibratie-bron.wav")
    return analyser.calibrate(sox(reading, clip_dir / "kalibratie.wav", "gain", "-12"))


@pytest.mark.parametrize(("frequency", "level"), [(110.0, -30.0), (220.0, -20.0), (330.0, -12.0)])
def test_tone_of_known_frequency_and_level(frequency, level):
    samples = sine(frequency, level, 3.0)
    contours = compute_contours(samples, 16_000, ((0.0, 3.0),))
    inner = contours.voiced & (contours.times > 0.1) & (contours.times < 2.9)  # skip edge frames
    assert inner.sum() > 250
    assert np.median(contours.loudness_db[inner]) == pytest.approx(level, abs=0.5)
    pitch_error = semitones(np.median(contours.f0_hz[inner]), frequency)
    assert abs(pitch_error) <= 0.5


def test_calibration_measures_the_calm_voice(calm_baseline):
    assert calm_baseline.source == "calibration"
    assert calm_baseline.speech_seconds > 12
    assert -40 < calm_baseline.loudness_db < -28  # espeak's native ~-22 dBFS, minus 12 dB
    assert 150 < calm_baseline.pitch_hz < 260  # the nl+f2 voice
    assert 2.5 < calm_baseline.rate_sps < 7.0
    assert calm_baseline.loudness_spread_db < 5 and calm_baseline.pitch_spread_st < 4


def test_second_part_louder_and_higher_is_a_rise_with_its_seconds(analyser, calm_baseline, tmp_path):
    calm = speak_to_wav("Ik begrijp dat u boos bent over de rekening, en dat snap ik ook heel goed.", tmp_path / "a.wav")
    heated = speak_to_wav("Maar nu moet u echt even luisteren naar wat ik u ga zeggen.", tmp_path / "b.wav")
    first = sox(calm, tmp_path / "a-zacht.wav", "gain", "-12")
    second = sox(heated, tmp_path / "b-hard-hoog.wav", "gain", "-2", "pitch", "400")  # +10 dB, +4 semitones
    reply = sox_concat(first, second, tmp_path / "antwoord.wav")
    split = soundfile.info(first).duration
    samples, rate = soundfile.read(second)
    voiced_start = split + np.argmax(np.abs(samples) > 0.01) / rate  # espeak's lead-in silence
    speech_end = soundfile.info(reply).duration - _trailing_silence(samples, rate)

    result = analyser.analyse(reply, baseline=calm_baseline)
    rises = {rise.measure: rise for rise in result.voice.rises}
    assert set(rises) == {"loudness", "pitch"}, result.voice.rises
    assert rises["loudness"].difference >= 7.0
    assert rises["pitch"].difference >= 2.5
    for rise in rises.values():
        assert rise.start == pytest.approx(voiced_start, abs=0.3)
        assert rise.end == pytest.approx(speech_end, abs=0.3)
    assert result.voice.loudness.raised and result.voice.pitch.raised


def test_calm_reply_has_no_rise_and_nothing_raised(analyser, calm_baseline, tmp_path):
    reply = sox(
        speak_to_wav("Goedemiddag, ik begrijp dat u boos bent. Wat is er precies gebeurd?", tmp_path / "r.wav"),
        tmp_path / "rustig.wav",
        "gain",
        "-12",
    )
    voice = analyser.analyse(reply, baseline=calm_baseline).voice
    assert voice.rises == ()
    assert not voice.loudness.raised and not voice.pitch.raised
    assert abs(voice.loudness.difference) < 3 and abs(voice.pitch.difference) < 1.5


def test_faster_speech_has_a_higher_rate(analyser, tmp_path):
    text = "Ik snap dat u vandaag lang hebt moeten wachten en dat u daar boos over bent."
    slow = analyser.analyse(speak_to_wav(text, tmp_path / "120.wav", words_per_minute=120))
    fast = analyser.analyse(speak_to_wav(text, tmp_path / "180.wav", words_per_minute=180))
    assert fast.voice.rate.value > slow.voice.rate.value * 1.2
    assert slow.voice.rate.unit == "syll/s"


def test_a_pace_is_judged_only_against_the_own_calm_voice(analyser, calm_baseline, tmp_path):
    """Calm people differ in pace by more than the threshold: without a calibration a fast reply is
    shown, not charged (a test session: a calm reply at the reading's own pace cost -1 'sneller')."""
    text = "Ik snap dat u vandaag lang hebt moeten wachten en dat u daar boos over bent."
    fast = speak_to_wav(text, tmp_path / "220.wav", words_per_minute=220)
    general = analyser.analyse(fast).voice.rate
    assert general.difference >= general.threshold and not general.raised
    assert analyser.analyse(fast, baseline=calm_baseline).voice.rate.raised


def test_without_baseline_the_defaults_are_marked(analyser, dutch_reply_wav):
    voice = analyser.analyse(dutch_reply_wav).voice
    assert voice.baseline == POPULATION_DEFAULT
    data = voice.record().model_dump(mode="json")
    assert data["baseline"]["source"] == "population_default"
    assert "geen eigen rustige stem" in data["baseline"]["note"]


def test_every_measure_carries_its_evidence(analyser, calm_baseline, dutch_reply_wav):
    data = analyser.analyse(dutch_reply_wav, baseline=calm_baseline).voice.record().model_dump(mode="json")
    for name in ("loudness", "pitch", "rate"):
        measure = data[name]
        for key in ("value", "baseline", "unit", "difference", "difference_unit", "threshold", "seconds", "raised"):
            assert key in measure, (name, key)
        start, end = measure["seconds"]
        assert 0 <= start < end


def _trailing_silence(samples: np.ndarray, rate: int) -> float:
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return (len(samples) - loud[-1]) / rate


@pytest.mark.parametrize(("words_seconds", "louder_db", "raised"), [
    (0.4, 4.0, False),  # "ja" a little louder than the calm reading: one stressed syllable, not a raised voice
    (0.4, 8.0, True),  # "NEE!" clearly louder: still flagged
    (3.0, 4.0, True),  # a sentence 4 dB louder: flagged as before
])
def test_a_one_word_answer_counts_as_raised_only_when_clearly_louder(words_seconds, louder_db, raised):
    times = np.arange(0.0, words_seconds + 0.6, 0.01)
    speech = (times >= 0.3) & (times < 0.3 + words_seconds)
    contours = Contours(times=times, loudness_db=np.full(len(times), POPULATION_DEFAULT.loudness_db + louder_db),
                        f0_hz=np.full(len(times), np.nan), speech=speech)
    rate = RateMeasure(syllables=1, speech_seconds=words_seconds, pause_seconds=0.0, pauses=())
    measured = measure_voice(contours, rate, POPULATION_DEFAULT.model_copy(update={"loudness_spread_db": 0.5}))
    assert measured.loudness is not None and measured.loudness.raised == raised
    assert measured.rate is None or words_seconds >= 3.0  # a few words' rate is not judged


@pytest.mark.parametrize(("words_seconds", "faster", "raised"), [
    (3.5, 1.22, False),  # 3-4 s of speech: its rate strays about a fifth on its own (bench/voice_noise.py)
    (3.5, 1.30, True),  # clearly faster: still said
    (6.0, 1.22, True),  # from 4 s on a fifth is enough
])
def test_a_short_reply_is_called_faster_only_at_a_quarter(words_seconds, faster, raised):
    times = np.arange(0.0, words_seconds + 0.6, 0.01)
    speech = (times >= 0.3) & (times < 0.3 + words_seconds)
    contours = Contours(times=times, loudness_db=np.full(len(times), POPULATION_DEFAULT.loudness_db),
                        f0_hz=np.full(len(times), np.nan), speech=speech)
    calibrated = POPULATION_DEFAULT.model_copy(update={"source": "calibration", "rate_sps": 4.0, "rate_spread_sps": 0.2})
    syllables = round(4.0 * faster * words_seconds)
    rate = RateMeasure(syllables=syllables, speech_seconds=words_seconds, pause_seconds=0.0, pauses=())
    measured = measure_voice(contours, rate, calibrated)
    assert measured.rate is not None and measured.rate.raised == raised
