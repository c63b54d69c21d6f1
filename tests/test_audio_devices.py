"""The terminal's recording path on a real (virtual) audio device: a PulseAudio null sink whose
monitor is the microphone, fed by paplay with a generated Dutch reply."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import soundfile

from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.analysis import Analyser
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
Path(sys.argv[1]).write_bytes(record_reply(max_seconds=20, silence_seconds=1.5, device="pulse"))
"""


def test_record_reply_from_a_virtual_microphone(virtual_microphone, tmp_path):
    reply = speak_to_wav("Goedemiddag meneer, ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?",
                         tmp_path / "antwoord.wav", voice="mb-nl2")
    spoken = soundfile.info(reply).duration
    out = tmp_path / "opname.wav"
    env = {**os.environ, "PULSE_SOURCE": virtual_microphone}
    recorder = subprocess.Popen([sys.executable, "-c", RECORD, str(out)], env=env)
    time.sleep(1.5)  # the stream is open and hears silence first
    subprocess.run(["paplay", f"--device={SINK}", str(reply)], check=True, timeout=30)
    recorder.wait(timeout=40)
    assert recorder.returncode == 0
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
