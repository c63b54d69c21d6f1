"""Exemptions of single aanjager rules that token patterns cannot express: the same words that
judge, break off or vent in one reply report finished work, regret or an offer in another (Les 6)."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from voicecoach.wording.calming_checks import CALMING_CHECKS
from voicecoach.wording.checks import Check, Context, clause_end, clause_start


def not_a_mishap(doc: Doc, _start: int, end: int, ctx: Context) -> bool:
    """'Nooit' regrets what happened to the customer ('dat had u nooit mogen overkomen', 'dat had
    nooit mogen gebeuren') or says what the customer never got ('dat u nooit een bevestiging heeft
    ontvangen'): sympathy or a summary, not a judgement of the customer."""
    return not any(token.lower_ in ctx.words["mishap_verbs"] for token in doc[end - 1 : end + 4])


def not_first_person_object(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """'u/je' is not the object of what the speaker does ('ik bel u altijd terug', 'ik laat u
    nooit zonder internet'): a promise, not a judgement. 'ik vind u altijd…' still judges."""
    if start < 2:
        return True
    return not (doc[start - 2].lower_ in {"ik", "we", "wij"} and doc[start - 1].lower_ not in {"vind", "vond", "vinden"})


ALMOST = {"zo", "bijna", "zowat", "zometeen"}


def not_almost_done(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """'Ik ben zo klaar met uw gegevens' says the work is nearly done; 'ik ben er zo klaar mee'
    and 'ik ben het zo zat' still vent frustration."""
    last = doc[end - 1]
    return not (last.lower_ == "klaar" and doc[end - 2].lower_ in ALMOST and "er" not in {t.lower_ for t in doc[start:end]})


OBJECT_GOVERNORS = {"voor", "bij", "met", "aan", "naar", "van", "kan", "kon", "kunnen", "help", "helpen"}


def judges_the_manner(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'U doet moeilijk', 'jij altijd zo lastig!' judge the customer (Les 6); 'ik kan u zo lastig
    volgen' and 'het is voor u zo lastig' do not: without 'doe(t)' the word must close its clause
    and 'u' must not be the object of a verb or preposition."""
    if any(token.lower_ in {"doe", "doet"} for token in doc[start:end]):
        return True
    return (start == 0 or doc[start - 1].lower_ not in OBJECT_GOVERNORS) and clause_end(doc, start, end, ctx)


def closes_a_sentence(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """A bare 'Klaar.' closes the talk only at a sentence's end ('Zonder bon geen geld. Klaar.',
    '…, klaar.'); 'Klaar, u kunt uw pas eruit halen' and 'nou, klaar, hij doet het weer' say a job is
    done. Longer matches ('einde verhaal', 'punt uit') stand anywhere."""
    if end - start > 1 or doc[start].lower_ != "klaar":
        return True
    return end >= len(doc) or doc[end].text in {".", "!"} or (doc[end].is_punct and end + 1 >= len(doc))


AGREEMENT_WINDOW = 4


def not_agreeing(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'Ja, u heeft gelijk, dat klopt niet, die afschrijving is dubbel' agrees with the customer;
    'nee hoor, dat klopt gewoon niet' contradicts. An agreeing word ('ja', 'gelijk', 'sorry',
    'overkomen') just before the match or later in the reply, and no 'gewoon/echt' inside it."""
    if any(token.lower_ in ctx.words["dismissing_adverbs"] for token in doc[start:end]):
        return True
    around = [*doc[max(0, start - AGREEMENT_WINDOW) : start], *doc[end:]]
    return not any(token.lower_ in ctx.words["agreeing"] for token in around)


DETERMINERS = {"de", "het", "deze", "die", "dit", "dat", "uw", "jouw", "je", "mijn", "onze", "ons", "al"}


def not_done_with_a_task(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'Ik ben klaar met de meting', '… met zoeken' reports finished work; 'ik ben klaar met u',
    '… met dit gesprek', '… met dat gezeur', '… met dit.' breaks off (Les 6)."""
    after = end + 1 if doc[end - 1].lower_ == "klaar" and end < len(doc) and doc[end].lower_ == "met" else end
    if doc[after - 1].lower_ != "met":
        return True  # 'ik ben er klaar mee', 'ik ben het zat'
    words = [token for token in doc[after : after + 4] if not token.is_punct]
    if not words or words[0].lower_ in ctx.words["you"] - {"je", "uw"} or words[0].is_sent_start:
        return True
    content = next((token for token in words if token.lower_ not in DETERMINERS), None)
    if content is None or content.is_sent_start or content.i > words[0].i + 2:
        return words[0].lower_ in {"dit", "dat", "je"}  # 'klaar met dit', 'klaar met je'
    return content.lower_ in ctx.words["conversation_nouns"]


def klaar_without_follow_up(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'ik ben er klaar mee voor vandaag, … u krijgt vanmiddag een brief met een nieuwe datum' breaks off
    with an arrangement (3 Reasons Why), as aanjager.klaar_mee's no_follow_up reads it; 'zat', 'beu' stay."""
    return doc[end - 1].lower_ != "klaar" or no_follow_up(doc, start, end, ctx)


def not_klaar_met(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'Ik ben klaar met …' is finished work or breaking off ('… met u', '… met dit gesprek':
    aanjager.klaar_mee), never the frustration of 'ik ben het zat' on its own."""
    return not (doc[end - 1].lower_ == "klaar" and end < len(doc) and doc[end].lower_ == "met")


OWN_SIDE = {"ons", "mij", "mezelf", "mijzelf"}


def not_owned(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'Dat is gewoon fout van ons', '… de schuld van mij' owns the mistake (3 Reasons Why: neem de
    klacht serieus); '… fout van mijn collega', '… van de planning' passes it on."""
    return end >= len(doc) or doc[end].lower_ not in OWN_SIDE


def about_complaints(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'Niemand anders klaagt', 'niemand had hier een probleem mee' sets the customer against all
    others (Les 6); 'niemand heeft u teruggebeld' admits what went wrong."""
    match = {token.lower_ for token in doc[start:end]}
    if match & {"anders", "klaagt", "klaagde", "zegt", "vindt"}:
        return True
    return any(token.lower_ in ctx.words["complaint_words"] for token in doc[end : doc[end - 1].sent.end])


def bare_at_clause_start(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'Zo is.' / 'regels zijn' without 'het' or a second 'regels' only stands opening its clause
    ('Zo zijn jullie allemaal'), not as the verb-final end of a subordinate clause ('dat het bij u
    wel zo is', 'wat de regels zijn')."""
    return end - start > 2 or clause_start(doc, start, end, ctx)


FOLLOW_UP_PEOPLE = {"collega", "dispatch", "politie", "leidinggevende"}
# an arrangement named after breaking off: a letter, a report, a date or who calls back when (3 Reasons Why)
FOLLOW_UP = {"afspraak", "meld", "melden", "melding", "brief", "rapport", "datum", "terug", "terugbellen", "terugkomen",
             "morgen", "morgenochtend", "vanmiddag", "vanavond", "overmorgen", "later", "straks", "teamleider"} | FOLLOW_UP_PEOPLE


def no_follow_up(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Breaking off without arranging anything: no new appointment, report or hand-over in its
    sentence or after it ('Ik beëindig nu het gesprek. U kunt morgen om negen uur terugbellen.', 'Ik ga
    nu weg, want zo komen we er niet uit. Dat is niet om u te straffen, hoor. Ik heb een nieuwe afspraak
    gemaakt, …') (3 Reasons Why: break off and make a new appointment straight away)."""
    return not any(token.lower_ in FOLLOW_UP for token in doc[doc[start].sent.start :])


STOP_VERBS = {"stop", "stoppen", "beëindig", "beeindig", "breek", "hang", "ga", "gaan", "moet"}  # after "ik/we"


def not_a_boundary_reason(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """"zo gaat het niet" after "maar/want" gives the reason for a boundary or a stop ("ik wil u graag
    helpen maar zo gaat het niet": 3 Reasons Why, "maar niet als de klant zich zo gedraagt"), not a
    closed rule, and so it does before a stop ("zo gaat het niet ik beëindig nu het gesprek"); "Zo gaat
    het hier niet, klaar." still closes the discussion."""
    if doc[start + 1].lower_ != "gaat":
        return True
    after = [token.lower_ for token in doc[end : end + 2] if not token.is_punct]
    stops = len(after) == 2 and after[0] in {"ik", "we", "wij"} and after[1] in STOP_VERBS
    return not (stops or (start > 0 and doc[start - 1].lower_ in {"maar", "want"}))



def again_not_a_count(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """'als u nog een keer …' warns; 'als je twee keer voor niks vrij neemt' counts, and is empathy
    (a test session read it as a boundary)."""
    return doc[end - 1].lower_ != "keer" or any(token.lower_ == "nog" for token in doc[start:end])


def not_an_introduction(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """'ik ben van de monteur / de gemeente' says who one is, not a feeling ('ik schrik ervan' is one):
    a test session read it as an ik-boodschap about one's own feeling."""
    return not (end - start == 3 and doc[start + 1].lower_ == "ben" and doc[end - 1].lower_ == "van")


def not_a_that_clause(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'Het is niet zo dat ik u niet wil helpen' reassures ('it is not that…'); only 'Dat is niet
    zo.' on its own contradicts the customer (a test session saw -3 for the first)."""
    return end >= len(doc) or doc[end].lower_ != "dat"


def not_mirroring(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'Ik ben het ermee eens dat dit frustrerend is' mirrors the customer's feeling (blog:
    Spiegelen; rule begrip.eens), it gives no standpoint of one's own (a test session)."""
    after = [token.lower_ for token in doc[end : end + 2]]
    return after[:1] != ["dat"] and after != ["eens", "dat"]


def not_who_is_right(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'Ik ga niet beslissen wie er gelijk heeft' keeps the employee neutral between two
    customers (CIP: bemiddelen), it passes no decision on."""
    return end >= len(doc) or doc[end].lower_ not in {"wie", "wiens"}


OFFER_VERBS = {"kan", "kunnen", "ga", "gaan", "wil", "zal", "u"}


def _offers(ctx: Context) -> frozenset[str]:
    return ctx.words["solution_verbs"] | ctx.words["solution_nouns"] | FOLLOW_UP | {"bel", "regel", "zorg", "stuur", "sms", "mail",
                                                                                 "onderzoek"}


def no_offer_after(doc: Doc, _start: int, end: int, ctx: Context) -> bool:
    """Not followed in the reply by what the speaker will do ('ik kan er niks aan doen dat het pakket bij
    de buren ligt, maar ik kan wel meteen een ophaalopdracht aanmaken', '… Ik zet nu een onderzoek in',
    '… dat zijn de regels. Maar omdat hij kapot is, valt hij onder de garantie. En dan repareren we hem
    gratis.') or another way ('Het is ons beleid dat we geen contant geld aannemen. Maar u kunt hier bij de
    zuil pinnen.'): stating a limit and then offering a step passes on no blame."""
    offers = _offers(ctx)
    following = doc[end:]
    return not any(
        token.lower_ in offers or (token.lower_ == "wel" and token.i > 0 and doc[token.i - 1].lower_ in OFFER_VERBS)
        or (token.lower_ in {"kunt", "kan"} and {"u", "je"} & {near.lower_ for near in doc[token.i - 1 : token.i + 2]})
        for token in following
    )


def no_way_out_after(doc: Doc, _start: int, end: int, ctx: Context) -> bool:
    """A flat no: nothing later in the reply opens another way ('Nee, dat kan niet, die kassa is
    dicht. Kassa drie is wel open.', '…, dat moet via de website') or offers a step."""
    ways_out = (ctx.words["ways_out"] | _offers(ctx)) - FOLLOW_UP_PEOPLE  # 'dat bepaalt mijn leidinggevende' passes it on
    return not any(token.lower_ in ways_out for token in doc[end:])


def not_about_behaviour(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """'U duwt mevrouw, dat kan echt niet.': a no said to named behaviour draws a line (grens
    aangeven), it does not dismiss the customer's case."""
    named = ctx.words["behaviour_verbs"] | ctx.words["behaviour_nouns"] | ctx.words["loud_words"]
    return not any(token.lower_ in named for token in doc[:start])


def third_party_subject(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """Someone else speaks for the speaker ('mijn collega zal u hetzelfde vertellen'), not the
    speaker or the customer ('ik zal u hetzelfde vertellen')."""
    return start == 0 or doc[start - 1].lower_ not in ctx.words["first_person"] | ctx.words["you"]


def the_whole_reply(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """The match is all the reply says ('Nee.', 'Nee hoor.', 'Ehm, dag meneer.'): nothing else but
    fillers and address."""
    bare = ctx.words["clause_openers"] | ctx.words["adverb_fillers"]
    return all(token.is_punct or token.lower_ in bare for token in [*doc[:start], *doc[end:]])


HELP_SERVICES = {"politie", "beveiliging", "bewaking", "security", "112", "dispatch", "beveiliger"}


def not_calling_for_help(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Calling the police or security is 'hulp inschakelen' (3 Reasons Why), not a solution."""
    return not any(token.lower_ in HELP_SERVICES for token in doc[start].sent)


DENYING_VERBS = {"zeg", "zeggen", "vind", "vinden", "bedoel", "bedoelen", "beweer", "beweren", "denk", "denken", "zei", "vond"}


def not_denied(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """Not in the 'dat'-clause of a denial: 'ik zeg niet dat u liegt', 'ik vind helemaal niet dat u
    overdrijft' take the judgement back (a test session: -3 quoting "u liegt" as if said)."""
    if start < 3 or doc[start - 1].lower_ != "dat":
        return True
    before = [token.lower_ for token in doc[max(0, start - 6) : start - 1]]
    return not (set(before) & DENYING_VERBS and set(before[-3:]) & ctx.words["negations"])


PARTICIPLE = re.compile(r"^(\w*ge\w+(d|t|en)|(be|ver|ont|her|er)\w+(d|t))$")  # geholpen, teruggebeld, verteld


def not_passive(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """'u had zelf moeten bellen', 'u had gewoon thuis moeten zijn' blame; 'u had allang geholpen moeten
    zijn' (… worden) says what should have been done for the customer, an apology's words (a writer's
    fine reply cost −3)."""
    passive = end < len(doc) and doc[end].lower_ in {"zijn", "worden"} and end - 2 > start
    return not (passive and PARTICIPLE.match(doc[end - 2].lower_))


# What the customer's bad luck is called in everyday words ('dat is echt klote voor je', 'wat zonde', 'dat
# is ook niet niks', 'wat een pech'): said after a swear word, it sympathises (also comfort_vetoes.sympathises)
SYMPATHY = re.compile(r"^((dat|het) is (\w+ ){0,3}?|wat (een )?(\w+ )?)"
                      r"(klote|kut|shit|balen|rot|erg|naar|vervelend|zuur|pech|zonde|niet niks|ellende)\b")


def not_sympathising(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """A swear word said about the customer's bad luck ('ja, dat is echt klote voor je', 'Jeetje, shit,
    dat is echt klote, je hele boodschappentas op de grond') sympathises in everyday words; it is no
    outburst of the trainee's own (Les 6: word niet emotioneel). As a curse it still counts."""
    before = [token.lower_ for token in doc[max(0, start - 5) : start] if not token.is_punct]
    opening = [index for index, (word, after) in enumerate(zip(before, before[1:])) if word in {"dat", "het"} and after == "is"]
    if opening and SYMPATHY.match(" ".join([*before[opening[-1] :], doc[start].lower_])):
        return False
    following = " ".join(token.lower_ for token in doc[end : end + 7] if not token.is_punct)
    return not (end - start == 1 and SYMPATHY.match(following))  # 'jeetje shit dat is echt klote …'


SAID_BACK = re.compile(r"\b(als ik het (goed )?samenvat|(u|je|jij|jullie) (zegt|zei|vindt|vond|bedoelt)( ,)?( \w+( ,)?){0,2}? (dat|:))")


def not_said_back(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """'Dus je zegt eigenlijk: ze komen nooit op tijd, … en je moet altijd alles zelf navragen' repeats
    the customer's own absolutes (CIP: samenvatten), unless a 'maar' turns it after them."""
    said = " ".join(token.text.lower() for token in doc[doc[start].sent.start : start])
    reported = SAID_BACK.search(said)
    return reported is None or " maar " in said[reported.end() :]


AANJAGER_CHECKS: dict[str, Check] = {
    **CALMING_CHECKS,
    "not_said_back": not_said_back,
    "klaar_without_follow_up": klaar_without_follow_up,
    "not_sympathising": not_sympathising,
    "not_denied": not_denied,
    "not_first_person_object": not_first_person_object,
    "not_a_mishap": not_a_mishap,
    "bare_at_clause_start": bare_at_clause_start,
    "not_almost_done": not_almost_done,
    "not_agreeing": not_agreeing,
    "closes_a_sentence": closes_a_sentence,
    "judges_the_manner": judges_the_manner,
    "not_done_with_a_task": not_done_with_a_task,
    "not_klaar_met": not_klaar_met,
    "about_complaints": about_complaints,
    "no_follow_up": no_follow_up,
    "not_a_boundary_reason": not_a_boundary_reason,
    "not_an_introduction": not_an_introduction,
    "again_not_a_count": again_not_a_count,
    "not_who_is_right": not_who_is_right,
    "not_mirroring": not_mirroring,
    "not_a_that_clause": not_a_that_clause,
    "no_offer_after": no_offer_after,
    "not_owned": not_owned,
    "not_calling_for_help": not_calling_for_help,
    "not_passive": not_passive,
    "no_way_out_after": no_way_out_after,
    "not_about_behaviour": not_about_behaviour,
    "third_party_subject": third_party_subject,
    "the_whole_reply": the_whole_reply,
}
