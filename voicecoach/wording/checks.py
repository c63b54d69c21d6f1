"""Conditions token patterns cannot express (the pipeline has no tagger or parser): the sentence
checks (clauses, questions, negation, conditions, reported speech, summaries); the exemptions
of single aanjager rules are in aanjager_checks.py, those of single technique rules in
technique_checks.py.

Each check gets the doc, the match's token span and the lexicon, and says whether the match
stands. Rules name them in their "checks" list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc

NEGATION_LOOKAHEAD = 3  # "ik begrijp het echt niet": the negation follows the verb


@dataclass(frozen=True)
class Context:
    """Lexicon sets and facts about the whole text that checks need."""

    words: dict[str, frozenset[str]]
    punctuated: bool
    """False for speech-recognition text without punctuation: clause starts are then guessed."""


Check = Callable[[Doc, int, int, Context], bool]


def clause_start(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """The match opens a clause: text start, after punctuation, after a conjunction or filler,
    or (text without punctuation) right after a finite verb that closed the previous clause."""
    if start == 0 or doc[start].is_sent_start:
        return True
    previous = doc[start - 1]
    lower = previous.lower_
    if previous.is_punct or lower in ctx.words["clause_openers"]:
        return True
    if not ctx.punctuated:
        return lower in ctx.words["finite_verbs"] or lower in ctx.words["emotion_states"]
    return False


# words that, put first, make 'kunt u me vertellen' a statement: 'dat kunt u me vertellen', 'dan kunt u …'
DECLARATIVE_TOPICS = {"dat", "dit", "wat", "die", "daar", "hier", "dan", "nu", "straks", "morgen", "zo", "het", "er",
                      "waar", "als", "of", "toen", "wanneer", "hoe", "waarom", "wie", "zodat", "omdat", "ook"}


def opens_a_request(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'Kunt u me vertellen …' asks wherever it stands in speech without punctuation ('ik hoor dat u
    geschrokken bent van die rekening kunt u me vertellen om welk bedrag het gaat' lost its open
    question, a test session), unless a word put first makes it a statement."""
    if clause_start(doc, start, end, ctx):
        return True
    return not ctx.punctuated and doc[start - 1].lower_ not in DECLARATIVE_TOPICS

def sentence_end_char(doc: Doc, index: int) -> str:
    sentence = doc[index].sent
    last = sentence[-1]
    return last.text if last.is_punct else ""


def _is_exclamation(doc: Doc, start: int, ctx: Context) -> bool:
    """'Wat bent u brutaal.' / 'Wat is het vervelend!': a judging word and no question mark."""
    evaluative = ctx.words["insult_adjectives"] | ctx.words["empathy_adjectives"] | ctx.words["feeling_words"]
    return any(token.lower_ in evaluative for token in doc[start].sent)


def question(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """Question evidence: the sentence ends in '?', or the text has no punctuation at all, or
    a finite verb follows directly (so 'wat een gedoe.' is no question, 'wat is er gebeurd.' is)."""
    if not ctx.punctuated:
        return True
    ending = sentence_end_char(doc, start)
    if ending == "?":
        return True
    if ending == "!" or _is_exclamation(doc, start, ctx):
        return False
    return any(
        token.lower_ in ctx.words["finite_verbs"] or token.lower_ in ctx.words["question_verbs"]
        for token in doc[start + 1 : min(end + 2, len(doc))]
    )


REQUEST_VERBS = {"kunt", "kan", "zou", "zoudt", "wilt"}
POLITE_ASKING = REQUEST_VERBS | {"wil"}  # 'wil je niet zo schreeuwen': informal, still a request


def yes_no_question(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """Verb-first yes/no question: '?' at the end, no punctuation at all, or a polite request
    ('Kunt u mij het nummer geven.') that is not the verb-first condition of
    'Heeft u vragen, dan kunt u bellen.'"""
    if not ctx.punctuated or sentence_end_char(doc, start) == "?":
        return True
    if doc[start].lower_ not in REQUEST_VERBS:
        return False
    rest = list(doc[start : doc[start].sent.end])
    return not any(a.is_punct and b.lower_ == "dan" for a, b in zip(rest, rest[1:]))


def opens_or_not_after_a_subject(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """An imperative ('vertel eens', 'leg maar uit') opens its clause; a reply spoken without
    punctuation ('ai dat is niet fijn vertel eens wat er gebeurd is') has no clause marks to show
    it, so there the verb must be a bare stem ('ieder om de beurt vertelt wat' has a subject) that
    follows no subject ('ik vertel maar wat')."""
    if clause_start(doc, start, end, ctx):
        return True
    bare_stem = not doc[start].lower_.endswith("t")
    return not ctx.punctuated and bare_stem and doc[start - 1].lower_ not in ctx.words["subject_pronouns"]


def check_question_place(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """Where a check question stands: 'klopt' opens its clause ('Klopt het dat…?') or closes it
    with its pronoun ('…, klopt dat?', '… helpt niet klopt dat'; 'dat het niet klopt' states);
    'oké', 'toch', 'goed' only ask when they close what was said ('…, oké?') and modify nothing
    ('dat begrijp ik heel goed', 'dat is niet oké'): opening a reply they acknowledge ('ok dus
    sinds zaterdag … klopt dat' quoted "ok" as the check question, a test session)."""
    closes = end == len(doc) or doc[end].is_punct
    if doc[start].lower_ == "klopt":
        return clause_start(doc, start, end, ctx) or (closes and end - start > 1)
    words = ctx.words
    modifies = (words["negations"] | words["intensifiers"] | words["adverb_fillers"] | words["subject_pronouns"]
                | {"is", "zijn", "was"})
    return (closes and start > 0 and doc[start - 1].lower_ not in modifies
            and (not ctx.punctuated or clause_start(doc, start, end, ctx)))


def not_a_request(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Not asked as a polite request: 'Wilt u alstublieft niet zo schreeuwen?' names the behaviour
    and asks for another (Les 6, A&O: benoem het gedrag), where 'Niet zo schreeuwen!' orders it."""
    before = [token.lower_ for token in doc[max(doc[start].sent.start, start - 4) : start]]
    asked = any(verb in POLITE_ASKING and you in {"u", "je", "jij"} for verb, you in zip(before, before[1:]))
    return not (asked or {"vragen", "verzoeken"} & set(before))


def ends_with_question_mark(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    return sentence_end_char(doc, start) == "?"


def more_than_one_word(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """'Ja?', 'Dank?', 'Pardon?' or 'Ja, en?' asks nothing the customer can answer yes or no to (a
    recogniser writes a rising 'Dank u wel' as 'Dank? U wel.'; test sessions saw +2 for it, and +1
    for the dismissive 'Ja, en?')."""
    return sum(not token.is_punct for token in doc[start].sent) > 2


def not_asked(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Not a question: 'U heeft de meterstanden zelf doorgegeven?' checks a fact with the customer,
    it blames no one (a test session: -3 schuld afschuiven in the phase that asks to find out)."""
    return sentence_end_char(doc, start) != "?"


def not_negated(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """No negation inside the match or just after it, before the clause goes on ('dat', 'waarom')."""
    stop = ctx.words["clause_openers"] | {"dat", "waarom", "hoe", "wat", "omdat", "als"}
    for token in doc[start:end]:
        if token.lower_ in ctx.words["negations"]:
            return False
    for token in doc[end : end + NEGATION_LOOKAHEAD]:
        if token.is_punct or token.lower_ in stop:
            break
        if token.lower_ in ctx.words["negations"]:
            return False
    return True


def not_never_again(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'Dat gebeurt nooit meer' promises; 'dat gebeurt hier nooit' judges."""
    return end >= len(doc) or doc[end].lower_ not in {"meer", "weer"}


def not_after_negation(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """No negation just before the match: 'het is niet uw schuld' reassures, 'uw eigen schuld' blames."""
    return start == 0 or doc[start - 1].lower_ not in ctx.words["negations"]


def no_person_judgement(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'ik vind u onbeschoft' judges the person: no ik-boodschap when 'u/je' plus an insult follows."""
    window = doc[end : end + 4]
    pronoun_seen = False
    for token in window:
        if token.is_punct:
            break
        if token.lower_ in ctx.words["you"]:
            pronoun_seen = True
        elif pronoun_seen and (
            token.lower_ in ctx.words["insult_adjectives"] or token.lower_ in ctx.words["insult_nouns"]
        ):
            return False
    return True


def clause_end(doc: Doc, _start: int, end: int, ctx: Context) -> bool:
    """The match closes its clause ('dat is niet zo.' but not 'dat is niet zo fijn')."""
    if end >= len(doc):
        return True
    following = doc[end]
    return (
        following.is_punct
        or following.is_sent_start
        or following.lower_ in ctx.words["clause_openers"]
        or following.lower_ in ctx.words["subject_pronouns"]
        or following.lower_ in {"hoor", "want", "omdat", "zo", "en", "wat"}
        # spoken without a full stop, the next sentence opening with 'daar' and a verb before its subject
        or following.lower_ in {"daar", "hier"} and end + 2 < len(doc) and doc[end + 2].lower_ in ctx.words["subject_pronouns"]
    )


CONDITIONS = {"als", "anders", "zolang", "tenzij", "wanneer"}


def not_conditional(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """Not part of a stated consequence ('als u zo doorgaat, hang ik op' is a boundary, not a walk-out):
    no 'als' within eight words, nor within twelve when 'dan' opens the consequence ('als u nog een keer
    tegen mij vloekt dan beëindig ik het gesprek' cost −3 beside the boundary it is, a test session)."""
    reach = 12 if start > 0 and doc[start - 1].lower_ == "dan" else 8
    return not any(token.lower_ in CONDITIONS for token in doc[max(0, start - reach) : start])


REPORTING = {"zegt", "zei", "zeggen", "vertelt", "vertelde", "verteld", "gezegd", "beloofd", "schrijft", "schreef", "geeft",
             "gaf", "bedoelt", "meldt"}


def not_reported_speech(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Not a paraphrase of the customer ('U zegt dat u de brief nooit heeft ontvangen')."""
    before = [token.lower_ for token in doc[max(0, start - 4) : start]]
    return not (set(before) & REPORTING or ("hoor", "dat") in zip(before, before[1:]))  # 'ik hoor dat u …', not 'nee hoor, u …'


SUMMARY_MARKERS = {"samengevat", "samenvat", "samenvattend"}
UNDERSTOOD = {"begrijp", "begrepen"}  # "als ik het goed begrijp"
HEARD_RIGHT = {"hoor", "heb", "zie"}  # "als ik u goed hoor": only after u/je/het, not the particle "goed hoor"
SUMMARY_WINDOW = 15


def spoken_not_in_a_summary(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """A reply spoken without punctuation: a verb-first clause inside a summary ('als ik het goed
    begrijp is de bank … en moet u nog een vrije dag nemen') keeps the summary's word order, it asks
    nothing (a test session read "+1 Gesloten vraag: 'moet u'"). Written, the '?' decides."""
    return ctx.punctuated or not_summary(doc, start, end, ctx)


TITLES = {"meneer", "mevrouw"}


def spoken_not_after_a_title(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """A reply spoken without punctuation: 'mevrouw heeft een afspraak' names her as the subject,
    it does not ask 'heeft een…?' after addressing her (+2 gesloten vraag, a test session)."""
    return ctx.punctuated or start == 0 or doc[start - 1].lower_ not in TITLES


def not_summary(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """Not inside a summary of the customer's story ('Als ik u goed hoor, heeft u de mail nooit
    ontvangen', 'dus u bent vier keer doorverbonden en niemand heeft het opgelost'): samenvatten
    (De Kracht van LSD) repeats the customer's 'nooit' and 'niemand', it does not judge; also 'dus
    eigenlijk heeft u nooit een router ontvangen?'."""
    before = list(doc[max(0, start - SUMMARY_WINDOW) : start])
    for index, token in enumerate(before):
        lower = token.lower_
        following = doc[token.i + 1].lower_  # the match's own first word after the window's last
        preceding = before[index - 1].lower_ if index > 0 else ""
        heard_right = following in HEARD_RIGHT and preceding in ctx.words["you"] | {"het"}
        if lower in SUMMARY_MARKERS or (lower == "goed" and (following in UNDERSTOOD or heard_right)):
            return False
        if lower == "goed" and _asks_back([t.lower_ for t in before[max(0, index - 3) : index]]):
            return False  # 'begrijp ik (het) goed dat u de brief nooit heeft ontvangen?'
        if lower == "klopt" and following == "het":  # 'klopt het dat u nooit bericht kreeg?'
            return False
        opens = token.is_sent_start or (index > 0 and before[index - 1].is_punct)  # doc[0] is a sentence start
        if lower == "dus" and opens and ctx.words["you"] & {t.lower_ for t in doc[token.i + 1 : token.i + 4]}:
            return False
        if lower == "dus" and index >= 2 and before[index - 2].lower_ in ctx.words["you"] and opens_a_sentence(before[index - 2]):
            return False  # 'u bent dus vier keer doorverbonden en niemand…'
    opening = doc[start]  # the match itself may open the summary: 'u bent dus nooit geïnformeerd'
    return not (opening.lower_ in ctx.words["you"] and opens_a_sentence(opening) and start + 2 < len(doc) and doc[start + 2].lower_ == "dus")


def _asks_back(words: list[str]) -> bool:
    """The words before 'goed' ask whether the speaker understood: 'begrijp ik (het)', 'zie ik het'."""
    return "ik" in words[-2:] and any(word in UNDERSTOOD | HEARD_RIGHT for word in words)


# 'weet je' said between two clauses asks nothing: 'ik snap het maar ja weet je ik moet ook even
# kijken', 'weet je wat we doen ik bel de planning', '… hoor weet je' (a test session: +1 gesloten vraag).
TAG_SUBJECTS = frozenset({"ik", "we", "wij", "hij", "zij", "ze", "jullie"})
PROPOSAL = re.compile(r"^wat (we|ik) (doen|doe|gaan)\b")


def not_a_spoken_tag(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    if doc[start].lower_ != "weet" or end - start != 2:
        return True
    after = [token.lower_ for token in doc[end : end + 3]]
    if not after or (doc[end].is_punct and doc[end].text != "?"):
        return False  # closing what was said: 'het is druk, weet je'
    return after[0] not in TAG_SUBJECTS and not PROPOSAL.match(" ".join(after))


# 'ik zie dat u boos bent ik wil u helpen' spoken without punctuation: 'bent ik' is no question, 'bent'
# closes the 'dat'-clause (a test session: +2 gesloten vraag). A verb after such a clause's own verb
# may ask again ('ik weet dat het lastig is kunt u …').
SUBORDINATORS = frozenset({"dat", "als", "omdat", "of", "wanneer", "toen", "terwijl", "zodat", "hoe", "waarom", "waar"})
LOOK_BACK = 8
# finite verbs that close a subclause besides the question verbs ('dat ik zelf ook gespannen word zullen we …')
CLOSING_VERBS = frozenset({"word", "wordt", "werd", "werden", "voel", "zie", "hoor", "denk", "snap", "begrijp",
                           "krijg", "krijgt", "kreeg", "ga", "kom", "sta", "zit", "zat"})


def not_closing_a_subclause(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    verbs = ctx.words["question_verbs"] | CLOSING_VERBS
    for index in range(start - 1, max(0, start - LOOK_BACK) - 1, -1):
        token = doc[index]
        if token.is_punct or token.lower_ in verbs:
            return True  # a sentence end, or the subclause's verb came before
        if token.lower_ in SUBORDINATORS and index + 1 < start and doc[index + 1].lower_ in ctx.words["subject_pronouns"]:
            return False
    return True


def opens_a_sentence(token) -> bool:  # type: ignore[no-untyped-def]
    return token.is_sent_start or (token.i > 0 and token.doc[token.i - 1].is_punct)


SENTENCE_CHECKS: dict[str, Check] = {
    "not_a_spoken_tag": not_a_spoken_tag,
    "not_closing_a_subclause": not_closing_a_subclause,
    "opens_a_request": opens_a_request,
    "clause_start": clause_start,
    "question": question,
    "yes_no_question": yes_no_question,
    "not_negated": not_negated,
    "not_after_negation": not_after_negation,
    "not_never_again": not_never_again,
    "no_person_judgement": no_person_judgement,
    "clause_end": clause_end,
    "not_conditional": not_conditional,
    "ends_with_question_mark": ends_with_question_mark,
    "not_a_request": not_a_request,
    "spoken_not_in_a_summary": spoken_not_in_a_summary,
    "spoken_not_after_a_title": spoken_not_after_a_title,
    "check_question_place": check_question_place,
    "opens_or_not_after_a_subject": opens_or_not_after_a_subject,
    "more_than_one_word": more_than_one_word,
    "not_reported_speech": not_reported_speech,
    "not_summary": not_summary,
    "not_asked": not_asked,
}
