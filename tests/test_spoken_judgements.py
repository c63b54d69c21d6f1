"""What a test session (2026-11-28) found told wrongly, for replies as trainees speak them: words of
understanding read as an aanjager, reproaches paid as questions, a formal apology missed, a plain "nee, helaas niet" not heard
as the news, saying more earning less, a shouted sentence costing less than a slightly loud reply,
and "20 procent sneller, terwijl tot 20 procent nog gewoon is". Real rules, model and scoring."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import SPACY_DIR
from voicecoach.coaching.customer import BEING_ASKED, CustomerState, customer_line
from voicecoach.coaching.scoring import score_turn
from voicecoach.scenarios import load_scenarios
from voicecoach.transcript import Word
from voicecoach.voice.baseline import POPULATION_DEFAULT
from voicecoach.voice.rate import measure_rate
from voicecoach.voice.shapes import BaselineRecord, Comparison, Rise, VoiceRecord
from voicecoach.wording.classify import WordingClassifier
from voicecoach.wording.pipeline import load_pipeline


@pytest.fixture(scope="module")
def classifier() -> WordingClassifier:
    return WordingClassifier(load_pipeline(SPACY_DIR))


@pytest.fixture(scope="module")
def scenarios():  # type: ignore[no-untyped-def]
    return load_scenarios()[0]


def _aanjagers(classifier: WordingClassifier, text: str) -> list[str]:
    return [hit.subtype for hit in classifier.classify(text) if hit.label == "aanjager"]


@pytest.mark.parametrize("text", [
    "wat vervelend mevrouw dat u twee keer gemaild heeft en niks heeft gehoord",
    "ja ik snap je helemaal ik zou ook boos zijn",
    "nou mevrouw eh ik snap het hoor",
    "ik kan u niks beloven maar ik ga mijn best doen om het deze week te regelen",
])
def test_understanding_and_an_honest_limit_are_no_aanjager(classifier, text):
    assert _aanjagers(classifier, text) == []


@pytest.mark.parametrize("text", [
    "ik snap het maar regels zijn regels",  # turned by 'maar'
    "sorry hoor, maar dat is niet mijn probleem",
])
def test_understanding_that_is_turned_keeps_its_aanjager(classifier, text):
    assert _aanjagers(classifier, text)


@pytest.mark.parametrize(("text", "rule"), [
    ("waarom belt u nu pas", "aanjager.nu_pas"),
    ("wat is er nou weer", "aanjager.nou_weer"),
    ("als ik het goed begrijp heeft u de rekening gewoon niet goed gelezen", "aanjager.niet_goed_gelezen"),
    ("geachte heer ik betreur het ten zeerste dat u zo lang heeft moeten wachten", "begrip.betreur"),
])
def test_reproaches_and_a_formal_apology_are_recognised(classifier, text, rule):
    hits = classifier.classify(text)
    assert rule in {hit.rule for hit in hits}
    if rule.startswith("aanjager."):  # a reproach is no question to be paid for
        assert not {"open_vraag", "gesloten_vraag"} & {hit.label for hit in hits}


def test_saying_more_does_not_earn_less(classifier, scenarios):
    """A technique the model found over a whole unpunctuated sentence blocked the three the rules found in it."""
    phase = scenarios["ruzie-balie"].phases[0]

    def techniques(text: str) -> dict[str, int]:
        hits = classifier.classify(text)
        score = score_turn(hits=hits, suggestions=classifier.suggestions(hits), phase=phase, customer_anger=3,
                           word_count=len(text.split()), speech_seconds=5.0, voice=None)
        return {p.criterion: p.points for p in score.points if p.criterion.startswith("techniek:")}

    short = techniques("ik wil jullie allebei helpen maar niet als jullie tegen elkaar schreeuwen")
    longer = techniques("hallo ik zie dat jullie allebei boos zijn ik wil jullie allebei helpen maar niet als jullie "
                        "tegen elkaar schreeuwen")
    assert sum(longer.values()) >= sum(short.values()) >= 4
    assert {"techniek:grens_aangeven", "techniek:gedrag_benoemen"} <= set(longer)


def _voice(*, rate: Comparison | None = None, rises: tuple[Rise, ...] = ()) -> VoiceRecord:
    return VoiceRecord(baseline=BaselineRecord(**dict(POPULATION_DEFAULT)), loudness=None, pitch=None, rate=rate,
                       speech_seconds=8.0, pause_seconds=0.5, rises=rises)


def test_a_shouted_sentence_inside_a_calm_reply_takes_half_the_technique_points(classifier, scenarios):
    text = "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"
    hits = classifier.classify(text)
    shout = Rise(measure="loudness", kind="jump", start=3.7, end=7.0, before=-32.0, after=-15.0, unit="dB",
                 threshold=6.0, reference="calibration")
    score = score_turn(hits=hits, suggestions=[], phase=scenarios["monteur-deur"].phases[0], customer_anger=3,
                       word_count=len(text.split()), speech_seconds=8.0, voice=_voice(rises=(shout,)))
    points = {p.criterion: p for p in score.points}
    earned = sum(p.points for p in score.points if p.criterion.startswith("techniek:"))
    loss = points["stem:woorden_komen_minder_aan"]
    assert earned > 0 and loss.points == -round(earned / 2)
    assert "van 3,7 tot 7,0 seconden harder werd" in loss.explanation and "stijging:loudness" in points


def test_a_difference_never_reads_the_same_as_its_limit(scenarios):
    rate = Comparison(measure="rate", value=5.33, baseline=4.43, unit="syll/s", difference=0.89, difference_unit="syll/s",
                      threshold=0.886, spread_in_reply=0.3, seconds=(0.0, 8.0), frames=800)
    score = score_turn(hits=[], suggestions=[], phase=scenarios["monteur-deur"].phases[0], customer_anger=2,
                       word_count=12, speech_seconds=8.0, voice=_voice(rate=rate))
    said = next(p.explanation for p in score.points if p.criterion.startswith("stem:rate"))
    assert "net iets meer dan 20 procent sneller, terwijl tot 20 procent" in said  # not "20,1 … tot 20,0"


def test_a_plain_no_to_the_customers_question_is_the_bad_news(scenarios):
    phase = scenarios["slechtnieuws-loket"].phases[0]
    for told in ("nee meneer helaas niet", "helaas niet meneer", "nee helaas meneer de keuringsarts vindt dat u nog kunt lopen",
                 "nou nee meneer helaas niet hoor", "eh nee helaas meneer", "nee meneer die krijgt u helaas niet"):
        assert phase.news_told(told), told
    for open_answer in ("nee dat weet ik nog niet", "ik weet het helaas nog niet", "die krijgt u misschien niet"):
        assert phase.news_told(open_answer) is None, open_answer


def test_a_word_stretched_over_speech_whisper_missed_is_not_timed():
    """Heard as 'Dat is heel vervelend. …' where "Ik begrijp dat u boos bent, dat is heel vervelend" was
    said at 200 words a minute: 'heel' over 0,9 s read the reply as 6 % faster than calm."""
    heard = [("Dat", 0.056, 0.576), ("is", 0.576, 0.736), ("heel", 0.736, 1.636), ("vervelend.", 1.636, 2.096),
             ("Vertel", 2.316, 2.636), ("u", 2.636, 2.796), ("mij", 2.796, 2.916), ("eens", 2.916, 3.056),
             ("wat", 3.056, 3.376), ("precies", 3.376, 3.736), ("is", 3.736, 3.856), ("gebeurd", 3.856, 4.176),
             ("met", 4.176, 4.356), ("uw", 4.356, 4.456), ("bestelling.", 4.456, 4.736)]
    rate = measure_rate([Word(word, start, end, 0.9) for word, start, end in heard])
    assert rate.speech_seconds == pytest.approx(4.68)  # still speech: no pause is made up
    assert (rate.untimed_syllables, round(rate.untimed_seconds, 2)) == (2, 1.42)  # 'Dat' and 'heel'
    assert rate.syllables_per_second == pytest.approx(20 / 3.26, rel=0.01)
    assert rate.syllables_per_second > 1.3 * (22 / 4.68)
    calm = measure_rate([Word("nee", 0.0, 0.45, 0.9), Word("hoor", 0.5, 0.95, 0.9)])  # drawn out, not stretched
    assert calm.untimed_syllables == 0


def test_a_customer_talks_about_questions_only_after_one(scenarios):
    """'ik kijk even in de computer' was answered "… u stelt alleen maar vragen!", an offer "Waarom vraagt
    u dat?": the customer answered words the trainee never said."""
    for scenario in scenarios.values():
        for phase in scenario.phases:
            for anger in phase.lines:
                state = CustomerState(anger, phase.id, turn=2, news_heard=True)
                for turn in range(6):
                    line = customer_line(scenario, replace(state, turn=turn), asked=False)
                    assert not BEING_ASKED.search(line), (scenario.id, phase.id, anger, line)
    phase = scenarios["late-levering"].phases[1]
    lines = {customer_line(scenarios["late-levering"], CustomerState(3, phase.id, turn=turn)) for turn in range(12)}
    assert any(BEING_ASKED.search(line) for line in lines)  # after a question it may still say so


def test_naming_how_the_customer_treats_you_is_no_understanding(classifier):
    """'ik vind het vervelend dat u zo tegen mij praat' is an ik-boodschap about behaviour (Les 6)."""
    treated = {hit.label for hit in classifier.classify("ik vind het vervelend dat u zo tegen mij praat")}
    assert "begrip_tonen" not in treated and "ik_boodschap" in treated
    assert "begrip_tonen" in {hit.label for hit in classifier.classify("ik vind het vervelend dat u zo lang moest wachten")}
    assert "begrip.gelijk_daar" in {hit.rule for hit in classifier.classify("daar heeft u helemaal gelijk in")}


def _paid(classifier, phase, text: str, news: str | None = None) -> dict[str, int]:  # type: ignore[no-untyped-def]
    hits = classifier.classify(text)
    score = score_turn(hits=hits, suggestions=classifier.suggestions(hits), phase=phase, customer_anger=3,
                       word_count=len(text.split()), speech_seconds=5.0, voice=None, news=news)
    return {p.criterion: p.points for p in score.points}


@pytest.mark.parametrize("text", ["u had ook zelf even kunnen bellen toch", "u had ook zelf even kunnen bellen, toch?",
                                  "U had ook zelf even kunnen bellen. Klopt dat?"])
def test_a_check_question_after_an_aanjager_earns_nothing(classifier, scenarios, text):
    """The tag asks agreement with the reproach: it is quoted with it, and paid nothing."""
    paid = _paid(classifier, scenarios["late-levering"].phases[1], text)
    assert "techniek:gesloten_vraag" not in paid and any(points < 0 for points in paid.values())
    aanjagers = [hit for hit in classifier.classify(text) if hit.label == "aanjager"]
    assert aanjagers and text.rstrip("?").endswith(aanjagers[-1].text.rstrip("?"))


def test_a_check_question_further_on_is_still_paid(classifier, scenarios):
    text = "u had ook zelf even kunnen bellen. Maar goed, ik stuur u vandaag nog een nieuwe datum, is dat goed?"
    assert {hit.rule for hit in classifier.classify(text)} >= {"vraag.klopt"}
    assert "techniek:gesloten_vraag" in _paid(classifier, scenarios["late-levering"].phases[1], text)


@pytest.mark.parametrize("text", ["ja meneer het is helaas afgewezen dus u krijgt hem niet",
                                  "nee meneer helaas niet dus u krijgt hem niet"])
def test_the_news_is_not_also_a_summary(classifier, scenarios, text):
    phase = scenarios["slechtnieuws-loket"].phases[0]
    paid = _paid(classifier, phase, text, news=phase.news_told(text))
    assert "techniek:samenvatten" not in paid and max(paid.values()) == 2


@pytest.mark.parametrize(("text", "asks"), [
    ("nou mevrouw eh ik snap het hoor maar eh ja weet je ik moet ook gewoon even kijken wat er aan de hand is", False),
    ("weet je wat we doen ik bel nu even de planning", False),
    ("het is heel druk weet je", False),
    ("weet je nog wanneer dat was", True),
    ("weet u het nummer van de bestelling", True),
])
def test_a_spoken_weet_je_between_clauses_asks_nothing(classifier, text, asks):
    assert ("vraag.ja_nee" in {hit.rule for hit in classifier.classify(text)}) is asks


@pytest.mark.parametrize(("text", "framed"), [
    ("als ik het goed begrijp heeft u de rekening gewoon niet goed gelezen", "techniek:samenvatten"),
    ("dus als ik het goed hoor heeft u de brief gewoon niet gelezen", "techniek:samenvatten"),
    ("wat is er nou weer aan de hand meneer", "techniek:open_vraag"),
    ("zeg kunnen jullie niet gewoon normaal doen er staan mensen te kijken", "techniek:gesloten_vraag"),
])
def test_a_reproach_framed_as_a_question_or_summary_earns_nothing_for_its_frame(classifier, scenarios, text, framed):
    """The labels stay (the form is a question or a summary); the aanjager quotes the whole reproach."""
    hits = classifier.classify(text)
    aanjager = next(hit for hit in hits if hit.label == "aanjager")
    frame = next(hit for hit in hits if f"techniek:{hit.label}" == framed)
    assert aanjager.start <= frame.start and frame.end <= aanjager.end
    paid = _paid(classifier, scenarios["klantenservice-rekening"].phases[1], text)
    assert framed not in paid and min(paid.values()) == -3


def test_a_question_after_a_sentence_end_is_still_paid(classifier, scenarios):
    paid = _paid(classifier, scenarios["klantenservice-rekening"].phases[1], "kunt u vertellen wat er gebeurd is? doe eens normaal.")
    assert paid.get("techniek:open_vraag", 0) > 0


@pytest.mark.parametrize(("text", "asks"), [
    ("ik zie dat u boos bent ik wil u graag helpen", False),
    ("hallo dames en heren ik begrijp dat u allebei boos bent ik wil u allebei helpen", False),
    ("eh ik merk dat ik zelf ook gespannen word zullen we heel even pauzeren", True),
    ("ik hoop dat u het begrijpt heeft u verder nog vragen", True),
])
def test_the_verb_closing_a_spoken_dat_clause_asks_nothing(classifier, text, asks):
    assert ("vraag.ja_nee" in {hit.rule for hit in classifier.classify(text)}) is asks


def test_an_offer_is_not_a_summary(classifier):
    labels = {hit.label for hit in classifier.classify("we sturen u een nieuwe machine en halen de oude op is vrijdag goed")}
    assert "oplossing_zoeken" in labels and "samenvatten" not in labels



@pytest.mark.parametrize(("difference", "points", "degree", "told"), [
    (3.03, -2, "duidelijk harder", "net iets meer dan 3 decibel harder, terwijl tot 3 decibel"),
    (4.5, -2, "duidelijk harder", "ongeveer 4,5 decibel harder, terwijl tot 3 decibel"),
    (12.0, -3, "flink harder", "ongeveer 12 decibel harder, terwijl tot 3 decibel"),
])
def test_a_voice_just_over_its_limit_costs_less_than_a_shout(difference, points, degree, told):
    """A calm reply 3,03 decibel over a 3-decibel limit cost the -3 of a shout at 12, told as "3,03 …
    tot 3,00" (a test session): past the limit "duidelijk" costs less than "flink" at twice it, in words."""
    loud = Comparison(measure="loudness", value=-26 + difference, baseline=-26.0, unit="dBFS", difference=difference,
                      difference_unit="dB", threshold=3.0, spread_in_reply=1.0, seconds=(0.6, 3.0), frames=240)
    voice = VoiceRecord(baseline=BaselineRecord(**dict(POPULATION_DEFAULT)), loudness=loud, pitch=None, rate=None,
                        speech_seconds=2.4, pause_seconds=0.0)
    phase = load_scenarios()[0]["late-levering"].phases[0]
    score = score_turn(hits=[], suggestions=[], phase=phase, customer_anger=2, word_count=8, speech_seconds=2.4, voice=voice)
    point = next(p for p in score.points if p.criterion == "stem:loudness")
    assert point.points == points and degree in point.explanation and told in point.explanation, point.explanation


def _labels(classifier: WordingClassifier, text: str) -> set[str]:
    return {hit.label for hit in classifier.classify(text)}


@pytest.mark.parametrize(("text", "present", "absent"), [
    # spoken Dutch drops the topic 'dat': understanding, no question (Les 6's ik-zin)
    ("kan ik me voorstellen meneer", "begrip_tonen", "gesloten_vraag"),
    ("Kan ik me helemaal voorstellen, mevrouw.", "ik_boodschap", "gesloten_vraag"),
    ("nou ja eerlijk gezegd kan ik me bij allebei iets voorstellen", "begrip_tonen", "aanjager"),
    ("Begrijp ik.", "begrip_tonen", "gesloten_vraag"),
    ("ja snap ik hoor", "begrip_tonen", None),
    ("begrijp ik het goed dat u geen brief heeft gekregen?", "samenvatten", "begrip_tonen"),
    ("snap ik niet", None, "begrip_tonen"),
    # the verb first after a fronted clause states (a boundary or an offer), unless a '?' closes it
    ("Als u een stapje terug doet, kan ik gewoon verder.", "grens_aangeven", "gesloten_vraag"),
    ("maar als u met de pin heeft betaald kan ik het wel terugzoeken", "oplossing_zoeken", "gesloten_vraag"),
    ("Als ik het goed begrijp, wilt u het geld terug?", "gesloten_vraag", None),
    # 'weet u wat' opens what comes next; 'weet u wat ik vind?' asks
    ("weet u wat ik stuur vandaag een nieuwe", "oplossing_zoeken", "gesloten_vraag"),
    ("weet je wat, we lopen even samen naar een spreekkamer", None, "gesloten_vraag"),
    ("Weet u wat ik vind? U bent een bullebak.", "gesloten_vraag", None),
    ("kunt u mij dat uitleggen", "open_vraag", "gesloten_vraag"),
    ("weet je wat zoek het maar uit met je kapotte stofzuiger", "aanjager", "gesloten_vraag"),
    # spoken on without a full stop, a question word in the question's order still asks
    ("jeetje drie weken zonder uitkering hoe redt u het nu eigenlijk met de boodschappen", "open_vraag", None),
    ("de rest plannen we apart hoe laat ben je morgen thuis", "open_vraag", None),
    ("ik laat je echt niet zomaar staan wat is het precies dat je kapot terug hebt gekregen", "open_vraag", None),
    ("ik weet niet wat er gebeurd is maar ik zoek het uit", None, "open_vraag"),
    ("weet u hoe vaak ik dit vandaag al heb gehoord", None, "open_vraag"),
])
def test_spoken_word_order_that_is_no_question(classifier, text, present, absent):
    """A writer who never saw the rules (2026-11-29, tests/data/wording_extra_m.jsonl, replies as
    trainees say them): '+1 gesloten vraag' for 'kan ik me voorstellen' and for 'als u …, kan ik …'."""
    labels = _labels(classifier, text)
    assert (present is None or present in labels) and (absent is None or absent not in labels)


@pytest.mark.parametrize(("text", "aanjager"), [
    ("Rustig aan, geen haast hoor, ik wacht wel even tot je je pasje gevonden hebt.", False),
    ("rustig aan hoor neem gerust even de tijd waar is die lekkage begonnen", False),
    ("kalm aan met dat trapje mevrouw dat staat niet stevig", False),
    ("hé jongens rustig aan met dat karretje hè er lopen hier kleine kinderen", False),
    ("nee je hoeft niet rustig te blijven voor mij hoor je mag best boos zijn", False),
    ("rustig aan met dat geschreeuw", True),
    ("zeg even kalm aan met die deur", True),  # a rebuke of the slamming
    ("Rustig aan!", True),
    ("u moet wel rustig blijven", True),
    # a swear word about the customer's bad luck sympathises; as a curse it is an outburst
    ("ja dat is echt klote voor je, ik had je moeten bellen", False),
    ("Jeetje, shit, dat is echt klote, je hele boodschappentas op de grond.", False),
    ("shit man ik ben het zat", True),
    ("godverdomme wat een gedoe weer", True),
    # a judgement the customer fears, denied, comforts; after 'maar', 'toch' or 'nou ja' it puts down
    ("Nee, u bent echt niet gek hoor, die brief is ook gewoon heel onduidelijk geschreven.", False),
    ("Jij bent echt niet de eerste vandaag hoor, die oplader is bij heel veel mensen kapot gegaan.", False),
    ("ja vervelend maar u bent echt niet de enige met een storing", True),
    ("u bent toch niet gek, dan weet u ook dat u uw paspoort op tijd moet verlengen", True),
    # breaking off with an arrangement is what 3 Reasons Why advises
    ("Ik ben nu klaar met dit gesprek, want u blijft dreigen. Maar ik schrijf op dat u gebeld wilt worden, "
     "en dan belt mijn teamleider u morgenochtend.", False),
    ("ik ga dit gesprek nu beëindigen want u bedreigt me ik maak er een melding van en u krijgt een brief", False),
    ("ik ben klaar met u", True),
    # the model's −3 on the same writer's comfort, sympathy, owned mistakes and summaries
    ("Ja, het is onze fout en niet de jouwe, de planning heeft je adres twee keer ingevoerd.", False),
    ("U heeft helemaal gelijk dat het lang duurt. Maar ik sta hier alleen, dus ja.", True),
    ("Shit, dat is echt klote wat er met je moeder gebeurd is, en ik snap dat je daarom zo boos bent.", False),
    ("Dus u zegt, meneer, dat die mevrouw nooit wacht en altijd voordringt.", False),
    ("Dus je zegt eigenlijk: ze komen nooit op tijd en je moet altijd alles zelf navragen.", False),
    ("dus u zegt dat iemand u korting beloofd heeft nou dat is echt nooit gebeurd", True),
    ("Dus u zegt dat u niks gekregen heeft, dat zegt iedereen.", True),
    ("ik vind het echt niet gek dat je boos bent joh je komt hier al drie keer", False),
    ("Rustig aan hoor, ik ga nergens heen. Wat is er gebeurd daarnet bij de receptie?", False),
    ("Rustig aan, u krijgt alle tijd als u normaal doet.", True),  # a condition on calming down
    ("jeetje shit dat is echt klote je hele boodschappentas op de grond", False),
    ("ik ben er klaar mee voor vandaag ik ga niet verder met dit gesprek want u heeft me net bedreigd "
     "u krijgt vanmiddag een brief met een nieuwe datum", False),
    ("ik ben er klaar mee", True),
    ("Ik kan er nu niks aan doen dat het pakket kwijt is. Ik zet nu een onderzoek in.", False),
    ("ik kan er niks aan doen", True),
])
def test_everyday_words_that_calm_comfort_or_arrange(classifier, text, aanjager):
    """The same writer's fine replies cost −3: 'rustig aan' giving time or care with a thing read as a
    calming order, sympathy in swear words as losing one's temper, 'u bent echt niet gek hoor' as an
    attack, breaking off with a letter or a call-back as walking out."""
    assert bool(_aanjagers(classifier, text)) is aanjager
