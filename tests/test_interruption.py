"""Laat de klant uitpraten: speech over the customer's line is flagged, the loudspeaker's echo of
that line is not (voice/interruption.py), and the score and the customer answer it.

Real audio: the customer's line as the server speaks it (MBROLA mb-nl2, anger 3), the trainee's
reply in the other MBROLA voice, mixed with numpy; the echo passes a simulated loudspeaker and room.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.audio_factory import through_loudspeaker, write_wav
from voicecoach.audio.checks import check_audio
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.synth import speak_to_wav
from voicecoach.coaching.conversation import Conversation, Reply
from voicecoach.coaching.customer import CustomerState, customer_line
from voicecoach.coaching.customer_voice import customer_audio
from voicecoach.scenarios import Scenario, load_scenarios
from voicecoach.turn_record import AnalysisRecord
from voicecoach.vocabulary import INTERRUPTION
from voicecoach.voice.interruption import RATE, detect_interruption
from voicecoach.voice.shapes import MIN_SECONDS, SIMILARITY_THRESHOLD, Interruption

REPLY = "Goedemiddag meneer, ik begrijp dat u boos bent. Wat is er precies gebeurd?"
TALK_OVER_AT = 0.3  # the trainee starts this many seconds into the recording


def _seconds(samples: np.ndarray) -> float:
    return len(samples) / RATE


def overlapping_recordings(line: np.ndarray, reply: np.ndarray, line_left: float) -> dict[str, np.ndarray]:
    """Recordings started with `line_left` seconds of the customer's `line` still to play."""
    echo = through_loudspeaker(line, np.random.default_rng(15))[len(line) - int(line_left * RATE):] * 10 ** (-12 / 20)
    louder = reply / np.sqrt(np.mean(reply**2)) * np.sqrt(np.mean(echo**2)) * 10 ** (6 / 20)  # mouth nearer than speaker
    noise = np.random.default_rng(1).standard_normal(len(echo) + len(reply) + RATE).astype(np.float32) * 1e-4

    def recording(with_echo: bool, reply_at: float) -> np.ndarray:
        out = noise.copy()
        if with_echo:
            out[: len(echo)] += echo
        start = int(reply_at * RATE)
        out[start : start + len(reply)] += louder
        return out

    return {
        # the customer's line through the loudspeakers, the reply only after the line ended
        "echo": recording(True, _seconds(echo) + 0.3),
        # the trainee talks over the customer, who is heard through the loudspeakers too
        "over_echo": recording(True, TALK_OVER_AT),
        # the same with headphones: the microphone hears only the trainee
        "headphones": recording(False, TALK_OVER_AT),
    }


def first_line(folder: Path) -> tuple[Scenario, np.ndarray]:
    """monteur-deur's first customer line as the server speaks it."""
    scenario = load_scenarios()[0]["monteur-deur"]
    state = CustomerState.start(scenario)
    path = customer_audio(customer_line(scenario, state), state.anger, scenario.persona.voice, folder / "klant")
    return scenario, decode_audio(path, max_seconds=120).samples


def trainee_reply(folder: Path) -> np.ndarray:
    return decode_audio(speak_to_wav(REPLY, folder / "antwoord.wav", voice="mb-nl3"), max_seconds=120).samples


@pytest.fixture(scope="module")
def audio(tmp_path_factory) -> dict:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("uitpraten")
    scenario, line = first_line(folder)
    line_left = round(0.7 * _seconds(line), 2)
    found = {"scenario": scenario, "line": line, "line_left": line_left}
    for name, samples in overlapping_recordings(line, trainee_reply(folder), line_left).items():
        checked = check_audio(decode_audio(write_wav(folder / f"{name}.wav", samples).read_bytes(), max_seconds=120))
        found[name] = (checked.audio.samples, checked.speech_segments)
    return found


def _detect(audio: dict, name: str, line_left: float | None = None):  # type: ignore[no-untyped-def]
    samples, segments = audio[name]
    return detect_interruption(samples, segments, audio["line"], audio["line_left"] if line_left is None else line_left)


def test_the_loudspeakers_echo_of_the_line_is_not_an_interruption(audio):
    found = _detect(audio, "echo")
    assert found.speech_seconds >= 1.0  # the microphone heard the customer as speech...
    assert not found.interrupting and found.seconds < MIN_SECONDS  # ...which the playback explains
    assert found.explained_seconds >= 1.0 and found.echo
    assert found.similarity is not None and found.similarity >= SIMILARITY_THRESHOLD


@pytest.mark.parametrize("name", ["over_echo", "headphones"])
def test_talking_over_the_line_is_an_interruption_with_its_seconds(audio, name):
    found = _detect(audio, name)
    assert found.interrupting and found.seconds >= MIN_SECONDS
    assert found.similarity is not None and found.similarity < SIMILARITY_THRESHOLD
    first, last = found.stretches[0][0], found.stretches[-1][1]
    assert first <= TALK_OVER_AT + 0.5  # where the trainee started (echo just before it may join)
    assert last <= audio["line_left"] + 0.05  # only the overlap with the line counts
    assert found.seconds <= audio["line_left"] - TALK_OVER_AT + 0.2
    # with headphones the microphone never heard the customer: nothing is put down to an echo
    assert found.echo == (name == "over_echo")
    assert name == "over_echo" or found.explained_seconds == 0.0


def test_no_overlap_and_an_impossible_overlap(audio):
    assert not _detect(audio, "headphones", line_left=0.0).interrupting  # recorded after the line
    assert _detect(audio, "headphones", line_left=0.0).seconds == 0.0
    # a page claiming more than the line's length is held to the line
    assert _detect(audio, "headphones", line_left=99.0).line_left == pytest.approx(_seconds(audio["line"]), abs=0.01)


def test_the_turn_record_keeps_the_evidence_and_old_records_have_none(audio):
    found = _detect(audio, "over_echo")
    stored = json.loads(json.dumps(found.model_dump(mode="json")))
    record = Interruption.model_validate(stored)  # the analysis's own shape is what the record keeps
    assert record.interrupting and record.threshold == SIMILARITY_THRESHOLD and record.seconds > 0
    assert record == found and record.echo == found.echo and record.explained_seconds == found.explained_seconds
    assert record.model_dump(mode="json") == stored  # read back and stored again: the same
    old = AnalysisRecord.model_validate({"audio": None, "voice": None, "wording": [],
                                         "transcript": {"text": "ja", "language": "nl", "words": []}})
    assert old.interruption is None


def test_the_score_explains_it_and_the_customer_asks_to_finish(audio):
    scenario = audio["scenario"]
    interrupting, echo = _detect(audio, "over_echo"), _detect(audio, "echo")
    cut_off = Conversation(scenario).reply(Reply(REPLY, (), interruption=interrupting))
    point = next(p for p in cut_off.score.points if p.criterion == f"luisteren:{INTERRUPTION}")
    assert point.points < 0 and point.source == "001_4710c7be769f9696.txt"
    assert "Laat de klant uitpraten" in point.explanation and "door de klant heen" in point.explanation
    assert point.evidence["similarity"] < point.evidence["threshold"]
    assert any(cut_off.reaction.next_line.startswith(answer) for answer in scenario.responses[INTERRUPTION])

    heard_speaker = Conversation(scenario).reply(Reply(REPLY, (), interruption=echo))
    assert all(p.criterion != f"luisteren:{INTERRUPTION}" for p in heard_speaker.score.points)
    assert not any(heard_speaker.reaction.next_line.startswith(answer) for answer in scenario.responses[INTERRUPTION])
    assert heard_speaker.score.total - cut_off.score.total == -point.points


def test_a_scenario_without_an_answer_to_interrupting_still_plays(audio):
    scenario = audio["scenario"]
    without = scenario.model_copy(update={"responses": {k: v for k, v in scenario.responses.items() if k != INTERRUPTION}})
    result = Conversation(without).reply(Reply(REPLY, (), interruption=_detect(audio, "headphones")))
    assert any(p.criterion == f"luisteren:{INTERRUPTION}" for p in result.score.points)
    assert result.reaction.next_line  # the level's line, without an answer to being cut off
