"""Score one turn: points per criterion, each with a Dutch explanation, its evidence and its seed."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from voicecoach.scenarios import Phase, ProcedureStep
from voicecoach.turn_record import PointRecord, ScoreRecord
from voicecoach.coaching.points import point, seconds, span
from voicecoach.coaching.voice_points import raised_voice_loss, voice_points
from voicecoach.voice.shapes import Interruption, VoiceRecord
from voicecoach.wording.hits import Suggestion, WordingHit
from voicecoach.vocabulary import AANJAGER, AANJAGER_NAMES, AO, BEHAVIOUR_LABELS, BLOG, CIP, INTERRUPTION, LES6, PROCEDURE, QUESTION_LABELS, R3, SEED_FILES, STATEMENT_REMMERS, TECHNIQUE_NAMES

WEIGHTS_FILE = Path(__file__).with_name("weights.yaml")



@lru_cache(maxsize=1)
def load_weights(path: Path = WEIGHTS_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def score_turn(
    *,
    hits: Sequence[WordingHit],
    suggestions: Sequence[Suggestion],
    phase: Phase,
    customer_anger: int,
    word_count: int,
    speech_seconds: float,
    voice: VoiceRecord | None,
    interruption: Interruption | None = None,
    news: str | None = None,
    procedure: Sequence[tuple[ProcedureStep, str]] = (),
    attention_call: bool = False,
    weights: dict[str, Any] | None = None,
) -> ScoreRecord:
    """Points for the wording, the voice (when there was audio) and listening (also: did the reply
    start while the customer was still talking); `news`: the words that told the phase's bad news
    (Phase.news_told); `procedure`: the klachtenprocedure's steps taken, with their words
    (Phase.procedure_done); `attention_call`: the reply only called for attention (calls_for_attention)."""
    w = weights or load_weights()
    hits = without_news_misread(hits, news, phase)
    techniques = _technique_points(hits, phase, customer_anger, w)
    if news:
        techniques.append(_news_point(news, w))
    if procedure:
        techniques.append(_procedure_point(procedure, w))
    aanjagers = _aanjager_points(hits, suggestions, w)
    points = [*techniques, *aanjagers]
    if voice is not None:
        # a calm voice saying an aanjager is not "kalm onder druk" ("Dat is nou eenmaal ons beleid",
        # said calmly, read "+1: Je bleef rustig", a test session): the praise needs calm words too
        points.extend(voice_points(voice, customer_anger, w, calm_words=not aanjagers))
        points.extend(raised_voice_loss(voice, techniques, w))
    if attention_call:
        points.append(_attention_point())
    else:
        points.extend(_listening_points(word_count, speech_seconds, w, earned=any(p.points > 0 for p in techniques)))
    if interruption is not None and interruption.interrupting:
        points.append(_interruption_point(interruption, w))
    return ScoreRecord(total=sum(p.points for p in points), points=tuple(points))


def _seconds(hit: WordingHit) -> str:
    return f" ({span(*hit.seconds)})" if hit.seconds else ""


def _technique_value(label: str, phase: Phase, w: dict[str, Any]) -> int:
    return w["technique_in_phase" if label in phase.techniques else "technique_elsewhere"]


MAX_SEARCH_STEPS = 20_000  # choices tried for one turn's techniques (a handful of hits: a few dozen)


def _paid_hits(hits: Sequence[WordingHit], phase: Phase, w: dict[str, Any]) -> list[WordingHit]:
    """Each technique counts once, and one stretch of words earns one technique: of hits whose
    spans overlap, only one is paid (the choice that pays most; on a tie the phase's goal, else the
    higher-valued, else the earlier: `_most_paid`), unless weights.yaml's `overlap_allowed` lists the
    pair with its reason; a closed question inside another technique is that technique."""
    acts = [hit for hit in hits if hit.label in STATEMENT_REMMERS]
    aanjagers = [hit for hit in hits if hit.label == AANJAGER]
    # The question is the form, the technique the act: 'Zal ik even kijken wat ik kan doen?' (an
    # offer) and 'Wilt u wat zachter praten?' (naming the behaviour) each kept only '+1 Gesloten
    # vraag … de klant vertelt er weinig door' where the phase valued a closed question higher; and
    # a question or summary inside an aanjager earns nothing ('Wat wilt u nou eigenlijk van mij?' read
    # +2 open vraag beside -3 on the same words, a check session; classify.with_framed_aanjagers).
    # Words of understanding are paid as begrip tonen: the ik-boodschap they imply ("ik begrijp dat…")
    # earned +2 "past bij de fase Probleemaanpak" for "dat snap ik", where begrip tonen earns +1 (a test
    # session calmed a customer there with stock phrases)
    remmers = [hit for hit in hits if hit.label != AANJAGER and not (hit.label == "ik_boodschap" and hit.subtype == "begrip")
               and not (hit.label == "gesloten_vraag" and _inside(hit, acts))
               and not (hit.label in QUESTION_LABELS | {"samenvatten"} and _inside(hit, aanjagers))]
    allowed = {frozenset(pair["labels"]) for pair in w.get("overlap_allowed") or ()}
    first = {hit.label: n for n, hit in reversed(list(enumerate(remmers)))}
    # on a tie the phase's goal comes first: "ik stel voor dat we de bank morgen komen brengen" was paid
    # as an ik-boodschap in the phase that asks for a solution (a test session)
    goals = set(phase.goal_techniques)
    labels = sorted(first, key=lambda name: (-_technique_value(name, phase, w), name not in goals, first[name]))
    options = [[hit for hit in remmers if hit.label == label] for label in labels]

    def compatible(a: WordingHit, b: WordingHit) -> bool:
        return not a.overlaps(b) or frozenset((a.label, b.label)) in allowed

    return _most_paid(options, [_technique_value(label, phase, w) for label in labels],
                      [label in goals for label in labels], compatible)


def _most_paid(options: list[list[WordingHit]], values: list[int], goals: list[bool],
               compatible: Callable[[WordingHit, WordingHit], bool]) -> list[WordingHit]:
    """One hit (or none) per label, no two on the same words: the choice that pays most in all, on a
    tie the one with most phase goals, else the first found — the first tried is the old choice
    (labels by value, each its first free hit), so it changes only when more is paid.
    Taking the highest-valued label first let one hit the model found over a whole unpunctuated
    sentence ("hallo ik zie dat jullie allebei boos zijn ik wil jullie allebei helpen maar niet als
    jullie tegen elkaar schreeuwen": +2 begrip tonen) block the three techniques the rules found in
    it (grens, gedrag, ik-boodschap: +5), so saying more earned less (a test session)."""
    best: tuple[tuple[int, int], list[WordingHit]] = ((-1, -1), [])
    rest_value = [sum(values[index:]) for index in range(len(values) + 1)]
    steps = 0

    def search(index: int, chosen: list[WordingHit], total: int, goal_count: int) -> None:
        nonlocal best, steps
        steps += 1
        if total + rest_value[index] < best[0][0] or steps > MAX_SEARCH_STEPS:
            return  # cannot pay more than the best so far (or a monologue's many hits: keep what was found)
        if index == len(options):
            if (total, goal_count) > best[0]:
                best = ((total, goal_count), chosen)
            return
        for hit in options[index]:
            if all(compatible(hit, other) for other in chosen):
                search(index + 1, [*chosen, hit], total + values[index], goal_count + goals[index])
        search(index + 1, chosen, total, goal_count)

    search(0, [], 0, 0)
    return best[1]


def _technique_points(hits: Sequence[WordingHit], phase: Phase, customer_anger: int, w: dict[str, Any]) -> list[PointRecord]:
    points, budget = [], w["max_technique_points"]
    for hit in _paid_hits(hits, phase, w):
        if hit.label in BEHAVIOUR_LABELS and customer_anger <= w["behaviour_answers_above"]:
            points.append(_not_needed(hit, customer_anger))
            continue
        in_phase = hit.label in phase.techniques
        value = min(_technique_value(hit.label, phase, w), budget)
        if value <= 0:
            break
        budget -= value
        fit = f"past bij de fase '{phase.title}'" if in_phase else "helpt, al vraagt deze fase vooral iets anders"
        points.append(
            point(
                criterion=f"techniek:{hit.label}",
                points=value,
                explanation=(
                    f"+{value}: {TECHNIQUE_NAMES[hit.label].capitalize()} {fit}: \"{hit.text}\"{_seconds(hit)}. "
                    f"{hit.explanation} Bron: {SEED_FILES[hit.source]}."
                ),
                evidence={"words": hit.text, "rule": hit.rule, "seconds": hit.seconds, "span": [hit.start, hit.end]},
                source=hit.source,
            )
        )
    return points


WHEN_NEEDED = {
    "grens_aangeven": "Een grens geef je aan als de klant eroverheen gaat (A&O: \"Als jouw grens dan bereikt wordt, "
                      "kan je er naar handelen\")",
    "gedrag_benoemen": "Het gedrag benoem je als het vervelend blijft (A&O: \"Blijft de situatie vervelend? Benoem "
                       "dan het gedrag van de persoon\")",
}


def without_news_misread(hits: Sequence[WordingHit], news: str | None, phase: Phase) -> list[WordingHit]:
    """The news read as something else left out. The model's aanjager on the words that tell the
    phase's bad news: "nou het is helaas nee u krijgt geen parkeerkaart" read as zwart-wit is the news
    itself, which the phase asks for (a check session). A rule's aanjager stays: hiding behind the
    keuringsarts is schuld afschuiven; so does the model's that says more than the news ("dus het is
    afgewezen ik heb er zelf niks over te zeggen", a test session: the written form, split by a full
    stop, cost −3). Nor is a summary that tells the news one: "nee meneer helaas niet dus u krijgt hem
    niet" earned +1 samenvatten beside the news's +2 (test sessions)."""
    if not news:
        return list(hits)
    return [hit for hit in hits if not (hit.label == AANJAGER and hit.method == "model" and _mostly_news(hit.text, news))
            and not (hit.label == "samenvatten" and (phase.news_told(hit.text) or _mostly_news(hit.text, news)))]


NEWS_TAIL_WORDS = 3  # '… niet krijgt | meneer': words after the news that add nothing


def _mostly_news(aanjager: str, news: str) -> bool:
    """The aanjager is the news and what leads up to it ('ik moet u helaas zeggen dat …'), with at
    most a few words after it: what follows the news is said besides it."""
    lowered, told = aanjager.lower(), news.lower()
    if told not in lowered:
        return False
    return len(lowered.partition(told)[2].split()) <= NEWS_TAIL_WORDS


def _news_point(words: str, w: dict[str, Any]) -> PointRecord:
    value = w["technique_in_phase"]
    return point(
        criterion="techniek:nieuws_brengen",
        points=value,
        explanation=(
            f"+{value}: Je bracht het slechte nieuws duidelijk: \"{words}\". Blijf "
            f"dan bij de reactie van de klant (3 Reasons Why: \"Communiceer duidelijk en respectvol. Praat kalm en "
            f"gebruik duidelijke taal.\"). Bron: {SEED_FILES[R3]}."
        ),
        evidence={"words": words},
        source=R3,
    )


def _procedure_point(steps: Sequence[tuple[ProcedureStep, str]], w: dict[str, Any]) -> PointRecord:
    value = w["technique_in_phase"]
    done = " en ".join(f'{step.step} ("{words}")' for step, words in steps)
    quotes = " ".join(f'"{step.quote}"' for step, _ in steps)
    return point(
        criterion=f"techniek:{PROCEDURE}",
        points=value,
        explanation=f"+{value}: Je volgt de klachtenprocedure: je {done}. Les 6: {quotes} Bron: {SEED_FILES[LES6]}.",
        evidence={"steps": [{"step": step.step, "words": words} for step, words in steps]},
        source=LES6,
    )


def _not_needed(hit: WordingHit, customer_anger: int) -> PointRecord:
    """0 points, with the reason: a test session's boundary to a customer at boosheid 1 earned +3 and
    the conversation ended calmed."""
    return point(
        criterion=f"techniek:{hit.label}",
        points=0,
        explanation=(
            f"0: {TECHNIQUE_NAMES[hit.label].capitalize()} was nu niet nodig: \"{hit.text}\"{_seconds(hit)}. De klant "
            f"was al rustig (boosheid {customer_anger} van 4). {WHEN_NEEDED[hit.label]}; ga nu verder met wat de "
            f"klant vraagt. Bron: {SEED_FILES[AO]}."
        ),
        evidence={"words": hit.text, "rule": hit.rule, "seconds": hit.seconds, "span": [hit.start, hit.end],
                  "customer_anger": customer_anger},
        source=AO,
    )


def _inside(hit: WordingHit, others: Sequence[WordingHit]) -> bool:
    return any(hit.lies_within(other) for other in others)


def _aanjager_points(hits: Sequence[WordingHit], suggestions: Sequence[Suggestion], w: dict[str, Any]) -> list[PointRecord]:
    """One point per aanjager kind; a stretch of words costs once, as it earns once: an aanjager on
    words an earlier one already cost is named with it ("niet mijn probleem": stoppen met
    communiceren, ook schuld afschuiven), not charged again; so is the same kind said again, as a
    technique counts once ("dat was niet ik, dat was de planning, daar kan ik ook niks aan doen" cost
    −9 and ended a test session's conversation at its second turn)."""
    rewrites = {s.rule: s.suggestion for s in suggestions}
    charged: list[tuple[WordingHit, list[WordingHit]]] = []  # a charged hit, and those on its words
    for hit in hits:
        if hit.label != AANJAGER:
            continue
        earlier = next((same for first, same in charged if hit.overlaps(first) or hit.subtype == first.subtype), None)
        if earlier is not None:
            earlier.append(hit)
        else:
            charged.append((hit, []))
    points = []
    for hit, same_words in charged:
        value = w["aanjager"]
        rewrite = rewrites.get(hit.rule)
        also = "".join(
            f" Nog eens: \"{other.text}\" (telt niet dubbel)." if other.subtype == hit.subtype
            else f" Ook: {AANJAGER_NAMES[other.subtype]} (\"{other.text}\"; telt niet dubbel)." for other in same_words)
        points.append(
            point(
                criterion=f"aanjager:{hit.subtype}",
                points=value,
                explanation=(
                    f"{value}: Conflictaanjager ({AANJAGER_NAMES[hit.subtype]}): \"{hit.text}\"{_seconds(hit)}. "
                    f"{hit.explanation} Bron: {SEED_FILES[hit.source]}.{also}"
                    + (f" Beter: {rewrite}" if rewrite else "")
                ),
                evidence={"words": hit.text, "rule": hit.rule, "seconds": hit.seconds, "span": [hit.start, hit.end],
                          "also": [other.rule for other in same_words]},
                source=hit.source,
            )
        )
    return points


# The CIP's first step: "In veel gevallen is het roepen van 'hé!' of 'hallo!' al voldoende om de
# aandacht te trekken". Alone it cost -1 as a two-word answer "zoals ja of oké" (a test session).
ATTENTION_CALL = re.compile(r"^\W*((hé|hee|hey|hei|hallo|ho|hola|stop|meneer|mevrouw|heren|dames|mensen)\W*){1,4}$", re.IGNORECASE)


def calls_for_attention(text: str) -> bool:
    """The reply is only a call for attention ('Hé!', 'hé hallo', 'Hallo, meneer!')."""
    return ATTENTION_CALL.match(text) is not None


def _attention_point() -> PointRecord:
    return point(
        criterion="luisteren:aandacht_trekken",
        points=0,
        explanation=(
            "0: Je trok de aandacht. \"In veel gevallen is het roepen van 'hé!' of 'hallo!' al voldoende om de aandacht "
            "te trekken\" (CIP, stap 1). Maak daarna duidelijk dat je niet bij voorbaat de tegenpartij bent en zeg wat je "
            f"ziet, bijvoorbeeld: \"Ik zie dat u allebei boos bent. Komt u even met mij mee?\" Bron: {SEED_FILES[CIP]}."
        ),
        evidence={"rule": "luisteren:aandacht_trekken"},
        source=CIP,
    )


def _listening_points(word_count: int, speech_seconds: float, w: dict[str, Any], *, earned: bool) -> list[PointRecord]:
    """Too short, too long. A short reply that earned a technique ("Dat snap ik.") did what the
    short-answer point asks for: it read "+2 begrip tonen" beside "-1 … toon begrip" (a test session)."""
    rules = w["listening"]
    if earned and word_count < rules["min_words"]:
        return []
    if 0 < word_count <= rules["one_word_max"]:
        # "ja", "nee", "oké": scored, not refused, with what a one-word answer does to an angry customer
        said = "één woord" if word_count == 1 else f"{word_count} woorden"
        return [
            point(
                criterion="luisteren:kort_antwoord",
                points=rules["short_answer"],
                explanation=(
                    f"{rules['short_answer']}: Je antwoordde met maar {said}. In zo'n kort antwoord (zoals \"ja\" "
                    "of \"oké\") hoort een boze klant niet dat je luistert of wilt weten wat er aan de hand is. "
                    "Luister naar de ander en "
                    f"stel een vraag, bijvoorbeeld: \"Wat is er precies gebeurd?\" Bron: {SEED_FILES[LES6]}."
                ),
                evidence={"words": word_count},
                source=LES6,
            )
        ]
    if word_count < rules["min_words"]:
        return [
            point(
                criterion="luisteren:te_kort",
                points=rules["too_short"],
                explanation=(
                    f"{rules['too_short']}: Je antwoord was erg kort ({word_count} {'woord' if word_count == 1 else 'woorden'}). Laat merken dat je "
                    f"luistert: toon begrip of stel een vraag. Bron: {SEED_FILES[BLOG]}."
                ),
                evidence={"words": word_count},
                source=BLOG,
            )
        ]
    if word_count > rules["max_words"] or speech_seconds > rules["max_seconds"]:
        length = f"{word_count} woorden, {seconds(speech_seconds)}" if speech_seconds else f"{word_count} woorden"  # typed: no time
        return [
            point(
                criterion="luisteren:monoloog",
                points=rules["monologue"],
                explanation=(
                    f"{rules['monologue']}: Je sprak lang achter elkaar ({length}). "
                    f"Laat de klant uitpraten en ga niet in discussie. Bron: {SEED_FILES[R3]}."
                ),
                evidence={"words": word_count, "seconds": round(speech_seconds, 2)},
                source=R3,
            )
        ]
    return []


def _interruption_point(interruption: Interruption, w: dict[str, Any]) -> PointRecord:
    """The reply started while the customer's line was still playing (voice/interruption.py)."""
    value = w["listening"]["interrupting"]
    when = " en ".join(span(start, end) for start, end in interruption.stretches)
    echo = (
        " Wat je microfoon van de luidspreker opving (de klant zelf), telt niet mee."
        if interruption.echo and interruption.explained_seconds >= 0.4 else ""
    )
    return point(
        criterion=f"luisteren:{INTERRUPTION}",
        points=value,
        explanation=(
            f"{value}: Je begon te praten terwijl de klant nog aan het woord was: je sprak {when} door de "
            f"klant heen (samen ongeveer {seconds(interruption.seconds)}).{echo} Laat de klant uitpraten (of "
            f"uitrazen, indien nodig) en luister aandachtig. Bron: {SEED_FILES[R3]}."
        ),
        evidence=interruption.model_dump(mode="json"),
        source=R3,
    )
