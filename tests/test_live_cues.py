"""Sparse live cues (issue 15): "zachter" when the voice stays above the trainee's own
"harder dan je rustige stem" level for two seconds, at most one per 5 s, and only when the page
asks. Real MBROLA speech made softer or louder with sox, a real calibration, the real WebSocket
path and SQLite."""

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
from voicecoach.streaming.cues import HOLD_S, QUIET_S, TAIL_SAMPLES, Cue, LoudnessCues
from voicecoach.streaming.pcm_file import SAMPLE_RATE, GrowingWav
from voicecoach.voice.baseline import CALIBRATION_TEXT, POPULATION_DEFAULT
from voicecoach.voice.shapes import Baseline

SENTENCES = (
    "Goedemiddag meneer, ik begrijp dat u boos bent.",
    "Kunt u mij vertellen wat er precies is gebeurd?",
    "Dan ga ik het direct voor u uitzoeken.",
    "Ik snap dat het vervelend is dat de monteur niet kwam.",
)
CALM_DB = -20  # sox gain of the calibration and the calm reply: about -40 dBFS, a quiet microphone
LOUD_DB = 10  # a raised voice: well above a calm voice's spread, yet below the population default's level


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """MBROLA's Dutch voice: the calibration text and a four-sentence reply (a quarter second
    between sentences), both at CALM_DB; the reply also LOUD_DB louder, and LOUD_DB louder
    than MBROLA's own level (with sox's limiter) for a trainee without a calibration."""
    folder = tmp_path_factory.mktemp("cues")
    reading = speak_to_wav(CALIBRATION_TEXT, folder / "lezing-bron.wav", voice="mb-nl2")
    parts = [sox(speak_to_wav(text, folder / f"z{i}.wav", voice="mb-nl2"), folder / f"p{i}.wav", "pad", "0", "0.25")
             for i, text in enumerate(SENTENCES)]
    reply = folder / "antwoord.wav"
    subprocess.run(["sox", *map(str, parts), "-r", str(SAMPLE_RATE), str(reply)], check=True)
    return {
        "reading": sox(reading, folder / "lezing.wav", "gain", str(CALM_DB)),
        "calm": sox(reply, folder / "kalm.wav", "gain", str(CALM_DB)),
        "loud": sox(reply, folder / "hard.wav", "gain", str(CALM_DB + LOUD_DB)),
        "shouted": sox(reply, folder / "geschreeuwd.wav", "gain", "-l", str(LOUD_DB)),
    }


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
    cues = LoudnessCues(baseline)
    heard = []
    data = pcm(values)
    for offset in range(0, len(data), 2 * CHUNK):
        wav.append(data[offset : offset + 2 * CHUNK])
        if cue := cues.hear(wav.tail(TAIL_SAMPLES), wav.arrived):
            heard.append(cue)
    wav.close()
    return heard


def test_the_cue_level_is_the_analysis_threshold_over_the_own_calm_voice(calibrated):
    assert calibrated.source == "calibration"
    assert LoudnessCues(calibrated).level == calibrated.loudness_db + calibrated.loudness_threshold()
    # Without a calibration: the analysis' own fallback.
    assert LoudnessCues(None).level == POPULATION_DEFAULT.loudness_db + POPULATION_DEFAULT.loudness_threshold()


def test_a_calm_reply_gets_no_cue_and_the_same_reply_louder_gets_zachter(calibrated, speech, tmp_path):
    assert live_cues(samples(speech["calm"]), calibrated, tmp_path) == []
    loud = samples(speech["loud"])
    cues = live_cues(loud, calibrated, tmp_path)
    assert cues and {cue["type"] for cue in cues} == {"cue"} and {cue["cue"] for cue in cues} == {"zachter"}
    speaking_from = np.flatnonzero(np.abs(loud) > 0.01)[0] / SAMPLE_RATE
    assert speaking_from + HOLD_S <= cues[0]["at"] <= speaking_from + HOLD_S + 1.0, (speaking_from, cues)


def test_cues_are_sparse_however_long_the_voice_stays_raised(calibrated, speech, tmp_path):
    loud = samples(speech["loud"])
    long_loud = np.concatenate([loud] * 3)  # 40 s of a raised voice
    at = [cue["at"] for cue in live_cues(long_loud, calibrated, tmp_path)]
    assert len(at) >= 2  # a reminder while it goes on
    assert all(later - earlier >= QUIET_S for earlier, later in itertools.pairwise(at)), at
    assert len(at) <= len(long_loud) / SAMPLE_RATE / QUIET_S + 1


def test_the_voice_must_stay_raised_for_two_seconds(calibrated, speech, tmp_path):
    """A calm reply with one stretch raised by LOUD_DB: a short one gets no cue, a long one does,
    after the raise began."""
    calm = samples(speech["calm"])
    gain = 10 ** (LOUD_DB / 20)
    begin = int(1.5 * SAMPLE_RATE)
    for seconds, cued in ((1.0, False), (3.5, True)):
        raised = calm.copy()
        raised[begin : begin + int(seconds * SAMPLE_RATE)] *= gain
        cues = live_cues(raised, calibrated, tmp_path)
        assert bool(cues) == cued, (seconds, cues)
        assert all(cue["at"] >= begin / SAMPLE_RATE + HOLD_S for cue in cues)


def test_without_a_calibration_the_population_default_is_the_reference(calibrated, speech, tmp_path):
    loud = samples(speech["loud"])
    assert live_cues(loud, calibrated, tmp_path)  # raised against the own calm voice
    assert live_cues(loud, None, tmp_path) == []  # an ordinary level for an unknown voice
    assert live_cues(samples(speech["shouted"]), None, tmp_path)


def test_the_stream_sends_cues_only_when_asked_and_against_the_stored_calibration(app, client, speech):  # noqa: F811
    def streamed(query: str) -> list[dict]:
        conversation = start(client)
        messages = []
        with client.websocket_connect(stream_url(client, conversation["id"]) + query) as ws:
            send_paced(ws, pcm(samples(speech["loud"])), 0.0)
            ws.send_text(json.dumps({"type": "stop"}))
            while (message := ws.receive_json())["type"] == "cue":  # every cue comes before the reply is stored
                messages.append(message)
            assert message["type"] == "stored", message
        return messages

    assert streamed("&cues=1") == []  # no calibration yet: this level is ordinary
    assert client.post("/api/baselines", content=speech["reading"].read_bytes()).status_code == 202
    assert run_queue(app) == 2  # the calibration, and the reply streamed before it
    assert client.get("/api/baselines/current").json()["baseline"]["source"] == "calibration"
    cues = streamed("&cues=1")
    assert cues and all(m["type"] == "cue" and m["cue"] == "zachter" for m in cues), cues
    assert all(0 < m["at"] <= len(samples(speech["loud"])) / SAMPLE_RATE for m in cues)
    assert streamed("") == []  # not asked (the default): no cue, however loud
