"""Wording rules: the seeds' own examples, the development set, spans, rule data, the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SPACY_DIR
from voicecoach.wording.classify import WordingClassifier, with_word_times
from voicecoach.wording.component import KNOWN_CHECKS
from voicecoach.wording.evaluation import (
    HEADLINE_LABELS,
    as_speech_recognition_output,
    gold_labels,
    load_labelled,
    macro_f1,
    predicted_labels,
    score,
)
from voicecoach.wording.pipeline import load_pipeline
from voicecoach.wording.rules import SEED_FILES, RuleFileError, load_rules
from voicecoach.transcript import Word

DEV_SET = Path(__file__).parent / "data" / "wording_dev.jsonl"
CIP, R3, BLOG, L6 = "000_94779b84c1eb6433.txt", "001_4710c7be769f9696.txt", "002_4f4bf8330f2a642c.txt", "003_b10594688f87e62d.txt"


@pytest.fixture(scope="module")
def classifier() -> WordingClassifier:
    return WordingClassifier(load_pipeline(SPACY_DIR))


# Every example sentence the seeds give for a technique, with the label the seed gives it.
SEED_EXAMPLES = [
    (L6, "U zit ernaast.", "aanjager:zwart_wit"),
    (L6, "Dat is niet zo.", "aanjager:zwart_wit"),
    (L6, "U kunt makkelijk praten.", "aanjager:zwart_wit"),
    (L6, "U bent niet eerlijk.", "aanjager:persoon_aanvallen"),
    (L6, "Wat u nu doet, verstoort onze goede relatie.", "gedrag_benoemen"),
    (L6, "Ik ben het niet met u eens.", "ik_boodschap"),
    (L6, "U hebt het bij het verkeerde eind.", "aanjager:zwart_wit"),
    (CIP, "U heeft een probleem? Gaat u even met mij mee? Ik wil graag met u meedenken.", "gesloten_vraag"),
    (CIP, "U heeft een probleem? Gaat u even met mij mee? Ik wil graag met u meedenken.", "ik_boodschap"),
    (CIP, "Uw aanvraag is niet volgens de geldende procedures behandeld? Ik kan me voorstellen dat het heel vervelend voor u is.", "begrip_tonen"),
    (BLOG, "Ik begrijp dat u gefrustreerd bent over deze situatie.", "begrip_tonen"),
    (BLOG, "Kunt u me meer vertellen over wat u dwarszit?", "open_vraag"),
    (BLOG, "Ik begrijp dat deze situatie moeilijk voor u is.", "begrip_tonen"),
    (BLOG, "Ik ben het ermee eens dat dit frustrerend is.", "begrip_tonen"),
    (R3, "Ik wil graag een oplossing met u zoeken, maar niet als u zich zo gedraagt.", "grens_aangeven"),
    (R3, "Ik wil graag een oplossing met u zoeken, maar niet als u zich zo gedraagt.", "oplossing_zoeken"),
]


@pytest.mark.parametrize(("seed", "text", "expected"), SEED_EXAMPLES)
def test_seed_examples_get_the_seed_label(classifier, seed, text, expected):
    hits = classifier.classify(text)
    assert expected in predicted_labels(hits), (seed, text, hits)
    assert seed in SEED_FILES


# Seed techniques with their own rule: the seed's example phrase (or its advice put as a reply).
SEED_RULES = [
    (CIP, "Ik wil graag met u meedenken.", "ik_boodschap", "ik.meedenken"),
    (CIP, "U heeft een probleem? Gaat u even met mij mee? Ik wil graag met u meedenken.", "ik_boodschap", "ik.meedenken"),
    (BLOG, "Ik stel een korte pauze voor.", "oplossing_zoeken", "oplossing.time_out"),
    (BLOG, "Laten we even een time-out nemen, dan praten we zo verder.", "oplossing_zoeken", "oplossing.time_out"),
    (BLOG, "zullen we vijf minuten pauze nemen", "oplossing_zoeken", "oplossing.time_out"),
]


@pytest.mark.parametrize(("seed", "text", "label", "rule"), SEED_RULES)
def test_seed_techniques_have_their_own_rule_and_source(classifier, seed, text, label, rule):
    hits = [hit for hit in classifier.classify(text) if hit.rule == rule]
    assert hits, (text, classifier.classify(text))
    assert all(hit.label == label and hit.source == seed and hit.explanation for hit in hits)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Ik begrijp niet waarom u zo doet.", "begrip_tonen"),
        ("Ik vind u onbeschoft.", "ik_boodschap"),
        ("U bent niet de enige.", "aanjager"),
        ("Dat is niet zo fijn, dat snap ik.", "aanjager"),
        ("U kunt altijd bellen als er iets is.", "aanjager"),
        ("Wat u nu doet, verstoort onze goede relatie.", "open_vraag"),
        ("Heeft u vragen, dan kunt u ons bellen.", "gesloten_vraag"),
    ],
)
def test_scope_and_negation(classifier, text, absent):
    assert absent not in predicted_labels(classifier.classify(text))


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Nu even rustig aan!", True),
        ("meneer jullie moeten nu allebei even rustig worden", True),
        ("Laten we allebei even rustig worden.", False),  # a proposal that includes the speaker
        ("zullen we even rustig blijven en kijken wat er kan", False),
    ],
)
def test_calming_together_is_no_calming_order(classifier, text, fires):
    rules = {hit.rule for hit in classifier.rule_hits(classifier.nlp(text))}
    assert ("aanjager.even_rustig" in rules) == fires


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Rustig aan, meneer.", True),
        ("rustig aan meneer", True),
        ("Ik snap het, maar rustig aan!", True),
        ("Doe maar rustig aan met invullen, ik wacht wel.", False),
        ("Rustig aan de zijkant laden mag ook.", False),
        ("Zullen we even binnen rustig aan tafel bespreken wat er nu moet gebeuren?", False),
        ("rustig aan jongens", True),
    ],
)
def test_rustig_aan_is_a_command_not_permission_or_a_place(classifier, text, fires):
    rules = {hit.rule for hit in classifier.rule_hits(classifier.nlp(text))}
    assert ("aanjager.rustig_aan" in rules) == fires


@pytest.mark.parametrize(
    ("text", "aanjager", "techniques"),
    [
        # a command about the behaviour is no naming of it (QA: "U moet niet zo schreeuwen" was +1 and -3)
        ("U moet niet zo schreeuwen.", True, set()),
        ("Dat is nou eenmaal ons beleid. U moet niet zo schreeuwen.", True, set()),
        # the model's technique spans the whole clause: still the aanjager's words for the most part
        ("Mevrouw, u moet niet zo schreeuwen.", True, set()),
        ("Nou, u moet niet zo schreeuwen, dat helpt niet.", True, set()),
        # a technique in the next sentence stays, also when a rule found it inside the aanjager's clause
        ("U schreeuwt als een gek. Ik merk dat u steeds harder gaat praten.", True, {"gedrag_benoemen", "ik_boodschap"}),
        ("u moet niet zo hard praten", True, set()),
        ("U onderbreekt mij steeds.", False, {"gedrag_benoemen"}),
        # a question stays a question, also when it attacks
        ("Waarom doet u zo moeilijk?", True, {"open_vraag"}),
        # a technique beside an aanjager, on other words, still counts
        ("Ik begrijp dat u boos bent, maar u moet niet zo schreeuwen.", True, {"begrip_tonen", "ik_boodschap"}),
        ("Ik kan me voorstellen dat u het zat bent, maar dan moet u ook niet zo schreeuwen.", True,
         {"begrip_tonen", "ik_boodschap"}),
    ],
)
def test_words_that_make_an_aanjager_are_not_also_a_technique(classifier, text, aanjager, techniques):
    labels = {hit.label for hit in classifier.classify(text)}
    assert ("aanjager" in labels) == aanjager
    assert labels - {"aanjager"} == techniques


@pytest.mark.parametrize(
    ("text", "rule", "fires"),
    [
        ("Jongens, effe dimmen.", "aanjager.even_dimmen", True),
        ("Iedereen hier vindt dat u overdrijft.", "aanjager.iedereen_vindt", True),
        ("Vertelt u mij eens wat er allemaal is misgegaan.", "aanjager.iedereen_vindt", False),  # everything, not everybody
        ("allebei eerst even afkoelen", "aanjager.even_dimmen", True),
        ("Laten we even afkoelen en dan verder praten.", "aanjager.even_dimmen", False),
        ("nu moeten jullie echt eerst effe afkoelen", "aanjager.moet_kalmeren", True),
        ("Niet mijn afdeling, meneer.", "aanjager.niet_mijn_afdeling", True),
        ("Het was niet mijn bedoeling.", "aanjager.niet_mijn_afdeling", False),
        ("Dat is uw eigen schuld.", "aanjager.is_uw_probleem", True),
        ("als u zo doet is het ook uw eigen schuld dat niemand u helpt", "aanjager.eigen_schuld", True),
        ("Ik ga uw probleem vandaag nog oplossen.", "aanjager.eigen_schuld", False),
        ("ik begrijp uw probleem", "aanjager.is_uw_probleem", False),
        ("U heeft een kentekenbewijs op uw eigen naam nodig.", "aanjager.eigen_schuld", False),
        ("U mag uw eigen keuze maken.", "aanjager.eigen_schuld", False),
        ("Wat is precies uw probleem met de factuur?", "aanjager.is_uw_probleem", False),
        ("Dus dat is dan uw fout.", "aanjager.is_uw_probleem", True),
        ("We kunnen uw schuld in termijnen aflossen.", "aanjager.is_uw_probleem", False),
        ("Die storing komt gewoon door uw eigen router.", "aanjager.komt_door_uw_eigen", True),
        ("Ik stuur het door naar uw eigen adres.", "aanjager.komt_door_uw_eigen", False),
        ("Ik beëindig nu dit gesprek. U krijgt morgen een brief met een nieuwe afspraak.", "aanjager.gesprek_beeindigen", False),
        ("Ik beëindig nu dit gesprek. Goedemiddag.", "aanjager.gesprek_beeindigen", True),
        ("Ik ga niet beslissen wie er gelijk heeft, ik wil dat u allebei geholpen wordt.", "aanjager.ik_beslis_niet_omgekeerd", False),
        ("Ik ga daar niet over.", "aanjager.ik_beslis_niet_omgekeerd", True),
        ("Het is niet uw schuld, hoor.", "aanjager.eigen_schuld", False),
        ("Zoek het dan zelf maar uit.", "aanjager.zoek_het_zelf_uit", True),
        ("Ik zoek het zelf uit voor u.", "aanjager.zoek_het_uit", False),
        ("Nou, dan zijn we uitgepraat.", "aanjager.uitgepraat", True),
        ("We zijn nog niet uitgepraat.", "aanjager.uitgepraat", False),
        ("Ik snap dat u boos bent, maar ik kan er niks aan doen.", "aanjager.kan_er_niks_aan_doen", True),
        ("Ik kan er niks aan doen dat het pakket bij de buren ligt, maar ik kan wel meteen een ophaalopdracht aanmaken.",
         "aanjager.kan_er_niks_aan_doen", False),
        ("U belt ook altijd op het verkeerde moment.", "aanjager.altijd", True),
        ("Als ik u goed begrijp, heeft u de factuur nooit gekregen?", "aanjager.nooit", False),
        ("als ik het goed heb heeft u nooit een brief gehad", "aanjager.nooit", False),
        ("Het gaat goed hoor, maar u zeurt ook altijd over de planning.", "aanjager.altijd", True),
        ("dus u heeft drie keer gebeld en niemand heeft u teruggebeld", "aanjager.niemand_anders", False),
        ("Niemand anders heeft hier last van.", "aanjager.niemand_anders", True),
        ("Ik laat u nooit in de kou staan.", "aanjager.nooit", False),
        ("U mag altijd langskomen met de bon.", "aanjager.altijd", False),
        ("Niet iedereen weet dat dat kan.", "aanjager.iedereen_vindt", False),
        ("Zo is het nou eenmaal.", "aanjager.zo_is_het", True),
        ("Het spijt me dat het bij u wel zo is.", "aanjager.zo_is_het", False),
        ("Dat is ons beleid, maar ik ga het wel voor u navragen.", "aanjager.beleid", False),
        ("Het systeem staat het gewoon niet toe.", "aanjager.systeem_laat_niet_toe", True),
        ("Het systeem laat het niet toe, maar ik kan wel een papieren aanvraag voor u doen.",
         "aanjager.systeem_laat_niet_toe", False),
        ("dat had je dan maar eerder moeten zeggen", "aanjager.had_u_het_maar", True),
        ("Dus u heeft nooit een herinnering gekregen?", "aanjager.nooit", False),
        ("Ik ben zo klaar met de meterstanden, nog even geduld.", "aanjager.ben_het_zat", False),
        ("Ik ben er zo klaar mee, met dat gezeur.", "aanjager.ben_het_zat", True),
        ("Jeetje, wat vervelend voor u.", "aanjager.vloeken", False),
        ("Ja, dat klopt niet, die rekening is twee keer afgeschreven.", "aanjager.klopt_niet", False),
        ("Nee hoor, dat klopt gewoon niet.", "aanjager.klopt_niet", True),
        ("ja dat klopt gewoon niet wat u zegt", "aanjager.klopt_niet", True),
        ("Ik ben klaar met het formulier, u krijgt zo een kopie.", "aanjager.klaar_mee", False),
        ("Ik ben klaar met de controle van de meter.", "aanjager.ben_het_zat", False),
        ("Ik ben helemaal klaar met dit gedoe.", "aanjager.klaar_mee", True),
        ("Ik ben klaar met u.", "aanjager.klaar_mee", True),
        # breaking off is klaar_mee's (stoppen met communiceren), not also the frustration of 'ik ben het zat'
        ("Ik ben klaar met u.", "aanjager.ben_het_zat", False),
        ("ik ben klaar met dit gesprek", "aanjager.ben_het_zat", False),
        ("ik ben klaar met dit gesprek", "aanjager.klaar_mee", True),
        ("Ik ben het zat.", "aanjager.ben_het_zat", True),
        ("Niemand heeft u teruggebeld, dat is niet goed gegaan.", "aanjager.niemand_anders", False),
        ("Niemand heeft er ooit moeite mee gehad.", "aanjager.niemand_anders", True),
        ("U heeft zelf het verkeerde tarief aangeklikt.", "aanjager.zelf_gedaan", True),
        ("u heeft het toch zelf uitgelokt", "aanjager.zelf_gedaan", True),
        ("Ik kan u zo lastig volgen als u zo snel praat.", "aanjager.doet_moeilijk", False),
        ("Het is voor u zo lastig, dat snap ik.", "aanjager.doet_moeilijk", False),
        ("Doe niet zo moeilijk.", "aanjager.doet_moeilijk", True),
        ("Ik snap niet waarom u zo moeilijk doet.", "aanjager.doet_moeilijk", True),
        ("Het is niet zo dat ik u niet wil helpen.", "aanjager.dat_is_niet_zo", False),
        ("Dat is niet zo, dat heeft u verkeerd begrepen.", "aanjager.dat_is_niet_zo", True),
        ("Klaar, de nieuwe meter hangt er weer.", "aanjager.einde_verhaal", False),
        ("Zonder kassabon geen geld terug. Klaar.", "aanjager.einde_verhaal", True),
        ("u heeft dus nooit een brief gehad over die verhoging", "aanjager.nooit", False),
        ("jij altijd zo lastig hoor", "aanjager.doet_moeilijk", True),
        ("Begrijp ik goed dat u de brief nooit heeft ontvangen?", "aanjager.nooit", False),
        ("klopt het dat u nooit een bevestiging heeft gekregen", "aanjager.nooit", False),
        ("nee, dat klopt niet, dat had u nooit moeten overkomen", "aanjager.nooit", False),
        ("U leest ook nooit de voorwaarden.", "aanjager.nooit", True),
        ("ik vind het vervelend dat u nooit een sms heeft gekregen dat ik later kwam", "aanjager.nooit", False),
        ("Ik hoor u zeggen dat u nooit een bevestiging van de afspraak heeft ontvangen.", "aanjager.nooit", False),
        ("ik hoor dat u de nieuwe pas nooit heeft ontvangen", "aanjager.nooit", False),
        ("nee hoor, u bent nooit op tijd", "aanjager.nooit", True),
        ("Mijn collega staat bij de kassa, als u nog iets nodig heeft.", "aanjager.collegas_staan_achter", False),
        ("ik heb de kabel gelegd, de rest is voor de aannemer", "aanjager.collegas_staan_achter", False),
        ("mijn collega's zijn het helemaal met mij eens", "aanjager.collegas_staan_achter", True),
        ("mijn collega vindt dat ook", "aanjager.collegas_vinden", True),
        ("u heeft nooit gereageerd op onze brieven", "aanjager.nooit", True),
        ("Ik heb geen sleutel van de kast.", "aanjager.heb_geen_zin", False),
        ("ik heb er geen goed gevoel over als ik die doos zo moet achterlaten", "aanjager.heb_geen_zin", False),
        ("Ik heb er echt geen zin meer in.", "aanjager.heb_geen_zin", True),
        ("ik heb hier niks mee te maken", "aanjager.heb_geen_zin", True),
        ("Als u de meterstand had doorgegeven, was de rekening gewoon goed geweest.", "aanjager.als_u_had", True),
        ("Als ik dat had geweten, had ik u meteen gebeld.", "aanjager.als_u_had", False),
        ("Dat bepaalt de afdeling vergunningen.", "aanjager.beslist_een_ander", True),
        ("Dat bepaalt de afdeling vergunningen, maar ik vraag het vandaag voor u na.", "aanjager.beslist_een_ander", False),
        ("Dat bepaal ik niet, dat bepaalt mijn leidinggevende.", "aanjager.beslist_een_ander", True),
        ("Daar gaat het niet over.", "aanjager.daar_gaat_een_ander_over", False),
        ("Dat gaat niet gebeuren.", "aanjager.gaat_niet_gebeuren", True),
        ("Dat gaat niet gebeuren zonder bon, maar ik kan wel een tegoedbon maken.", "aanjager.gaat_niet_gebeuren", False),
        ("Hebben ze u vroeger geen manieren geleerd?", "aanjager.geen_manieren", True),
        ("Daar gaat mijn leidinggevende over.", "aanjager.daar_gaat_een_ander_over", True),
        ("Daar gaat het over.", "aanjager.daar_gaat_een_ander_over", False),
        ("Dat mag ik niet van mijn chef.", "aanjager.mag_niet_van", True),
        ("De planning heeft het verknoeid, ik niet.", "aanjager.ik_niet", True),
        ("u slaat op de balie dat wil ik niet", "aanjager.ik_niet", False),
        ("Nee, dat kan echt niet.", "aanjager.kan_niet", True),
        ("Nee, dat kan niet, we zijn op zondag dicht. Maandag kan wel.", "aanjager.kan_niet", False),
        ("U gooit met de folders, dat kan niet.", "aanjager.kan_niet", False),
        ("Dat kan toch niet, drie keer gebeld en niemand belt u terug!", "aanjager.kan_niet", False),
        ("Nee.", "aanjager.kaal_nee", True),
        ("Nee, maar ik kan u wel doorverbinden.", "aanjager.kaal_nee", False),
        ("Wat een zeurpiet.", "aanjager.wat_een", True),
        ("Hufter.", "aanjager.scheldwoord", True),
        ("Mijn collega's zullen u precies hetzelfde vertellen.", "aanjager.zegt_hetzelfde", True),
        ("Ik zal u precies hetzelfde vertellen als de vorige keer.", "aanjager.zegt_hetzelfde", False),
        ("Iedereen in de wachtkamer ziet hoe u zich gedraagt.", "aanjager.iedereen_in_de_rij", True),
        ("Iedereen in de rij wordt vandaag nog geholpen.", "aanjager.iedereen_in_de_rij", False),
        ("Ik verbreek nu de verbinding.", "aanjager.gesprek_beeindigen", True),
        ("Als u blijft schelden, beëindig ik dit gesprek.", "aanjager.gesprek_beeindigen", False),
        ("Dag.", "aanjager.kaal_dag", True),
        ("Dag mevrouw, ik kom voor de meter.", "aanjager.kaal_dag", False),
        ("Ik heb het u nu al drie keer uitgelegd.", "aanjager.al_drie_keer_gezegd", True),
        ("Ik zit hier zelf al sinds zes uur vanochtend.", "aanjager.al_sinds", True),
        ("Ik heb vandaag nog zestig pakketten in de bus.", "aanjager.eigen_drukte", True),
        ("Ik heb nog drie adressen en dan ben ik bij u.", "aanjager.eigen_drukte", False),
        ("De termijn is twee weken en daarmee uit.", "aanjager.daarmee_uit", True),
        ("Dat is nu eenmaal zo.", "aanjager.nu_eenmaal_zo", True),
        ("het is nou eenmaal niet anders meneer", "aanjager.nu_eenmaal_zo", True),
        ("Dat is nu eenmaal zo, maar ik kan wel een nieuwe afspraak voor u maken.", "aanjager.nu_eenmaal_zo", False),
        # mockery is attacking the other figuratively (Les 6), a test session: "wat zielig voor u" earned nothing
        ("wat zielig voor u", "aanjager.spot_zielig", True),
        ("Wat zielig dat uw hond ziek is.", "aanjager.spot_zielig", False),
        ("nou gefeliciteerd dan", "aanjager.spot_nou_gefeliciteerd", True),
        ("Nou, dan krijgt u hem morgen.", "aanjager.spot_nou_gefeliciteerd", False),
        ("Gefeliciteerd dan, meneer.", "aanjager.spot_gefeliciteerd_dan", True),
        ("Gefeliciteerd met uw nieuwe huis, ik kom de meter plaatsen.", "aanjager.spot_gefeliciteerd_dan", False),
        ("nou dat is dan fijn voor u", "aanjager.spot_fijn_voor_u", True),
        # threats back the test sessions saw paid as a step or a boundary
        ("als u nog een keer belt zet ik u op de zwarte lijst", "aanjager.dreigen_zwarte_lijst", True),
        ("U komt niet op een zwarte lijst, maak u geen zorgen.", "aanjager.dreigen_zwarte_lijst", False),
        ("u wilt niet weten wat er gebeurt als u niet ophoudt", "aanjager.dreigen_niet_weten", True),
        ("ik zorg er wel voor dat je nooit meer geholpen wordt hier", "aanjager.dreigen_nooit_meer_geholpen", True),
        ("Als u blijft schelden, wordt u vandaag niet meer geholpen.", "aanjager.dreigen_nooit_meer_geholpen", False),
        ("nou kijk ik ga nu gewoon eerst de planning bellen", "oplossing.omgekeerd", False),  # 'kijk' opens it
        ("dan kijk ik even voor u", "oplossing.omgekeerd", True),
        ("je gaat hier spijt van krijgen", "aanjager.dreigen_spijt", True),
        ("als je zo doorgaat bel ik de politie en dan ben je de klos", "aanjager.dreigen_klos", True),
        ("ik zal je wel even leren hoe het hier werkt", "aanjager.dreigen_leren", True),
        ("ik zet je zo op straat", "aanjager.dreigen_op_straat", True),
        ("u bent bang dat u op straat komt te staan", "aanjager.dreigen_op_straat", False),
        ("nou als u zo blijft doen dan stopt uw uitkering gewoon", "aanjager.dreigen_als_zo_dan_stopt", True),
        ("Als u het formulier niet instuurt, dan stopt uw uitkering.", "aanjager.dreigen_als_zo_dan_stopt", False),  # the news
        # minimising beside another aanjager was not named (the model's kind gives way to the rules')
        ("Het is maar een bank, dat is toch niet zo erg.", "aanjager.toch_niet_zo_erg", True),
        # policy spoken without a full stop before the next sentence
        ("dat is de procedure daar ga ik niet van afwijken", "aanjager.beleid", True),
        ("Tja, jammer dan.", "aanjager.jammer_dan", True),
        ("pech gehad meneer", "aanjager.jammer_dan", True),
        ("U heeft echt pech gehad met dit toestel.", "aanjager.jammer_dan", False),
        ("Wat jammer dan dat u helemaal voor niets bent gekomen.", "aanjager.jammer_dan", False),
        ("Dat is dan jammer voor u.", "aanjager.dan_jammer", True),
        ("dan heeft u gewoon pech", "aanjager.dan_jammer", True),
        ("Dan is het extra jammer dat u zo lang heeft gewacht.", "aanjager.dan_jammer", False),
        ("Daar is geen uitzondering op, maar ik kan wel een betalingsregeling voor u aanvragen.",
         "aanjager.geen_uitzondering", False),
        ("Dan heeft u de brief verkeerd gelezen.", "aanjager.verkeerd_begrepen", True),
        ("U heeft er gewoon geen verstand van.", "aanjager.geen_verstand_van", True),
        ("Ik vind het vervelend wat u is overkomen.", "aanjager.vind_het_dom_wat", False),
        ("Ik vind het echt belachelijk wat u nu zegt.", "aanjager.vind_het_dom_wat", True),
        ("Vraag het maar aan de andere klanten.", "aanjager.vraag_maar_aan_wie", True),
        ("Doe maar wat u wilt.", "aanjager.doe_maar_wat_u_wilt", True),
        # a test session: "Prima" before an arrangement cost -3 stoppen met communiceren
        ("Prima, dan bel ik de planning voor een nieuwe afspraak.", "aanjager.kaal_prima", False),
        ("Prima, ik plan meteen een monteur in voor morgenochtend.", "aanjager.kaal_prima", False),  # a check session
        ("Prima dat u het zegt. Wat is er precies gebeurd?", "aanjager.kaal_prima", False),
        ("Prima.", "aanjager.kaal_prima", True),
        ("Best hoor.", "aanjager.kaal_prima", True),
        ("Boeiend, dan bel ik de planning wel.", "aanjager.boeiend", True),
        # ... and a polite dismissal went unpunished
        ("Dank u voor uw geduld. Helaas kan ik niets voor u doen. Fijne dag verder.", "aanjager.niks_voor_u_doen", True),
        ("Verder kan ik niks voor u betekenen.", "aanjager.niks_voor_u_doen", True),
        ("Wij kunnen op dit moment niets voor u doen.", "aanjager.niks_voor_u_doen", True),  # a check session
        ("Ik kan vandaag niets voor u doen, maar morgen komt er zeker iemand.", "aanjager.niks_voor_u_doen", False),
        ("Als u blijft schelden, kan ik niets voor u doen.", "aanjager.niks_voor_u_doen", False),
        ("Zonder bon kan ik niks voor u doen, maar ik kan wel kijken of het op uw pas staat.",
         "aanjager.niks_voor_u_doen", False),
        # ... and an inverted calming order was paid as naming the behaviour
        ("Ik snap dat u het zat bent, maar dan moet u ook niet zo schreeuwen.", "aanjager.moet_u_niet", True),
        ("Dan hoeft u niet te betalen.", "aanjager.moet_u_niet", False),
    ],
)
def test_aanjager_word_lists_and_their_scope(classifier, text, rule, fires):
    """Calming commands (calming_verbs), passing on the blame and walking out as word lists; a
    negation before 'uw schuld' reassures, the employee's own 'ik zoek het uit' is no walk-out, and
    'ik kan er niks aan doen' followed by what the speaker will do passes on no blame; a summary
    repeats the customer's 'nooit' and 'niemand' without judging, 'ik laat u nooit…' promises;
    'ja, dat klopt niet' agrees, 'klaar met de meting' reports finished work, 'niemand heeft u
    teruggebeld' admits a failure; 'begrijp ik goed dat…' asks back, 'dat had u nooit moeten
    overkomen' regrets a mishap, and 'ik heb geen…' refuses only with zin, tijd, meer, te maken….
    'Als u … had …, was …' blames the customer and 'dat bepaalt de afdeling' passes the case on,
    unless a way out follows ('maar ik vraag het na'); a bare 'nee' or 'dat kan niet' is zwart-wit
    unless another way is offered or it answers named behaviour (a boundary); someone else 'zal u
    hetzelfde vertellen' seeks allies, the speaker's own 'ik zal u hetzelfde vertellen' does not;
    ending the call is a walk-out unless it is a stated consequence; one's own busy day only with
    'vandaag' or 'al' ('ik heb nog drie adressen en dan ben ik bij u' informs)."""
    rules = {hit.rule for hit in classifier.rule_hits(classifier.nlp(text))}
    assert (rule in rules) == fires, rules


def test_ik_vind_u_onbeschoft_is_an_attack(classifier):
    assert "aanjager:persoon_aanvallen" in predicted_labels(classifier.classify("Ik vind u onbeschoft."))


@pytest.mark.parametrize(
    ("text", "aanjager"),
    [
        ("Eh, nou ja, weet je, ik snap dat het vervelend is. Wat is er precies mis met het modem?", False),
        ("Ja hè, ik begrijp het.", False),
        ("Nou, weet u wat, ik bel de planning even.", False),
        ("Nou ja, u bent ook altijd zo lastig.", True),
        ("Ja ja, fijne dag nog.", True),
        ("nou ja zeg dat heb ik u al drie keer uitgelegd", True),
        ("Ja joh, dat snap ik helemaal.", False),
        ("Als ik u goed begrijp, vindt u het bedrag te hoog. Nou, dat is het niet.", True),
    ],
)
def test_discourse_markers_alone_make_no_aanjager(classifier, text, aanjager):
    """'Nou ja', 'ja hè', 'ja joh', 'weet je' open a reply as people speak; the model read a clause
    of only 'nou ja' as an outburst (a test session: -3 emotioneel worden on a reply that showed
    understanding), 'ja joh' as an attack. What follows them still counts, 'ja ja' still waves the
    customer away, and markers later in the reply are its tone ('Nou, dat is het niet')."""
    assert any(label.startswith("aanjager") for label in predicted_labels(classifier.classify(text))) is aanjager


@pytest.mark.parametrize(
    ("text", "aanjager"),
    [
        ("nou ik snap dat u hier al de hele ochtend mee bezig bent", False),
        ("ja nee u heeft gelijk dat had eerder geregeld moeten zijn", False),
        ("nou kijk ik ga even voor u uitzoeken wat er mis is gegaan", False),
        ("weet je ik ga even kijken wat ik voor u kan doen", False),
        ("nou dan ruil ik hem gewoon voor u om", False),  # the inverted offer is the rules' technique
        ("nou is het afgelopen ik ben er klaar mee", True),
        ("nou dat geloof ik dus niet", True),
        ("weet je wat jij bent een zeurpiet", True),
        ("ja maar dat is nou eenmaal zo", True),
    ],
)
def test_a_spoken_opener_without_its_comma_makes_no_aanjager(classifier, text, aanjager):
    """Whisper often writes no comma after 'nou', 'ja nee', 'kijk', 'weet je': before a technique the
    model read such an opener as an outburst (fine replies with 'nou ' before them: 55 of 294 given
    an aanjager, with 'nou, ' 1). An opener that is what is said stays: 'nou is het afgelopen'
    ('now'), 'weet je wat jij bent', 'ja maar', and a clause without a technique dismisses by it."""
    assert any(label.startswith("aanjager") for label in predicted_labels(classifier.classify(text))) is aanjager


@pytest.mark.parametrize(
    ("text", "aanjager"),
    [
        ("Nou kijk, ik wil best even met u meedenken over die verhuizing.", False),
        ("nou kijk dat snap ik nog niet helemaal wanneer is de lekkage begonnen", False),
        ("Eerlijk gezegd weet ik niet of die korting nog geldt. Ik vraag het even na bij mijn collega.", False),
        ("Hoor eens, ik snap dat het koud is in huis. Ik ga mijn best doen om het vandaag op te lossen.", False),
        ("gewoon even voor uw planning de monteur komt morgen tussen acht en tien", False),
        ("eerlijk gezegd bent u gewoon een zeurpiet", True),
        ("Hoor eens, doe even normaal.", True),
        ("Nou kijk, zo is het nou eenmaal.", True),
        ("eerlijk gezegd ligt dat aan u want u heeft het verkeerde adres opgegeven", True),
        ("volgens mij ligt het gewoon aan u", True),
    ],
)
def test_an_aanjager_is_judged_on_what_follows_an_attitude_opener(classifier, text, aanjager):
    """'Nou kijk', 'eerlijk gezegd', 'hoor eens' open a sentence with an attitude but say nothing yet:
    the model read the opener itself as the aanjager ('Nou kijk, ik wil best met u meedenken …' cost
    -3 persoon aanvallen on 'Nou kijk' alone). What follows them still counts, in either word order
    ('eerlijk gezegd ligt dat aan u')."""
    assert any(label.startswith("aanjager") for label in predicted_labels(classifier.classify(text))) is aanjager


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("uhm ik denk daar zelf anders over meneer", "ik_boodschap", "aanjager"),
        ("daar denk ik toch anders over mevrouw", "ik_boodschap", "aanjager"),
        ("snap ik helemaal dat je daar geen zin meer in hebt", "begrip_tonen", "aanjager"),
        ("snap ik niet hoor", None, "begrip_tonen"),
        ("als u nog een keer belt zet ik u op de zwarte lijst", "aanjager", "oplossing_zoeken"),  # a threat, no step
        ("je gaat hier spijt van krijgen", "aanjager", "begrip_tonen"),  # no apology in 'spijt'
        ("ja hallo met kevin", None, "aanjager"),  # how a call is answered
        ("Ik heb helaas geen goed nieuws voor u. Uw aanvraag voor de parkeerkaart is afgewezen. Volgens de "
         "keuringsarts kunt u nog meer dan honderd meter lopen.", None, "oplossing_zoeken"),  # only the news
        ("kijk ik wil je echt helpen maar ik word er een beetje onrustig van zo", "ik_boodschap", "aanjager"),
        ("ik ben daar niet blij mee eerlijk gezegd", "ik_boodschap", "aanjager"),
        ("als je zo doorgaat bel ik de politie en dan ben je de klos", "aanjager", "grens_aangeven"),
    ],
)
def test_spoken_word_order_of_an_own_view_and_of_understanding(classifier, text, present, absent):
    """A test session: 'ik denk daar zelf anders over' (Les 6: "'Ik ben het niet met u eens' in plaats
    van 'U hebt het bij het verkeerde eind'") cost -3 persoon aanvallen, 'snap ik helemaal dat …' -3
    emotioneel worden, 'ja hallo met kevin' -3, an own feeling ('ik word er onrustig van', 'ik ben
    daar niet blij mee') -3; 'snap ik niet' was read as understanding."""
    labels = {label.split(":")[0] for label in predicted_labels(classifier.classify(text))}
    assert (present is None or present in labels) and absent not in labels


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("nou ik snap het nog niet helemaal wanneer is de monteur dan geweest", None, "aanjager"),
        ("ik begrijp het niet helemaal heeft u de brief nou wel of niet gekregen", None, "aanjager"),
        ("Oké, ik snap het even niet. Wat is er precies gebeurd tussen jullie?", "open_vraag", "aanjager"),
        ("Eh, dat snap ik niet helemaal. Heeft de monteur nou aangebeld of niet?", "gesloten_vraag", "aanjager"),
        ("ik begrijp het nog niet helemaal", None, "begrip_tonen"),
        ("ik snap het echt niet hoor wat is daar nou zo moeilijk aan", "aanjager", None),
        ("ik snap het nog niet helemaal. Maar u bent gewoon een zeurpiet.", "aanjager", None),
        # asking to hear it again is no apology (it earned +2 begrip tonen)
        ("sorry wat zei u", None, "begrip_tonen"),
        ("Sorry, ik verstond u niet door het lawaai.", None, "begrip_tonen"),
        ("Sorry, kunt u dat nog eens zeggen?", "gesloten_vraag", "begrip_tonen"),
        ("sorry dat u zo lang heeft moeten wachten", "begrip_tonen", None),
    ],
)
def test_not_following_yet_and_asking_on(classifier, text, present, absent):
    """'ik snap het nog niet helemaal, waar lekt het dan precies' asks on (CIP: doorvragen); the model
    read -3 in its 'snap … niet' and +2 begrip tonen. Not following is no understanding; without a gap
    ('nog', 'even', 'helemaal') and a question right after it, it stays the model's to judge. 'Sorry,
    wat zei u?' asks to hear the customer again: no apology, by the rule or by the model."""
    labels = {label.split(":")[0] for label in predicted_labels(classifier.classify(text))}
    assert (present is None or present in labels) and (absent is None or absent not in labels)


@pytest.mark.parametrize(
    ("text", "closed"),
    [("Dank? U wel. Ik herhaal het even.", False), ("Ja? Wat kan ik voor u doen?", False), ("U heeft een probleem?", True)],
)
def test_a_single_word_with_a_question_mark_is_no_closed_question(classifier, text, closed):
    assert ("gesloten_vraag" in predicted_labels(classifier.classify(text))) is closed


def _macro_f1(classifier, rows, transform=lambda text: text) -> float:
    predicted = [predicted_labels(h) for h in classifier.classify_many(transform(r["text"]) for r in rows)]
    return macro_f1(score([gold_labels(r) for r in rows], predicted, HEADLINE_LABELS))


def test_development_set_macro_f1(classifier):
    rows = load_labelled(DEV_SET)
    assert len(rows) >= 250
    assert {r["setting"] for r in rows} >= {"monteur", "loket", "telefoon"}
    assert sum(not r["labels"] for r in rows) >= 20  # hard negatives
    plain = _macro_f1(classifier, rows)
    recognised = _macro_f1(classifier, rows, as_speech_recognition_output)
    assert plain >= 0.90
    assert recognised >= plain - 0.05


@pytest.mark.parametrize(
    ("text", "label", "words"),
    [
        ("Meneer, u bent niet eerlijk tegen mij.", "aanjager", "u bent niet eerlijk"),
        ("Ik wil u graag helpen, maar niet als u zo tegen mij schreeuwt.", "grens_aangeven", "maar niet als u zo tegen mij schreeuwt"),
        ("eh ik eh begrijp dat u boos bent", "begrip_tonen", "ik eh begrijp dat"),
        ("Goed. Kunt u mij vertellen wat er gebeurd is?", "open_vraag", "Kunt u mij vertellen"),
        ("Als ik u goed begrijp, is de monteur niet gekomen.", "samenvatten", "Als ik u goed begrijp"),
        ("Nou, rustig aan hé.", "aanjager", "rustig aan"),
        ("Ik ben het spuugzat met klanten zoals u.", "aanjager", "klanten zoals u"),  # "u." is no initial
        # a statement-form question is its sentence, not its first word ("Ik", a test session)
        ("Goed. U heeft een probleem met de factuur?", "gesloten_vraag", "U heeft een probleem met de factuur"),
    ],
)
def test_span_covers_the_words_that_caused_it(classifier, text, label, words):
    hits = [h for h in classifier.classify(text) if h.label == label]
    assert words in [h.text for h in hits], hits
    hit = next(h for h in hits if h.text == words)
    assert text[hit.start : hit.end] == words


def test_a_tag_question_is_the_question_not_the_sentence_start(classifier):
    """'Laten we … afspreken, is dat goed?' asks 'is dat goed': no second closed question on 'Laten'."""
    closed = [h.text for h in classifier.classify("Laten we morgen om tien uur afspreken, is dat goed?")
              if h.label == "gesloten_vraag"]
    assert closed == ["is dat"]


def test_every_hit_on_the_dev_set_points_into_its_text(classifier):
    for row in load_labelled(DEV_SET):
        for hit in classifier.classify(row["text"]):
            assert 0 <= hit.start < hit.end <= len(row["text"])
            assert row["text"][hit.start : hit.end] == hit.text
            assert hit.source in SEED_FILES and hit.explanation


def test_every_rule_has_seed_source_and_dutch_explanation():
    rules = load_rules(known_checks=KNOWN_CHECKS)
    assert len(rules) > 50
    for rule in rules:
        assert rule.source in SEED_FILES, rule.id
        assert len(rule.explanation) > 20, rule.id
        assert set(re.findall(r"\w+", rule.explanation.lower())) & {"je", "de", "het", "een", "klant"}, rule.id
        # an implied hit is explained as an ik-boodschap (classify.IMPLIED_EXPLANATION)
        assert all(implied.startswith("ik_boodschap:") for implied in rule.implies), rule.id


def test_an_implied_ik_boodschap_is_explained_as_one(classifier):
    hits = classifier.classify("Ik begrijp dat u gefrustreerd bent.")
    implied = next(hit for hit in hits if "+" in hit.rule)
    assert implied.label == "ik_boodschap" and "ik-boodschap" in implied.explanation
    assert "begrijpt" not in implied.explanation


def test_every_aanjager_hit_gets_a_rewrite(classifier):
    hits = classifier.classify("U bent niet eerlijk. Rustig aan! Zoek het zelf maar uit.")
    suggestions = classifier.suggestions(hits)
    assert len(suggestions) == sum(h.label == "aanjager" for h in hits) == 3
    assert "Wat u nu doet, verstoort onze goede relatie" in suggestions[0].suggestion


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x", "label": "ik_boodschap"', "geen geldige JSON"),
        ('{"id": "x", "label": "ik_boodschap", "subtype": "a", "pattern": [], "source": "000_94779b84c1eb6433.txt"}', "explanation"),
        ('{"id": "x", "label": "boos", "subtype": "a", "pattern": [], "source": "000_94779b84c1eb6433.txt", "explanation": "e"}', "onbekend label"),
        ('{"id": "x", "label": "aanjager", "subtype": "a", "pattern": [], "source": "000_94779b84c1eb6433.txt", "explanation": "e"}', "subtype"),
        ('{"id": "x", "label": "open_vraag", "subtype": "a", "pattern": [], "source": "wiki.txt", "explanation": "e"}', "bron"),
        ('{"id": "x", "label": "open_vraag", "subtype": "a", "pattern": [{"LOWER": {"IN": ["@nope"]}}], "source": "000_94779b84c1eb6433.txt", "explanation": "e"}', "woordenlijst"),
        ('{"id": "x", "label": "open_vraag", "subtype": "a", "pattern": [], "source": "000_94779b84c1eb6433.txt", "explanation": "e", "checks": ["magic"]}', "controle"),
        ('{"id": "x", "label": "aanjager", "subtype": "zwart_wit", "pattern": [], "source": "000_94779b84c1eb6433.txt", "explanation": "e", "suggestion": "@nope"}', "herschrijving"),
    ],
)
def test_malformed_rule_file_names_file_and_line(tmp_path, line, message):
    (tmp_path / "lexicon.json").write_text("{}")
    (tmp_path / "suggestions.json").write_text("{}")
    (tmp_path / "kapot.jsonl").write_text("\n" + line + "\n")
    with pytest.raises(RuleFileError) as caught:
        load_rules(tmp_path, known_checks=KNOWN_CHECKS)
    assert "kapot.jsonl, regel 2" in caught.value.message
    assert message in caught.value.message


def test_hit_seconds_come_from_word_timestamps(classifier):
    text = "Ik begrijp dat u boos bent."
    words = [Word("Ik", 0.5, 0.7, 0.9), Word("begrijp", 0.7, 1.1, 0.9), Word("dat", 1.1, 1.3, 0.9),
             Word("u", 1.3, 1.4, 0.9), Word("boos", 1.4, 1.8, 0.9), Word("bent.", 1.8, 2.2, 0.9)]
    hits = with_word_times(classifier.classify(text), text, words)
    begrip = next(h for h in hits if h.rule == "begrip.ik_begrijp")
    assert begrip.seconds == (0.5, 1.3)


def test_classify_cli_one_json_object_per_line():
    lines = ["U bent niet eerlijk.", "ik begrijp dat u boos bent wat is er gebeurd", ""]
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "classify", "--jsonl"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=os.environ.copy(), timeout=120,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == lines
    # The shape stays (fields may be added, none renamed): label, subtype, rule, start, end, text, source.
    assert records[0]["hits"][0].keys() >= {"label", "subtype", "rule", "start", "end", "text", "source"}
    assert all(h["method"] in ("rule", "model") and h["explanation"] for r in records for h in r["hits"])
    assert records[0]["hits"][0]["subtype"] == "persoon_aanvallen" and records[0]["suggestions"]
    assert {"begrip_tonen", "open_vraag", "ik_boodschap"} <= {h["label"] for h in records[1]["hits"]}
    assert records[2]["hits"] == []


def test_aanjagers_not_on_les_6s_list_name_the_seed_they_follow():
    """Les 6's list of conflictaanjagers has no 'kalmeringsbevel' or 'schuld afschuiven' (a test
    session): a calming order follows 3 Reasons Why (communiceer respectvol); blaming the customer or
    passing the problem on names the Les 6 item it is a case of, and pushing the blame off oneself
    ('niet mijn schuld', 'dat was mijn collega') the blog's "Vermijd een defensieve houding" (it was
    cited as 'stop met communiceren', which a later test session found did not describe it)."""
    les6_items = ("val de ander aan", "stop met communiceren")
    # naming the customer as the cause: Les 6 says to say it if you mean it, "maar doe dat nooit op een
    # emotionele manier" (a review found "val de ander aan" cited for it)
    cause = "moet je dat ook zeggen, maar doe dat nooit op een emotionele manier"
    for rule in load_rules(known_checks=KNOWN_CHECKS):
        if rule.subtype == "kalmeringsbevel":
            assert SEED_FILES[rule.source].startswith("3 Reasons Why") and "3 Reasons Why" in rule.explanation, rule.id
        if rule.subtype == "schuld_afschuiven":
            defensive = "blog: vermijd een defensieve houding" in rule.explanation and SEED_FILES[rule.source].startswith("Cliënt")
            assert defensive or cause in rule.explanation or any(
                f"conflictaanjagers: {item}" in rule.explanation for item in les6_items), rule.id


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # CIP stap 2: talking on the condition that the customer stays calm sets the rules, it orders nothing
        ("Ik merk dat u uw stem verheft. Ik wil graag met u praten, maar dan wel rustig.", {"grens_aangeven"}, {"aanjager"}),
        ("Ik wil u graag helpen, maar dan moet u wel rustig blijven.", {"grens_aangeven"}, {"aanjager"}),
        ("mevrouw ik wil u graag helpen maar dan moet u echt wel rustig blijven", {"grens_aangeven"}, {"aanjager"}),
        ("Ik wil u graag helpen, maar dan moet u wel eerst rustig worden.", {"grens_aangeven"}, {"aanjager"}),
        # Les 6: "Je zoekt naar een middenweg, wat een goede manier is om conflicten te beëindigen" (it earned only
        # a closed question, a review)
        ("Zullen we elkaar in het midden treffen?", {"oplossing_zoeken"}, {"aanjager"}),
        # a summary of the customer's own story is no breaking off nor straying (CIP stap 2; -3 each, a test session)
        ("Dus ze hebben naar uw oude loonstroken gekeken, maar dat salaris heeft u niet meer.", {"samenvatten"}, {"aanjager"}),
        ("Dus u bent in februari ontslagen, maar ze hebben gekeken naar uw oude loonstroken, en daarom staat er dat uw "
         "inkomen te hoog was.", {"samenvatten"}, {"aanjager"}),
        # a proposal that includes the trainee orders nothing ("Dan praten we rustig" cost -3, a test session)
        ("Ik zie dat u allebei boos bent. Meneer, gaat u even met mij mee? Dan praten we rustig.", {"oplossing_zoeken"}, {"aanjager"}),
        # an order not to shout is an order, whatever its word order ('U moet niet zo schreeuwen' is one too)
        ("Schreeuw niet zo tegen me!", {"aanjager"}, {"gedrag_benoemen"}),
        # 3 Reasons Why: "Ga vooral niet in discussie"
        ("Ik ga niet in discussie over wie gelijk heeft, ik wil kijken hoe we dit oplossen.", {"oplossing_zoeken"}, {"aanjager"}),
        ("Ik ga niet met u in discussie. Tot ziens.", set(), set()),  # curt and alone: left to the model
        # a rhetorical question pushes the problem back: no open question to earn points with
        ("Ja, wat wilt u dat ik eraan doe?", {"aanjager"}, {"open_vraag"}),
        ("nou ja eh wat wilt u dan dat ik doe", {"aanjager"}, {"open_vraag"}),
        ("Ik weet niet precies wat u bedoelt. Wat wilt u dat ik voor u doe?", {"open_vraag"}, {"aanjager"}),
        # disapproving of the customer's feeling is no understanding of it; not understanding a wait is
        ("Ik begrijp niet waarom u zo boos wordt.", {"aanjager"}, {"begrip_tonen"}),
        ("Ik begrijp niet waarom u zo lang moest wachten, dat spijt me.", {"begrip_tonen"}, {"aanjager"}),
        # a limit followed by a step offered passes on no blame and breaks off nothing (the rules'
        # no_offer_after, now also for the model's aanjager)
        ("Nou, eh, ik kan er ook niks aan doen dat de levering te laat is, maar ik ga wel meteen voor u navragen "
         "waar het pakket is.", {"oplossing_zoeken"}, {"aanjager"}),
        ("nou ik ga niet in discussie, laten we kijken naar een oplossing", {"oplossing_zoeken"}, {"aanjager"}),
        # variations a check session tried: the rules of the conversation in other words
        ("Ik luister graag naar u, maar dan wel op een rustige toon.", {"grens_aangeven"}, {"aanjager"}),
        ("nou eh ik wil best met u praten maar dan wel rustig he", {"grens_aangeven"}, {"aanjager"}),
        # checking a fact or paraphrasing the customer blames no one and breaks off nothing
        ("u heeft de stekker er zelf al uitgetrokken?", {"gesloten_vraag"}, {"aanjager"}),
        ("U bedoelt dus dat u niet meer verbruikt.", {"samenvatten"}, {"aanjager"}),
        ("U heeft het zelf kapot gemaakt.", {"aanjager"}, set()),
        # 'Ja, en?' is no closed question
        ("Ja, en? Wat wilt u dat ik eraan doe?", {"aanjager"}, {"gesloten_vraag", "open_vraag"}),
        # asking politely not to shout names the behaviour (A&O: benoem het gedrag); ordering it,
        # whatever the word order, is a calming order, and a condition set on helping is a boundary
        ("Wilt u alstublieft niet zo schreeuwen?", {"gedrag_benoemen"}, {"aanjager"}),
        ("wil je niet zo schreeuwen", {"gedrag_benoemen"}, {"aanjager"}),
        ("Gaat u niet zo tegen me schreeuwen!", {"aanjager"}, {"gedrag_benoemen", "grens_aangeven"}),
        ("Maar nu moet u echt ophouden met schreeuwen.", {"aanjager"}, {"gedrag_benoemen"}),
        ("Ik wil u graag helpen, maar dan moet u wel ophouden met schreeuwen.", {"grens_aangeven"}, {"aanjager"}),
        # mocking the customer's shouting attacks them (Les 6: val de ander niet aan); asking to speak up on the phone does not
        ("Heel goed meneer, schreeuw nog wat harder, dan hoort de hele straat het.", {"aanjager"}, set()),
        ("schreeuw maar wat harder hoor", {"aanjager"}, {"gedrag_benoemen"}),
        ("Kunt u wat harder praten? Ik versta u slecht.", set(), {"aanjager"}),
        # "niet mijn schuld" shifts blame (quoted whole, not "dat is niet mijn"); owning it is no aanjager
        ("nee dat is niet mijn schuld", {"aanjager"}, set()),
        ("Dat is mijn afdeling, dus u bent bij mij aan het goede adres.", set(), {"aanjager"}),
        # the blog: "Deel een soortgelijke ervaring, indien passend" (a test session read -3 afwijken)
        ("wat vervelend zeg ik heb ook een keer zon wasmachine gehad die lekte heel irritant", {"begrip_tonen"}, {"aanjager"}),
        ("Dat heb ik zelf ook meegemaakt, heel vervelend.", {"begrip_tonen"}, {"aanjager"}),
        ("ik heb zelf ook weleens een week op een bank gewacht dus ik weet hoe balen dat is", {"begrip_tonen"}, {"aanjager"}),
        # spoken without punctuation, a summary's inverted word order and "mevrouw heeft een…" ask nothing
        ("als ik het goed begrijp is de bank nu een week te laat en moet u nog een vrije dag nemen", {"samenvatten"}, set()),
        ("u staat hier al een half uur en mevrouw heeft een afspraak dat is lastig voor u allebei", set(), {"gesloten_vraag"}),
        # asking who the customer is attacks nobody (the model read "u bent …" as an attack); an insult does
        ("U bent meneer De Vries, toch?", set(), {"aanjager"}),
        ("u bent mevrouw jansen", set(), {"aanjager"}),
        ("u bent meneer de zeurpiet", {"aanjager"}, set()),
        # what a summary reports is no step offered (the model read one in it, a test session)
        ("dus als ik het goed begrijp is uw aanvraag afgewezen omdat er een formulier mist en moet u nu de huur betalen",
         {"samenvatten"}, {"oplossing_zoeken"}),
        # "ik vind / denk dat" opening a judgement of the person is no ik-boodschap (Les 6); a view is
        ("ik vind dat u overdrijft", {"aanjager"}, {"ik_boodschap"}),
        ("ik denk dat u het niet goed gelezen heeft mevrouw", {"aanjager"}, {"ik_boodschap"}),
        ("ik vind dat u gelijk heeft", {"ik_boodschap"}, {"aanjager"}),
        # "maar zo gaat het niet" gives a boundary's reason (3 Reasons Why), "Zo gaat het hier niet, klaar." closes
        ("meneer ik wil u graag helpen maar zo gaat het niet", {"grens_aangeven"}, {"aanjager"}),
        ("Zo gaat het hier niet, klaar.", {"aanjager"}, set()),
        ("meneer zo gaat het niet ik beëindig nu het gesprek en ik bel u morgen terug", {"grens_aangeven"}, {"aanjager"}),
        # an introduction is no feeling, a count no warning, "denk ik" inside an attack no view of one's own
        ("goedemiddag meneer ik ben van de monteur", set(), {"ik_boodschap"}),
        ("ik zie dat u heel boos bent en dat snap ik wel als je twee keer voor niks vrij neemt",
         {"begrip_tonen"}, {"grens_aangeven"}),
        ("als u nog een keer scheldt stop ik het gesprek", {"grens_aangeven"}, set()),
        ("ik zal u even uitleggen hoe het werkt bij ons want u snapt het denk ik niet helemaal",
         {"aanjager"}, {"ik_boodschap"}),
        # who asks how they can help does not stop communicating (a spoken telephone greeting)
        ("ja goeiemiddag met eh klantenservice zeg maar waarmee kan ik je helpen", {"open_vraag"}, {"aanjager"}),
        ("ja hallo met klantenservice zeg het maar", set(), {"aanjager"}),
        # asking understanding for one's own side is no begrip tonen (blog: vermijd een defensieve houding)
        ("kijk meneer u moet wel begrijpen dat het na zo een storm heel druk is bij ons", {"aanjager"}, {"begrip_tonen"}),
        ("Kijk, meneer, u moet wel begrijpen dat het na zo'n storm heel druk is bij ons.", {"aanjager"}, {"begrip_tonen"}),
        # agreeing is no attack, also not in a spoken contraction
        ("u overdrijft niet hoor het is echt veel te hoog", set(), {"aanjager"}),
        ("ik vind niet dat u overdrijft", set(), {"aanjager"}),
        ("ik zeg niet dat u liegt", set(), {"aanjager"}),
        ("ik zeg niet dat u liegt maar u overdrijft wel", {"aanjager"}, set()),
        ("ik denk niet dat u snapt hoe een ketel werkt", {"aanjager"}, set()),
        ("das echt niet leuk hè", {"begrip_tonen"}, {"aanjager"}),
        ("da's echt nie leuk he", {"begrip_tonen"}, {"aanjager"}),
        # a bare 'mag ik even' claims the turn; 'mag ik even iets zeggen?' asks
        ("ja maar meneer meneer meneer mag ik even", set(), {"gesloten_vraag", "open_vraag"}),
        ("Mag ik nu even iets zeggen?", {"gesloten_vraag"}, set()),
        # the CIP's spelregels are a boundary, not an order to calm down (the model's doubtful -3)
        ("ik help u graag maar dan moeten we wel rustig met elkaar praten", {"grens_aangeven"}, {"aanjager"}),
        ("ik praat graag met u maar dan wil ik wel dat we allebei rustig blijven", {"grens_aangeven"}, {"aanjager"}),
        ("Rustig! Als u zo doorgaat, bel ik de beveiliging.", {"aanjager", "grens_aangeven"}, set()),
        # a summary keeps to the problem; a straying question still strays
        ("ik wil graag dat we rustig blijven praten dan kan ik ook echt iets voor u doen dus u stond er al om kwart "
         "over negen en mevrouw had een afspraak om half tien", {"samenvatten"}, {"aanjager"}),
        ("En wie heeft hier trouwens die kar midden in het pad gezet?", {"aanjager"}, set()),
        # a check session's nearby variants
        ("begrijpt u wel dat het heel druk is bij ons", {"aanjager"}, {"begrip_tonen"}),
        ("u liegt niet meneer ik zie het ook op mijn scherm", set(), {"aanjager"}),
        ("tis echt niet leuk he", {"begrip_tonen"}, {"aanjager"}),
        ("dat is ook niet niks he mevrouw", {"begrip_tonen"}, {"aanjager"}),
        ("u bent niet goed wijs meneer", {"aanjager"}, set()),
        ("ik zit hier ook de hele dag dit aan te horen hoor het is echt niet leuk", {"aanjager"}, {"begrip_tonen"}),
        # 'kunt u me vertellen' asks also in speech without punctuation
        ("ik hoor dat u echt geschrokken bent van die rekening kunt u me vertellen om welk bedrag het gaat",
         {"open_vraag", "begrip_tonen"}, set()),
        # a refusal is no solution, not imagining the customer's side no understanding (the customer accepted
        # "ik kan het bedrag niet crediteren" with "Dat klinkt redelijk.", a test session); a step after it still is
        ("dat bedrag krijgt u niet terug punt", set(), {"oplossing_zoeken"}),
        ("ik kan het bedrag niet crediteren", set(), {"oplossing_zoeken"}),
        ("ik bel u niet terug hoor", set(), {"oplossing_zoeken"}),
        ("ik zou niet weten wat ik er nog aan kan doen", set(), {"oplossing_zoeken"}),
        ("ik kan het niet vandaag regelen maar ik kan het wel morgen voor u doen", {"oplossing_zoeken"}, set()),
        ("ik zorg ervoor dat u niet nog een keer hoeft te bellen", {"oplossing_zoeken"}, set()),
        ("ik kan me niet voorstellen dat dat zo erg is", set(), {"begrip_tonen"}),
        ("ik snap echt niet dat u daar zo moeilijk over doet", {"aanjager"}, {"begrip_tonen"}),
        ("ik kan me niet voorstellen hoe vervelend dit voor u is", {"begrip_tonen"}, {"aanjager"}),
        ("het kan me ook niks meer schelen", {"aanjager"}, set()),
        # threatening back is an attack, not a boundary (3 Reasons Why: "Reageer niet op agressie met meer agressie";
        # it earned +1 grens aangeven and the customer gave in, a test session)
        ("als u zo blijft doen dan krijgt u helemaal niks van ons", {"aanjager"}, {"grens_aangeven"}),
        ("als u nog één keer zo tegen me praat dan zal u eens wat meemaken", {"aanjager"}, {"grens_aangeven"}),
        ("als u niet ophoudt zorg ik dat uw uitkering stopt", {"aanjager"}, {"grens_aangeven"}),
        ("ik weet waar u woont hoor", {"aanjager"}, set()),
        ("nou als u zo doet dan kunt u het wel schudden met uw aanvraag", {"aanjager"}, {"grens_aangeven"}),
        ("ik wil dat u nu ophoudt met zeuren", {"aanjager"}, {"grens_aangeven"}),
        ("ik wil dat u stopt met schelden", {"grens_aangeven"}, {"aanjager"}),
        ("Als u zo doorgaat, stop ik dit gesprek.", {"grens_aangeven"}, {"aanjager"}),
        # asking the customer's own view is an open question (CIP: doorvragen), not an attack
        ("hoe ziet u dat zelf", {"open_vraag"}, {"aanjager"}),
        ("wat denkt u zelf dat er mis is gegaan", {"open_vraag"}, {"aanjager"}),
        ("wat denkt u wel niet", {"aanjager"}, set()),
        # Les 6's zwart-witoordelen in other words ('U zit ernaast')
        ("daar heeft u het mis mevrouw", {"aanjager"}, set()),
        ("wij maken nooit fouten met de bezorging", {"aanjager"}, set()),
        ("dat gebeurt bij ons nooit", {"aanjager"}, set()),
        # the CIP's spelregels in its own words stand even where the model doubts them; "indenken" shows understanding
        ("ik wil graag met u meedenken op voorwaarde dat u rustig blijft", {"grens_aangeven"}, {"aanjager"}),
        ("ik kan me goed indenken dat u daar wakker van ligt", {"begrip_tonen"}, set()),
        # an exclamation is no question
        ("wat zielig voor u", set(), {"open_vraag"}),
        # breaking off without offering anything (Les 6: stop met communiceren), a threat in other words
        ("ik kan u verder niet helpen fijne dag nog", {"aanjager"}, set()),
        ("u moet daarvoor het formulier op de website invullen meer kan ik niet doen", {"aanjager"}, set()),
        ("ik kan u hier niet mee helpen, maar mijn collega wel, ik bel haar nu", {"oplossing_zoeken"}, {"aanjager"}),
        ("pas maar op wat je zegt vriend", {"aanjager"}, set()),
        ("pas op met die kabel meneer", set(), {"aanjager"}),
        # another possibility is a solution (3 Reasons Why: "bespreek een alternatieve oplossing"); the model gave it nothing
        ("een andere mogelijkheid is dat u het pakket ophaalt bij het afhaalpunt", {"oplossing_zoeken"}, set()),
        ("u kunt het pakket ook ophalen bij het afhaalpunt", {"oplossing_zoeken"}, set()),
        ("een andere mogelijkheid is er niet", set(), {"oplossing_zoeken"}),
        # a sentence that is all a summary attacks no one (CIP: samenvatten); a jab after one still does
        ("Als ik u goed begrijp, bent u ontslagen, is uw aanvraag afgewezen, en weet u niet hoe u de huur moet betalen.",
         {"samenvatten"}, {"aanjager"}),
        ("Oké, dus u zegt dat zij voordrong. Nou, u bent zelf ook niet bepaald een heilige.", {"samenvatten", "aanjager"}, set()),
        # asking what another department said or promised moves no blame (CIP: doorvragen; -3 schuld afschuiven)
        ("en wat heeft de klantenservice gezegd", {"open_vraag"}, {"aanjager"}),
        ("wat hebben ze je beloofd toen je belde", {"open_vraag"}, {"aanjager"}),
        ("Wat heeft u er zelf allemaal aan zitten draaien?", {"aanjager"}, set()),  # a reproach in a question stays one
        # a wish said back with 'gewoon' is a summary, no jab (−3 de persoon aanvallen, a test session)
        ("dus u bent het zat en u wilt gewoon uw bank", {"samenvatten"}, {"aanjager"}),
        # asking for a moment while one looks something up orders no calm (−3 kalmeringsbevel, a test session)
        ("eh wacht even mijn computer is even traag", set(), {"aanjager"}),
        ("wacht even doe eens rustig", {"aanjager"}, set()),
        # hushing the customer is a calming command (3 Reasons Why: communiceer respectvol); it earned nothing
        ("ssst meneer ik probeer u te helpen", {"aanjager"}, set()),
        # blame and "u begrijpt het niet" in spoken word order went unpunished (Les 6: val de ander aan; a test session)
        ("dat heeft u zelf gedaan", {"aanjager"}, set()),
        ("dat had u zelf moeten controleren", {"aanjager"}, set()),
        ("u begrijpt het niet meneer", {"aanjager"}, set()),
        ("als u het niet begrijpt leg ik het nog een keer uit", set(), {"aanjager"}),
        # a stated consequence is a boundary, also when its 'als' is nine words back (3 Reasons Why; it cost −3)
        ("als u nog een keer tegen mij vloekt dan beëindig ik het gesprek", {"grens_aangeven"}, {"aanjager"}),
        # the model's technique on a clause whose only statement is an aanjager (+2 begrip tonen, a test session)
        ("ehm ja dat is dan pech", {"aanjager"}, {"begrip_tonen"}),
        ("dat is dan pech maar ik begrijp dat u baalt", {"aanjager", "begrip_tonen"}, set()),
        # telling the customer not to cry, or both customers to stop, is a calming command (3 Reasons Why; a test session)
        ("u hoeft echt niet te huilen hoor", {"aanjager"}, set()),
        ("ophouden nu allebei", {"aanjager"}, set()),
        ("we moeten stoppen nu allebei want het is tijd", set(), {"aanjager"}),
        ("u hoeft niet zo lang te wachten", set(), {"aanjager"}),
        # a reproach in the ik-form is no ik-boodschap (+2 and the customer calmed, a test session)
        ("ik snap echt niet dat u daar nu pas mee komt", set(), {"ik_boodschap", "begrip_tonen"}),
        # the blog's own open question and plain empathy cost −3 (the model's aanjager, a test session)
        ("kun je me meer vertellen over wat je dwars zit", {"open_vraag"}, {"aanjager"}),
        ("met drie kinderen is dat natuurlijk echt een ramp", {"begrip_tonen"}, {"aanjager"}),
        ("goh wat vervelend zeg ik zou ook boos zijn", {"begrip_tonen"}, {"aanjager"}),
        ("goh wat vervelend nou ik zou zeggen lees de volgende keer de kleine lettertjes", {"aanjager"}, set()),
        ("ja ja ik snap het fijne dag nog", {"aanjager"}, set()),
        # ordering silence is a calming command (3 Reasons Why: communiceer respectvol), missed in a test session
        ("nu even stil", {"aanjager"}, set()),
        ("Stoppen, allebei.", {"aanjager"}, set()),
        ("even stil staan bij wat er gebeurd is", set(), {"aanjager"}),
        ("het is nu even stil aan de lijn", set(), {"aanjager"}),
        # what should have been done for the customer blames no one (a writer's fine reply cost −3)
        ("nou excuses hoor het is vandaag veel te druk en u had allang geholpen moeten zijn", set(), {"aanjager"}),
        ("u had zelf moeten bellen", {"aanjager"}, set()),
        ("u had gewoon thuis moeten zijn", {"aanjager"}, set()),
        # a summary asked back repeats the customer's 'nooit' (De Kracht van LSD), also with a word after 'dus'
        ("Dus eigenlijk heeft u nooit een nieuwe router ontvangen, maar wel een factuur ervoor?", set(), {"aanjager"}),
        ("u betaalt ook nooit op tijd", {"aanjager"}, set()),
    ],
)
def test_what_a_test_session_saw_judged_wrongly(classifier, text, present, absent):
    labels = {label.split(":")[0] for label in predicted_labels(classifier.classify(text))}
    assert present <= labels and not absent & labels, labels


def test_the_blogs_mirroring_example_is_mirroring_not_a_standpoint(classifier):
    """Blog, Spiegelen: "Ik ben het ermee eens dat dit frustrerend is." was explained as a standpoint
    of one's own ('Ik ben het niet met u eens'), a test session."""
    rules = {h.rule for h in classifier.classify("Ik ben het ermee eens dat dit frustrerend is.")}
    assert "begrip.eens" in rules and "ik.standpunt_eens" not in rules
    assert "ik.standpunt_eens" in {h.rule for h in classifier.classify("Ik ben het niet met u eens.")}


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("ok dus sinds zaterdag doet het internet het niet en opnieuw opstarten helpt niet klopt dat", ["klopt dat"]),
        ("Ok, dus sinds zaterdag doet het het niet, klopt dat?", ["klopt dat"]),
        ("Dan kom ik morgen om tien uur, oké?", ["oké"]),
        ("Klopt het dat u gisteren heeft gebeld?", ["Klopt het"]),
        ("ik zie dat u de hele ochtend thuis bent gebleven en dat snap ik heel goed", []),
        ("hoe bent u erachter gekomen dat het niet klopt", []),
        ("Het staat op het bord, dus het klopt.", []),
    ],
)
def test_a_check_question_is_quoted_where_it_asks(classifier, text, quoted):
    """'klopt dat' closing a spoken summary is the check question, not the 'ok' that opened it (a
    test session saw "ok" quoted); a 'goed' or 'klopt' that states something asks nothing."""
    checks = [hit.text for hit in classifier.classify(text) if hit.rule == "vraag.klopt"]
    assert checks == quoted
