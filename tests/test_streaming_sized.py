"""Whisper's work sized to the reply: the encoder window, phrases and their cache (real model, MBROLA speech)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import WHISPER_DIR
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.synth import speak_to_wav
from voicecoach.speech.phrases import (
    SAMPLE_RATE,
    find_phrases,
    phrase_key,
    split_settled,
)
from voicecoach.speech.sized import (
    MARGIN_FRAMES,
    MIN_WINDOW_FRAMES,
    SizedWhisperModel,
    content_frames,
    window_frames,
)
from voicecoach.speech.transcribe import load_whisper, transcribe

SENTENCES = (
    "Goedemiddag, ik begrijp dat u boos bent.",
    "Kunt u mij vertellen wat er precies is gebeurd?",
    "Dan ga ik het direct voor u uitzoeken.",
)


@pytest.fixture(scope="module")
def model() -> SizedWhisperModel:
    return load_whisper(WHISPER_DIR, "int8", 2)


@pytest.fixture(scope="module")
def three_phrases(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """Three MBROLA sentences with 1.2 s of silence between them."""
    folder = tmp_path_factory.mktemp("sized")
    gap = np.zeros(int(1.2 * SAMPLE_RATE), dtype=np.float32)
    parts: list[np.ndarray] = []
    for index, sentence in enumerate(SENTENCES):
        wav = speak_to_wav(sentence, folder / f"s{index}.wav", voice="mb-nl2")
        parts += [decode_audio(wav, max_seconds=60).samples, gap]
    return np.concatenate(parts)


def test_the_window_is_the_audio_plus_a_margin(model: SizedWhisperModel, three_phrases: np.ndarray) -> None:
    clip = three_phrases[: 3 * SAMPLE_RATE]
    features = model.feature_extractor(clip)[..., :-1]
    assert content_frames(features) == features.shape[-1]  # real audio has no all-zero column
    padded = np.pad(features, ((0, 0), (0, 3000 - features.shape[-1])))  # what faster-whisper feeds the encoder
    assert window_frames(padded) == features.shape[-1] + MARGIN_FRAMES
    assert window_frames(padded[..., :400]) == 400  # never longer than what is there
    tiny = np.pad(features[..., :50], ((0, 0), (0, 2950)))
    assert window_frames(tiny) == MIN_WINDOW_FRAMES
    # The encoder really runs on the shorter window: two frames of input per output position.
    assert model.encode(padded).shape[1] == (features.shape[-1] + MARGIN_FRAMES) // 2
    full = super(SizedWhisperModel, model).encode(padded)
    assert full.shape[1] == 1500


def test_phrases_are_transcribed_with_times_in_the_whole_recording(model: SizedWhisperModel, three_phrases: np.ndarray) -> None:
    phrases = find_phrases(three_phrases)
    assert len(phrases) == 3
    result = transcribe(model, three_phrases)
    assert len(result.words) >= 9
    starts = [word.start for word in result.words]
    assert starts == sorted(starts)
    # every phrase contributes words, each inside its phrase
    for phrase in phrases:
        inside = [w for w in result.words if phrase.start_s - 0.05 <= w.start and w.end <= phrase.end_s + 0.05]
        assert inside, f"no words in {phrase}"
    assert all(0.0 <= w.start <= w.end <= len(three_phrases) / SAMPLE_RATE for w in result.words)


def test_cached_phrases_are_not_transcribed_again(model: SizedWhisperModel, three_phrases: np.ndarray) -> None:
    cache: dict = {}
    first = transcribe(model, three_phrases, cache=cache)
    assert len(cache) == 3
    # With every phrase cached no Whisper pass is needed: no model at all gives the same transcript.
    assert transcribe(None, three_phrases, cache=cache) == first  # type: ignore[arg-type]
    # A cached result is only used for the very same samples.
    changed = three_phrases.copy()
    changed[find_phrases(changed)[1].start + 100] += 0.01
    assert phrase_key(changed, find_phrases(changed)[1]) not in cache
    with pytest.raises(AttributeError):
        transcribe(None, changed, cache=dict(cache))  # type: ignore[arg-type]


def test_phrases_settled_while_recording_are_the_phrases_of_the_whole_recording(three_phrases: np.ndarray) -> None:
    final = find_phrases(three_phrases)
    seen: set = set()
    for cut in np.arange(1.0, len(three_phrases) / SAMPLE_RATE, 0.25):
        settled, _open = split_settled(three_phrases[: int(cut * SAMPLE_RATE)])
        assert settled == final[: len(settled)], f"at {cut:.2f} s"
        seen.update(settled)
    assert seen == set(final)


def test_a_recording_without_speech_has_no_phrases(model: SizedWhisperModel) -> None:
    silence = np.zeros(2 * SAMPLE_RATE, dtype=np.float32)
    assert find_phrases(silence) == []
    assert transcribe(model, silence).words == ()
    assert find_phrases(np.zeros(0, dtype=np.float32)) == []


def test_the_same_recording_gives_the_same_words(model: SizedWhisperModel, tmp_path: Path) -> None:
    wav = speak_to_wav("Meneer, ik snap dat dit vervelend is. Ik ga het voor u regelen.", tmp_path / "r.wav", voice="mb-nl3")
    samples = decode_audio(wav, max_seconds=60).samples
    assert transcribe(model, samples) == transcribe(model, samples)
