"""Les 6's conflict-handling style per conversation, inferred from the trainee's replies."""

from __future__ import annotations

import pytest

from voicecoach.coaching.style import LES6, ReplyTurn, infer_style
from voicecoach.wording.classify import WordingClassifier
from voicecoach.wording.evaluation import predicted_labels
from voicecoach.wording.pipeline import load_pipeline
from voicecoach.wording.rules import SEED_FILES

from tests.conftest import SPACY_DIR


def turn(text: str, *labels: str) -> ReplyTurn:
    return ReplyTurn(labels=frozenset(labels), text=text)


FORCEREN = [
    turn("Rustig aan, meneer.", "aanjager", "aanjager:kalmeringsbevel"),
    turn("Dat is niet zo. Regels zijn regels.", "aanjager", "aanjager:zwart_wit"),
    turn("Kunt u vertellen wat er is gebeurd?", "open_vraag"),
    turn("U stelt zich aan, u krijgt niks terug.", "aanjager", "aanjager:persoon_aanvallen"),
]
VERMIJDEN = [
    turn("Daar ga ik niet over, dat moet u aan mijn collega vragen.", "aanjager", "aanjager:schuld_afschuiven"),
    turn("Trouwens, u heeft vorig jaar ook te laat betaald.", "aanjager", "aanjager:afwijken_kernprobleem"),
    turn("Laat maar, ik zeg er niks meer over.", "aanjager", "aanjager:stoppen_met_communiceren"),
]
TOEGEVEN = [
    turn("U heeft helemaal gelijk, u krijgt alles terug.", "begrip_tonen"),
    turn("Het spijt me. We doen wat u wilt.", "begrip_tonen"),
    turn("Kunt u vertellen wat er is gebeurd?", "open_vraag"),
]
CONFRONTEREN = [
    turn("Ik begrijp dat u boos bent. Kunt u vertellen wat er is gebeurd?", "begrip_tonen", "ik_boodschap", "open_vraag"),
    turn("Dus als ik u goed begrijp, is de machine beschadigd geleverd.", "samenvatten"),
    turn("Ik ben het niet met u eens dat wij niets doen, maar ik wil een oplossing die voor ons allebei werkt.", "ik_boodschap", "oplossing_zoeken"),
    turn("Ik stel voor dat we donderdag een nieuwe machine brengen. Wat vindt u daarvan?", "ik_boodschap", "oplossing_zoeken", "open_vraag"),
]
COMPROMIS = [
    turn("Ik begrijp dat dit heel vervelend voor u is.", "begrip_tonen", "ik_boodschap"),
    turn("Wat zou voor u een goede oplossing zijn?", "open_vraag", "oplossing_zoeken"),
    turn("Zullen we het verschil delen? Ik kan u de helft van het bedrag terugbetalen.", "gesloten_vraag", "oplossing_zoeken"),
]


@pytest.mark.parametrize(
    ("turns", "style", "drawback"),
    [
        (FORCEREN, "forceren", "op de lange termijn zijn de gevolgen vaak negatief"),
        (VERMIJDEN, "vermijden", "meestal af te raden"),
        (TOEGEVEN, "toegeven", "opkomen voor je eigen belangen"),
        (CONFRONTEREN, "confronteren", "kost veel tijd en energie"),
        (COMPROMIS, "compromis", "voor geen van beiden de beste is"),
    ],
    ids=["forceren", "vermijden", "toegeven", "confronteren", "compromis"],
)
def test_each_style_is_recognised_with_its_les6_explanation(turns, style, drawback):
    result = infer_style(turns)
    assert result.style == style
    assert drawback in result.explanation and "Les 6" in result.explanation
    assert result.source == LES6 and result.source_title == SEED_FILES[LES6]
    assert len(result.evidence) >= 2
    assert all(1 <= item.turn <= len(turns) and item.signs for item in result.evidence)


def test_evidence_names_the_turns_labels_and_words():
    forcing = infer_style(FORCEREN)
    assert [item.turn for item in forcing.evidence] == [1, 2, 4]
    assert "aanjager:zwart_wit" in forcing.evidence[1].signs
    compromise = infer_style(COMPROMIS)
    offer = next(item for item in compromise.evidence if item.kind == "compromis")
    assert offer.turn == 3 and '"de helft"' in offer.signs
    unlabelled_offer = turn("Kunnen we elkaar in het midden treffen?", "gesloten_vraag")  # no oplossing_zoeken
    assert infer_style([COMPROMIS[0], unlabelled_offer]).style == "compromis"
    giving_in = infer_style(TOEGEVEN)
    assert '"u krijgt alles terug"' in giving_in.evidence[0].signs


def test_thin_evidence_gives_no_clear_style():
    for turns in (
        [],
        [turn("Goedemiddag, waarmee kan ik u helpen?")],
        [turn("Dat is niet zo.", "aanjager", "aanjager:zwart_wit"), turn("Kunt u dat uitleggen?", "open_vraag")],
    ):
        result = infer_style(turns)
        assert result.style == "geen_duidelijke_stijl"
        assert result.title == "Geen duidelijke stijl"
        assert "te weinig aanwijzingen" in result.explanation


def test_only_listening_is_said_to_be_listening():
    """A test session read 'minstens twee antwoorden nodig die op dezelfde manier wijzen' above three
    listening turns."""
    result = infer_style([turn("Ik begrijp het.", "begrip_tonen"), turn("Dus het gaat om de rekening.", "samenvatten"),
                          turn("Wat is er precies gebeurd?", "open_vraag")])
    assert result.style == "geen_duidelijke_stijl" and len(result.evidence) == 3
    assert result.explanation.startswith("Je luisterde vooral") and "minstens twee" not in result.explanation


def test_a_tie_between_two_styles_is_no_clear_style():
    result = infer_style(FORCEREN[:2] + VERMIJDEN[:2])
    assert result.style == "geen_duidelijke_stijl"
    assert {item.kind for item in result.evidence} == {"forceren", "vermijden"}


def test_an_accelerator_with_listening_is_not_forcing_and_agreeing_alone_is_not_giving_in():
    mixed = turn("Ik begrijp u, maar dat is niet zo.", "begrip_tonen", "aanjager", "aanjager:zwart_wit")
    agreeing = turn("U heeft gelijk, dat had niet mogen gebeuren.", "begrip_tonen")
    assert infer_style([mixed, mixed]).style == "geen_duidelijke_stijl"
    assert infer_style([agreeing, agreeing]).style == "geen_duidelijke_stijl"


def test_standing_up_for_yourself_without_listening_is_not_confronting():
    no_listening = [
        turn("Wat u nu doet, vind ik niet prettig.", "gedrag_benoemen", "ik_boodschap"),
        turn("Ik stel voor dat we een nieuwe sturen.", "ik_boodschap", "oplossing_zoeken"),
    ]
    assert infer_style(no_listening).style == "geen_duidelijke_stijl"
    assert infer_style([*no_listening, turn("Kunt u vertellen wat er is gebeurd?", "open_vraag")]).style == "confronteren"


def test_the_real_wording_rules_feed_the_style():
    """The labels come from the project's own rule classifier, as in a played conversation."""
    classifier = WordingClassifier(load_pipeline(SPACY_DIR))

    def relabelled(turns: list[ReplyTurn]) -> list[ReplyTurn]:
        return [ReplyTurn(frozenset(predicted_labels(classifier.classify(t.text))), t.text) for t in turns]

    assert infer_style(relabelled(FORCEREN)).style == "forceren"
    assert infer_style(relabelled(VERMIJDEN)).style == "vermijden"
    assert infer_style(relabelled(COMPROMIS)).style == "compromis"
    assert infer_style(relabelled(CONFRONTEREN)).style == "confronteren"


def test_replies_of_another_kind_are_listed_beside_the_style():
    """A forcing reply vanished from a conversation called "confronteren … een win-winsituatie" (a test
    session): the replies that showed another way are listed apart, with their turn's own number."""
    numbered = [ReplyTurn(item.labels, item.text, number=index) for index, item in enumerate([*CONFRONTEREN, FORCEREN[0]], start=3)]
    result = infer_style(numbered)
    assert result.style == "confronteren"
    assert [(item.turn, item.kind) for item in result.others] == [(3 + len(CONFRONTEREN), "forceren")]
    assert all(item.turn >= 3 for item in result.evidence)
