"""Checks of single technique rules that token patterns cannot express. Exemptions: the same words
that ask, offer a step or show understanding in one reply claim the floor, hand the work back, name
how the customer treats the trainee, ask to hear it again, or, in spoken word order, state (a verb
first after a fronted clause, after 'weet u wat', with the topic 'dat' dropped). And a question word
in the question's order asks even in the middle of a reply spoken without full stops."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from voicecoach.wording.checks import Check, Context, clause_start, sentence_end_char


FLOOR_WORDS = {"even", "eventjes", "ook", "nu", "nog"}


def not_claiming_the_floor(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """A bare 'mag ik (even)' asks for the turn while the customer talks, not anything of the customer:
    'ja maar meneer meneer mag ik even' earned "+2 gesloten vraag" (a test session; blog: "Onderbreek
    de klant niet"). 'Mag ik nu even iets zeggen?' asks (the writers label it so)."""
    if doc[start].lower_ not in {"mag", "mogen"}:
        return True
    return any(token.lower_ not in FLOOR_WORDS for token in doc[end:] if not token.is_punct)


LEFT_TO_YOU = re.compile(r"\b(u|je|jij) (moet|moeten|kunt|kan|mag)( \w+){0,2}$|\b(moet|kunt|kan|mag) (u|je|jij)( \w+){0,2}$")


def not_left_to_the_customer(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """'u moet zelf maar een nieuwe afspraak maken via de website' hands the work back; it offers
    nothing (a check session: it ended a conversation "akkoord met de oplossing")."""
    before = " ".join(token.lower_ for token in doc[max(0, start - 4) : start] if not token.is_punct)
    return LEFT_TO_YOU.search(before) is None


# 'ik vind het vervelend dat u zo tegen mij praat' names what the customer does to the trainee (an
# ik-boodschap about behaviour, Les 6), not the customer's trouble: no begrip tonen (a test session).
TOWARDS_ME = re.compile(r"\btegen (mij|me|ons)\b|\b(schreeuw|scheld|vloek|dreig|duw|beledig|snauw)\w*")
TREATED = re.compile(rf"\bdat (u|je|jij)\b[^.,!?;]*?({TOWARDS_ME.pattern})")  # the same, in a 'dat'-clause of a text
CLAUSE_AFTER = 8  # tokens of the 'dat'-clause looked at


def not_about_being_treated(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    clause = []
    for token in doc[end : end + CLAUSE_AFTER]:
        if token.is_punct:
            break
        clause.append(token.lower_)
    return TOWARDS_ME.search(" ".join(clause)) is None


FIRST_PERSON_VERBS = {"ga", "wil", "kan", "heb", "ben", "snap", "begrijp", "zie", "hoor", "vind", "denk", "moet", "zal", "weet"}


def not_an_opener(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """'nou kijk ik ga nu eerst …': 'kijk' opens the sentence and 'ik ga' is the next clause, no
    'dan kijk ik' step (a test session quoted "kijk ik" as the offer)."""
    return not (doc[start].lower_ == "kijk" and end < len(doc) and doc[end].lower_ in FIRST_PERSON_VERBS)


REPEAT_REQUEST = re.compile(r"^\W*((wat|hoe) (zei|zegt|zeiden|zeggen) (u|je|jij)|ik (verstond|versta|hoorde|hoor) (u|je|het) niet"
                            r"|(kunt|kan|wilt|wil) (u|je) dat (nog eens|herhalen)|pardon\b)")


def not_asking_to_repeat(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'sorry, wat zei u?', 'sorry ik verstond u niet' ask to hear the customer again: no apology for
    what went wrong, so no begrip tonen (it earned +2)."""
    return REPEAT_REQUEST.match(" ".join(token.lower_ for token in doc[end : end + 6])) is None


# Subordinators that front a clause; the main clause after it puts its verb first ('Als u een stapje
# terug doet, kan ik gewoon verder.'), the word order of a yes/no question.
FRONTED = {"als", "wanneer", "zodra", "zolang", "omdat", "voordat", "nadat", "totdat", "zodat", "tenzij", "indien"}
COORDINATORS = {"maar", "en", "dus", "of", "want"}
# 'als ik het goed begrijp, wilt u …' checks a summary: that question stays (the labelling guide)
CHECKING = re.compile(r"^als (ik|we) (u|je|jou|het|dat) (goed )?(begrijp|begrijpen|hoor|horen|zie|samenvat)\b")


def not_after_a_fronted_clause(doc: Doc, start: int, _end: int, _ctx: Context) -> bool:
    """Verb first after a fronted clause states: 'als u met de pin heeft betaald kan ik het wel
    terugzoeken', 'Als u daarmee ophoudt, kan ik u gewoon helpen.' earned +1 gesloten vraag. A '?'
    closing the sentence still asks, and so does a check of a summary."""
    if sentence_end_char(doc, start) == "?":
        return True
    before: list[str] = []  # back to the sentence's start or a coordinator, which opens a new clause
    for token in reversed(doc[doc[start].sent.start : start]):
        if token.lower_ in COORDINATORS:
            break
        if not token.is_punct:
            before.insert(0, token.lower_)
    fronted = [index for index, word in enumerate(before) if word in FRONTED]
    return not fronted or CHECKING.match(" ".join(before[fronted[-1]:])) is not None


DETERMINERS = {"de", "het", "een", "dat", "die", "dit", "deze", "mijn", "jouw", "uw", "er"}
OBJECTS_AFTER_A_COMMAND = {"het", "u", "je", "maar", "even", "dat", "die", "eens", "dan"}  # 'zoek het maar uit'
# Words that follow a subject but are no verb: 'weet u wat ik gisteren zag' has the subordinate
# order (the verb last), 'weet u wat ik stuur vandaag een nieuwe' the main clause's.
NOT_A_VERB = {"de", "een", "hem", "haar", "ze", "al", "nog", "hier", "daar", "net", "vandaag", "morgen", "allemaal",
              "zo", "dan", "daarvan", "daarvoor", "ervan", "eigenlijk", "precies"}


def not_you_know_what(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """'weet u wat, ik stuur vandaag een nieuwe' / 'nou weet u wat dan bel ik u gewoon niet meer terug'
    open what comes next ("+1 gesloten vraag" for a promise); 'Weet u wat ik vind?' and 'weet u wat
    uw probleem is' ask (rhetorically)."""
    if doc[start].lower_ != "weet" or end + 1 >= len(doc) or doc[end].lower_ != "wat":
        return True
    following = list(doc[end + 1 : end + 4])
    if following[0].is_punct:
        return following[0].text == "?"
    if len(following) < 3 or any(token.is_punct for token in following):
        return True  # 'weet u wat ik vind?': the clause ends with its verb
    first, second = following[0].lower_, following[1].lower_
    words = ctx.words
    not_a_verb = (NOT_A_VERB | words["adverb_fillers"] | words["negations"] | words["intensifiers"] | words["time_words"]
                  | words["subject_pronouns"])
    main_clause = first in words["subject_pronouns"] | {"dan", "nu", "nou"} and second not in not_a_verb
    # 'weet je wat, zoek het maar uit', 'nou weet je wat regel het lekker onderling': a command follows
    command = first not in not_a_verb | words["you"] | DETERMINERS and second in OBJECTS_AFTER_A_COMMAND
    return not (main_clause or command)


# Spoken Dutch drops the topic 'dat': 'kan ik me voorstellen', 'snap ik', 'begrijp ik hoor' state
# understanding with the verb first (Les 6's 'ik'-zin without its first word).
IMAGINING = re.compile(r"^(me|mij)( \w+){0,3}? (voorstellen|indenken|inbeelden|inleven)\b")


def not_topic_dropped(doc: Doc, start: int, end: int, _ctx: Context) -> bool:
    """'kan ik me voorstellen, meneer' earned "+1 gesloten vraag" and no begrip tonen; with a '?'
    it still asks."""
    following = " ".join(token.lower_ for token in doc[end : end + 6] if not token.is_punct)
    return sentence_end_char(doc, start) == "?" or IMAGINING.match(following) is None


def not_asking_if_understood(doc: Doc, _start: int, end: int, _ctx: Context) -> bool:
    """'begrijp ik het goed dat …' checks a summary; a bare 'snap ik' / 'begrijp ik hoor' states."""
    return end >= len(doc) or doc[end].lower_ not in {"het", "dat", "dit", "u", "je", "jou", "jullie", "goed"}


# what a subject starts with: after 'hoe redt' / 'waar zit' the subject shows the question's order
DEGREE_WORDS = {"vaak", "laat", "lang", "veel", "ver", "erg", "snel", "duur", "oud", "groot"}
SUBJECT_STARTS = {"de", "een", "mijn", "jouw", "uw", "zijn", "haar", "onze", "hun", "er", "deze", "die", "iemand"}


def opens_a_question(doc: Doc, start: int, end: int, ctx: Context) -> bool:
    """A question word that opens its clause, or, spoken on without a full stop, stands in the
    question's order (its verb, then the subject: 'ik snap dat je baalt waar heb je hem het laatst
    gezien', 'jeetje drie weken zonder uitkering hoe redt u het nu'), which a clause it ends never has
    ('ik weet niet wat er gebeurd is', 'waar u woont')."""
    if clause_start(doc, start, end, ctx):
        return True
    if ctx.punctuated and sentence_end_char(doc, start) != "?":
        return False
    if start >= 2 and doc[start - 2].lower_ == "weet" and doc[start - 1].lower_ in ctx.words["you"]:
        return False  # 'weet je wat, zoek het maar uit' opens what follows (not_you_know_what)
    # 'hoe vaak', 'welk adres', 'hoeveel adressen': the verb follows the question word's phrase
    phrase = 2 if doc[start].lower_ in {"welk", "welke", "hoeveel"} or doc[start + 1].lower_ in DEGREE_WORDS else 1
    if start + phrase + 1 >= len(doc):
        return False
    verb, after = doc[start + phrase].lower_, doc[start + phrase + 1].lower_
    subjects = ctx.words["subject_pronouns"] | ctx.words["you"]
    finite = ctx.words["finite_verbs"] | ctx.words["question_verbs"]
    return (verb in finite and verb not in subjects) or (verb not in subjects | SUBJECT_STARTS and after in subjects | SUBJECT_STARTS)


TECHNIQUE_CHECKS: dict[str, Check] = {
    "opens_a_question": opens_a_question,
    "not_topic_dropped": not_topic_dropped,
    "not_asking_if_understood": not_asking_if_understood,
    "not_after_a_fronted_clause": not_after_a_fronted_clause,
    "not_you_know_what": not_you_know_what,
    "not_claiming_the_floor": not_claiming_the_floor,
    "not_left_to_the_customer": not_left_to_the_customer,
    "not_about_being_treated": not_about_being_treated,
    "not_an_opener": not_an_opener,
    "not_asking_to_repeat": not_asking_to_repeat,
}
