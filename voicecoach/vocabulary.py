"""The project's vocabulary, defined once: labels and their kinds, seed sources, roles, outcomes,
with the Dutch names trainees, coaches and teachers see. Templates get it as the global
`vocabulary`, the pages' JavaScript as JSON in a data attribute (`for_pages`)."""

from __future__ import annotations

# The seed texts by the name the code cites them with (shared/seeds/).
CIP, R3, BLOG, LES6, AO = (
    "000_94779b84c1eb6433.txt", "001_4710c7be769f9696.txt", "002_4f4bf8330f2a642c.txt",
    "003_b10594688f87e62d.txt", "004_ab579f6a87e1fca1.txt",
)
SEED_FILES = {
    CIP: "Conflict interventieplan (CIP)",
    R3: "3 Reasons Why: Een conflict de-escaleren? Zo doe je dat",
    BLOG: "Cliëntcommunicatie in crisismomenten (blog)",
    LES6: "Les 6: Klachtenafhandeling & Conflicthantering",
    AO: "A&O fonds Gemeenten: adviezen voor uitvoerders en leidinggevenden",
}
REMMER_LABELS = (
    "ik_boodschap",
    "gedrag_benoemen",
    "open_vraag",
    "gesloten_vraag",
    "begrip_tonen",
    "samenvatten",
    "oplossing_zoeken",
    "grens_aangeven",
)
# The seed each technique is taught from: the one most of its wording rules cite (a test keeps them equal).
TECHNIQUE_SOURCES = {
    "ik_boodschap": LES6, "gedrag_benoemen": LES6, "open_vraag": CIP, "gesloten_vraag": LES6,
    "begrip_tonen": BLOG, "samenvatten": CIP, "oplossing_zoeken": R3, "grens_aangeven": AO,
}
QUESTION_LABELS = frozenset({"open_vraag", "gesloten_vraag"})
# Answers to behaviour that crosses a line (A&O: "Als jouw grens dan bereikt wordt, kan je er naar
# handelen", "Blijft de situatie vervelend? Benoem dan het gedrag"): out of place with a calm customer.
BEHAVIOUR_LABELS = frozenset({"gedrag_benoemen", "grens_aangeven"})
STATEMENT_REMMERS = frozenset(REMMER_LABELS) - QUESTION_LABELS  # the techniques that are no question
AANJAGER = "aanjager"
AANJAGER_SUBTYPES = (
    "zwart_wit",
    "persoon_aanvallen",
    "medestanders_zoeken",
    "emotioneel_worden",
    "stoppen_met_communiceren",
    "afwijken_kernprobleem",
    "kalmeringsbevel",
    "schuld_afschuiven",
)
LABELS = (*REMMER_LABELS, AANJAGER)
# Dutch names for the trainee.
TECHNIQUE_NAMES = {
    "ik_boodschap": "ik-boodschap",
    "gedrag_benoemen": "gedrag benoemen",
    "open_vraag": "open vraag",
    "gesloten_vraag": "gesloten vraag",
    "begrip_tonen": "begrip tonen",
    "samenvatten": "samenvatten",
    "oplossing_zoeken": "oplossingen zoeken",
    "grens_aangeven": "grens aangeven",
}
AANJAGER_NAMES = {
    "zwart_wit": "zwart-witoordeel",
    "persoon_aanvallen": "de persoon aanvallen",
    "medestanders_zoeken": "medestanders zoeken",
    "emotioneel_worden": "emotioneel worden",
    "stoppen_met_communiceren": "stoppen met communiceren",
    "afwijken_kernprobleem": "afwijken van het kernprobleem",
    "kalmeringsbevel": "kalmeringsbevel",
    "schuld_afschuiven": "schuld afschuiven",
}
# 3 Reasons Why, "Laat de klant uitpraten": the flag of a reply that started while the customer's
# line was still playing (voice/interruption.py), the key of the customer's answer to it in a
# scenario's `responses`, and its name.
INTERRUPTION = "onderbreken"
PROCEDURE = "procedure"  # a step of the klachtenprocedure (scenarios.ProcedureStep)
INTERRUPTION_NAME = "de klant onderbreken"
ROLE_NAMES = {"trainee": "deelnemer", "coach": "coach", "teacher": "docent", "admin": "beheerder"}
OUTCOME_NAMES = {"calmed": "gekalmeerd", "escalated": "geëscaleerd", "unfinished": "gestopt",
                 "broken_off": "afgebroken met een afspraak"}

# Classroom rollenspel: a participant's role in a round, and who plays the customer.
ROUND_ROLE_NAMES = {"medewerker": "medewerker", "klant": "klant", "observer": "observator", "teacher": ROLE_NAMES["teacher"], "none": "kijker"}
CUSTOMER_MODES = {"voicecoach": "VoiceCoach", "student": "een student", "teacher": "de docent"}
CHECKLIST_KINDS = {"remmer": "conflictremmer", "aanjager": "conflictaanjager"}


# Score criteria (coaching/scoring.py: "kind:name"): the kinds, and the names of the non-label ones.
CRITERION_KINDS = {
    "techniek": "technieken",
    "aanjager": "conflictaanjagers",
    "stem": "stem",
    "stijging": "stijgingen in je stem",
    "luisteren": "luisteren",
}
CRITERION_NAMES = {
    "stem:loudness": "harder praten dan je rustige stem",
    "stem:pitch": "hoger praten dan je rustige stem",
    "stem:rate": "sneller praten dan je rustige stem",
    "stem:kalm_onder_druk": "kalm blijven onder druk",
    "stem:woorden_komen_minder_aan": "goede woorden met een harde of hoge stem",
    "stijging:loudness": "je stem werd harder tijdens het antwoord",
    "stijging:pitch": "je stem werd hoger tijdens het antwoord",
    "luisteren:te_kort": "te kort antwoord",
    "techniek:nieuws_brengen": "het slechte nieuws duidelijk brengen",
    f"techniek:{PROCEDURE}": "de stappen van de klachtenprocedure",
    "luisteren:monoloog": "te lang aan het woord",
    f"luisteren:{INTERRUPTION}": INTERRUPTION_NAME,
}
# Live cues while the trainee speaks (streaming/cues.py): the stream's cue key and the word shown.
CUE_NAMES = {"zachter": "Zachter", "rustig": "Rustig"}
# Voice measures against the calm baseline, as the progress plots show them.
VOICE_MEASURE_NAMES = {
    "loudness": "harder dan rustig (decibel)",
    "pitch": "hoger dan rustig (%)",
    "rate": "sneller dan rustig (%)",
}


def label_name(key: str) -> str:
    """Dutch name of a label key: "open_vraag" or "aanjager:zwart_wit" (or "aanjager")."""
    if key == INTERRUPTION:
        return INTERRUPTION_NAME
    label, _, subtype = key.partition(":")
    if label == AANJAGER:
        return f"conflictaanjager ({AANJAGER_NAMES[subtype]})" if subtype in AANJAGER_NAMES else "conflictaanjager"
    return TECHNIQUE_NAMES.get(label, label.replace("_", " "))


def criterion_name(criterion: str) -> str:
    """Dutch name of a score criterion ("techniek:open_vraag", "stem:loudness", …)."""
    kind, _, name = criterion.partition(":")
    if criterion in CRITERION_NAMES:
        return CRITERION_NAMES[criterion]
    return label_name(name if kind == "techniek" else criterion)


def for_pages() -> dict[str, dict[str, str]]:
    """What the pages' JavaScript needs to name things."""
    return {"techniques": TECHNIQUE_NAMES, "aanjagers": AANJAGER_NAMES, "roles": ROLE_NAMES, "outcomes": OUTCOME_NAMES,
            "criterion_kinds": CRITERION_KINDS, "voice_measures": VOICE_MEASURE_NAMES, "round_roles": ROUND_ROLE_NAMES,
            "cues": CUE_NAMES}
