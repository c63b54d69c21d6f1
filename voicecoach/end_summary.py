"""The end of a conversation: the customer's last words, the total and per-phase scores, what went
well and what to practise next (each with its seed), and which of Les 6's conflict-handling styles
the replies show (voicecoach/coaching/style.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from voicecoach.coaching.break_off import break_off_verdict
from voicecoach.coach_judgement import label_name, record_hits
from voicecoach.coaching.customer import (
    CustomerState, answered_labels, asks_what_helps, customer_reply, scored_labels, turn_labels,
)
from voicecoach.coaching.style import ReplyTurn, TurnEvidence, infer_style
from voicecoach.scenarios import Scenario
from voicecoach.store.models import ConversationRow, TurnRow
from voicecoach.vocabulary import AANJAGER

KIND_NAMES = {"compromis": "compromis zoeken"}
"""Kinds of reply (style.py) whose Dutch name differs from the key."""


def final_line(scenario: Scenario, conversation: ConversationRow, turns: Sequence[TurnRow]) -> str:
    """What the customer says last: their answer to the final reply at the final anger level
    (the same words coaching/customer.py would pick, from the labels the customer reacted to)."""
    if conversation.finished_at is None or not turns:
        return conversation.customer_line
    last = turns[-1]
    hits = record_hits(last.record) if last.record is not None else []
    text = last.record.analysis.text if last.record is not None else ""
    before = CustomerState(**last.state_before)
    interruption = last.record.analysis.interruption if last.record is not None else None
    labels = turn_labels(scenario.phase(before.phase), text, hits, interruption is not None and interruption.interrupting)
    heard = answered_labels(hits, scored_labels(labels, last.record.score) if last.record and last.record.score else labels,
                            text)  # as the conversation heard it
    return customer_reply(scenario, before, CustomerState(**conversation.state), heard,
                          last.customer_line, asked_what_helps=asks_what_helps(labels, heard), reply=text)


def _unique(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per criterion (the first time it happened), with its seed."""
    seen: dict[str, dict[str, Any]] = {}
    for point in points:
        seen.setdefault(point["criterion"], point)
    return list(seen.values())


def _best_examples(examples: list[tuple[dict[str, Any], int]]) -> list[dict[str, Any]]:
    """One line per criterion, in the order first met, each from the best-scored turn that earned it
    (the later of equals): "Wat ging goed" praised an offer from a shouted reply, not the calm offers
    that calmed the customer (a test session). `examples`: a point with its turn's total."""
    best: dict[str, tuple[dict[str, Any], int]] = {}
    for point, total in examples:
        key = point["criterion"]
        if key not in best or total >= best[key][1]:
            best[key] = (point, total)
    return [point for point, _total in best.values()]


def _style(turns: Sequence[TurnRow], scores: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """The conflict-handling style from what each turn was paid or charged for (its judged points): the
    wording's labels named techniques the feedback never paid (the same words paid as another, a test
    session)."""
    replies = [
        ReplyTurn(labels=_paid_labels(score["points"]), text=record.analysis.text, number=t.number)
        for t in turns if (record := t.record) is not None and (score := scores.get(t.id))
    ]
    style = infer_style(replies)

    def listed(items: Sequence[TurnEvidence]) -> list[dict[str, Any]]:
        return [{"turn": e.turn, "kind": KIND_NAMES.get(e.kind, e.kind),
                 "signs": [sign if sign.startswith('"') else label_name(sign) for sign in e.signs]} for e in items]

    return {
        "style": style.style, "title": style.title, "explanation": style.explanation, "source_title": style.source_title,
        "evidence": listed(style.evidence), "others": listed(style.others),
    }


def _paid_labels(points: Sequence[dict[str, Any]]) -> frozenset[str]:
    """'oplossing_zoeken', 'aanjager', 'aanjager:zwart_wit' … of the points a turn kept."""
    labels: set[str] = set()
    for point in points:
        kind, _, name = point["criterion"].partition(":")
        if point.get("coach") == "removed" or kind not in ("techniek", AANJAGER):
            continue
        labels |= {name} if kind == "techniek" else {AANJAGER, f"{AANJAGER}:{name}"}
    return frozenset(labels)


# A customer who was calm when the turns ran out: "zonder dat de klant gekalmeerd was" and the advice
# for aggression (the police) described another conversation than one that never came to a solution
# (a test session).
CALM_UNFINISHED = (
    "De klant was rustig, maar na {turns} was er nog niets afgesproken. Wanneer de spanning is "
    "verminderd, is het belangrijk om over te gaan tot probleemoplossing (blog): stel een concrete oplossing "
    "voor en maak duidelijke afspraken (3 Reasons Why: Zoek naar oplossingen)."
)


def calm_unfinished(scenario: Scenario, anger: int, turns: int) -> str | None:
    """What a conversation that ran out of turns is told when the customer was calm by then (the page
    and the typed practice alike); None when they were not."""
    return CALM_UNFINISHED.format(turns="1 beurt" if turns == 1 else f"{turns} beurten") if anger <= scenario.ending.calmed_at_most else None


def _message(scenario: Scenario, conversation: ConversationRow, turns: Sequence[TurnRow], calm: str | None) -> str | None:
    """How the conversation ended, for the endings that have more to say than their name."""
    outcome = conversation.state.get("outcome")
    if outcome == "calmed":
        return scenario.ending.calmed_message
    if outcome == "unfinished" and calm is not None:
        return calm
    if outcome == "broken_off" and turns:
        last = turns[-1]
        before = CustomerState(**last.state_before)
        text, hits = (last.record.analysis.text, last.record.analysis.wording) if last.record else ("", ())
        return break_off_verdict(text, hits, before.anger, before.turn, scenario.ending.escalated_at)
    return None


def end_summary(
    scenario: Scenario, conversation: ConversationRow, turns: Sequence[TurnRow],
    scores: dict[str, dict[str, Any] | None],
) -> dict[str, Any]:
    """`turns` are the analysed turns in order, `scores` their judged scores by turn id (None for a
    turn whose stored result cannot be read: it counts in no total)."""
    scored = [t for t in turns if scores.get(t.id)]
    phases = [
        {"title": phase.title, "turns": len(in_phase), "score": sum(scores[t.id]["total"] for t in in_phase)}
        for phase in scenario.phases
        if (in_phase := [t for t in scored if t.state_before["phase"] == phase.id])
    ]
    # every kept point with its turn's total (the best example of a technique is the best-scored turn's)
    kept = [(p, scores[t.id]["total"]) for t in scored for p in scores[t.id]["points"] if p.get("coach") != "removed"]
    outcome = conversation.state.get("outcome")
    calm = calm_unfinished(scenario, conversation.state.get("anger", scenario.start_anger),
                           conversation.state.get("turn", len(turns)))
    aggression = outcome == "escalated" or (outcome == "unfinished" and calm is None)
    # after a break-off too: "Maak achteraf een melding van het incident … Ook als je de situatie hebt
    # opgelost" (3 Reasons Why; a test session found no reminder after any break-off)
    return {
        "outcome": outcome,
        "message": _message(scenario, conversation, turns, calm),
        "advice": (scenario.ending.escalated_advice if aggression
                   else scenario.ending.reporting_advice if outcome == "broken_off" else []),
        "final_line": final_line(scenario, conversation, turns),
        "total": sum(scores[t.id]["total"] for t in scored),
        "phases": phases,
        "went_well": _best_examples([(p, total) for p, total in kept if p["points"] > 0]),
        "practise_next": _unique([p for p, _total in kept if p["points"] < 0]),
        "style": _style(scored, scores),
    }
