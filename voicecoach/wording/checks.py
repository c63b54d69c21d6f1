"""Conditions token patterns cannot express (the pipeline has no tagger or parser).

Each check gets the doc, the match's token span and the lexicon, and says whether the match
stands. Rules name them in their "checks" list.
"""

from __future__ import annotations

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


def _sentence_end_char(doc: Doc, index: int) -> str:
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
    ending = _sentence_end_char(doc, start)
    if ending == "?":
        return True
    if ending == "!" or _is_exclamation(doc, start, ctx):
        return False
    return any(
        token.lower_ in ctx.words["finite_verbs"] or token.lower_ in ctx.words["question_verbs"]
        for token in doc[start + 1 : min(end + 2, len(doc))]
    )


REQUEST_VERBS = {"kunt", "kan", "zou", "zoudt", "wilt"}


def yes_no_question(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """Verb-first yes/no question: '?' at the end, no punctuation at all, or a polite request
    ('Kunt u mij het nummer geven.') that is not the verb-first condition of
    'Heeft u vragen, dan kunt u bellen.'"""
    if not ctx.punctuated or _sentence_end_char(doc, start) == "?":
        return True
    if doc[start].lower_ not in REQUEST_VERBS:
        return False
    rest = list(doc[start : doc[start].sent.end])
    return not any(a.is_punct and b.lower_ == "dan" for a, b in zip(rest, rest[1:]))


def ends_with_question_mark(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    return _sentence_end_char(doc, start) == "?"


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
    )


def not_conditional(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """Not part of a stated consequence ('als u zo doorgaat, hang ik op' is a boundary, not a walk-out)."""
    for token in doc[max(0, start - 8) : start]:
        if token.lower_ in {"als", "anders", "zolang", "tenzij", "wanneer"}:
            return False
    return True


REPORTING = {"zegt", "zei", "vertelt", "vertelde", "verteld", "gezegd", "beloofd", "schrijft", "schreef", "geeft", "gaf",
             "bedoelt", "meldt"}


def not_reported_speech(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Not a paraphrase of the customer ('U zegt dat u de brief nooit heeft ontvangen')."""
    before = [token.lower_ for token in doc[max(0, start - 4) : start]]
    return not (set(before) & REPORTING)


SUMMARY_MARKERS = {"samengevat", "samenvat", "samenvattend"}
UNDERSTOOD = {"begrijp", "begrepen"}  # "als ik het goed begrijp"
HEARD_RIGHT = {"hoor", "heb", "zie"}  # "als ik u goed hoor": only after u/je/het, not the particle "goed hoor"
SUMMARY_WINDOW = 15


def not_summary(doc: Doc, start: int, _end: int, ctx: Context) -> bool:
    """Not inside a summary of the customer's story ('Als ik u goed hoor, heeft u de mail nooit
    ontvangen', 'dus u bent vier keer doorverbonden en niemand heeft het opgelost'): samenvatten
    (De Kracht van LSD) repeats the customer's 'nooit' and 'niemand', it does not judge."""
    before = list(doc[max(0, start - SUMMARY_WINDOW) : start])
    for index, token in enumerate(before):
        lower = token.lower_
        following = doc[token.i + 1].lower_  # the match's own first word after the window's last
        preceding = before[index - 1].lower_ if index > 0 else ""
        heard_right = following in HEARD_RIGHT and preceding in ctx.words["you"] | {"het"}
        if lower in SUMMARY_MARKERS or (lower == "goed" and (following in UNDERSTOOD or heard_right)):
            return False
        opens = token.is_sent_start or (index > 0 and before[index - 1].is_punct)  # doc[0] is a sentence start
        if lower == "dus" and opens and following in ctx.words["you"]:
            return False
    return True


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


def bare_at_clause_start(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'Zo is.' / 'regels zijn' without 'het' or a second 'regels' only stands opening its clause
    ('Zo zijn jullie allemaal'), not as the verb-final end of a subordinate clause ('dat het bij u
    wel zo is', 'wat de regels zijn')."""
    return end - start > 2 or clause_start(doc, start, end, ctx)


FOLLOW_UP = {"afspraak", "meld", "melden", "collega", "terug", "morgen", "later", "straks", "dispatch", "politie", "leidinggevende"}


def no_follow_up(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Breaking off without arranging anything: no new appointment, report or hand-over in the
    same sentence (3 Reasons Why: break off and make a new appointment straight away)."""
    return not any(token.lower_ in FOLLOW_UP for token in doc[start].sent)


OFFER_VERBS = {"kan", "kunnen", "ga", "gaan", "wil", "zal", "u"}


def no_offer_after(doc: Doc, _start: int, end: int, ctx: Context) -> bool:
    """Not followed in its sentence by what the speaker will do ('ik kan er niks aan doen dat het
    pakket bij de buren ligt, maar ik kan wel meteen een ophaalopdracht aanmaken'): stating a
    limit and then offering a step passes on no blame."""
    offers = ctx.words["solution_verbs"] | ctx.words["solution_nouns"] | FOLLOW_UP | {"bel", "regel", "zorg"}
    following = doc[end : doc[end - 1].sent.end]
    return not any(
        token.lower_ in offers or (token.lower_ == "wel" and token.i > 0 and doc[token.i - 1].lower_ in OFFER_VERBS)
        for token in following
    )


HELP_SERVICES = {"politie", "beveiliging", "bewaking", "security", "112", "dispatch", "beveiliger"}


def not_calling_for_help(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Calling the police or security is 'hulp inschakelen' (3 Reasons Why), not a solution."""
    return not any(token.lower_ in HELP_SERVICES for token in doc[start].sent)


DETERMINERS = {"de", "het", "een", "die", "deze", "uw", "mijn", "onze", "zijn", "haar"}


def a_command(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """'Rustig aan!' as a command: not permission ('doe maar rustig aan met tekenen': take your
    time) and not 'aan' as a preposition ('rustig aan de achterkant parkeren kan ook')."""
    before = [token.lower_ for token in doc[max(0, start - 3) : start]]
    if before[-1:] == ["maar"] and {"doe", "doet"} & set(before):
        return False
    return not (doc[end - 1].lower_ == "aan" and end < len(doc) and doc[end].lower_ in DETERMINERS)


CHECKS: dict[str, Check] = {
    "clause_start": clause_start,
    "question": question,
    "yes_no_question": yes_no_question,
    "not_negated": not_negated,
    "not_after_negation": not_after_negation,
    "no_person_judgement": no_person_judgement,
    "clause_end": clause_end,
    "not_conditional": not_conditional,
    "ends_with_question_mark": ends_with_question_mark,
    "not_reported_speech": not_reported_speech,
    "not_summary": not_summary,
    "not_first_person_object": not_first_person_object,
    "bare_at_clause_start": bare_at_clause_start,
    "not_almost_done": not_almost_done,
    "no_follow_up": no_follow_up,
    "no_offer_after": no_offer_after,
    "not_calling_for_help": not_calling_for_help,
    "a_command": a_command,
}
