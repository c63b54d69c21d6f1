"""The reacting customer: anger moves with the turn's score; phases follow the CIP.

Deterministic for the same inputs: the line for a level is picked by a random generator seeded
with the scenario id and the turn number.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from voicecoach.coaching.break_off import offers_only_as_a_consequence
from voicecoach.coaching.scoring import load_weights
from voicecoach.turn_record import ScoreRecord
from voicecoach.scenarios import SPEAKER, Phase, Scenario
from voicecoach.vocabulary import BEHAVIOUR_LABELS, INTERRUPTION, PROCEDURE, QUESTION_LABELS, REMMER_LABELS
from voicecoach.wording.evaluation import predicted_labels
from voicecoach.wording.hits import WordingHit
from voicecoach.wording.rules import AANJAGER

Outcome = Literal["calmed", "escalated", "unfinished", "broken_off"]
TOP_ANGER = 4  # the anger scale's top: a customer there cannot get angrier, only stay


@dataclass(frozen=True)
class CustomerState:
    """Where the conversation stands."""

    anger: int
    phase: str
    turn: int = 0
    turns_at_top: int = 0
    outcome: Outcome | None = None
    acknowledged: tuple[str, ...] = ()
    """Techniques of ONCE the customer has answered already (stored states without it: none)."""
    news_heard: bool = False
    """The phase's bad news has been told (Phase.news; stored states without it: not yet)."""
    goal_replies: int = 0
    """Replies in this phase that reached its goal, of Phase.goal_turns (stored states without it: none)."""

    @classmethod
    def start(cls, scenario: Scenario) -> CustomerState:
        return cls(anger=scenario.start_anger, phase=scenario.phases[0].id)


def customer_line(scenario: Scenario, state: CustomerState, previous: str = "", *, asked: bool = True,
                  reply: str = "") -> str:
    """The scripted line for the current phase and anger level; calm enough to end in the last
    phase but not calmed (no step offered yet, also as the last words of a conversation that ran out
    of turns), the phase's prompt for its goal if it has one. Not a line of the customer's
    `previous` words, when the level has another; after a reply that `asked` nothing, none about
    being asked (BEING_ASKED); of two customers, the one the `reply` spoke to (addressed_lines)."""
    phase = scenario.phase(state.phase)
    if phase.news_prompts and not state.news_heard:  # the opening line too: the levels' lines react to the news
        return _pick(phase.news_prompts, f"{scenario.id}:{state.turn}", previous)
    waiting = (state.outcome != "calmed" and scenario.next_phase(phase.id) is None
               and state.anger <= scenario.ending.calmed_at_most and phase.goal_prompts)
    options = addressed_lines(phase.goal_prompts if waiting else phase.lines[state.anger], reply, previous)
    if state.outcome == "calmed":
        # a calmed customer's last words ask nothing the trainee can no longer answer ("Dat klinkt
        # redelijk. En hoe weet ik zeker dat het deze keer wel doorgaat?" ended a conversation, a test session)
        closing = [_without_sentences(option, lambda sentence: sentence.endswith("?")) for option in options]
        return _pick([line for line in closing if not line.endswith("?")] or options, f"{scenario.id}:{state.turn}", previous)
    if not asked:
        trimmed = [_without_sentences(line, BEING_ASKED.search) for line in options]
        options = ([line for line in options if not BEING_ASKED.search(line)]
                   or [line for line in trimmed if not BEING_ASKED.search(line)] or options)
    return _pick(options, f"{scenario.id}:{state.turn}", previous)


# What an angry customer says about the trainee's questions ("Waarom vraagt u dat?", "u stelt alleen
# maar vragen!", "Wat wilt u nog meer weten?", "Waarom moet ik alles opnieuw vertellen?"): said after a
# reply that asked nothing (an offer, "ik kijk even in de computer", words of understanding) it answers
# words that were never said (test sessions).
BEING_ASKED = re.compile(r"\b(vraagt u dat|vragen stellen|stelt alleen maar vragen|al die vragen|gevraag|nog te vragen|"
                         r"doet dat er( nou)? toe|waarom moet ik dat|nog meer weten|opnieuw vertellen|"
                         r"nog (een keer |iets )?(vertellen|uitleggen)|allemaal uitleggen|weet u toch|staat toch op|"
                         r"staat dat niet in)\b", re.IGNORECASE)


# Of two customers (scenarios.SPEAKER), a reply that speaks to one ("Mevrouw, en hoe ging het bij
# u?") is answered by that one: meneer answered it (a check of the scenario).
ADDRESS = re.compile(r"\b(meneer|mevrouw)\b", re.IGNORECASE)


def addressed_lines(options: list[str], reply: str, previous: str = "") -> list[str]:
    """The `options` spoken by the customer the `reply` addresses, when it names exactly one of
    the speakers and they have a line not just said (`previous`); else all of them."""
    named = {word.lower() for word in ADDRESS.findall(reply)}
    if len(named) != 1:
        return options
    speakers = [SPEAKER.match(option) for option in options]
    return [option for option, speaker in zip(options, speakers)
            if speaker and speaker[1].lower() in named and option not in previous] or options


def _without_sentences(line: str, leave_out: Callable[[str], object]) -> str:
    """`line` without the sentences `leave_out` is true for (the whole line if that would leave
    nothing); a speaker's name before the first sentence stays."""
    speaker = SPEAKER.match(line)
    body = line[speaker.end():].strip() if speaker else line
    kept = [sentence for sentence in re.split(r"(?<=[.!?])\s+", body) if not leave_out(sentence)]
    if not kept:
        return line
    return " ".join([speaker[0].strip(), *kept] if speaker else kept)


def _pick(options: list[str], seed_text: str, previous: str = "") -> str:
    """One of `options`, always the same for the same seed text (same inputs, same conversation),
    and none the customer just said (in `previous`) when there is another: when the phase and the
    anger stayed, the customer said the same sentence again, word for word (a test session)."""
    seed = int(hashlib.sha256(seed_text.encode()).hexdigest()[:12], 16)
    return random.Random(seed).choice([option for option in options if option not in previous] or options)


# What the customer answers first when a reply holds several things: an accelerator is heard
# above everything (Les 6: it drives the conflict), then the techniques that show listening.
AANJAGER_ORDER = (
    "kalmeringsbevel", "persoon_aanvallen", "zwart_wit", "schuld_afschuiven",
    "stoppen_met_communiceren", "emotioneel_worden", "medestanders_zoeken", "afwijken_kernprobleem",
)
# Answered once per conversation: their answers say it is the first time ("Dank u. Dat is de eerste
# keer dat iemand dat zegt." came three times in one conversation, a test session).
ONCE = frozenset({"begrip_tonen"})
TECHNIQUE_ORDER = (
    "samenvatten", PROCEDURE, "gedrag_benoemen", "grens_aangeven", "begrip_tonen", "oplossing_zoeken",
    "open_vraag", "gesloten_vraag", "ik_boodschap",
)


def answered_to(scenario: Scenario, before: CustomerState, after: CustomerState, labels: set[str]) -> str | None:
    """The label ("aanjager:zwart_wit", "samenvatten", …) the customer reacts to in words, if any.
    A technique is acknowledged only when it did not leave the customer angrier (a summary
    shouted at them is not confirmed), and not when it left them at the level where the
    conversation escalates without calming them ("Nou, fijn dat iemand dat eens zegt" before "Het
    gesprek escaleerde"). Being cut off is answered first: it is what the customer heard first
    ("Laat me even uitpraten!"). A customer who was calm already does not own up to behaviour named
    or a boundary set ("Ja, sorry, ik ben een beetje opgewonden." at boosheid 1, a test session)."""
    keys = [INTERRUPTION, *(f"{AANJAGER}:{subtype}" for subtype in AANJAGER_ORDER)]
    heard = after.anger < before.anger or (after.anger == before.anger and after.anger < scenario.ending.escalated_at)
    if AANJAGER not in labels and heard:
        calm = before.anger <= scenario.ending.calmed_at_most
        keys += [key for key in TECHNIQUE_ORDER
                 if not (calm and key in BEHAVIOUR_LABELS) and not (key in ONCE and key in before.acknowledged)]
    return next((key for key in keys if key in labels and key in scenario.responses), None)


def acknowledging(scenario: Scenario, before: CustomerState, after: CustomerState, labels: set[str]) -> CustomerState:
    """`after`, remembering a technique of ONCE the customer answers now."""
    key = answered_to(scenario, before, after, labels)
    return replace(after, acknowledged=(*before.acknowledged, key)) if key in ONCE else after


def reply_labels(text: str, hits: Sequence[WordingHit]) -> set[str]:
    """The labels of a reply as the conversation takes them: the wording's, without an appointment
    named only as a warning's consequence (break_off.offers_only_as_a_consequence: it solves nothing)."""
    labels = predicted_labels(hits)
    if offers_only_as_a_consequence(text, hits):
        labels.discard("oplossing_zoeken")
    return labels


def turn_labels(phase: Phase, text: str, hits: Sequence[WordingHit], interrupted: bool) -> set[str]:
    """What the customer reacts to in a turn: the reply's labels (reply_labels), a step of the
    klachtenprocedure taken (Phase.procedure), and being cut off (answered first, answered_to)."""
    labels = reply_labels(text, hits)
    if phase.procedure_done(text):
        labels.add(PROCEDURE)
    if interrupted:
        labels.add(INTERRUPTION)
    return labels


def scored_labels(labels: set[str], score: ScoreRecord) -> set[str]:
    """`labels` without the techniques the turn's feedback does not show: the same words paid as
    another technique ("Ja. Precies dat.", the answer to a summary, followed a boundary whose words the
    model also read as one, a test session)."""
    shown = {point.criterion.partition(":")[2] for point in score.points if point.criterion.startswith("techniek:")}
    return {label for label in labels if label not in REMMER_LABELS or label in shown}


def answered_labels(hits: Sequence[WordingHit], labels: set[str], text: str) -> set[str]:
    """`labels` as the customer hears them: a search for solutions that only asks ("Wat kan ik voor
    u doen?", CIP: oplossingen vragen; the rules' subtype "vragen", or inside an open question)
    offers nothing to accept (test sessions heard "Dat zou al een stuk schelen." answer it). The
    phase's goal still counts it (react). The bare word 'oplossing' asked about ("wat zou voor u een
    goede oplossing zijn", "heeft u zelf een oplossing in gedachten") offers nothing either; nor does
    only looking into it ("Ik ga kijken wat ik kan doen.", "ik ga ernaar kijken") without a when:
    it ended conversations calmed with "… weet wat er gaat gebeuren en wanneer" (a test session; Les 6,
    stap 5: "Wanneer ga je de oplossing precies uitvoeren?")."""
    questions = [hit for hit in hits if hit.label in QUESTION_LABELS]
    offers = [hit for hit in hits if hit.label == "oplossing_zoeken"]
    if offers and all(_only_asks(offer, questions) or _only_looks(offer, text) for offer in offers):
        return labels - {"oplossing_zoeken"}
    return labels


# 'ik ga (er even naar) kijken (wat ik kan doen)', and nothing said of when
LOOKING = re.compile(r"^(ik|we|wij)( (ga|gaan|zal|zullen|kan|kunnen|wil|willen))?( (er|even|eens|wel|dan|nu|gewoon|naar|ernaar|erna))*"
                     r" (kijken|bekijken|uitzoeken)$", re.IGNORECASE)
VAGUE_REST = re.compile(r"^\W*((er|even|eens|naar|wel|voor u)\W+)*(wat (ik|we|wij)( \w+){0,3} (kan|kunnen) (doen|betekenen|regelen)"
                        r"|wat er (mogelijk is|kan))?\W*$", re.IGNORECASE)
WHEN = re.compile(r"\b(vandaag|morgen|overmorgen|vanmiddag|vanavond|vanochtend|straks|meteen|direct|nu meteen|maandag|dinsdag|"
                  r"woensdag|donderdag|vrijdag|zaterdag|zondag|volgende week|deze week|binnen|om \w+ uur|uur)\b", re.IGNORECASE)


def _only_looks(offer: WordingHit, text: str) -> bool:
    """The offer is only a promise to look into it, its clause says no more, and the reply no when."""
    rest = re.split(r"[.!?;]", text[offer.end:], maxsplit=1)[0]
    return (LOOKING.match(offer.text.strip()) is not None and VAGUE_REST.match(rest) is not None
            and WHEN.search(text) is None)


def asks_what_helps(labels: set[str], heard: set[str]) -> bool:
    """The reply looked for a solution only by asking for one (answered_labels took it out)."""
    return "oplossing_zoeken" in labels and "oplossing_zoeken" not in heard


ASKED_ABOUT_CHARS = 40  # 'heeft u | toen een nieuwe afspraak': the noun a few words after the question's opening
ASKED_NOUNS = frozenset({"oplossing", "afspraak"})  # the rules' subtypes of a bare noun ("een nieuwe afspraak")
PROPOSING = ("zal ", "zullen ")  # 'zullen we een nieuwe afspraak maken' proposes


def _only_asks(offer: WordingHit, questions: Sequence[WordingHit]) -> bool:
    """'Zal ik u terugbellen?' offers; a closed question only counts for a bare noun ('heeft u toen
    een nieuwe afspraak gekregen'), and an open question for the step it goes on with ('hoe kunnen |
    we dit het beste oplossen denkt u' ended a conversation calmed, a check session)."""
    return offer.subtype == "vragen" or any(
        (question.label == "open_vraag" and (offer.overlaps(question) or question.end <= offer.start <= question.end + 1))
        or (offer.subtype in ASKED_NOUNS and question.start < offer.start <= question.end + ASKED_ABOUT_CHARS
            and not question.text.lower().startswith(PROPOSING))
        for question in questions)


def customer_reply(scenario: Scenario, before: CustomerState, state: CustomerState, labels: set[str],
                   previous: str = "", *, asked_what_helps: bool = False, reply: str = "") -> str:
    """The customer's next words: an answer to what was said (if the scenario has one), then
    the scripted line for the new phase and anger level; `previous`: what the customer said before.
    After a break-off the trainee has gone: the answer alone, to the arrangement first ("Als dat
    lukt, graag."), else the line of the customer's anger. A question that moved the conversation on
    is answered from the phase it was asked in ("wat is er precies gebeurd?" was answered "En wat
    gaat u er nu concreet aan doen?", a test session): the next phase's line comes next turn. A phase
    moved on by something else (understanding, in Contact maken) hands the question to the next
    phase's lines, which tell what happened. Asked what would help, the customer of the last phase
    says what they want (Phase.wishes). Of two customers, the one the `reply` spoke to answers."""
    moved_by = labels & QUESTION_LABELS & set(scenario.phase(before.phase).goal_techniques)
    asked = bool(moved_by) and state.phase != before.phase and state.outcome is None  # else the new phase's line answers
    last = state.outcome is None and scenario.next_phase(state.phase) is None
    wishes = scenario.phase(state.phase).wishes if last else []
    if asked_what_helps and wishes:
        line = _pick(addressed_lines(wishes, reply, previous), f"{scenario.id}:{state.turn}:wishes", previous)
    else:
        line = customer_line(scenario, replace(state, phase=before.phase) if asked else state, previous,
                             asked=bool(labels & QUESTION_LABELS), reply=reply)
    key = answered_to(scenario, before, state, labels)
    broken_off = state.outcome == "broken_off"
    # the last words answer the step agreed on: a calmed customer answered an offer the model also
    # read as a summary with "Ja, dat klopt helemaal. Goed." (a test session)
    if (state.outcome in ("broken_off", "calmed") and key in TECHNIQUE_ORDER and "oplossing_zoeken" in labels
            and "oplossing_zoeken" in scenario.responses):
        key = "oplossing_zoeken"
    if key is None:
        return line
    answer = _pick(scenario.responses[key], f"{scenario.id}:{state.turn}:{key}", previous)
    return answer if broken_off else f"{answer} {line}"


def anger_change(score: ScoreRecord, weights: dict[str, Any] | None = None) -> int:
    steps = (weights or load_weights())["anger_steps"]
    return next(step["change"] for step in steps if score.total >= step["at_least"])


def react(scenario: Scenario, state: CustomerState, score: ScoreRecord, labels: set[str], *,
          broke_off: bool = False, news_told: bool = False, offered: set[str] | None = None) -> CustomerState:
    """The customer's new state after a turn with `score` and the wording `labels` it used; a reply
    that `broke_off` the conversation with a new appointment ends it (coaching/break_off.py). A phase
    with bad news to tell (Phase.news) is left only once the news was told, now or before. The last
    phase ends calmed on what was `offered` (answered_labels: a question for a solution is no offer;
    "wat zou u nu het meest helpen" ended a conversation with "Registreer … de afspraken", a test
    session); default: `labels`."""
    anger = max(0, min(TOP_ANGER, state.anger + anger_change(score)))
    phase = scenario.phase(state.phase)
    news_heard = state.news_heard or news_told or not phase.news
    goal_met = phase.reaches_goal(labels) and AANJAGER not in labels and news_heard
    ending = scenario.ending
    turns_at_top = state.turns_at_top + 1 if anger >= ending.escalated_at else 0
    turn = state.turn + 1
    next_phase = scenario.next_phase(phase.id)
    outcome: Outcome | None = None
    if broke_off:
        outcome = "broken_off"
    elif goal_met and next_phase is None and anger <= ending.calmed_at_most and phase.reaches_goal(
            labels if offered is None else offered):
        outcome = "calmed"
    elif turns_at_top >= ending.escalated_turns:
        outcome = "escalated"
    elif turn >= ending.max_turns:
        outcome = "unfinished"
    goal_replies = state.goal_replies + int(goal_met)
    advance = goal_met and goal_replies >= phase.goal_turns and next_phase is not None and anger < ending.escalated_at
    return replace(
        state,
        anger=anger,
        phase=next_phase.id if advance else phase.id,
        turn=turn,
        turns_at_top=turns_at_top,
        outcome=outcome,
        news_heard=bool(phase.news) and news_heard and not advance,  # the next phase's news is its own
        goal_replies=0 if advance else goal_replies,
    )
