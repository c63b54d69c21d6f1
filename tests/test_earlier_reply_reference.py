"""Without a calibration, a reply's voice is held against the calmest earlier reply of the same
conversation (voice/baseline.py): against general values a shout on a quiet microphone passed
without a word. Through the JSON API in-process (real SQLite file, worker code, Whisper, MBROLA)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio_factory import sox
from tests.conftest import SPACY_DIR, WHISPER_DIR
from tests.test_api import run_queue, start
from tests.test_attempts import _answer, app, client  # noqa: F401  (fixtures)
from voicecoach.analysis import Analyser
from voicecoach.cli.practice_replies import UnkeptReplies
from voicecoach.config import Settings
from voicecoach.scenarios import load_scenarios
from voicecoach.audio.synth import speak_to_wav
from voicecoach.voice.baseline import EARLIER_LOUDNESS_SPREAD_DB, baseline_from_earlier_replies
from voicecoach.voice.shapes import BaselineRecord, Comparison, ContoursRecord, VoiceRecord

TEXT = "Ik begrijp dat u boos bent. Vertelt u mij eens wat er precies is gebeurd met de afspraak."


@pytest.fixture(scope="module")
def quiet_microphone(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """The same words calm, and shouted (higher, faster, about 10 dB louder), both on a microphone
    set so low that the shout stays near a usual calm level."""
    folder = tmp_path_factory.mktemp("zachte-microfoon")
    calm = speak_to_wav(TEXT, folder / "rustig-bron.wav", voice="mb-nl2")
    shout = speak_to_wav(TEXT, folder / "hard-bron.wav", voice="mb-nl2", pitch=85, words_per_minute=175)
    return {
        "calm": sox(calm, folder / "rustig.wav", "rate", "16000", "gain", "-14", "pad", "0.3", "0.5"),
        "shout": sox(shout, folder / "hard.wav", "rate", "16000", "gain", "-2", "pad", "0.3", "0.5"),
    }


def _voice(turn: dict) -> dict:
    return turn["result"]["analysis"]["voice"]


def _criteria(turn: dict) -> dict[str, str]:
    return {p["criterion"]: p["explanation"] for p in turn["result"]["score"]["points"]}


def test_a_shout_after_a_calm_reply_is_flagged_against_that_reply(app, client, quiet_microphone):  # noqa: F811
    # against general values the shout passes: what a trainee without a calibration was told before
    general = Analyser(app.state.settings).analyse(quiet_microphone["shout"]).voice
    assert not general.loudness.raised and not general.pitch.raised

    conversation = start(client)
    first = _answer(app, client, conversation["id"], quiet_microphone["calm"].read_bytes())
    assert _voice(first)["baseline"]["source"] == "population_default"  # nothing earlier to compare with

    second = _answer(app, client, conversation["id"], quiet_microphone["shout"].read_bytes())
    voice = _voice(second)
    assert voice["baseline"]["source"] == "earlier_replies"
    assert voice["baseline"]["loudness_db"] == pytest.approx(_voice(first)["loudness"]["value"], abs=0.01)
    assert "rustigste eerdere antwoord" in voice["baseline"]["note"]
    assert voice["loudness"]["raised"] and voice["pitch"]["raised"]
    points = _criteria(second)
    assert "harder dan je rustigste eerdere antwoord in dit gesprek" in points["stem:loudness"]
    assert "stem:kalm_onder_druk" not in points  # praise stays for a measured calm voice
    # pace is judged only against a calibration (no rate at all when Whisper heard under 3 s of words)
    assert voice["rate"] is None or not voice["rate"]["raised"]

    # calm again at the first reply's level: nothing raised against that reference
    third = _answer(app, client, conversation["id"], quiet_microphone["calm"].read_bytes())
    assert _voice(third)["baseline"]["source"] == "earlier_replies"
    assert not _voice(third)["loudness"]["raised"] and not _voice(third)["pitch"]["raised"]
    assert run_queue(app) == 0


def _record(loudness: float, pitch: float, speech_seconds: float, clipped: bool = False, raised: bool = False) -> VoiceRecord:
    def comparison(measure: str, value: float) -> Comparison:
        return Comparison(measure=measure, value=value, baseline=0.0, unit="", difference=2.0 if raised else 0.0,
                          difference_unit="", threshold=1.0, spread_in_reply=0.0, seconds=(0.0, 1.0), frames=10)
    baseline = BaselineRecord(loudness_db=-26, loudness_spread_db=6, pitch_hz=160, pitch_spread_st=8, rate_sps=4.5,
                              rate_spread_sps=0.8, speech_seconds=0, source="population_default", created="")
    return VoiceRecord(baseline=baseline, loudness=comparison("loudness", loudness), pitch=comparison("pitch", pitch),
                       rate=None, clipped_fraction=0.01 if clipped else 0.0, clipped=clipped,
                       speech_seconds=speech_seconds, pause_seconds=0.0, pauses=(), rises=(),
                       contours=ContoursRecord(times=[], loudness_db=[], pitch_st=[]))


def test_the_reference_is_the_calmest_whole_reply():
    assert baseline_from_earlier_replies([]) is None
    reference = baseline_from_earlier_replies([
        _record(-30.0, 140.0, 4.0),
        _record(-34.0, 150.0, 5.0),
        _record(-45.0, 90.0, 1.0),  # "ja": a word's median is a stressed core, not a level
        _record(-50.0, 80.0, 4.0, clipped=True),  # overdriven: its level reads too low
        _record(-40.0, 100.0, 4.0, raised=True),  # itself judged raised (a test session: shouted from the start)
    ])
    assert reference is not None and not reference.is_personal
    assert (reference.loudness_db, reference.pitch_hz) == (-34.0, 140.0)
    assert reference.loudness_threshold() == EARLIER_LOUDNESS_SPREAD_DB
    assert baseline_from_earlier_replies([_record(-45.0, 90.0, 1.0)]) is None


def test_the_terminal_holds_a_shout_against_the_calm_earlier_reply_too(quiet_microphone, tmp_path, monkeypatch):
    """`voicecoach practice` without a calibration held every reply against general values. The
    microphone is the one part replaced: the same recordings come in instead (no sound card in CI)."""
    from voicecoach.cli import practice_session as terminal

    heard = iter([quiet_microphone["calm"], quiet_microphone["shout"]])
    monkeypatch.setattr(terminal, "hear_line_and_record", lambda line, **_: (next(heard).read_bytes(), None))
    shown: list = []
    monkeypatch.setattr(terminal, "_show_result", lambda record, as_json: shown.append(record))
    settings = Settings(data_dir=tmp_path, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR)
    spoken = UnkeptReplies(Analyser(settings), load_scenarios()[0]["monteur-deur"], None)
    with pytest.raises(StopIteration):  # the two recordings are used up
        terminal._converse_spoken(spoken, settings, as_json=True, device=None)
    spoken.close()
    first, second = (record.analysis.voice for record in shown)
    assert first.baseline.source == "population_default" and second.baseline.source == "earlier_replies"
    assert second.loudness.raised


def test_a_correction_keeps_the_voice_reference_the_reply_was_judged_against(app, client, quiet_microphone, tmp_path):  # noqa: F811
    """A correction of the words re-ran the analysis against a calibration made after the reply,
    so that turn's voice was judged anew while the conversation's other turns kept theirs (a test
    session): the words are judged again, the voice against the same reference as before."""
    conversation = start(client)
    turn = _answer(app, client, conversation["id"], quiet_microphone["calm"].read_bytes())
    before = _voice(turn)["baseline"]
    assert before["source"] == "population_default"
    reading = speak_to_wav(TEXT * 4, tmp_path / "kalibratie.wav", voice="mb-nl2")
    assert client.post("/api/baselines", content=reading.read_bytes()).status_code == 202
    run_queue(app)  # the trainee has a calibration now
    heard = turn["result"]["analysis"]["transcript"]["text"]
    assert client.post(f"/api/turns/{turn['id']}/own-correction", json={"text": heard + " echt"}).status_code == 202
    run_queue(app)
    corrected = client.get(f"/api/turns/{turn['id']}").json()
    assert corrected["result"]["analysis"]["corrected_text"] == heard + " echt"
    assert _voice(corrected)["baseline"]["source"] == before["source"]
    assert _voice(corrected)["loudness"] == _voice(turn)["loudness"]
