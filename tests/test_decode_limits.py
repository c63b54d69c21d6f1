"""Decoding cannot crash or balloon: any channel count, absurd headers and sample values.

Each decode runs in its own process, so a native crash fails the test instead of pytest, and the
process's peak memory can be read."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.audio_factory import duration_of, sox, write_wav
from voicecoach.audio.errors import MESSAGES

DECODE = """
import json, sys
from pathlib import Path
from voicecoach.audio.checks import check_audio
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.errors import AudioError
try:
    decoded = decode_audio(Path(sys.argv[1]), max_seconds=120)
    out = {"duration": decoded.duration, "channels": decoded.source_channels, "rate": decoded.source_rate,
           "clipped": decoded.clipped_fraction}
    if sys.argv[2] == "check":
        out["speech_seconds"] = check_audio(decoded).speech_seconds
except AudioError as error:
    out = {"code": error.code, "message": error.message}
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would include the parent pytest
# process (models loaded) at the moment it forked this child.
out["peak_mb"] = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps(out))
"""


def decode_in_child(path: Path, *, check: bool = False) -> dict:
    done = subprocess.run([sys.executable, "-c", DECODE, str(path), "check" if check else "-"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the decoder died (exit code {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("name", "channels", "rate"), [
    ("acht-kanalen.wav", 8, 22_050), ("zestien-kanalen.wav", 16, 22_050), ("zeven-een.flac", 8, 48_000),
    ("zes-een-192k.flac", 7, 192_000), ("drie-kanalen-11k.wav", 3, 11_025),
])
def test_any_channel_count_is_downmixed_without_crashing(name, channels, rate, tmp_path, dutch_reply_wav):
    path = sox(dutch_reply_wav, tmp_path / name, "channels", str(channels), "rate", str(rate))
    result = decode_in_child(path, check=True)
    assert result.get("code") is None, result
    assert result["channels"] == channels and result["rate"] == rate
    assert result["speech_seconds"] > 2.0  # the downmix still holds the voice


def test_memory_is_bounded_by_the_output_not_the_input(tmp_path, dutch_reply_wav):
    """119 s at 192 kHz in 7 channels: 160 M source values, kept as 1.9 M output samples."""
    silence = tmp_path / "stilte.wav"
    subprocess.run(["sox", "-n", "-r", "192000", "-c", "7", str(silence), "trim", "0", "114"], check=True)
    loud = sox(dutch_reply_wav, tmp_path / "spraak.wav", "channels", "7", "rate", "192000")
    path = tmp_path / "lang-192k-7kanalen.flac"
    subprocess.run(["sox", str(loud), str(silence), str(path)], check=True)
    result = decode_in_child(path)
    assert result["duration"] == pytest.approx(duration_of(loud) + 114, abs=0.1)
    assert result["peak_mb"] < 400, result  # the full-rate decode took 2.1 GB


def _wav_with_header(dutch_reply_wav: Path, path: Path, offset_in_fmt: int, fmt: str, value: int) -> Path:
    data = bytearray(dutch_reply_wav.read_bytes())
    start = data.find(b"fmt ") + 8
    struct.pack_into(fmt, data, start + offset_in_fmt, value)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("kind", ["64_channels", "rate_1_ghz", "rate_100_hz"])
def test_absurd_formats_are_refused_in_dutch_before_decoding(kind, tmp_path, dutch_reply_wav):
    if kind == "64_channels":
        path = sox(dutch_reply_wav, tmp_path / "veel.wav", "channels", "64")
    elif kind == "rate_1_ghz":
        path = _wav_with_header(dutch_reply_wav, tmp_path / "snel.wav", 4, "<I", 1_000_000_000)
    else:
        path = _wav_with_header(dutch_reply_wav, tmp_path / "traag.wav", 4, "<I", 100)
    result = decode_in_child(path)
    assert result["code"] == "unusual_format"
    assert result["message"] == MESSAGES["unusual_format"]


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 1e30])
@pytest.mark.parametrize("subtype", ["FLOAT", "DOUBLE"])
def test_non_finite_or_absurd_samples_are_refused(value, subtype, tmp_path):
    samples = np.random.default_rng(5).normal(0, 0.1, 16_000 * 2)
    samples[8_000] = value
    path = tmp_path / "ongeldig.wav"
    soundfile.write(path, samples, 16_000, subtype=subtype)
    result = decode_in_child(path, check=True)
    assert result["code"] == "invalid_samples", result


def test_header_that_claims_more_than_the_limit_is_refused_at_once(tmp_path):
    # 10 minutes of digital silence: a tiny FLAC whose header says 600 s
    path = tmp_path / "tien-minuten.flac"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", str(path), "trim", "0", "600"], check=True)
    assert path.stat().st_size < 200_000
    assert decode_in_child(path)["code"] == "too_long"


def test_clipping_is_judged_per_channel(tmp_path):
    """One clipped channel of two: the downmix halves it below full scale, the count still sees it."""
    quiet = 0.1 * np.sin(2 * np.pi * 220 * np.arange(32_000) / 16_000)
    clipped = np.clip(4 * np.sin(2 * np.pi * 220 * np.arange(32_000) / 16_000), -1, 1)
    path = write_wav(tmp_path / "half-overstuurd.wav", np.stack([quiet, clipped], axis=1).astype(np.float32))
    result = decode_in_child(path)
    assert result["clipped"] == pytest.approx(0.5 * np.mean(np.abs(clipped) >= 0.99), abs=0.01)


@pytest.mark.parametrize("tag", [0x0000, 0x1234])
def test_a_codec_without_a_decoder_is_refused_in_dutch(tag, tmp_path, dutch_reply_wav):
    # found by the fuzz test in a fresh clone: a damaged header named a codec FFmpeg has no
    # decoder for, so the stream had no codec context and the decoder raised AttributeError
    path = _wav_with_header(dutch_reply_wav, tmp_path / "onbekend.wav", 0, "<H", tag)
    result = decode_in_child(path)
    assert result["code"] == "not_audio" and result["message"] == MESSAGES["not_audio"]
