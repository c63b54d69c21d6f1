"""Very short answers ("ja", "nee", "oké") are scored with their own feedback, not refused;
silence and noise still are."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audio_factory import sox, write_wav
from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.analysis import Analyser
from voicecoach.audio.checks import check_audio
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.errors import AudioError
from voicecoach.audio.synth import speak_to_wav
from voicecoach.coaching.conversation import Conversation
from voicecoach.coaching.scoring import score_turn
from voicecoach.config import Settings
from voicecoach.replies import hear_audio
from voicecoach.scenarios import load_scenarios
from voicecoach.vocabulary import LES6, SEED_FILES
from voicecoach.wording.hits import WordingHit


@pytest.fixture(scope="module")
def analyser(tmp_path_factory) -> Analyser:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("data")
    return Analyser(Settings(data_dir=data, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenarios()[0]["monteur-deur"]


def _one_word(word: str, folder) -> object:  # type: ignore[no-untyped-def]
    """One MBROLA word inside silence, as a browser recording of a one-word answer looks."""
    source = speak_to_wav(word, folder / f"{word}-bron.wav", voice="mb-nl2", words_per_minute=180)
    return sox(source, folder / f"{word}.wav", "rate", "16000", "pad", "0.6", "0.8")


@pytest.mark.parametrize("word", ["ja", "nee", "oké"])
def test_one_word_answer_is_scored_with_its_own_feedback(word, analyser, scenario, tmp_path):
    path = _one_word(word, tmp_path)
    checked = check_audio(decode_audio(path, max_seconds=120))
    assert 0 < checked.speech_seconds < 0.5  # the case that used to be refused as too_short
    conversation = Conversation(scenario)
    before = conversation.state.anger
    result = conversation.reply(hear_audio(analyser, path).reply)
    listening = [p for p in result.score.points if p.criterion.startswith("luisteren:")]
    assert len(listening) == 1 and listening[0].points < 0
    assert result.score.total < 2  # a one-word answer earns little …
    assert result.reaction.anger_after >= before  # … and does not calm an angry customer
    if len(result.reply.split()) <= 2:  # whatever Whisper heard: one or two words get the short-answer point
        assert listening[0].criterion == "luisteren:kort_antwoord"


def test_short_answer_point_is_plain_dutch_with_its_seed(scenario):
    for words in (1, 2):
        score = score_turn(hits=(), suggestions=(), phase=scenario.phases[0], customer_anger=3,
                           word_count=words, speech_seconds=0.3, voice=None)
        point = next(p for p in score.points if p.criterion == "luisteren:kort_antwoord")
        assert point.points < 0
        assert SEED_FILES[point.source].startswith("Les 6")
        assert "stel een vraag" in point.explanation and "Bron: Les 6" in point.explanation
        assert ("één woord" if words == 1 else "2 woorden") in point.explanation
    three = score_turn(hits=(), suggestions=(), phase=scenario.phases[0], customer_anger=3,
                       word_count=3, speech_seconds=1.0, voice=None)
    short = [p for p in three.points if p.criterion.startswith("luisteren:")]
    assert [p.criterion for p in short] == ["luisteren:te_kort"] and "(3 woorden)" in short[0].explanation


def test_a_short_reply_that_shows_understanding_is_not_told_to_show_it(scenario):
    """"Dat snap ik." read "+2 begrip tonen" beside "-1: Je antwoord was erg kort … toon begrip"."""
    hit = WordingHit(label="begrip_tonen", subtype="begrijpen", rule="begrip.dat_begrijp_ik", start=0, end=12,
                     text="Dat snap ik", source=LES6, source_title=SEED_FILES[LES6], explanation="Begrip.")
    score = score_turn(hits=[hit], suggestions=(), phase=scenario.phases[0], customer_anger=3,
                       word_count=3, speech_seconds=1.0, voice=None)
    assert [p.criterion for p in score.points] == ["techniek:begrip_tonen"]


def test_silence_and_noise_are_still_refused(tmp_path):
    silence = write_wav(tmp_path / "stil.wav", np.zeros(16_000 * 2, np.float32))
    noise = write_wav(tmp_path / "ruis.wav", np.random.default_rng(5).normal(0, 0.3, 16_000 * 2).astype(np.float32))
    blip = write_wav(tmp_path / "tik.wav", np.full(3_000, 0.3, np.float32))  # under a quarter second
    for path, code in ((silence, "silent"), (noise, "no_speech"), (blip, "too_short")):
        with pytest.raises(AudioError) as caught:
            check_audio(decode_audio(path, max_seconds=120))
        assert caught.value.code == code


def test_a_typed_monologue_names_its_words_not_a_time(scenario):
    """A typed reply has no time: "(81 woorden, 0,0 s)" said nothing true (a test session)."""
    typed = score_turn(hits=(), suggestions=(), phase=scenario.phases[0], customer_anger=3,
                       word_count=81, speech_seconds=0.0, voice=None)
    spoken = score_turn(hits=(), suggestions=(), phase=scenario.phases[0], customer_anger=3,
                        word_count=81, speech_seconds=30.5, voice=None)
    assert "(81 woorden)" in next(p for p in typed.points if p.criterion == "luisteren:monoloog").explanation
    assert "(81 woorden, 30,5 seconden)" in next(p for p in spoken.points if p.criterion == "luisteren:monoloog").explanation


@pytest.mark.parametrize(("text", "call"), [
    ("hé hallo", True), ("Hé!", True), ("Hallo, meneer, mevrouw!", True), ("Stop! Stop!", True),
    ("ja", False), ("oké hoor", False), ("hallo, wat is er aan de hand?", False),
])
def test_a_call_for_attention_is_the_cips_first_step_not_a_short_answer(text, call, analyser):
    """CIP stap 1: "In veel gevallen is het roepen van 'hé!' of 'hallo!' al voldoende om de aandacht te
    trekken" — "hé hallo" cost -1 as a two-word answer "zoals ja of oké" (a test session)."""
    from voicecoach.replies import answer, hear_text

    conversation = Conversation(load_scenarios()[0]["ruzie-balie"])
    result = answer(conversation, hear_text(analyser, text))
    criteria = {point.criterion: point for point in result.score.points}
    assert ("luisteren:aandacht_trekken" in criteria) == call
    if call:
        assert criteria["luisteren:aandacht_trekken"].points == 0 and "luisteren:kort_antwoord" not in criteria
        assert "al voldoende om de aandacht te trekken" in criteria["luisteren:aandacht_trekken"].explanation
