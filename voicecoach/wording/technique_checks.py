"""Exemptions of single technique rules that token patterns cannot express: the same words that
ask, offer a step or show understanding in one reply claim the floor, hand the work back, name how
the customer treats the trainee, or ask to hear it again in another."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from voicecoach.wording.checks import Check, Context


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


TECHNIQUE_CHECKS: dict[str, Check] = {
    "not_claiming_the_floor": not_claiming_the_floor,
    "not_left_to_the_customer": not_left_to_the_customer,
    "not_about_being_treated": not_about_being_treated,
    "not_an_opener": not_an_opener,
    "not_asking_to_repeat": not_asking_to_repeat,
}
