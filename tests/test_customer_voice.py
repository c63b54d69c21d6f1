"""The customer's voice: MBROLA per persona, angrier per level, cached, espeak-ng when MBROLA is missing."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from voicecoach.levels import rms_db
from voicecoach.coaching import customer_voice
from voicecoach.coaching.customer_voice import PEAK_LIMIT, PROSODY, customer_audio, mbrola_installed, resolve_voice
from voicecoach.scenarios import load_scenarios

LINE = "Hoe durft u hier nog aan te bellen? Ik heb twee keer vrij genomen voor niks!"


def _read(path):  # type: ignore[no-untyped-def]
    samples, rate = soundfile.read(path, dtype="float32")
    return samples, rate


def test_mbrola_voices_are_installed_and_used():
    # README command 1 installs mbrola-nl2/-nl3 (scripts/install.sh)
    assert mbrola_installed("mb-nl2") and mbrola_installed("mb-nl3")
    assert resolve_voice("mb-nl2") == "mb-nl2" and resolve_voice("nl+f2") == "nl+f2"


def test_every_scenario_persona_has_a_voice_that_speaks(tmp_path):
    scenarios, errors = load_scenarios()
    assert not errors
    for scenario in scenarios.values():
        path = customer_audio("Goedemiddag.", 0, scenario.persona.voice, tmp_path)
        assert len(_read(path)[0]) > 1000, scenario.id


def test_each_anger_level_is_faster_and_louder_and_never_clips(tmp_path):
    levels = [_read(customer_audio(LINE, anger, "mb-nl2", tmp_path)) for anger in range(len(PROSODY))]
    durations = [len(samples) / rate for samples, rate in levels]
    loudness = [rms_db(samples) for samples, _ in levels]
    assert durations == sorted(durations, reverse=True) and durations[0] > 1.2 * durations[-1]
    assert loudness == sorted(loudness) and loudness[-1] - loudness[0] > 8
    assert all(np.abs(samples).max() <= PEAK_LIMIT + 1e-3 for samples, _ in levels)


def test_a_line_is_synthesised_once(tmp_path):
    first = customer_audio(LINE, 2, "mb-nl3", tmp_path)
    mtime = first.stat().st_mtime_ns
    assert customer_audio(LINE, 2, "mb-nl3", tmp_path) == first and first.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no partial file left


def test_without_mbrola_the_espeak_voice_of_the_same_sex_speaks(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(customer_voice, "MBROLA_DIR", tmp_path / "geen-mbrola")
    assert resolve_voice("mb-nl2") == "nl+m3" and resolve_voice("mb-nl3") == "nl+f2"
    path = customer_audio(LINE, 4, "mb-nl3", tmp_path / "cache")
    assert len(_read(path)[0]) > 10_000


@pytest.mark.parametrize("text", ["-0", "--help", "-a 200 hallo"])
def test_a_line_that_starts_with_a_dash_is_spoken_not_read_as_an_option(tmp_path, text):
    """The scenario editor's 'Beluister' sent '-0' to espeak-ng as an option: no file, a server error
    (found by tests/test_schemathesis.py's generated input)."""
    samples, _ = soundfile.read(customer_audio(text, 2, "mb-nl2", tmp_path))
    assert samples.size > 0
