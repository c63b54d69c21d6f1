"""A generated corpus of bad (and oddly shaped good) uploads, each with the outcomes it may have.

Outcomes: "done", an analysis error code (the turn's error), or "upload:<code>" when the upload
itself is refused. Speech clips are short so Whisper's share of the run stays small.
"""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from tests.audio_factory import encode, sine, sox, video_only, write_wav
from voicecoach.audio.synth import speak_to_wav

SPOKEN = {"done", "no_words", "no_words_short"}  # what speech may give, whatever Whisper hears
NOT_SPEECH = {"no_speech", "silent"}


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    outcomes: frozenset[str]


def _noise(seconds: float, sd: float, seed: int, rate: int = 16_000) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, sd, int(seconds * rate)).clip(-1, 1).astype(np.float32)


def _patched(source: Path, target: Path, find: bytes, offset: int, fmt: str, value: int) -> Path:
    data = bytearray(source.read_bytes())
    struct.pack_into(fmt, data, data.find(find) + offset, value)
    target.write_bytes(bytes(data))
    return target


def _bytes(target: Path, data: bytes) -> Path:
    target.write_bytes(data)
    return target


def _float_wav(target: Path, value: float, subtype: str) -> Path:
    samples = _noise(2, 0.1, 7).astype(np.float64)
    samples[10_000] = value
    soundfile.write(target, samples, 16_000, subtype=subtype)
    return target


def _sox_new(target: Path, *args: str) -> Path:
    subprocess.run(["sox", "-n", *args[:4], str(target), *args[4:]], check=True, capture_output=True)
    return target


def build_corpus(folder: Path, max_upload_bytes: int) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    speech = speak_to_wav("Ik begrijp dat u boos bent. Wat is er gebeurd?", folder / "bron.wav")
    samples, rate = soundfile.read(speech, dtype="float32")
    f = folder.joinpath

    def s(name: str, *effects: str) -> Path:
        return sox(speech, f(name), *effects)

    builders: dict[str, tuple[Callable[[], Path], set[str]]] = {
        # speech in every shape
        "speech_wav": (lambda: speech, SPOKEN),
        "speech_8ch_wav": (lambda: s("8ch.wav", "channels", "8"), SPOKEN),
        "speech_16ch_wav": (lambda: s("16ch.wav", "channels", "16"), SPOKEN),
        "speech_7_1_flac": (lambda: s("71.flac", "channels", "8", "rate", "48000"), SPOKEN),
        "speech_6_1_flac_192k": (lambda: s("61-192k.flac", "channels", "7", "rate", "192000"), SPOKEN),
        "speech_mono_8k": (lambda: s("8k.wav", "rate", "8000"), SPOKEN),
        "speech_stereo_11025": (lambda: s("11k.wav", "channels", "2", "rate", "11025"), SPOKEN),
        "speech_mono_7350": (lambda: s("7350.wav", "rate", "7350"), SPOKEN),
        "speech_stereo_8bit": (lambda: encode(samples, rate, f("8bit.wav"), container="wav", codec="pcm_u8", channels=2), SPOKEN),
        "speech_mp3_stereo": (lambda: encode(samples, rate, f("s.mp3"), container="mp3", codec="libmp3lame", channels=2, out_rate=44_100), SPOKEN),
        "speech_webm_opus": (lambda: encode(samples, rate, f("s.webm"), container="webm", codec="libopus", out_rate=48_000), SPOKEN),
        "speech_ogg_opus": (lambda: encode(samples, rate, f("s.ogg"), container="ogg", codec="libopus", channels=2, out_rate=48_000), SPOKEN),
        "speech_m4a": (lambda: encode(samples, rate, f("s.m4a"), container="mp4", codec="aac", out_rate=44_100), SPOKEN),
        "speech_24bit": (lambda: encode(samples, rate, f("24.wav"), container="wav", codec="pcm_s24le", out_rate=44_100), SPOKEN),
        "speech_float32": (lambda: write_wav(f("float.wav"), samples, rate, subtype="FLOAT"), SPOKEN),
        "speech_quiet_38db": (lambda: s("zacht.wav", "gain", "-17"), SPOKEN | {"too_quiet"}),
        "speech_clipped": (lambda: s("overstuurd.wav", "gain", "24"), SPOKEN),
        "speech_then_100s_silence": (lambda: s("lange-stilte.wav", "pad", "0", "100"), SPOKEN),
        "speech_reversed": (lambda: s("achteruit.wav", "reverse"), SPOKEN),
        "sung_la_la_la": (lambda: speak_to_wav("la la la la la la la la la la la la", f("la.wav")), SPOKEN),
        "speech_huge_header_claim": (lambda: _patched(speech, f("groot.wav"), b"data", 4, "<I", 0xFFFFFFFF), SPOKEN),
        "speech_truncated_flac": (lambda: _bytes(f("half.flac"), s("heel.flac").read_bytes()[: 2 * s("heel.flac").stat().st_size // 3]), SPOKEN | {"too_short"}),
        "speech_webm_cut": (lambda: _bytes(f("half.webm"), encode(samples, rate, f("heel.webm"), container="webm", codec="libopus", out_rate=48_000).read_bytes()[:6000]), SPOKEN | {"too_short", "not_audio"}),
        # broken containers and headers
        "zero_length": (lambda: _bytes(f("leeg.wav"), b""), {"upload:empty"}),
        "text_file": (lambda: _bytes(f("tekst.wav"), b"Dit is geen geluid.\n" * 50), {"upload:unsupported_format"}),
        "random_bytes": (lambda: _bytes(f("ruis.bin"), np.random.default_rng(8).integers(0, 256, 50_000, dtype=np.uint8).tobytes()), {"upload:unsupported_format"}),
        "riff_header_only": (lambda: _bytes(f("kop.wav"), speech.read_bytes()[:44]), {"not_audio", "too_short"}),
        "truncated_wav_header": (lambda: _bytes(f("afgebroken.wav"), speech.read_bytes()[:30]), {"not_audio"}),
        "corrupt_wav_body": (lambda: _bytes(f("kapot.wav"), speech.read_bytes()[:44] + np.random.default_rng(9).integers(0, 256, 60_000, dtype=np.uint8).tobytes()), {"no_speech", "no_words", "no_words_short"}),
        "corrupt_ogg": (lambda: _bytes(f("kapot.ogg"), encode(samples, rate, f("goed.ogg"), container="ogg", codec="libopus", out_rate=48_000).read_bytes()[:200] + bytes(range(256)) * 40), {"not_audio", "too_short", "silent", "no_speech"}),
        "id3_only_mp3": (lambda: _bytes(f("id3.mp3"), b"ID3\x03\x00\x00\x00\x00\x00\x10" + b"\x00" * 200), {"not_audio"}),
        "video_only_mp4": (lambda: video_only(f("beeld.mp4")), {"no_audio_stream"}),
        "rate_1ghz_header": (lambda: _patched(speech, f("snel.wav"), b"fmt ", 12, "<I", 1_000_000_000), {"unusual_format"}),
        "channels_64": (lambda: s("64ch.wav", "channels", "64", "trim", "0", "1"), {"unusual_format"}),
        "nan_sample": (lambda: _float_wav(f("nan.wav"), np.nan, "FLOAT"), {"invalid_samples"}),
        "inf_sample": (lambda: _float_wav(f("inf.wav"), np.inf, "DOUBLE"), {"invalid_samples"}),
        "sample_1e30": (lambda: _float_wav(f("1e30.wav"), 1e30, "FLOAT"), {"invalid_samples"}),
        "header_claims_600s": (lambda: _sox_new(f("600s.flac"), "-r", "8000", "-c", "1", "trim", "0", "600"), {"too_long"}),
        "too_long_130s": (lambda: write_wav(f("130s.wav"), _noise(130, 0.01, 10, 8_000), 8_000), {"too_long"}),
        "too_large": (lambda: write_wav(f("groot-bestand.wav"), _noise(max_upload_bytes / 32_000 + 2, 0.01, 11)), {"upload:too_large"}),
        # sound that is not speech, and silence
        "digital_silence": (lambda: write_wav(f("stil.wav"), np.zeros(48_000, np.float32)), {"silent"}),
        "silence_118s": (lambda: _sox_new(f("118s.flac"), "-r", "16000", "-c", "1", "trim", "0", "118"), {"silent"}),
        "quiet_hiss": (lambda: write_wav(f("zacht-ruis.wav"), _noise(3, 0.003, 12)), {"silent"}),
        "loud_noise": (lambda: write_wav(f("harde-ruis.wav"), _noise(3, 0.3, 13)), {"no_speech"}),
        "tone_440": (lambda: write_wav(f("toon.wav"), sine(440, -20, 3)), {"no_speech"}),
        "two_tones": (lambda: write_wav(f("twee-tonen.wav"), sine(697, -20, 3) + sine(1209, -20, 3)), {"no_speech"}),
        "square_wave": (lambda: write_wav(f("blok.wav"), 0.5 * np.sign(sine(200, -3, 3))), {"no_speech"}),
        "clicks": (lambda: write_wav(f("klikken.wav"), np.where(np.arange(48_000) % 8_000 == 0, 0.9, 0.0).astype(np.float32)), NOT_SPEECH),
        "dc_offset": (lambda: write_wav(f("gelijkspanning.wav"), np.full(48_000, 0.5, np.float32)), NOT_SPEECH),
        "sine_sweep": (lambda: _sox_new(f("sweep.wav"), "-r", "16000", "-c", "1", "synth", "3", "sine", "100-4000"), {"no_speech", "no_words", "no_words_short"}),
        "too_short_speech": (lambda: s("kort.wav", "trim", "0.6", "0.2"), {"too_short"}),
        "one_sample": (lambda: write_wav(f("een.wav"), np.array([0.5], np.float32)), {"too_short"}),
    }
    return [Case(name, build(), frozenset(outcomes)) for name, (build, outcomes) in builders.items()]
