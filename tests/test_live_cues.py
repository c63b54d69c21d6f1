"""Sparse live cues (issue 15): "zachter" when the voice stays above the trainee's own
"harder dan je rustige stem" level for two seconds, "rustig" when its pitch stays above their own
"hoger dan je rustige stem" level for two seconds, at most one cue per 5 s, and only when the page
asks. Real MBROLA speech made softer, louder or higher with sox, a real calibration, the real
WebSocket path and SQLite."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.audio_factory import sox
from tests.test_api import app, client, run_queue, start  # noqa: F401 - fixtures
from tests.test_streaming import CHUNK, send_paced, stream_url
from tests.test_voice_measures import analyser  # noqa: F401 - fixture
from voicecoach.analysis import Analyser
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.synth import speak_to_wav
from voicecoach.streaming.cues import (
    HOLD_S,
    LOOK_EVERY_S,
    QUIET_S,
    TAIL_SAMPLES,
    Cue,
    LiveCues,
)
from voicecoach.streaming.pcm_file import SAMPLE_RATE, GrowingWav
from voicecoach.voice.baseline import CALIBRATION_TEXT, POPULATION_DEFAULT
from voicecoach.voice.shapes import Baseline
from voicecoach.voice.stretches import MERGE_GAP_SECONDS

SENTENCES = (
    "Goedemiddag meneer, ik begrijp dat u boos bent.",
    "Kunt u mij vertellen wat er precies is gebeurd?",
    "Dan ga ik het direct voor u uitzoeken.",
    "Ik snap dat het vervelend is dat de monteur niet kwam.",
)
# Mostly voiced: MBROLA's low voice drops out of pitch tracking's range in many phrase ends, and a
# pitch held for two seconds needs voiced frames less than a second apart (bench/live_pitch.py).
VOICED_SENTENCES = (
    "Neemt u mij niet kwalijk, ik zal er meteen naar kijken.",
    "Ja mevrouw, ik weet wel dat u al lang moet wachten.",
    "Dat is heel vervelend, daar ben ik het mee eens.",
)
CALM_DB = -20  # sox gain of the calibration and the calm reply: about -40 dBFS, a quiet microphone
LOUD_DB = 10  # a raised voice: well above a calm voice's spread, yet below the population default's level
HIGH_CENTS = 500  # a raised pitch: five semitones, well above a calm voice's spread
VERY_HIGH_CENTS = 2000  # MBROLA's ~100 Hz to ~320 Hz: above calm adult voices (up to ~255 Hz, POPULATION_DEFAULT)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """MBROLA's Dutch voice: the calibration text and a four-sentence reply (a quarter second
    between sentences), both at CALM_DB; the reply also LOUD_DB louder, and LOUD_DB louder
    than MBROLA's own level (with sox's limiter) for a trainee without a calibration. For the
    pitch: a mostly voiced reply at CALM_DB, also HIGH_CENTS higher (and LOUD_DB louder), and
    VERY_HIGH_CENTS higher."""
    folder = tmp_path_factory.mktemp("cues")
    reading = speak_to_wav(CALIBRATION_TEXT, folder / "lezing-bron.wav", voice="mb-nl2")
    reply, voiced = _reply(SENTENCES, folder / "antwoord.wav"), _reply(VOICED_SENTENCES, folder / "stemhebbend.wav")
    calm_gain = ("gain", str(CALM_DB))
    return {
        "reading": sox(reading, folder / "lezing.wav", *calm_gain),
        "calm": sox(reply, folder / "kalm.wav", *calm_gain),
        "loud": sox(reply, folder / "hard.wav", "gain", str(CALM_DB + LOUD_DB)),
        "shouted": sox(reply, folder / "geschreeuwd.wav", "gain", "-l", str(LOUD_DB)),
        "voiced": sox(voiced, folder / "stemhebbend-kalm.wav", *calm_gain),
        "high": sox(voiced, folder / "hoog.wav", *calm_gain, "pitch", str(HIGH_CENTS)),
        "loud_high": sox(voiced, folder / "hard-hoog.wav", "gain", str(CALM_DB + LOUD_DB), "pitch", str(HIGH_CENTS)),
        "very_high": sox(voiced, folder / "heel-hoog.wav", *calm_gain, "pitch", str(VERY_HIGH_CENTS)),
    }


def _reply(sentences: tuple[str, ...], target: Path) -> Path:
    """The sentences read by MBROLA, a quarter second after each, at 16 kHz."""
    parts = [sox(speak_to_wav(text, target.with_name(f"{target.stem}-z{i}.wav"), voice="mb-nl2"),
                 target.with_name(f"{target.stem}-p{i}.wav"), "pad", "0", "0.25")
             for i, text in enumerate(sentences)]
    subprocess.run(["sox", *map(str, parts), "-r", str(SAMPLE_RATE), str(target)], check=True)
    return target


@pytest.fixture(scope="module")
def calibrated(analyser: Analyser, speech: dict[str, Path]) -> Baseline:  # noqa: F811
    return analyser.calibrate(speech["reading"])


def samples(path: Path) -> np.ndarray:
    return decode_audio(path, max_seconds=60).samples


def pcm(values: np.ndarray) -> bytes:
    return (np.clip(values, -1, 1) * 32767).astype("<i2").tobytes()


def live_cues(values: np.ndarray, baseline: Baseline | None, folder: Path) -> list[Cue]:
    """The cues of a reply arriving in the browser's 250 ms chunks, as the stream's route hears it."""
    wav = GrowingWav(folder / "antwoord.wav.part", max_seconds=120)
    cues = LiveCues(baseline)
    heard = []
    data = pcm(values)
    for offset in range(0, len(data), 2 * CHUNK):
        wav.append(data[offset : offset + 2 * CHUNK])
        if cue := cues.hear(wav.tail(TAIL_SAMPLES), wav.arrived):
            heard.append(cue)
    wav.close()
    return heard


def test_the_cue_levels_are_the_analysis_thresholds_over_the_own_calm_voice(calibrated):
    assert calibrated.source == "calibration"
    cues = LiveCues(calibrated)
    assert cues.loudness.level == calibrated.loudness_db + calibrated.loudness_threshold()
    assert (cues.pitch.reference_hz, cues.pitch.level_st) == (calibrated.pitch_hz, calibrated.pitch_threshold())
    # Without a calibration: the analysis' own fallback.
    fallback = LiveCues(None)
    assert fallback.loudness.level == POPULATION_DEFAULT.loudness_db + POPULATION_DEFAULT.loudness_threshold()
    assert (fallback.pitch.reference_hz, fallback.pitch.level_st) == (POPULATION_DEFAULT.pitch_hz, POPULATION_DEFAULT.pitch_threshold())


# (calm reply, the same raised, the cue it gets): louder at the same pitch, higher at the same loudness.
RAISED = [("calm", "loud", "zachter"), ("voiced", "high", "rustig")]


@pytest.mark.parametrize(("calm", "raised", "cue"), RAISED)
def test_a_calm_reply_gets_no_cue_and_the_same_reply_raised_gets_its_cue(calibrated, speech, tmp_path, calm, raised, cue):
    assert live_cues(samples(speech[calm]), calibrated, tmp_path) == []
    values = samples(speech[raised])
    cues = live_cues(values, calibrated, tmp_path)
    assert cues and {c["type"] for c in cues} == {"cue"} and {c["cue"] for c in cues} == {cue}, cues
    speaking = np.flatnonzero(np.abs(values) > 0.01) / SAMPLE_RATE
    assert speaking[0] + HOLD_S <= cues[0]["at"] <= speaking[0] + HOLD_S + 1.0, (speaking[0], cues)
    # A raised voice that stopped gets no cue in the silence after it.
    silence_after = np.concatenate([values, np.zeros(8 * SAMPLE_RATE, dtype=values.dtype)])
    assert all(c["at"] <= speaking[-1] + MERGE_GAP_SECONDS + LOOK_EVERY_S for c in live_cues(silence_after, calibrated, tmp_path))


@pytest.mark.parametrize(("calm", "raised", "cue"), RAISED)
def test_cues_are_sparse_however_long_the_voice_stays_raised(calibrated, speech, tmp_path, calm, raised, cue):
    values = samples(speech[raised])
    long_raised = np.concatenate([values] * 3)  # 27 to 40 s of a raised voice
    cues = live_cues(long_raised, calibrated, tmp_path)
    at = [c["at"] for c in cues]
    assert len(at) >= 2 and {c["cue"] for c in cues} == {cue}  # a reminder while it goes on
    assert all(later - earlier >= QUIET_S for earlier, later in itertools.pairwise(at)), at
    assert len(at) <= len(long_raised) / SAMPLE_RATE / QUIET_S + 1


@pytest.mark.parametrize(("calm", "raised", "cue"), RAISED)
def test_the_voice_must_stay_raised_for_two_seconds(calibrated, speech, tmp_path, calm, raised, cue):
    """A calm reply with one stretch taken from the raised one: a short one gets no cue, a long
    one does, after the raise began."""
    calm_values, raised_values = samples(speech[calm]), samples(speech[raised])
    begin = int(1.5 * SAMPLE_RATE)
    for seconds, cued in ((1.0, False), (3.5, True)):
        values = calm_values.copy()
        span = slice(begin, begin + int(seconds * SAMPLE_RATE))
        values[span] = raised_values[span]  # sox's pitch keeps the timing
        cues = live_cues(values, calibrated, tmp_path)
        assert bool(cues) == cued and all(c["cue"] == cue for c in cues), (seconds, cues)
        assert all(c["at"] >= begin / SAMPLE_RATE + HOLD_S for c in cues)


def test_when_the_voice_is_louder_and_higher_zachter_comes_first(calibrated, speech, tmp_path):
    """The seeds' list of escalation signals opens with a raised volume (streaming/cues.py)."""
    cues = live_cues(samples(speech["loud_high"]), calibrated, tmp_path)
    assert cues and cues[0]["cue"] == "zachter", cues
    assert live_cues(samples(speech["high"]), calibrated, tmp_path)[0]["cue"] == "rustig"  # alone it has its cue


def test_without_a_calibration_the_population_default_is_the_reference(calibrated, speech, tmp_path):
    loud = samples(speech["loud"])
    assert live_cues(loud, calibrated, tmp_path)  # raised against the own calm voice
    assert live_cues(loud, None, tmp_path) == []  # an ordinary level for an unknown voice
    assert live_cues(samples(speech["shouted"]), None, tmp_path)
    high = samples(speech["high"])
    assert live_cues(high, calibrated, tmp_path)  # a raised pitch against the own calm voice
    assert live_cues(high, None, tmp_path) == []  # still a low voice against the population's
    assert {c["cue"] for c in live_cues(samples(speech["very_high"]), None, tmp_path)} == {"rustig"}


def test_the_stream_sends_cues_only_when_asked_and_against_the_stored_calibration(app, client, speech):  # noqa: F811
    def streamed(query: str, reply: str = "loud") -> list[dict]:
        conversation = start(client)
        messages = []
        with client.websocket_connect(stream_url(client, conversation["id"]) + query) as ws:
            send_paced(ws, pcm(samples(speech[reply])), 0.0)
            ws.send_text(json.dumps({"type": "stop"}))
            while (message := ws.receive_json())["type"] == "cue":  # every cue comes before the reply is stored
                messages.append(message)
            assert message["type"] == "stored", message
        return messages

    assert streamed("&cues=1") == []  # no calibration yet: this level is ordinary
    assert streamed("&cues=1", "high") == []  # and this pitch
    assert client.post("/api/baselines", content=speech["reading"].read_bytes()).status_code == 202
    assert run_queue(app) == 3  # the calibration, and the replies streamed before it
    assert client.get("/api/baselines/current").json()["baseline"]["source"] == "calibration"
    for reply, cue in (("loud", "zachter"), ("high", "rustig")):
        cues = streamed("&cues=1", reply)
        assert cues and all(m["type"] == "cue" and m["cue"] == cue for m in cues), (reply, cues)
        assert all(0 < m["at"] <= len(samples(speech[reply])) / SAMPLE_RATE for m in cues)
    assert streamed("") == []  # not asked (the default): no cue, however loud
