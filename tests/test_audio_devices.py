"""The terminal's recording path on a real (virtual) audio device: a PulseAudio null sink whose
monitor is the microphone, fed by paplay with a generated Dutch reply."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import sounddevice
import soundfile

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.analysis import Analyser
from voicecoach.audio.devices import BLOCK_SECONDS, MIC_START_SECONDS, RECORD_RATE, MicrophoneCapture
from voicecoach.audio.errors import MESSAGES, AudioError
from voicecoach.audio.synth import speak_to_wav
from voicecoach.config import Settings

# One sink per test process: two test runs on one machine share the user's PulseAudio server, and
# each must hear only its own reply.
SINK = f"voicecoach_test_mic_{os.getpid()}"


@pytest.fixture(scope="module")
def virtual_microphone() -> Iterator[str]:
    """A PulseAudio null sink of this process (the server started here if none runs); yields its
    monitor source and unloads the sink afterwards."""
    assert shutil.which("pulseaudio") and shutil.which("paplay"), "scripts/install.sh --test installs pulseaudio"
    if subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        subprocess.run(
            ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "--load=module-native-protocol-unix"],
            check=True, capture_output=True,
        )
        for _ in range(50):
            if subprocess.run(["pactl", "info"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
    module = subprocess.run(["pactl", "load-module", "module-null-sink", f"sink_name={SINK}"],
                            check=True, capture_output=True, text=True).stdout.strip()
    yield f"{SINK}.monitor"
    subprocess.run(["pactl", "unload-module", module], capture_output=True, check=False)


RECORD = """
import sys
from pathlib import Path
from voicecoach.audio.devices import record_reply
from voicecoach.audio.errors import AudioError
try:
    audio = record_reply(max_seconds=20, silence_seconds=1.5, device="pulse",
                         on_listening=lambda: print("luistert", flush=True))
except AudioError as error:
    print(error.code, flush=True)
else:
    Path(sys.argv[1]).write_bytes(audio)
"""


def start_recorder(microphone: str, out: Path) -> subprocess.Popen[str]:
    """The terminal recorder in a process of its own, once it says it is listening (under load,
    starting Python and PulseAudio's first block take seconds: a fixed wait lost the reply's start)."""
    recorder = subprocess.Popen([sys.executable, "-c", RECORD, str(out)], env={**os.environ, "PULSE_SOURCE": microphone},
                                stdout=subprocess.PIPE, text=True)
    assert recorder.stdout is not None
    assert recorder.stdout.readline().strip() == "luistert"
    return recorder


def test_record_reply_from_a_virtual_microphone(virtual_microphone, tmp_path):
    reply = speak_to_wav("Goedemiddag meneer, ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?",
                         tmp_path / "antwoord.wav", voice="mb-nl2")
    spoken = soundfile.info(reply).duration
    out = tmp_path / "opname.wav"
    recorder = start_recorder(virtual_microphone, out)
    time.sleep(0.5)  # it hears silence first
    subprocess.run(["paplay", f"--device={SINK}", str(reply)], check=True, timeout=30)
    recorder.wait(timeout=40)
    assert recorder.returncode == 0 and out.exists()
    recorded = soundfile.info(out)
    assert recorded.samplerate == 16_000
    # stopped by the trailing silence, long before the 20 s limit, and kept the whole reply
    assert spoken < recorded.duration < spoken + 6.0

    analysis = Analyser(Settings(data_dir=tmp_path, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR)).analyse(out)
    assert analysis.checked.speech_seconds > spoken * 0.7
    # A live capture differs a little each run and which words Whisper hears differs between
    # CPUs, so assert on what must hold whatever it hears: most words found, each inside the
    # recording, and every wording hit timed inside it too (word accuracy is bench/analysis.py's).
    assert len(analysis.transcript.words) >= 10
    assert all(0 <= w.start <= w.end <= recorded.duration + 0.1 for w in analysis.transcript.words)
    assert all(hit.seconds is None or 0 <= hit.seconds[0] <= hit.seconds[1] <= recorded.duration + 0.1
               for hit in analysis.wording)
    assert analysis.voice.loudness is not None and analysis.voice.pitch is not None


def test_a_microphone_that_gives_no_sound_is_named_and_nothing_hangs(virtual_microphone, tmp_path):
    """A suspended sink's monitor opens but delivers no block: the recorder says so within its bound
    (closing such a stream by stopping it hung forever) and writes no recording."""
    subprocess.run(["pactl", "suspend-sink", SINK, "1"], check=True)
    try:
        out = tmp_path / "opname.wav"
        recorder = subprocess.Popen([sys.executable, "-c", RECORD, str(out)], stdout=subprocess.PIPE, text=True,
                                    env={**os.environ, "PULSE_SOURCE": virtual_microphone})
        said, _ = recorder.communicate(timeout=MIC_START_SECONDS + 30)
    finally:
        subprocess.run(["pactl", "suspend-sink", SINK, "0"], check=True)
    assert recorder.returncode == 0 and said.split() == ["no_microphone"] and not out.exists()
    assert "microfoon" in MESSAGES["no_microphone"] and "--device" in MESSAGES["no_microphone"]


def _block(value: float) -> np.ndarray:
    return np.full((int(RECORD_RATE * BLOCK_SECONDS), 1), value, dtype=np.float32)


def test_the_capture_tells_blocks_that_never_arrived():
    """The capture is given blocks as PortAudio's callback gives them. Through PulseAudio a stalled
    recorder loses nothing (its server held 8 s for a stopped process, measured), but other hosts drop
    blocks, with or without the overflow flag: the time between blocks then exceeds the sound held."""
    burst = MicrophoneCapture()  # blocks held back by a busy machine arrive together: nothing lost
    for index in range(4):
        burst.collect(_block(index / 10), 0, None, sounddevice.CallbackFlags())
    assert burst.lost_seconds() == 0.0 and burst.overflows == 0
    assert np.allclose(burst.samples()[:: int(RECORD_RATE * BLOCK_SECONDS)], [0.0, 0.1, 0.2, 0.3])

    stalled = MicrophoneCapture()
    stalled.collect(_block(0.0), 0, None, sounddevice.CallbackFlags())
    time.sleep(BLOCK_SECONDS + 0.6)  # 0.6 s of sound that never came
    stalled.collect(_block(0.1), 0, None, sounddevice.CallbackFlags())
    assert stalled.lost_seconds() >= 0.59

    flagged = MicrophoneCapture()
    overflow = sounddevice.CallbackFlags()
    overflow.input_overflow = True
    flagged.collect(_block(0.0), 0, None, overflow)
    assert flagged.overflows == 1 and flagged.flowing.is_set()
    assert "opnieuw" in AudioError("dropped_audio", seconds="0,6").message
