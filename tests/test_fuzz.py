"""Hypothesis fuzzing: the decoder and the scenario loader never crash; every failure is a coded
AudioError or a Dutch ScenarioError."""

from __future__ import annotations

import re

import numpy as np
import pytest
import soundfile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.audio_factory import encode
from voicecoach.audio.decode import TARGET_RATE, decode_audio
from voicecoach.audio.errors import MESSAGES, AudioError
from voicecoach.scenarios import SCENARIOS_DIR, Scenario, ScenarioError, load_scenario

pytestmark = pytest.mark.reliability
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ENGLISH = re.compile(r"\b(the|should|input|field|required|valid|expected|found|while|error)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> list[bytes]:  # type: ignore[no-untyped-def]
    """Small valid files of each container the decoder reads."""
    folder = tmp_path_factory.mktemp("seeds")
    tone = (0.3 * np.sin(2 * np.pi * 220 * np.arange(8_000) / 16_000)).astype(np.float32)
    soundfile.write(folder / "a.wav", np.stack([tone] * 3, axis=1), 16_000, subtype="PCM_16")
    soundfile.write(folder / "a.flac", tone, 16_000)
    encode(tone, 16_000, folder / "a.ogg", container="ogg", codec="libopus", out_rate=48_000)
    encode(tone, 16_000, folder / "a.webm", container="webm", codec="libopus", channels=2, out_rate=48_000)
    encode(tone, 16_000, folder / "a.mp3", container="mp3", codec="libmp3lame", out_rate=44_100)
    encode(tone, 16_000, folder / "a.m4a", container="mp4", codec="aac", out_rate=44_100)
    return [path.read_bytes() for path in sorted(folder.iterdir())]


mutation = st.one_of(
    st.tuples(st.just("flip"), st.lists(st.tuples(st.integers(0, 4096), st.integers(0, 255)), min_size=1, max_size=12)),
    st.tuples(st.just("cut"), st.integers(0, 4096)),
    st.tuples(st.just("int32"), st.lists(st.tuples(st.integers(0, 96), st.integers(0, 2**32 - 1)), min_size=1, max_size=4)),
    st.tuples(st.just("splice"), st.binary(min_size=1, max_size=256)),
)


def mutate(data: bytes, kind: str, change) -> bytes:  # type: ignore[no-untyped-def]
    buffer = bytearray(data)
    if kind == "flip":
        for position, value in change:
            buffer[position % len(buffer)] = value
    elif kind == "cut":
        del buffer[change % len(buffer):]
    elif kind == "int32":
        for position, value in change:
            if position + 4 <= len(buffer):
                buffer[position:position + 4] = value.to_bytes(4, "little")
    else:
        middle = len(buffer) // 2
        buffer[middle:middle] = change
    return bytes(buffer)


@FUZZ
@given(seed=st.integers(0, 5), change=mutation)
def test_the_decoder_never_crashes_on_damaged_files(seeds, seed, change):
    data = mutate(seeds[seed], *change)
    try:
        decoded = decode_audio(data, max_seconds=5)
    except AudioError as error:
        assert error.code in MESSAGES
        return
    assert decoded.sample_rate == TARGET_RATE and decoded.samples.ndim == 1
    assert decoded.samples.dtype == np.float32 and np.isfinite(decoded.samples).all()
    assert decoded.duration <= 5 + 0.1


@FUZZ
@given(data=st.binary(max_size=2048))
def test_the_decoder_never_crashes_on_random_bytes(data):
    try:
        decode_audio(data, max_seconds=5)
    except AudioError as error:
        assert error.code in MESSAGES


SCENARIO = (SCENARIOS_DIR / "monteur-deur.yaml").read_text(encoding="utf-8")
scalar = st.one_of(
    st.text(max_size=30), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.just("[1, 2"), st.just("{a: b}"), st.just("&x a"), st.just("*x"), st.just("!!python/object:os.system x"),
)


@FUZZ
@given(
    drop=st.lists(st.integers(0, 400), max_size=6),
    replace=st.lists(st.tuples(st.integers(0, 400), scalar), max_size=4),
    raw=st.one_of(st.none(), st.binary(max_size=64)),
)
def test_the_scenario_loader_gives_dutch_errors_and_never_crashes(tmp_path, drop, replace, raw):
    lines = SCENARIO.splitlines()
    for index in sorted({i % len(lines) for i in drop}, reverse=True):
        del lines[index]
    for index, value in replace:
        index %= len(lines)
        key, sep, _ = lines[index].partition(":")
        lines[index] = f"{key}: {value}" if sep else f"{lines[index]} {value}"
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if raw is not None:
        data = data[: len(data) // 2] + raw + data[len(data) // 2:]
    path = tmp_path / "monteur-deur.yaml"
    path.write_bytes(data)
    try:
        assert isinstance(load_scenario(path), Scenario)
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.message and not ENGLISH.search(problem.message), str(problem)


def test_a_deeply_nested_scenario_is_a_dutch_error(tmp_path):
    path = tmp_path / "diep.yaml"
    path.write_text("id: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert not ENGLISH.search(caught.value.problems[0].message)

