"""Exemptions of the calming-command rules (kalmeringsbevel, Les 6: 'rustig aan!'): the same calming
words give time, ask care with a thing, set a condition, allow the anger or propose calming down
together in one reply, and order the customer about in another."""

from __future__ import annotations

import re
from collections.abc import Mapping

from spacy.tokens import Doc

from voicecoach.wording.checks import Check, Context


ARTICLES_AFTER_AAN = {"de", "het", "een", "die", "deze", "uw", "mijn", "onze", "zijn", "haar"}  # "rustig aan de …"
PLACES_AFTER_AAN = {"tafel", "boord", "wal"}  # "rustig aan tafel kijken wat er moet gebeuren": a place, no article


# 'kalm aan met die deur, die klemt' asks care with a thing; 'zeg, kalm aan met die deur' rebukes the slamming
CAREFUL_WITH = re.compile(r"^(?P<rebuke>(\w+ )*zeg )?(\w+ ){0,2}?(rustig|kalm) aan (hoor )?met (de|het|dat|die|dit|deze|je|jouw|uw) (?P<thing>\w+)")
ON_CONDITION = re.compile(r"\b(als|zolang|wanneer) (u|je|jij|jullie) (\w+ )?(normaal|rustig|kalm)\b")
PERMITTED = re.compile(r"\b(hoeft|hoef) (je |u )?(echt |helemaal )?niet (rustig|kalm|stil)\b")
# 'rustig aan, je hoeft niet te haasten', '… neem gerust de tijd', '… ik wacht wel even': time given, no order
GIVING_TIME = re.compile(r"\b(geen haast|niet (te )?haasten|(de|alle|uw|je) tijd|ik wacht|ik ga nergens heen"
                         r"|ik blijf (hier )?(gewoon )?bij (u|je)|(niks|niets) ernstigs|we gaan (even )?zitten)\b")


def a_command(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'Rustig aan!' as a command: not permission ('doe maar rustig aan met tekenen': take your
    time), not 'aan' as a preposition ('rustig aan de achterkant parkeren kan ook', 'aan tafel'), not
    care with a thing ('kalm aan met dat trapje, dat staat niet stevig'; 'rustig aan met dat geschreeuw'
    still orders) and not time given ('Rustig aan, geen haast hoor, ik wacht wel even')."""
    before = [token.lower_ for token in doc[max(0, start - 3) : start]]
    if before[-1:] == ["maar"] and {"doe", "doet"} & set(before):
        return False
    following = [token.lower_ for token in doc[end : end + 3] if not token.is_punct]
    if doc[end - 1].lower_ == "aan" and following[:1] and following[0] in ARTICLES_AFTER_AAN | PLACES_AFTER_AAN:
        return False
    return not_calming_in_words(" ".join(token.lower_ for token in doc[max(0, start - 2) : end + 14] if not token.is_punct),
                                ctx.words)


def not_calming_in_words(said: str, words: Mapping[str, frozenset[str]]) -> bool:
    """`said` (lowercase, from the calming words on) orders calm: no thing to be careful with after
    'aan met', no time given (a_command; vetoes.gives_time for the model's hit)."""
    careful = CAREFUL_WITH.search(said)
    behaviour = words["behaviour_nouns"] | words["loud_words"] | words["swear_words"]
    if careful and careful.group("thing") not in behaviour and not careful.group("rebuke"):
        return False
    if ON_CONDITION.search(said):
        return True  # 'rustig aan, u krijgt alle tijd als u normaal doet' sets a condition on calming down
    return GIVING_TIME.search(said) is None and PERMITTED.search(said) is None


def not_a_joint_proposal(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """'Laten we allebei even rustig worden', 'zullen we even rustig gaan zitten' propose calming down
    together, the speaker included: no order to the customer (the writers label such proposals
    oplossingen zoeken: 'Zullen we even rustig gaan zitten?')."""
    before = [token.lower_ for token in doc[max(0, start - 4) : start] if not token.is_punct]
    return not any(first in {"laten", "zullen"} and second in {"we", "wij"} for first, second in zip(before, before[1:]))


COMMAND_LEADS = {"nu", "zo", "hé", "hee", "hallo"}  # besides the lexicon's clause openers (nou, en, ja, oké …)


def bare_infinitive_command(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """'ophouden nu allebei' as an order opens its clause by itself ('nu ophouden allebei' too),
    not after a finite verb whose infinitive it is ('we moeten stoppen nu allebei')."""
    if start == 0 or doc[start].is_sent_start:
        return True
    previous = doc[start - 1]
    return previous.is_punct or previous.lower_ in ctx.words["clause_openers"] or previous.lower_ in COMMAND_LEADS


def not_standing_still(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'Nu even stil' orders silence; 'even stil staan bij wat er gebeurde' asks to reflect."""
    return end >= len(doc) or doc[end].lower_ not in {"staan", "stilstaan", "bij"}


CALM_STATES = {"rustig", "kalm", "stil", "normaal"}


def not_permission(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """'je hoeft niet rustig te blijven voor mij, je mag best boos zijn' allows the anger it seems to
    order away; 'u hoeft niet zo te schreeuwen' still orders."""
    words = [token.lower_ for token in doc[start:end]]
    return not ({"hoeft", "hoef"} & set(words) and "niet" in words and words[-1] in CALM_STATES)


CALMING_CHECKS: dict[str, Check] = {
    "a_command": a_command,
    "not_permission": not_permission,
    "not_standing_still": not_standing_still,
    "not_a_joint_proposal": not_a_joint_proposal,
    "bare_infinitive_command": bare_infinitive_command,
}
