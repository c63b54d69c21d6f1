"""One real transcription with the bundled model (the deeper checks live in test_speech_*)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
import soxr

from tests.audio_factory import write_wav
from tests.conftest import WHISPER_DIR
from voicecoach import analysis
from voicecoach.audio.errors import AudioError
from voicecoach.speech.phrases import Phrase
from voicecoach.speech.transcribe import SAMPLE_RATE, load_whisper, transcribe


def test_bundled_model_transcribes_dutch_with_word_timestamps(dutch_reply_wav):
    samples, rate = soundfile.read(dutch_reply_wav, dtype="float32")
    samples = soxr.resample(samples, rate, SAMPLE_RATE)
    duration = len(samples) / SAMPLE_RATE
    result = transcribe(load_whisper(WHISPER_DIR, "int8", 2), samples)
    assert result.language == "nl"
    assert result.text.strip()
    assert len(result.words) >= 5
    for word in result.words:
        assert word.word
        assert 0.0 <= word.start <= word.end <= duration + 0.1
        assert 0.0 <= word.probability <= 1.0
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)


def test_no_phrase_is_transcribed_once_the_audio_was_refused(dutch_reply_wav):
    """The analysis transcribes beside the audio checks; once they refused the audio, Whisper
    starts no further phrase (the cache shows which phrases were passed)."""
    samples, rate = soundfile.read(dutch_reply_wav, dtype="float32")
    samples = soxr.resample(samples, rate, SAMPLE_RATE)
    model = load_whisper(WHISPER_DIR, "int8", 2)
    cache: dict = {}
    assert transcribe(model, samples, cache=cache, give_up=lambda: True).words == ()
    assert cache == {}
    refused_after_one = iter([False, True, True])
    transcribe(model, samples, cache=cache, phrases=[Phrase(0, len(samples) // 2), Phrase(len(samples) // 2, len(samples))],
               give_up=lambda: next(refused_after_one))
    assert [key.split("-")[0] for key in cache] == ["0"]  # the first phrase only


def test_loops_and_invented_text_are_dropped():
    from faster_whisper.transcribe import Segment

    from voicecoach.speech.transcribe import _is_hallucination, compression_ratio

    def segment(text: str, words: int, *, no_speech: float = 0.1, logprob: float = -0.4) -> Segment:
        return Segment(
            id=0, seek=0, start=29.5, end=30.0, text=text, tokens=[], avg_logprob=logprob,
            compression_ratio=compression_ratio(text), no_speech_prob=no_speech, words=[None] * words, temperature=0.0,
        )

    loop = " Zeg" + " dat je" * 90  # what Whisper base wrote for a 0.5 s tail (bench/analysis.py)
    assert compression_ratio(loop) > 10
    assert _is_hallucination(segment(loop, 181))
    assert _is_hallucination(segment(" Bedankt voor het kijken.", 4, no_speech=0.9, logprob=-1.3))
    assert not _is_hallucination(segment(" Ik begrijp dat u boos bent.", 2))


def test_unusable_audio_is_said_as_such_when_whisper_or_the_wording_fails(settings, dutch_reply_wav, tmp_path, monkeypatch):
    """The checks run beside Whisper and the wording: a failure there must not hide their Dutch
    refusal (it would become a crashed, retried job instead of the trainee's message)."""
    tone = write_wav(tmp_path / "toon.wav", (0.1 * np.sin(2 * np.pi * 440 * np.arange(3 * SAMPLE_RATE) / SAMPLE_RATE)).astype(np.float32))
    analyser = analysis.Analyser(settings)
    with pytest.raises(AudioError) as refused:
        analyser.analyse(tone)
    assert refused.value.code == "no_speech"

    def whisper_fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Whisper failed")

    monkeypatch.setattr(analysis, "transcribe", whisper_fails)
    with pytest.raises(AudioError) as refused:
        analyser.analyse(tone)
    assert refused.value.code == "no_speech"

    samples, rate = soundfile.read(dutch_reply_wav, dtype="float32")
    spoken = transcribe(analyser.whisper, soxr.resample(samples, rate, SAMPLE_RATE))  # real words, for the tone
    assert spoken.words
    monkeypatch.setattr(analysis, "transcribe", lambda *args, **kwargs: spoken)

    class WordingFails:
        def classify(self, text: str):  # type: ignore[no-untyped-def]
            raise RuntimeError("wording failed")

    monkeypatch.setattr(analysis.Analyser, "wording", WordingFails())
    with pytest.raises(AudioError) as refused:
        analyser.analyse(tone)
    assert refused.value.code == "no_speech"


def test_sound_descriptions_from_subtitles_are_no_words():
    """A test session's shouted reply was heard as '… ga ik weg. MUZIEK', and MUZIEK stood in the
    aanjager's quoted words; a trainee's own 'muziek' stays."""
    from voicecoach.speech.transcribe import SOUND_TAG

    def cleaned(text: str) -> str:
        return " ".join(SOUND_TAG.sub(" ", text).split())

    assert cleaned("als u niet ophoudt met schreeuwen ga ik weg. MUZIEK") == "als u niet ophoudt met schreeuwen ga ik weg."
    assert cleaned("[MUZIEK]") == "" and cleaned("(APPLAUS) Goedemiddag.") == "Goedemiddag."
    assert cleaned("Zet de muziek wat zachter, alstublieft.") == "Zet de muziek wat zachter, alstublieft."
    assert SOUND_TAG.fullmatch("MUZIEK.") and not SOUND_TAG.fullmatch("muziek")


def test_a_cut_off_second_without_words_is_not_told_to_speak_louder(settings, dutch_reply_wav, tmp_path, monkeypatch):
    """A 1 s clip cut off mid-sentence was told "Spreek wat luider" (a test session); with more speech
    and no words that advice stays. Whisper is made to hear nothing, so this holds whatever it hears."""
    from voicecoach.transcript import Transcript

    samples, rate = soundfile.read(dutch_reply_wav, dtype="float32")
    samples = soxr.resample(samples, rate, SAMPLE_RATE)
    start = int(np.argmax(np.abs(samples) > 0.02))  # the speech's first sample
    cut = write_wav(tmp_path / "afgebroken.wav", samples[start : start + SAMPLE_RATE])
    whole = write_wav(tmp_path / "heel.wav", samples)
    analyser = analysis.Analyser(settings)
    monkeypatch.setattr(analysis, "transcribe", lambda *args, **kwargs: Transcript(text="", language="nl", words=()))
    for clip, code, advice in ((cut, "no_words_short", "afgebroken"), (whole, "no_words", "luider")):
        with pytest.raises(AudioError) as refused:
            analyser.analyse(clip)
        assert refused.value.code == code and advice in str(refused.value)
