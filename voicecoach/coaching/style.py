"""Which of Les 6's five conflict-handling styles a conversation's turns show.

Les 6 (Klachtenafhandeling & Conflicthantering) names five conflicthanteringstechnieken:
toegeven, vermijden, confronteren, forceren, compromis zoeken. Each of the trainee's replies is
read from its wording labels (voicecoach/wording/rules.py) and its text, and gets at most one
kind, first match wins:

1. forceren: zwart_wit, kalmeringsbevel, persoon_aanvallen or medestanders_zoeken, and no
   listening label in the same reply ("je ontziet de tegenpartij niet").
2. vermijden: stoppen_met_communiceren, schuld_afschuiven or afwijken_kernprobleem (the
   confrontation is avoided by stopping, passing the blame or changing the subject).
3. compromis: words of a middle way ("de helft", "tegemoetkoming", "elkaar in het midden", "korting",
   "compromis", …) and no aanjager. The words count without the oplossing_zoeken label because
   the rules do not tag every middle-way offer ("Kunnen we elkaar in het midden treffen?").
4. toegeven: a concession ("u krijgt alles terug", "we doen wat u wilt", …), no aanjager and no
   grens_aangeven (no own position). "U heeft gelijk" alone is acknowledging, not giving in.
5. confronteren: oplossing_zoeken, grens_aangeven, gedrag_benoemen or "ik ben het niet met u
   eens" (own standpoint, problem on the table), no aanjager.
6. luisteren: open_vraag, samenvatten or begrip_tonen, no aanjager. Not a style of its own: it
   supports confronteren and compromis, which both respect the other's view (Les 6).
Any other reply with an aanjager (emotioneel_worden, or a forcing one said while listening) shows
no style: it is losing one's calm or a mixed signal, not a way of handling the conflict.

A style's score is the number of replies that show it; confronteren and compromis add the
listening replies, and confronteren needs at least one (both standpoints). The top score wins when
it is at least MIN_EVIDENCE. A tie goes to the style with more replies of its own kind, then to
compromis over confronteren (they share the listening replies, and the middle way is what the
conversation settled on); a tie that remains, or a top score below MIN_EVIDENCE, is "geen
duidelijke stijl".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

from voicecoach.vocabulary import AANJAGER, LES6, SEED_FILES

Style = Literal["toegeven", "vermijden", "confronteren", "forceren", "compromis", "geen_duidelijke_stijl"]
Kind = Literal["toegeven", "vermijden", "confronteren", "forceren", "compromis", "luisteren"]
MIN_EVIDENCE = 2
"""One reply is too little to call a way of handling a conflict a style."""

FORCING = ("aanjager:zwart_wit", "aanjager:kalmeringsbevel", "aanjager:persoon_aanvallen", "aanjager:medestanders_zoeken")
AVOIDING = ("aanjager:stoppen_met_communiceren", "aanjager:schuld_afschuiven", "aanjager:afwijken_kernprobleem")
LISTENING = ("open_vraag", "samenvatten", "begrip_tonen")
OWN_STANDPOINT = ("oplossing_zoeken", "grens_aangeven", "gedrag_benoemen")
MIDDLE_WAY = re.compile(
    r"\b(de helft|helft van|tegemoetkoming|elkaar in het midden|middenweg|compromis|verschil del\w*|gedeeltelijk|korting)\b"
)
CONCESSION = re.compile(
    r"\b(u krijgt (alles|het hele bedrag|uw geld|al uw geld) terug|(we|wij|ik) do(e|en) (gewoon )?wat u wilt"
    r"|zoals u wilt|u krijgt uw zin|u (heeft|hebt) het (maar )?voor het zeggen)\b"
)
AGREEING = re.compile(r"\bu (heeft|hebt) (helemaal |volkomen |groot )?gelijk\b")
"""Quoted with a concession; alone it is acknowledging (the rules call it begrip_tonen), not giving in."""
OWN_VIEW = re.compile(r"\bik ben het niet met u eens\b")

TITLES: dict[Style, str] = {
    "toegeven": "Toegeven",
    "vermijden": "Vermijden",
    "confronteren": "Confronteren",
    "forceren": "Forceren",
    "compromis": "Compromis zoeken",
    "geen_duidelijke_stijl": "Geen duidelijke stijl",
}
EXPLANATIONS: dict[Style, str] = {
    "toegeven": (
        "Je gaf de klant gelijk en gaf toe, zonder je eigen standpunt te noemen. Volgens Les 6 kan "
        "toegeven handig zijn om op de lange termijn krediet op te bouwen, maar de vraag is of je niet "
        "vaker moet opkomen voor je eigen belangen. Zoek naar oplossingen die beide partijen tevredenstellen."
    ),
    "vermijden": (
        "Je ging het conflict uit de weg: je stopte met praten, schoof de schuld door of begon over iets "
        "anders. Volgens Les 6 werkt dat op de korte termijn soms, want conflicten waaien vaak over, maar "
        "vermijden is meestal af te raden. Snijd de kwestie aan en praat er op een oplossende manier over."
    ),
    "confronteren": (
        "Je legde het probleem open op tafel: je luisterde naar de klant, kwam op voor je eigen standpunt "
        "en zocht een oplossing waar jullie allebei tevreden mee zijn, een win-winsituatie. Volgens Les 6 "
        "lijkt dit de ideale manier om met conflicten om te gaan, maar er zijn ook nadelen: het kost veel tijd en energie."
    ),
    "forceren": (
        "Je probeerde het conflict in je eigen voordeel te beslissen, zonder de klant te ontzien en zonder "
        "te luisteren. Volgens Les 6 lijkt dat op de korte termijn een goede oplossing, maar op de lange "
        "termijn zijn de gevolgen vaak negatief: de klant blijft ontevreden, voelt zich misschien "
        "overrompeld, en er is een kans dat je opnieuw met de kwestie te maken krijgt."
    ),
    "compromis": (
        "Je zocht een middenweg: jij en de klant geven allebei een beetje toe. Volgens Les 6 is dat een goede "
        "manier om een conflict te beëindigen. Het vraagt wel dat jullie allebei je standpunt ter discussie "
        "stellen en een oplossing aanvaarden die voor geen van beiden de beste is, met respect voor elkaars mening."
    ),
    "geen_duidelijke_stijl": (
        "In dit gesprek zijn te weinig aanwijzingen voor één van de vijf manieren om met een conflict om te "
        "gaan uit Les 6: toegeven, vermijden, confronteren, forceren en compromis zoeken. Daarvoor zijn "
        "minstens twee antwoorden nodig die op dezelfde manier wijzen."
    ),
}
ONLY_LISTENING = (
    "Je luisterde vooral: je stelde vragen, vatte samen of toonde begrip (de beurten hieronder). Luisteren is "
    "geen stijl op zich uit Les 6, maar hoort bij confronteren en compromis zoeken. Welke van die twee het wordt, "
    "hangt af van wat je daarna doet: je eigen standpunt of een oplossing noemen (confronteren), of samen een "
    "middenweg zoeken (compromis)."
)
"""For "geen duidelijke stijl" when every reply that showed anything was listening: the general
text ('minstens twee antwoorden nodig') contradicted the three listening turns listed under it."""


@dataclass(frozen=True)
class ReplyTurn:
    """One reply of the trainee: its wording labels ("begrip_tonen", "aanjager:zwart_wit", …) and text."""

    labels: frozenset[str]
    text: str
    number: int = 0
    """The turn's number in the conversation (0: its place in the list given)."""


@dataclass(frozen=True)
class TurnEvidence:
    turn: int
    """1-based number of the reply in the conversation."""
    kind: Kind
    signs: tuple[str, ...]
    """The labels and quoted words that gave the reply its kind."""


@dataclass(frozen=True)
class ConflictStyle:
    style: Style
    title: str
    explanation: str
    evidence: tuple[TurnEvidence, ...]
    """The replies that show the style (for "geen duidelijke stijl": every reply that showed any)."""
    others: tuple[TurnEvidence, ...] = ()
    """The replies that showed another kind: a "win-winsituatie" read above a forcing reply that was
    not listed (a test session)."""
    source: str = LES6

    @property
    def source_title(self) -> str:
        return SEED_FILES[self.source]


def classify_turn(turn: ReplyTurn) -> tuple[Kind, tuple[str, ...]] | None:
    """The reply's kind and the signs for it, following the order in the module docstring."""
    labels, text = turn.labels, turn.text.lower()
    has_aanjager = AANJAGER in labels or any(label.startswith(f"{AANJAGER}:") for label in labels)
    listening = tuple(label for label in LISTENING if label in labels)
    forcing = tuple(label for label in FORCING if label in labels)
    if forcing and not listening:
        return "forceren", forcing
    avoiding = tuple(label for label in AVOIDING if label in labels)
    if avoiding:
        return "vermijden", avoiding
    if has_aanjager:
        return None
    if middle := _quoted(MIDDLE_WAY, text):
        return "compromis", middle + (("oplossing_zoeken",) if "oplossing_zoeken" in labels else ())
    if (concession := _quoted(CONCESSION, text)) and "grens_aangeven" not in labels:
        return "toegeven", _quoted(AGREEING, text) + concession
    standpoint = tuple(label for label in OWN_STANDPOINT if label in labels) + _quoted(OWN_VIEW, text)
    if standpoint:
        return "confronteren", standpoint + listening
    if listening:
        return "luisteren", listening
    return None


def infer_style(turns: Sequence[ReplyTurn]) -> ConflictStyle:
    """The conflict-handling style the trainee's replies show, with its Les 6 explanation."""
    evidence = [TurnEvidence(turn.number or number, *found) for number, turn in enumerate(turns, start=1)
                if (found := classify_turn(turn))]
    by_kind: dict[str, list[TurnEvidence]] = {kind: [e for e in evidence if e.kind == kind] for kind in get_args(Kind)}
    support: dict[Style, list[TurnEvidence]] = {
        "forceren": by_kind["forceren"],
        "vermijden": by_kind["vermijden"],
        "toegeven": by_kind["toegeven"],
        "compromis": by_kind["compromis"] + by_kind["luisteren"] if by_kind["compromis"] else [],
        "confronteren": by_kind["confronteren"] + by_kind["luisteren"] if by_kind["confronteren"] else [],
    }
    if not any(_listens(item) for item in support["confronteren"]):
        support["confronteren"] = []
    def rank(style: Style) -> tuple[int, int, bool]:
        return len(support[style]), len(by_kind[style]), style == "compromis"

    best, second = sorted(support, key=rank, reverse=True)[:2]
    if rank(best)[0] < MIN_EVIDENCE or rank(best) == rank(second):
        unclear = _style("geen_duidelijke_stijl", evidence)
        if evidence and all(item.kind == "luisteren" for item in evidence):
            return replace(unclear, explanation=ONLY_LISTENING)
        return unclear
    shown = sorted(support[best], key=lambda item: item.turn)
    return replace(_style(best, shown), others=tuple(item for item in evidence if item not in shown))


def _listens(item: TurnEvidence) -> bool:
    return any(sign in LISTENING for sign in item.signs)


def _quoted(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    return tuple(f'"{match.group(0)}"' for match in pattern.finditer(text))


def _style(style: Style, evidence: Iterable[TurnEvidence]) -> ConflictStyle:
    return ConflictStyle(style=style, title=TITLES[style], explanation=EXPLANATIONS[style], evidence=tuple(evidence))
