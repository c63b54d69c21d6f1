"""Breaking the conversation off and making a new appointment, as 3 Reasons Why advises: "Lukt het
echt niet om de klant te kalmeren? Breek dan het gesprek af en maak direct een nieuwe afspraak op
een ander tijdstip". A reply that does both ends the conversation (the customer cannot go on once
the trainee has hung up or left); said as a condition ("als u zo doorgaat, stop ik het gesprek")
it is a boundary, and without anything arranged it is Les 6's "stoppen met communiceren" (the
wording rules' `no_follow_up`): both leave the conversation going.

Read from the reply's words, which spoken replies give without punctuation, so a clause is what
lies between punctuation marks, and a whole unpunctuated reply is one clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voicecoach.wording.hits import WordingHit


_STOP_VERB = r"(?:stop|stoppen|beëindig|beëindigen|beeindig|beeindigen|breek|afbreken|afsluiten|sluit)"
BREAKING_OFF = re.compile(
    rf"\b{_STOP_VERB}\b(?:\s+[\w']+){{0,5}}?\s+gesprek\b"  # "ik stop dit gesprek", "breek het gesprek af"
    rf"|\bgesprek\b(?:\s+[\w']+){{0,4}}?\s+{_STOP_VERB}\b"  # "ik wil het gesprek nu even stoppen"
    # "we stoppen hier", "ik stop nu (met dit gesprek)"; not a pause ("ik stop nu even") or other work
    r"|\b(?:ik|we|wij)\s+(?:stop|stoppen)\s+(?:hier|ermee|hiermee|nu(?!\s+even\b|\s+met\s+(?!(?:[\w']+\s+){0,2}gesprek\b)))\b"
    r"|\b(?:(?:ga|gaan|moet|moeten)\s+(?:nu\s+|dan\s+|maar\s+)*)?ophangen\b"  # on the phone: "ik ga nu ophangen"
    r"|\bhang\b(?:\s+[\w']+){0,3}?\s+op\b"  # "ik hang nu op"
    r"|\b(?:ik|we|wij)\s+(?:ga|gaan)\s+(?:nu\s+|dan\s+|maar\s+|hier\s+)*weg\b|\bik\s+vertrek\b"  # at the door
)
SUBJECTS = frozenset({"ik", "we", "wij"})
MODALS = frozenset({"zal", "zullen", "kan", "kunnen", "mag", "mogen"})
OPENING_WORDS = frozenset({"meneer", "mevrouw", "eh", "ehm", "uh", "uhm", "ja", "nou", "oké", "oke", "ok", "dan"})
CONDITIONS = frozenset({"als", "anders", "zolang", "tenzij", "wanneer", "indien", "zodra"})
NEGATIONS = frozenset({"niet", "geen", "nooit"})
# A time or an appointment later on (3 Reasons Why: "maak direct een nieuwe afspraak op een ander tijdstip").
LATER = frozenset({
    "afspraak", "terugbellen", "terug", "morgen", "morgenochtend", "morgenmiddag", "overmorgen", "later",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "volgende",
})
CLAUSE_BREAK = re.compile(r"[.,;:!?]+")
WORD = re.compile(r"[\w']+")
# A clause that opens with the verb (or "dan") continues a condition in the clause before it:
# "als u zo doorgaat, stop ik het gesprek" / "…, dan hang ik op".
INVERTED_OPENING = frozenset({"dan", "stop", "hang", "beëindig", "beeindig", "breek", "sluit", "ga", "moet", "zal", "wil"})


@dataclass(frozen=True)
class BreakOff:
    """The words that break the conversation off, and where they are (characters of the reply)."""

    start: int
    end: int
    text: str


def breaking_off(text: str, hits: Sequence[WordingHit]) -> BreakOff | None:
    """The words that break the conversation off for good, when the reply also arranges something
    later (an offered step, `oplossing_zoeken`, or a time or appointment); else None."""
    lowered = text.lower()
    if not _arranges_later(lowered, hits):
        return None
    clauses = _clauses(lowered)
    for index, (start, clause) in enumerate(clauses):
        for match in BREAKING_OFF.finditer(clause):
            if _conditional_or_negated(clauses, index, match):
                continue
            if _asked(text, start + match.end()) or _asks_permission(clause[: match.start()]):
                continue
            return BreakOff(start + match.start(), start + match.end(), text[start + match.start() : start + match.end()])
    return None


def _conditional_or_negated(clauses: list[tuple[int, str]], index: int, match: re.Match[str]) -> bool:
    """"ik stop het gesprek niet", "als u zo doorgaat, stop ik het gesprek", "ik stop het gesprek
    als u blijft schreeuwen", "…, als u niet ophoudt": a boundary, not a break-off."""
    clause = clauses[index][1]
    before = WORD.findall(clause[: match.start()])
    right_after = WORD.findall(clause[match.end() :])[:2]
    following = WORD.findall(clauses[index + 1][1])[:1] if index + 1 < len(clauses) else []
    # "niet" with the verb only ("ik wil niet ophangen", "ik stop het gesprek niet"): before the match
    # only the words after the last "ik/we", and none when the match opens with its subject; a "niet"
    # before them belongs to what was said before ("zo gaat het niet ik stop dit gesprek")
    said = WORD.findall(match.group(0))
    last_subject = max((i for i, word in enumerate(before) if word in SUBJECTS), default=-1)
    own = before[last_subject + 1 :] if said[0] not in SUBJECTS else []
    near = {*own[-2:], *said, *right_after[:1]}
    if NEGATIONS & near or CONDITIONS & {*before, *right_after, *following}:
        return True
    return bool(index) and _opens_inverted(clause) and bool(CONDITIONS & set(WORD.findall(clauses[index - 1][1])))


def _arranges_later(lowered: str, hits: Sequence[WordingHit]) -> bool:
    offers = any(hit.label == "oplossing_zoeken" and hit.subtype != "vragen" for hit in hits)
    words = set(WORD.findall(lowered))
    return offers or bool(LATER & words) or any(word.endswith("afspraak") for word in words)


def _clauses(lowered: str) -> list[tuple[int, str]]:
    """(start, text) of the stretches between punctuation marks."""
    starts = [0, *(match.end() for match in CLAUSE_BREAK.finditer(lowered))]
    ends = [*(match.start() for match in CLAUSE_BREAK.finditer(lowered)), len(lowered)]
    return [(start, lowered[start:end]) for start, end in zip(starts, ends) if lowered[start:end].strip()]


def _opens_inverted(clause: str) -> bool:
    words = WORD.findall(clause)
    return bool(words) and words[0] in INVERTED_OPENING


def _asked(text: str, position: int) -> bool:
    """Whether the sentence holding `position` is a question ("Zullen we het gesprek stoppen?"):
    the customer has not agreed yet."""
    rest = re.search(r"[.!?]", text[position:])
    return rest is not None and rest.group(0) == "?"


def offers_only_as_a_consequence(text: str, hits: Sequence[WordingHit]) -> bool:
    """Whether every step the reply offers (`oplossing_zoeken`) is named as the consequence of a
    boundary in its own sentence ("als u doorgaat met schelden stop ik dit gesprek en maken we een
    nieuwe afspraak"): a warning, not an answer to the customer's problem, so it reaches no phase
    goal and is not accepted (a test session saw it end the conversation calmed)."""
    offers = [hit for hit in hits if hit.label == "oplossing_zoeken"]
    warnings = [hit for hit in hits if hit.label == "grens_aangeven" and hit.subtype in ("consequentie", "voorwaarde")]
    return bool(offers) and all(
        any(_same_sentence(text, warning, offer) and CONDITIONS & set(WORD.findall(_sentence(text, warning).lower()))
            for warning in warnings)
        for offer in offers
    )


def _sentence(text: str, hit: WordingHit) -> str:
    start = max((m.end() for m in re.finditer(r"[.!?]", text[: hit.start])), default=0)
    end = next((m.start() for m in re.finditer(r"[.!?]", text[hit.end :])), len(text) - hit.end) + hit.end
    return text[start:end]


def _same_sentence(text: str, one: WordingHit, other: WordingHit) -> bool:
    first, second = sorted((one, other), key=lambda hit: hit.start)
    return not re.search(r"[.!?]", text[first.start : second.start])


def _asks_permission(opening: str) -> bool:
    """A clause that opens with an inverted modal ("zal ik …", "mag ik nu ophangen …", "kunnen we …")
    asks, also spoken without a question mark: the customer has not agreed yet."""
    words = [word for word in WORD.findall(opening) if word not in OPENING_WORDS]
    return len(words) >= 2 and words[0] in MODALS and words[1] in SUBJECTS


def break_off_verdict(text: str, hits: Sequence[WordingHit], anger_before: int, replies_before: int,
                      escalated_at: int) -> str:
    """What the end of a broken-off conversation tells the trainee, quoting the words of the last
    reply (`text`, `hits`) that broke it off: 3 Reasons Why advises it only when calming really fails,
    so after at least one earlier reply and with the customer still close to escalating (one level
    below `escalated_at` or higher)."""
    found = breaking_off(text, hits)
    broke = f'Je brak het gesprek af ("{found.text}")' if found else "Je brak het gesprek af"
    if replies_before == 0 and anger_before >= escalated_at:  # a threat at once: "laat uitpraten" is no advice there
        return (f"{broke} al bij je eerste antwoord, bij een klant die al dreigde (boosheid {anger_before} van 4), en "
                "sprak af hoe het verdergaat. Dat mag: kun je de situatie niet de-escaleren en voel je je onveilig, "
                "schakel dan hulp in (3 Reasons Why: Schakel hulp in indien nodig). Zeg daarbij rustig waar je grens "
                "ligt (3 Reasons Why: Geef je grenzen aan).")
    if replies_before == 0:
        return (f"{broke} al bij je eerste antwoord en sprak af hoe het verdergaat. 3 Reasons Why raadt dat aan "
                "als het kalmeren echt niet lukt: probeer eerst de klant te laten uitpraten en begrip te tonen (3 Reasons "
                "Why) en vat samen wat je hoort (CIP, stap 2).")
    if anger_before < escalated_at - 1:
        return (f"{broke} en sprak af hoe het verdergaat, terwijl de klant al rustiger was (boosheid "
                f"{anger_before} van 4). 3 Reasons Why raadt afbreken aan als het kalmeren echt niet lukt; hier "
                "lukte het wel: zoek samen met de klant naar een oplossing.")
    return (f"{broke} en sprak direct af hoe het verdergaat, terwijl de klant nog erg boos was (boosheid "
            f"{anger_before} van 4). Dat raadt 3 Reasons Why aan als het kalmeren echt niet lukt: breek het "
            "gesprek af en maak direct een nieuwe afspraak.")
