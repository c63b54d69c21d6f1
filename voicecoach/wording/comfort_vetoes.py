"""Vetoes of the model's aanjager where harsh-sounding everyday words comfort, sympathise, own a
mistake or repeat the customer's own words. A writer who never saw the rules (2026-11-29,
tests/data/wording_extra_m.jsonl) wrote replies as trainees say them; the model cost −3 on each of
these fine ones. None applies when a rule finds an aanjager inside the model's span."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from voicecoach.wording.aanjager_checks import SYMPATHY
from voicecoach.wording.calming_checks import not_calming_in_words
from voicecoach.wording.hits import WordingHit
from voicecoach.wording.vetoes import rule_aanjager_inside

SENTENCE_START = re.compile(r"[.!?]\s+(?=[^.!?]*$)")

# 'Nee, u bent echt niet gek hoor, die brief is ook onduidelijk', 'je bent niet de enige met deze rekening,
# er is een fout gemaakt': a judgement the customer fears, denied; 'toch' ('u bent toch niet gek'), 'maar'
# ('ja vervelend maar u bent echt niet de enige') and 'nou ja' before it turn it into a put-down.
REASSURANCE = re.compile(r"^\W*((ja|nee|nou|oh|hé|hee)\W+)*(u|je|jij) bent (echt |heus |zeker |helemaal |absoluut )*(niet|geen) "
                         r"(gek|lastig|dom|de enige|de eerste|een zeur|raar|moeilijk|overdreven|vervelend)\b", re.IGNORECASE)
PUT_DOWN_BEFORE = re.compile(r"\b(maar|nou ja|toch)\W*$", re.IGNORECASE)
CALMING_WORDS = re.compile(r"\b(rustig|kalm)\b")
# 'ja dat is echt klote voor je', 'Shit, dat is echt klote wat er met je moeder gebeurd is' (aanjager_checks.not_sympathising)
SWORN_SYMPATHY = re.compile(r"\b(dat|het) is (\w+ ){0,3}?(klote|kut|shit|balen)\b", re.IGNORECASE)
TURNING = re.compile(r"\b(maar|toch|nou ja)\b", re.IGNORECASE)
OPENING_WORDS = 4  # 'Oh shit, dat is echt balen', 'Jeetje, verdomme, wat zonde': the sympathy right after the swearing
# 'Ja, het is onze fout en niet de jouwe, de planning heeft je adres twee keer ingevoerd'
OWNING = re.compile(r"\b(onze|mijn) (fout|schuld|verantwoordelijkheid)\b|\bligt (het |dat )?(aan|bij) (ons|mij)\b"
                    r"|\b(u|je|jij) (heeft|hebt) (helemaal )?gelijk\b|\bdat had (echt |gewoon )?niet (gemogen|gemoeten)\b"
                    r"|\bik had (u|je|jou) (\w+ )?(moeten|even)\b", re.IGNORECASE)
# 'Dus u zegt, meneer, dat die mevrouw nooit wacht', 'dus als ik het samenvat je vindt dat wij nooit luisteren'
REPORTED = re.compile(r"\b(als ik het (goed )?samenvat|(u|je|jij|jullie) (zegt|zei|vindt|vond|bedoelt|heeft het gevoel|hebt het gevoel)"
                      r"(,? \w+){0,2}?(,? dat\b|:))", re.IGNORECASE)

# what turns a summary into the trainee's own verdict: 'dus u zegt dat … nou dat is echt nooit gebeurd',
# '…, dat zegt iedereen', 'u zegt dat ik u niet wil helpen, zo is het echt niet'
TURNED = re.compile(r"\b(maar|nou|volgens mij|iedereen|typisch|zo is het|niet waar|echt niet)\b", re.IGNORECASE)


def reassures(hit: WordingHit, rule_hits: Sequence[WordingHit], text: str) -> bool:
    """The model's aanjager opens with a denied judgement ('u bent … gek', 'de enige' read as an attack
    or as seeking allies) that nothing before turns into a put-down."""
    if rule_aanjager_inside(hit, rule_hits):
        return False
    return REASSURANCE.match(hit.text) is not None and PUT_DOWN_BEFORE.search(text[: hit.start]) is None


def gives_time(hit: WordingHit, text: str, words: Mapping[str, frozenset[str]]) -> bool:
    """The model's aanjager (a calming order, or another kind read on the same words) opens with 'rustig
    aan' that gives time or asks care with a thing ('Rustig aan, geen haast hoor, ik wacht wel even',
    'kalm aan met die tas joh, er zitten eieren in') or allows the anger ('je hoeft niet rustig te
    blijven voor mij'), as the rules' a_command reads it."""
    said = text[hit.start :].lower()
    return CALMING_WORDS.search(said[:25]) is not None and not not_calming_in_words(said[:120], words)


def sympathises(hit: WordingHit, rule_hits: Sequence[WordingHit], text: str, words: Mapping[str, frozenset[str]]) -> bool:
    """The model's outburst or blame is everyday sympathy in swear words, which the rules let pass
    (aanjager_checks.not_sympathising): in its words, or right after the swear words it opens with
    ('Verdorie, dat is echt pech'); a 'maar' after it turns it ('wat vervelend, maar …')."""
    if rule_aanjager_inside(hit, rule_hits):
        return False
    if SWORN_SYMPATHY.search(hit.text) is not None:
        return True
    said = re.findall(r"\w+", text[hit.start : hit.start + 120].lower())
    for index in range(1, min(OPENING_WORDS, len(said))):
        if SYMPATHY.match(" ".join(said[index:])) and set(said[:index]) & words["swear_words"]:
            return TURNING.search(hit.text) is None
    return False


def owns_the_mistake(hit: WordingHit, rule_hits: Sequence[WordingHit], text: str) -> bool:
    """The model's 'schuld afschuiven' in a reply that owns the mistake ('het is onze fout', 'u heeft
    gelijk', 'dat had niet gemogen'): naming what a colleague did wrong then explains, it blames no
    one (3 Reasons Why: neem de klacht serieus)."""
    owning = OWNING.search(text)
    return (not rule_aanjager_inside(hit, rule_hits) and owning is not None
            and re.search(r"\bmaar\b", text[owning.end() :], re.IGNORECASE) is None)  # '…, maar ik sta hier alleen


def repeats_their_absolutes(hit: WordingHit, text: str) -> bool:
    """A zwart-wit 'nooit/altijd' inside a summary of what the customer says ('Dus u zegt, meneer, dat die
    mevrouw nooit wacht en altijd voordringt'): the customer's own words, said back (CIP: samenvatten);
    a 'maar' after them turns the summary into a judgement."""
    start = max((match.end() for match in SENTENCE_START.finditer(text[: hit.start])), default=0)
    said = text[start : hit.end]
    reported = REPORTED.search(said)
    return reported is not None and TURNED.search(said[reported.end() :]) is None
