"""`voicecoach practice` records `line_left` too: the customer's line plays in the background, the
trainee may start answering before it ends, and how much of it was left then goes into the analysis
(real MBROLA line, real Whisper, and a PulseAudio null sink as the loudspeaker)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile

from tests.audio_factory import write_wav
from tests.conftest import SPACY_DIR, WHISPER_DIR
from tests.test_audio_devices import SINK, virtual_microphone  # noqa: F401 - fixture
from tests.test_interruption import TALK_OVER_AT, overlapping_recordings, trainee_reply
from voicecoach.analysis import Analyser
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.devices import LinePlayback
from voicecoach.cli.turn_taking import line_overlap
from voicecoach.coaching.conversation import Conversation
from voicecoach.config import Settings
from voicecoach.replies import hear_audio
from voicecoach.scenarios import load_scenarios

STARTED = 1000.0  # time.monotonic() when the line started playing


@pytest.fixture(scope="module")
def line(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """The first customer line of monteur-deur, as `practice` plays it."""
    conversation = Conversation(load_scenarios()[0]["monteur-deur"])
    return conversation.customer_audio(tmp_path_factory.mktemp("klant"))


def test_what_was_left_of_the_line_when_the_recording_started(line):
    seconds = soundfile.info(line).duration
    playback = LinePlayback(seconds, STARTED)
    overlap = line_overlap(playback, line, STARTED + 0.3 * seconds)  # Enter while the customer speaks
    assert overlap is not None and overlap.line_audio == line
    assert overlap.seconds_left == pytest.approx(0.7 * seconds)
    # The line finished first (the recording started by itself, or Enter came late): no overlap.
    assert line_overlap(playback, line, STARTED + seconds) is None
    assert line_overlap(playback, line, STARTED + seconds + 2.0) is None


def test_the_practice_analysis_flags_talking_over_the_line_only_with_its_overlap(line, tmp_path):
    samples = decode_audio(line, max_seconds=120).samples
    seconds = len(samples) / 16_000
    recording_started = STARTED + 0.3 * seconds
    overlap = line_overlap(LinePlayback(seconds, STARTED), line, recording_started)
    assert overlap is not None
    # the trainee (headphones) starts talking TALK_OVER_AT s into the recording, over the line
    recording = overlapping_recordings(samples, trainee_reply(tmp_path), overlap.seconds_left)["headphones"]
    wav = write_wav(tmp_path / "antwoord.wav", recording)
    analyser = Analyser(Settings(data_dir=tmp_path, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    found = hear_audio(analyser, wav, overlap=overlap).analysis.interruption
    assert found is not None and found.interrupting and found.line_left == pytest.approx(overlap.seconds_left, abs=0.001)
    assert found.stretches[0][0] <= TALK_OVER_AT + 0.5
    # the same recording made after the line had finished: nothing to check
    assert hear_audio(analyser, wav, overlap=line_overlap(LinePlayback(seconds, STARTED), line, STARTED + seconds)).analysis.interruption is None


PLAY = """
import sys, time
from pathlib import Path
from voicecoach.audio.devices import LinePlayback
started = time.monotonic()
playback = LinePlayback.start(Path(sys.argv[1]), device="pulse")
playing = playback.left()
playback.wait()
print(playing, playback.left(), time.monotonic() - started)
"""


def test_the_line_plays_in_the_background_on_a_real_device(virtual_microphone, line):  # noqa: F811
    """On a PulseAudio null sink: `start` returns while the line plays, `wait` once it has ended."""
    seconds = soundfile.info(line).duration
    env = {**os.environ, "PULSE_SINK": SINK}
    out = subprocess.run([sys.executable, "-c", PLAY, str(line)], env=env, capture_output=True, text=True, timeout=60, check=True)
    playing, left, elapsed = (float(value) for value in out.stdout.split())
    assert seconds - 0.5 < playing <= seconds  # started in the background: nearly all of it to come
    assert left == 0.0 and elapsed >= seconds - 0.1  # waited for the whole line
