"""Why a step (oplossingen zoeken) or a summary the model found is not taken: the trainee refuses the
step, only tells the news, or offers their own step, which is no summary of the customer's words.
WordingClassifier.fuse asks these beside vetoes.py's."""

from __future__ import annotations

import re
from collections.abc import Sequence

from voicecoach.wording.hits import WordingHit
from voicecoach.wording.vetoes import SENTENCE_END


# 'ik kan helaas geen nieuwe afspraak maken' refuses the step it names (the model read an offer, and
# a check session's conversation ended "akkoord met de oplossing"); '…, maar …' may go on to one
REFUSAL = re.compile(r"\b(kan|kunnen|mag|mogen)\b( \w+){0,2} geen (nieuwe |andere )?(afspraak|afspraken|oplossing|regeling)\b",
                     re.IGNORECASE)


OWN_STEP = re.compile(r"^(ik|we|wij)\b", re.IGNORECASE)


def offers_own_step(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """The model's summary over a step the trainee offers ('we sturen u een nieuwe machine en halen de
    oude op is vrijdag goed' was paid +2 samenvatten and the customer answered "Ja, dat klopt helemaal.",
    a test session): a summary reports what the customer said (CIP stap 2), the rules find an offer."""
    return any(other.label == "oplossing_zoeken" and other.lies_within(hit) and OWN_STEP.match(other.text)
               for other in rule_hits)


# Negation the model does not weigh (it matches the example sentence, "niet" or not; test sessions):
# 'ik kan het bedrag niet crediteren', 'ik bel u niet terug hoor', 'ik zou niet weten wat ik er nog aan
# kan doen' were paid as offers and the customer accepted them; '…, maar ik kan wel …' goes on to one.
NEGATED_STEP = re.compile(r"(\b(ik|we|wij)( \w+)? (kan|kunnen|mag|mogen|ga|gaan|zal|zullen|wil|willen|zou|zouden|bel|doe|regel)"
                          r"|\b(krijgt|ontvangt) (u|je)|\b(u|je) (krijgt|ontvangt))"
                          r"((?! (dat|waarom|voordat|omdat|als|zolang|dus|maar)\b) \w+){0,3}? (niet|geen|niks|niets|nooit)( \w+)?"
                          r"( (hoor|meneer|mevrouw|punt|helaas|sorry))*\W*$"  # the refusal ends its sentence
                          r"|\bik zou (het )?(echt |ook )?niet weten\b", re.IGNORECASE)


def refuses_the_step(hit: WordingHit, text: str) -> bool:
    """The model's offer says, in the sentence that holds it, that the step will not be taken ('ik
    kan het bedrag niet crediteren'), or gives up ('ik zou niet weten | wat ik er nog aan kan doen')."""
    opening = max((match.end() for match in SENTENCE_END.finditer(text, 0, hit.start)), default=0)
    closing = next((match.start() + 1 for match in SENTENCE_END.finditer(text, hit.end)), len(text))
    return NEGATED_STEP.search(text[opening:closing]) is not None


# The bad news itself: 'uw aanvraag is afgewezen', 'ik heb helaas geen goed nieuws' (CIP/A&O: het
# slechtnieuwsgesprek). The model read a whole reply that only told the news as an offer, and the
# customer answered "Kan dat echt? Dan wil ik dat wel proberen." (a test session).
NEWS = re.compile(r"\b(afgewezen|niet toegekend|geweigerd|(geen|niet zo) (goed|leuk|fijn) nieuws|slecht nieuws)\b", re.IGNORECASE)


def only_tells_the_news(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """The model's step is a reply that tells the news and offers nothing the rules can find."""
    return NEWS.search(hit.text) is not None and not any(other.label == "oplossing_zoeken" for other in rule_hits)
