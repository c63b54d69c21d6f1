"""What a writer who never saw the rules (tests/data/wording_extra_n.jsonl, replies as Whisper writes down
real staff) showed told wrongly: sympathy after a swear word read as an outburst, an owned mistake as
blame, a limit with the other way or the arrangement two sentences later as a flat no or walking out,
and topic changes and mockery missed. Each case has its counter-case, which keeps its judgement.
Real rules, model and fusion."""

from __future__ import annotations

import pytest

from tests.conftest import SPACY_DIR
from voicecoach.wording.classify import WordingClassifier
from voicecoach.wording.pipeline import load_pipeline


@pytest.fixture(scope="module")
def classifier() -> WordingClassifier:
    return WordingClassifier(load_pipeline(SPACY_DIR))


def _aanjagers(classifier: WordingClassifier, text: str) -> set[str]:
    return {hit.subtype for hit in classifier.classify(text) if hit.label == "aanjager"}


@pytest.mark.parametrize(("text", "kinds"), [
    # sympathy right after the swear word (3 Reasons Why: toon begrip); a curse stays an outburst
    ("Verdorie, dat is echt pech. Ik ga kijken of er een uitzondering mogelijk is.", set()),
    ("Jeetje, verdomme, wat zonde van die nieuwe tafel. Ik maak er foto's van voor de claim.", set()),
    ("Oh shit, dat is echt balen. Dus u heeft het hele weekend zonder verwarming gezeten.", set()),
    ("Verdomme, ik ben het zat met u.", {"emotioneel_worden"}),
    # the mistake owned, not passed on
    ("Mijn collega heeft de verkeerde kraan geplaatst, dat is gewoon fout van ons. Sorry. Ik vervang hem nu.", set()),
    ("Dat is de fout van de planning, niet van mij.", {"schuld_afschuiven"}),
    # the arrangement or the other way comes two sentences later
    ("Ik ga nu weg, want zo komen we er niet uit. Dat is niet om u te straffen, hoor. Ik heb een nieuwe "
     "afspraak voor u gemaakt, morgen om 8 uur.", set()),
    ("Ik ga nu weg. Dat is niet om u te straffen, hoor.", {"stoppen_met_communiceren"}),
    ("Het is ons beleid dat we geen contant geld meer aannemen. Maar u kunt hier bij de zuil pinnen.", set()),
    ("Het is ons beleid dat we geen contant geld meer aannemen.", {"zwart_wit"}),
    # a regret, not a judgement of the customer
    ("Dat is niet goed gegaan, nee. U had die aanmaning nooit mogen krijgen.", set()),
    ("U leest uw post ook nooit.", {"zwart_wit"}),
])
def test_what_was_said_around_the_harsh_words_decides(classifier, text, kinds):
    assert _aanjagers(classifier, text) == kinds


@pytest.mark.parametrize(("text", "kind"), [
    ("Maar even iets anders, hoe bent u eigenlijk aan dit nummer gekomen?", "afwijken_kernprobleem"),
    ("Goed, ander onderwerp: hoe vond u de rest van de winkel?", "afwijken_kernprobleem"),
    ("Goh, wat een verrassing dat u het formulier weer kwijt bent.", "persoon_aanvallen"),
])
def test_topic_changes_and_mockery_are_heard(classifier, text, kind):
    assert kind in _aanjagers(classifier, text)


def test_a_step_of_ones_own_is_no_topic_change(classifier):
    assert _aanjagers(classifier, "Dat lukt zo niet, ik ga even iets anders proberen met de instellingen.") == set()
