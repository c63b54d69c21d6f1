"""Audio intake: every format browsers and phones send, and every kind of bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import soundfile

from tests.audio_factory import encode, sine, sox, video_only, write_wav
from voicecoach.audio.checks import check_audio
from voicecoach.audio.decode import TARGET_RATE, decode_audio
from voicecoach.audio.errors import MESSAGES, AudioError


@pytest.fixture(scope="session")
def speech(dutch_reply_wav: Path) -> tuple[np.ndarray, int]:
    samples, rate = soundfile.read(dutch_reply_wav, dtype="float32")
    return samples, rate


@pytest.mark.parametrize(
    ("name", "container", "codec", "channels", "out_rate"),
    [
        ("reply.flac", "flac", "flac", 1, None),
        ("reply.ogg", "ogg", "libopus", 1, 48_000),
        ("reply.webm", "webm", "libopus", 2, 48_000),
        ("reply.mp3", "mp3", "libmp3lame", 2, 44_100),
        ("reply.m4a", "mp4", "aac", 1, 44_100),
        ("reply-24bit-stereo.wav", "wav", "pcm_s24le", 2, 44_100),
    ],
)
def test_common_formats_decode_to_16k_mono(tmp_path, speech, name, container, codec, channels, out_rate):
    samples, rate = speech
    path = encode(samples, rate, tmp_path / name, container=container, codec=codec, channels=channels, out_rate=out_rate)
    decoded = decode_audio(path, max_seconds=120)
    assert decoded.sample_rate == TARGET_RATE
    assert decoded.samples.dtype == np.float32 and decoded.samples.ndim == 1
    assert decoded.source_channels == channels
    assert decoded.duration == pytest.approx(len(samples) / rate, abs=0.1)  # codec padding only
    checked = check_audio(decoded)
    assert checked.speech_seconds > 2.0
    assert checked.warnings == ()


def test_bytes_and_path_give_the_same_samples(dutch_reply_wav):
    from_path = decode_audio(dutch_reply_wav, max_seconds=120).samples
    from_bytes = decode_audio(dutch_reply_wav.read_bytes(), max_seconds=120).samples
    np.testing.assert_array_equal(from_path, from_bytes)


def _bad_input(kind: str, tmp_path: Path, dutch_reply_wav: Path) -> Path:
    """Write one file of each bad kind."""
    if kind == "empty":
        path = tmp_path / "leeg.wav"
        path.write_bytes(b"")
    elif kind == "not_audio":
        path = tmp_path / "notities.wav"
        path.write_text("Dit is een tekstbestand met een .wav-naam.\n" * 20)
    elif kind == "corrupt":
        path = tmp_path / "kapot.wav"
        data = bytearray(dutch_reply_wav.read_bytes())
        data[:64] = np.random.default_rng(1).integers(0, 256, 64, dtype=np.uint8).tobytes()
        path.write_bytes(bytes(data))
    elif kind == "truncated_header":
        path = tmp_path / "afgebroken.wav"
        path.write_bytes(dutch_reply_wav.read_bytes()[:30])
    elif kind == "no_audio_stream":
        path = video_only(tmp_path / "alleen-beeld.mp4")
    elif kind == "too_short":
        path = sox(dutch_reply_wav, tmp_path / "kort.wav", "trim", "1.0", "0.2")
    elif kind == "too_long":
        noise = np.random.default_rng(2).normal(0, 0.05, 16_000 * 125).astype(np.float32)
        path = write_wav(tmp_path / "lang.wav", noise)
    elif kind == "silent_zeros":
        path = write_wav(tmp_path / "stil.wav", np.zeros(16_000 * 3, dtype=np.float32))
    elif kind == "silent_noise":
        noise = np.random.default_rng(3).normal(0, 0.003, 16_000 * 3).astype(np.float32)
        path = write_wav(tmp_path / "ruis.wav", noise)
    elif kind == "too_quiet":
        path = sox(dutch_reply_wav, tmp_path / "zacht.wav", "gain", "-32")
    else:
        raise AssertionError(kind)
    return path


EXPECTED_CODE = {
    "empty": "empty",
    "not_audio": "not_audio",
    "corrupt": "not_audio",
    "truncated_header": "not_audio",
    "no_audio_stream": "no_audio_stream",
    "too_short": "too_short",
    "too_long": "too_long",
    "silent_zeros": "silent",
    "silent_noise": "silent",
    "too_quiet": "too_quiet",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED_CODE))
def test_bad_input_gives_code_and_dutch_message_and_leaves_file_unchanged(kind, tmp_path, dutch_reply_wav):
    path = _bad_input(kind, tmp_path, dutch_reply_wav)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(AudioError) as caught:
        check_audio(decode_audio(path, max_seconds=120))
    assert caught.value.code == EXPECTED_CODE[kind]
    assert caught.value.message == MESSAGES[caught.value.code].format(**caught.value.values)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(AudioError) as caught:
        decode_audio(tmp_path / "bestaat-niet.wav", max_seconds=120)
    assert caught.value.code == "unreadable"


def test_clipped_audio_warns_but_is_analysed(tmp_path, dutch_reply_wav):
    path = sox(dutch_reply_wav, tmp_path / "overstuurd.wav", "gain", "24")  # sox clips at full scale
    before = path.read_bytes()
    checked = check_audio(decode_audio(path, max_seconds=120))
    assert [w.code for w in checked.warnings] == ["clipped"]
    assert checked.warnings[0].value > 0.001
    assert "overstuurd" in checked.warnings[0].message
    assert checked.speech_seconds > 2.0
    assert path.read_bytes() == before


LOUD_NOT_SPEECH = {
    "tone": lambda: sine(440, -20, 3),
    "square": lambda: 0.5 * np.sign(sine(200, -3, 3)),
    "loud_noise": lambda: np.random.default_rng(4).normal(0, 0.3, 16_000 * 3).clip(-1, 1).astype(np.float32),
}


@pytest.mark.parametrize("kind", sorted(LOUD_NOT_SPEECH))
def test_loud_sound_that_is_not_speech_is_not_called_silence(kind, tmp_path):
    path = write_wav(tmp_path / f"{kind}.wav", LOUD_NOT_SPEECH[kind]())
    with pytest.raises(AudioError) as caught:
        check_audio(decode_audio(path, max_seconds=120))
    assert caught.value.code == "no_speech"
    assert "geen spraak herkend" in caught.value.message and "niets te horen" not in caught.value.message
