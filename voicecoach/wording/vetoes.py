"""Why a hit the model found is not taken, one reason a function: the rules' own checks say the same
for their hits (checks.py, aanjager_checks.py), and WordingClassifier.fuse asks these for the model's."""

from __future__ import annotations

import re
from collections.abc import Sequence

from voicecoach.vocabulary import AANJAGER, QUESTION_LABELS, STATEMENT_REMMERS
from voicecoach.wording.hits import WordingHit
from voicecoach.wording.technique_checks import FLOOR_WORDS, REPEAT_REQUEST

VETO_COVERAGE = 0.6
DOUBTFUL_ORDER = 0.5  # see sets_the_rules
SENTENCE_END = re.compile(r"[.!?]\s")
SAME_SENTENCE_REACH = 40  # characters between a boundary and the threat it opens
LIMIT_KINDS = frozenset({"schuld_afschuiven", "stoppen_met_communiceren", "afwijken_kernprobleem", "zwart_wit"})  # see offers_after
# What a summary reports is the customer's, not the trainee's stance or step (see paraphrased).
REPORTED_LABELS = frozenset({AANJAGER, "oplossing_zoeken"})
# "Heeft u vragen, dan kunt u ons bellen": a verb-first condition with its main clause, no question
# (the rules' yes_no_question check says the same; the model sees only the verb-first words).
CONDITION = re.compile(r",\s*dan\s", re.IGNORECASE)


# a bare 'mag ik even' asks for the turn, not anything of the customer (technique_checks.not_claiming_the_floor)
FLOOR_CLAIM = re.compile(rf"\bmag ik( ({'|'.join(sorted(FLOOR_WORDS))}))*\W*$", re.IGNORECASE)
INVITATION = re.compile(r"\b(zeg|zegt|vertel|vertelt)( u| je)? (het )?maar\b", re.IGNORECASE)


APOLOGY = re.compile(r"^\W*(sorry|excuus|excuses|pardon)\b", re.IGNORECASE)


def asks_to_repeat(hit: WordingHit, text: str) -> bool:
    """The model's understanding is a 'sorry' that asks to hear the customer again ('Sorry, wat zegt
    u?', 'sorry, ik verstond u niet'), as technique_checks.not_asking_to_repeat says of the rule's own."""
    apology = APOLOGY.match(text[hit.start:])
    return apology is not None and REPEAT_REQUEST.match(text[hit.start + apology.end():].lower()) is not None


def asks_to_talk(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """Whether the rules find an open question inside `hit`, or it invites the customer to speak ('zeg
    het maar', 'vertelt u maar'): who asks 'waarmee kan ik je helpen' does not stop communicating (the
    model read spoken telephone greetings so, test sessions)."""
    return INVITATION.search(hit.text) is not None or any(
        other.label == "open_vraag" and other.lies_within(hit) for other in rule_hits)


# aanjager.u_zeurt's judging words: "ik denk niet dat u snapt …" still says "u snapt het niet"
JUDGING = "zeurt|zeikt|liegt|jankt|overdrijft|dramt|jammert|klaagt"
NEGATED_JUDGEMENT = re.compile(rf"\b(u|je|jij) ({JUDGING})( echt| helemaal)? niet\b",
                               re.IGNORECASE)  # 'u liegt niet meneer': the rules' not_negated
DENIAL = re.compile(rf"\bik (zeg|zei|vind|vond|bedoel|beweer|denk)( helemaal| echt| toch| ook)? niet dat (u|je|jij)( \w+){{0,2}} "
                    rf"({JUDGING}|loog|zeurde)\b", re.IGNORECASE)


def rule_aanjager_inside(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """A rule found an aanjager within the model's hit: a veto of the model's reading does not apply."""
    return any(other.label == AANJAGER and other.lies_within(hit) for other in rule_hits)


def denies_a_judgement(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """'ik zeg niet dat u liegt', 'ik vind niet dat u overdrijft': the judgement is taken back, as the
    rules' not_denied check says; the model's −3 quoted it as said (a test session). Not when the
    reply goes on with 'maar' or the rules find an aanjager inside."""
    if rule_aanjager_inside(hit, rule_hits):
        return False
    if NEGATED_JUDGEMENT.search(hit.text) and " maar " not in hit.text.lower():
        return True
    match = DENIAL.search(hit.text)
    return match is not None and " maar " not in hit.text[match.end():].lower()


ASKING_UNDERSTANDING = frozenset({"aanjager.u_moet_begrijpen", "aanjager.begrijpt_u_wel"})


def asks_understanding_for_oneself(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """'u moet wel begrijpen dat het druk is', 'begrijpt u wel dat …' ask the customer's understanding
    for the trainee's side: the model read 'begrijpen' as begrip tonen (+2 and a calmer customer, test
    sessions). Its begrip is vetoed where such a rule hit lies within it or it starts right after one."""
    return any(other.rule in ASKING_UNDERSTANDING and (other.lies_within(hit) or 0 <= hit.start - other.end <= 1)
               for other in rule_hits)


def sets_the_rules(hit: WordingHit, model_hits: Sequence[WordingHit]) -> bool:
    """The model finds a boundary on the same words and is surer of it than of the order to calm down:
    talking on the condition that the customer stays calm is the CIP's spelregels ("… dat u graag met
    de klant wilt praten onder voorwaarde dat hij/zij rustig blijft"), which cost −3 at p 0.45 (a test
    session). A surer order stays ('rustig als u zo doorgaat bel ik de beveiliging' opens with one)."""
    doubt = hit.probability is not None and hit.probability < DOUBTFUL_ORDER
    return doubt and any(other.label == "grens_aangeven" and covered_share(other.start, other.end, [hit]) >= VETO_COVERAGE
                         and (other.probability or 0.0) > (hit.probability or 1.0) for other in model_hits)


# What a summary is read as when it repeats the customer's words: straying, or (a "…, maar dat salaris
# heeft u niet meer" from the customer's own story) breaking off
SUMMED_UP_KINDS = frozenset({"afwijken_kernprobleem", "stoppen_met_communiceren"})


def sums_up(hit: WordingHit, hits: Sequence[WordingHit], text: str) -> bool:
    """A summary inside the model's 'afwijken van het kernprobleem', or one that opens its sentence:
    summing up keeps to the problem (CIP stap 2), it brings in nothing else ('en wat heeft u van ons
    gehoord sinds die dag' cost −3, and 'Dus u bent in februari ontslagen, maar ze hebben gekeken naar
    uw oude loonstroken, …' −3 on its second clause, test sessions). A question may well stray ('wie
    heeft die fiets tegen de gevel gezet'): not vetoed."""
    return any(other.label == "samenvatten" and (other.lies_within(hit) or (
        other.start <= hit.start and not SENTENCE_END.search(text[other.start:hit.start]))) for other in hits)


# A jab after a summary ('Dus u zegt dat hij voordrong, maar u bent zelf ook geen heilige') turns on one of these;
# not the 'gewoon' of a wish said back ('dus u bent het zat en u wilt gewoon uw bank', −3, a test session).
JAB = re.compile(r"\b(maar|nou|zelf|typisch|eigenlijk|ook)\b|(?<!\bwilt )(?<!\bwil )\bgewoon\b", re.IGNORECASE)


def only_sums_up(hit: WordingHit, hits: Sequence[WordingHit]) -> bool:
    """The model's attack on a sentence that is all a summary ('Als ik u goed begrijp, bent u ontslagen,
    … en weet u niet hoe u de huur moet betalen' cost −3 de persoon aanvallen beside +2 samenvatten, a
    test session): a rule's summary opening lies within it and nothing after it turns on the person."""
    return any(other.label == "samenvatten" and other.method == "rule" and other.lies_within(hit)
               and JAB.search(hit.text[other.end - hit.start:]) is None for other in hits)


# 'dan praten we rustig', 'laten we het rustig bekijken': a proposal that includes the trainee orders
# the customer nothing; the writers label "Meneer, gaat u even met mij mee? Dan kunnen we rustig praten."
# a question and "komt u even mee … dan kunnen we rustig praten" an offer, never a calming command
TOGETHER = re.compile(r"\b(we|wij)\b", re.IGNORECASE)
TO_THE_CUSTOMER = re.compile(r"\b(u|je|jij|jullie|doe|doet|hou|houd|houdt|blijf|kalmeer|stop|wees|word|worden|chill|eerst)\b"
                             r"|\b(rustig|kalm)( \w+)? aan\b", re.IGNORECASE)  # 'eerst rustig worden dan pas praten we verder'


def proposes_together(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """The model's calming command on words that say 'we' and address nothing to the customer, and in
    which no rule finds an aanjager."""
    return (TOGETHER.search(hit.text) is not None and TO_THE_CUSTOMER.search(hit.text) is None
            and not any(other.label == AANJAGER and other.overlaps(hit) for other in rule_hits))


def offers_after(hit: WordingHit, hits: Sequence[WordingHit]) -> bool:
    """Whether a step is offered after `hit` ('ik kan er ook niks aan doen dat de levering te laat is,
    maar ik ga wel meteen voor u navragen…'), or after its 'maar' ('ik kan u niks beloven maar ik ga
    mijn best doen om het deze week te regelen', one clause when spoken): stating a limit and then
    offering a step passes on no blame and breaks off nothing, as the rules' own `no_offer_after`
    check says; the model's −3 for it stood beside +2 for the offer (test sessions). A remark that
    leads to a step keeps to the problem ('Trouwens, die jas is in de aanbieding, dus u krijgt …'). A
    hit over several sentences is read from its first ('Ik ben klaar, mevrouw. Alles doet het weer. …,
    hier is mijn nummer, dan kom ik terug')."""
    after = hit.end
    turn = hit.text.lower().find(" maar ")
    if turn >= 0:
        after = hit.start + turn + 1
    sentence = SENTENCE_END.search(hit.text)
    if sentence:
        after = min(after, hit.start + sentence.end())
    return any(other.label == "oplossing_zoeken" and other.start >= after for other in hits)


# Words that open a clause without saying anything yet ('nou mevrouw eh ik snap het hoor').
OPENERS = re.compile(r"^(?:\W*\b(?:ja|nou|eh|ehm|uh|uhm|oh|o|och|ach|jee|goh|kijk|hé|hee|hoi|hallo|meneer|mevrouw|beste|sorry)\b)*\W*$",
                     re.IGNORECASE)
UNDERSTANDING = frozenset({"erkennen", "begrijpen", "inleven", "spiegelen"})  # not an own experience
TURN_WORDS = re.compile(r"\b(maar|alleen|echter|behalve|toch|moet|moeten|hoeft|hoeven|nou|niet de enige|ik zou zeggen)\b",
                        re.IGNORECASE)


def opens_with_understanding(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """The model's aanjager on one clause that a rule's words of understanding (or an invitation to
    tell) open and nothing turns ('wat vervelend mevrouw dat u twee keer gemaild heeft en niks heeft
    gehoord' cost −3 schuld afschuiven, 'ja ik snap je helemaal ik zou ook boos zijn' −3 afwijken van het
    kernprobleem, and the customer got angrier: CIP stap 1, "geef aan dat u de gevoelens … begrijpt";
    the blog's own open question 'kun je me meer vertellen over wat je dwars zit' cost −3 emotioneel
    worden, its 'vertellen' read as 'u gaat mij niet vertellen …'). Not when the rules
    find an aanjager in it, after a turn ('maar', 'toch', 'u moet …') or a sentence end, nor for
    breaking off ('ja ik snap het volgende'), an own experience ('ik heb zelf ook …, daar ging ik ook
    niet over zeuren') or 'sorry' (also said before a retort: 'sorry hoor, ik ben niet uw voetveeg')."""
    if hit.subtype == "stoppen_met_communiceren" or any(other.label == AANJAGER and other.overlaps(hit) for other in rule_hits):
        return False
    opening = [other for other in rule_hits if _welcomes(other) and other.lies_within(hit)
               and OPENERS.match(hit.text[: other.start - hit.start])]
    rest = hit.text[opening[0].end - hit.start:] if opening else ""
    return bool(opening) and not TURN_WORDS.search(rest) and not re.search(r"[.,!?;:]", rest)


def _welcomes(hit: WordingHit) -> bool:
    """Words of understanding (not an own experience, not 'sorry') or an invitation to tell."""
    understands = hit.label == "begrip_tonen" and hit.subtype in UNDERSTANDING and hit.rule != "begrip.excuses"
    return understands or (hit.label == "open_vraag" and hit.subtype == "vertelverzoek")


UNDERSTANDING_MARGIN = 0.1  # see reads_as_understanding


def reads_as_understanding(hit: WordingHit, model_hits: Sequence[WordingHit]) -> bool:
    """The model's aanjager on a stretch the model itself reads as begrip tonen, clearly more surely
    ('met drie kinderen is dat natuurlijk echt een ramp': begrip tonen 0.96, persoon aanvallen 0.62,
    both paid, a test session). In the 16,326 labelled replies every aanjager so outweighed was none, but
    breaking off: 'ja ja ik snap het fijne dag nog' reads as understanding and ends the talk."""
    return hit.subtype != "stoppen_met_communiceren" and any(other.label == "begrip_tonen" and other.method == "model" and (other.start, other.end) == (hit.start, hit.end)
               and (other.probability or 0.0) >= (hit.probability or 0.0) + UNDERSTANDING_MARGIN for other in model_hits)


def paraphrased(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """Whether `hit` is what a rule's summary reports of the customer ('U bedoelt dus | dat u niet
    meer verbruikt'): the customer's words, not the trainee's stance (the model read 'niet meer' as
    breaking off, a check session) nor a step offered ('dus als ik het goed begrijp is uw aanvraag
    afgewezen … en moet u nu de huur betalen' earned "oplossingen zoeken", a test session: a step
    read in a one-sentence summary spoken as one clause is no step either, the rules find a real
    one); the rules' own not_summary check says the same."""
    within_a_sentence = not SENTENCE_END.search(hit.text)  # not what the trainee says after the summary
    summaries = [other for other in rule_hits if other.label == "samenvatten"]
    reports = any(other.start < hit.start <= other.end + 3 for other in summaries)
    holds = hit.label == "oplossing_zoeken" and any(other.lies_within(hit) for other in summaries)
    return within_a_sentence and (reports or holds)


def is_rhetorical(question: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """A question the rules' aanjagers make up most of ('nou ja, wat wilt u dan dat ik doe') is no
    question the customer may answer; the rules drop theirs the same way (component._rhetorical)."""
    aanjagers = [hit for hit in rule_hits if hit.label == AANJAGER]
    return covered_share(question.start, question.end, aanjagers) >= VETO_COVERAGE


def is_remmer_clause(start: int, end: int, rule_hits: Sequence[WordingHit]) -> bool:
    """Whether rule hits of non-question conflictremmers cover most of this stretch: the model's
    aanjager is then vetoed there ("maar ik ga het uitzoeken", "dat kan echt niet" as a boundary).
    Questions are left out: "Waarom doet u zo moeilijk?" is an open question and an attack."""
    remmers = [hit for hit in rule_hits if hit.label in STATEMENT_REMMERS]
    return covered_share(start, end, remmers) >= VETO_COVERAGE


# Words that say nothing of their own beside an aanjager: 'ehm ja dat is dan pech' was paid +2 begrip
# tonen and '… dus dat is uw eigen schuld' read as samenvatten, the model's technique on a clause whose
# only statement is the aanjager the rules found in it (a test session).
EMPTY_WORDS = frozenset(
    "eh ehm uh uhm hm nou ja nee oké ok okay kijk goh oh och ach sorry meneer mevrouw hoor zeg hè he joh "
    "dat dit het dan dus maar en of ook toch gewoon echt wel nu is was u je jij".split()
)


def only_an_aanjager(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """The model's technique is words a rule finds an aanjager, and words that say nothing besides."""
    aanjagers = [other for other in rule_hits if other.label == AANJAGER and other.overlaps(hit)]
    if not aanjagers:
        return False
    rest = list(hit.text.lower())
    for other in aanjagers:
        rest[max(other.start, hit.start) - hit.start : min(other.end, hit.end) - hit.start] = " " * (
            min(other.end, hit.end) - max(other.start, hit.start))
    return set(re.findall(r"\w+", "".join(rest))) <= EMPTY_WORDS


def covered_share(start: int, end: int, covering: Sequence[WordingHit]) -> float:
    """The share of the characters start..end that the `covering` hits cover."""
    covered: set[int] = set()
    for hit in covering:
        covered.update(range(max(start, hit.start), min(end, hit.end)))
    return len(covered) / (end - start) if end > start else 0.0


# 'ik kan me niet voorstellen dat dat zo erg is', 'ik snap echt niet dat u daar zo moeilijk over doet'
# play the problem down or reproach; they were paid as understanding beside the −3 ('ik kan me niet
# voorstellen hoe vervelend dit is' still shows it).
NEGATED_UNDERSTANDING = re.compile(r"\bik (kan|kon) me( \w+)? niet (voorstellen|indenken) dat\b|"
                                   r"\bik (snap|begrijp|zie)( \w+){0,2}? niet (dat|waarom) (u|je|jij)\b|"
                                   r"^\W*((ja|nee|nou|sorry)\W+)*(snap|begrijp) ik (echt |gewoon |dus )?niet\b", re.IGNORECASE)


# 'ik snap het nog niet helemaal', 'dat begrijp ik niet goed': the trainee does not follow (yet), which
# shows no understanding; with 'nog', 'even', 'helemaal', 'goed' or 'precies' it is a gap, not a verdict. A bare
# 'ik snap niet' needs 'nog' or 'even': 'ik snap niet waarom ze u niet gebeld hebben' sides with the customer.
NOT_FOLLOWING = re.compile(r"\b(?:(?:ik (?:snap|begrijp) (?:het|dat|dit)|(?:dat|het|dit) (?:snap|begrijp) ik)(?P<before> (?:nog|even))?"
                           r"|ik (?:snap|begrijp)(?P<gap> (?:nog|even))) niet(?P<after> (?:helemaal|goed|precies|zo goed))?\b", re.IGNORECASE)
QUESTION_WORD = re.compile(r"^\W*(?:(?:meneer|mevrouw|eh|ehm|uh|maar|en)\W+){0,2}(?:wie|wat|waar|wanneer|waarom|hoe|welke?|hoeveel"
                           r"|(?:heeft|hebt|had|is|was|bent|kunt|kan|wilt|weet|zijn|hebben|gaat|komt|doet|staat)"
                           r" (?:u|je|jij|de|het|er|hij|zij|ze|jullie|dat|die))\b", re.IGNORECASE)  # or verb-first: 'heeft u …'


def asks_to_follow(hit: WordingHit, rule_hits: Sequence[WordingHit], text: str) -> bool:
    """The model's aanjager on a reply that says the trainee does not follow yet and asks right after it
    ('nou ik snap het nog niet helemaal waar lekt het dan precies', 'Ho, ik snap het even niet. Waar gaat
    het om tussen jullie?'): asking on is CIP's doorvragen; the model read −3 in 'snap … niet', as its
    writers' 'ik snap het echt niet hoor, wat is daar nou zo moeilijk aan' (no gap: a verdict)."""
    for match in NOT_FOLLOWING.finditer(text, 0, hit.end):
        if not (match.group("before") or match.group("gap") or match.group("after")):
            continue
        rest = text[match.end():]
        asks = QUESTION_WORD.match(rest) is not None or any(
            other.label in QUESTION_LABELS and other.start >= match.end()
            and len(re.findall(r"\w+", text[match.end():other.start])) <= 2 for other in rule_hits)
        if asks and len(re.findall(r"\w+", text[match.end():hit.start])) <= 2:  # the hit holds it, or is the question
            return True
    return False


def denies_understanding(hit: WordingHit) -> bool:
    """The model's understanding or ik-boodschap says the trainee cannot imagine or understand the
    customer's side ('ik snap echt niet dat u daar nu pas mee komt' was paid +2 ik-boodschap and the
    customer calmed, a test session: a reproach in the ik-form, Les 6: val de ander niet aan)."""
    return NEGATED_UNDERSTANDING.search(hit.text) is not None


def does_not_follow(hit: WordingHit) -> bool:
    """The model's understanding says the trainee does not follow ('ik begrijp het nog niet helemaal',
    'dat snap ik niet'): no begrip tonen, though the writers call it an ik-boodschap, spoken from oneself."""
    return NOT_FOLLOWING.search(hit.text) is not None


# 'hoe ziet u dat zelf', 'wat denkt u zelf dat er mis is gegaan' ask the customer's own view (CIP:
# open vragen stellen, doorvragen; blog: vraag welke oplossing hem zou helpen); the model read −3
# (persoon aanvallen, emotioneel worden) in them. 'wat denkt u wel niet' keeps its −3.
OWN_VIEW = re.compile(r"^\W*((en|maar|dus|oké|ok|nou|ja)\W+)?(meneer|mevrouw)?\W*(hoe|wat) (ziet|denkt|vindt|wilt) (u|je|jij)"
                      r"( \w+){0,2} (zelf|ervan|daarvan|daar)\b(?!.*\b(wel niet|wel dat)\b)", re.IGNORECASE)


def asks_own_view(hit: WordingHit) -> bool:
    """The model's aanjager is an open question for the customer's own view."""
    return OWN_VIEW.search(hit.text) is not None


# 'en wat heeft de klantenservice gezegd', 'wat hebben ze je beloofd' ask what was said or promised
# (CIP: doorvragen, de feiten verzamelen): no blame moves by asking it. The model read −3 schuld
# afschuiven (a test session). 'wat heeft u er zelf aan zitten draaien' asks no such thing and keeps it.
WHAT_WAS_SAID = re.compile(r"\bwat (heeft|hebben|had|hadden)\b( \w+){0,6} (gezegd|beloofd|verteld|toegezegd|gemaild|geschreven|"
                           r"geantwoord|aangeboden|afgesproken)\b|\bwat (zei|zeiden|vertelde|vertelden|beloofde|beloofden)\b", re.IGNORECASE)


def asks_what_was_said(hit: WordingHit) -> bool:
    """The model's aanjager is a question for what someone said, promised or agreed."""
    return WHAT_WAS_SAID.search(hit.text) is not None


# 'eh wacht even mijn computer is even traag', 'momentje, ik zoek het op': asking for a moment while the
# trainee works orders no calm (the model read −3 kalmeringsbevel, a test session); 'wacht even, doe
# eens rustig' still does.
ASKS_TO_WAIT = re.compile(r"^\W*((eh|ehm|uh|uhm|nou|ja|oké|ok|sorry)\W+)*(wacht (even|u even|eens|heel even)|momentje|"
                          r"(een|één) moment(je)?)\b", re.IGNORECASE)
CALMING_WORDS = re.compile(r"\b(rustig|kalm|kalmeer|normaal|stil|bedaar|bedaren|ontspan|adem|chill|relax|niet zo)\b", re.IGNORECASE)


def only_asks_to_wait(hit: WordingHit) -> bool:
    """The model's calming command is a request for a moment with no word of calming in it."""
    return ASKS_TO_WAIT.search(hit.text) is not None and CALMING_WORDS.search(hit.text) is None


THREATS = "dreigen"  # the id prefix of the rules for threats back (patterns/rules.jsonl: aanjager.dreigen_*)


def without_remmers_in_a_threat(hits: Sequence[WordingHit]) -> list[WordingHit]:
    """The conflictremmers a threat back seems to hold go. A threat back ('als u zo blijft doen dan
    krijgt u helemaal niks van ons') is no boundary: its 'als u zo blijft' earned +1 grens aangeven and the customer gave in (a test session; 3 Reasons Why:
    "Reageer niet op agressie met meer agressie"); nor is one said with an attack on the person in its
    own words ('ik wil dat u nu ophoudt met zeuren': "blijf beleefd en kalm"). Such boundaries go, and
    so does the model's step on a threat's words ('als u nog een keer belt zet ik u op de zwarte lijst'
    was paid as oplossingen zoeken, a test session)."""
    threats = [hit for hit in hits if hit.rule.startswith(f"aanjager.{THREATS}")]
    attacks = [hit for hit in hits if hit.method == "rule" and hit.subtype == "persoon_aanvallen"]
    return [hit for hit in hits if not (
        hit.label == "grens_aangeven"
        and (any(_close_by(hit, threat) for threat in threats) or any(hit.overlaps(a) for a in attacks))
        or hit.label == "oplossing_zoeken" and hit.method == "model" and any(hit.overlaps(t) for t in threats))]


def _close_by(a: WordingHit, b: WordingHit) -> bool:
    """At most SAME_SENTENCE_REACH characters apart: the boundary opens the threat ('als u zo blijft doen | dan …')."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    return second.start - first.end < SAME_SENTENCE_REACH


# The phone's first words: "ja hallo, met Kevin (van de klantenservice)" is how a call is answered; the
# model read −3 emotioneel worden in it (its 'Ja hallo!' examples are outbursts, a test session).
PHONE_GREETING = re.compile(r"^\W*((ja|nou|hallo|hoi|goedemorgen|goedemiddag|goedenavond|goeiemorgen|goeiemiddag|dag)\W+)*"
                            r"((u|je) spreekt met|met)\s+\w+(\s+\w+)?(\s+(van|bij)\s+(de\s+)?\w+(\s+\w+)?)?\W*$", re.IGNORECASE)


def only_greets(hit: WordingHit) -> bool:
    """The model's aanjager is the greeting that answers the phone."""
    return PHONE_GREETING.search(hit.text) is not None
