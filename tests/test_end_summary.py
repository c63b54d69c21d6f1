"""How a conversation that ran out of turns ends: a calm customer with nothing agreed is told as such,
without the advice for aggression (a test session read "zonder dat de klant gekalmeerd was" and "Bel
Dispatch en/of de politie" after four turns at anger 0)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from voicecoach.coaching.break_off import break_off_verdict
from voicecoach.end_summary import CALM_UNFINISHED, end_summary
from voicecoach.scenarios import load_scenarios
from voicecoach.store.models import ConversationRow, TurnRow


def _ended(anger: int, outcome: str, turn: int = 9) -> ConversationRow:
    return ConversationRow(state={"anger": anger, "phase": "probleemaanpak", "turn": turn, "outcome": outcome},
                           customer_line="Dus? Wanneer doet mijn internet het weer?", finished_at=datetime.now(UTC))


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenarios()[0]["monteur-deur"]


def test_a_calm_customer_with_nothing_agreed_is_told_so_without_aggression_advice(scenario):
    summary = end_summary(scenario, _ended(scenario.ending.calmed_at_most, "unfinished"), [], {})
    assert summary["message"] == CALM_UNFINISHED.format(turns="9 beurten")
    assert "De klant was rustig" in summary["message"] and summary["advice"] == []
    one = end_summary(scenario, _ended(scenario.ending.calmed_at_most, "unfinished", turn=1), [], {})
    assert "na 1 beurt was er" in one["message"]  # not "na 1 beurten" (typed practice stopped after one reply)


@pytest.mark.parametrize("outcome", ["unfinished", "escalated"])
def test_an_angry_ending_keeps_the_advice(scenario, outcome):
    summary = end_summary(scenario, _ended(scenario.ending.escalated_at, outcome), [], {})
    assert summary["advice"] == scenario.ending.escalated_advice and summary["message"] is None


def test_a_break_off_reminds_to_report_the_incident_where_the_scenario_says_so():
    """3 Reasons Why: "Maak achteraf een melding van het incident … Ook als je de situatie hebt opgelost"."""
    scenarios = load_scenarios()[0]
    threat = end_summary(scenarios["grens-overschrijden"], _ended(4, "broken_off"), [], {})
    assert threat["advice"] and all("eld" in advice for advice in threat["advice"])
    assert end_summary(scenarios["klacht-telefoon"], _ended(3, "broken_off"), [], {})["advice"] == []


def test_breaking_off_at_once_at_a_threat_is_not_told_to_let_the_customer_talk_first():
    at_a_threat = break_off_verdict("Ik stop dit gesprek nu, mijn collega belt u morgen.", [], 4, 0, 4)
    assert "Schakel hulp in" in at_a_threat and "uitpraten" not in at_a_threat
    assert "uitpraten" in break_off_verdict("Ik stop dit gesprek nu, mijn collega belt u morgen.", [], 3, 0, 4)


def test_what_went_well_shows_each_technique_from_its_best_turn(scenario):
    """"Wat ging goed" praised the offer of a shouted reply (its turn cost points) and left out the calm
    offer that calmed the customer (a test session): per technique, the best-scored turn's example."""
    def offer(words: str) -> dict:
        return {"criterion": "techniek:oplossing_zoeken", "points": 2, "explanation": f"+2: Oplossingen zoeken: “{words}”."}

    shouted, calm = offer("ik stel voor"), offer("ik bel u vrijdag zelf op")
    question = {"criterion": "techniek:open_vraag", "points": 2, "explanation": "+2: Open vraag."}
    loud = {"criterion": "stem:luidheid", "points": -3, "explanation": "-3: Je sprak flink harder."}
    state = {"anger": 2, "phase": "probleemaanpak", "turn": 0}
    turns = [TurnRow(id=f"t{n}", number=n, state_before=state, customer_line="…") for n in (1, 2, 3)]
    scores = {"t1": {"total": -1, "points": [shouted, loud]}, "t2": {"total": 2, "points": [question]},
              "t3": {"total": 2, "points": [calm]}}
    summary = end_summary(scenario, _ended(1, "calmed", turn=3), turns, scores)
    assert [p["explanation"] for p in summary["went_well"]] == [calm["explanation"], question["explanation"]]
    assert summary["practise_next"] == [loud]


def test_the_style_reads_what_each_turn_was_paid_or_charged_for():
    """The style named techniques the feedback never paid (the same words paid as another label, a test
    session): it reads the turn's kept points, a coach's removal included."""
    from voicecoach.end_summary import _paid_labels

    points = [{"criterion": "techniek:grens_aangeven", "points": 2}, {"criterion": "aanjager:kalmeringsbevel", "points": -3},
              {"criterion": "techniek:samenvatten", "points": 2, "coach": "removed"}, {"criterion": "stem:luidheid", "points": -3}]
    assert _paid_labels(points) == {"grens_aangeven", "aanjager", "aanjager:kalmeringsbevel"}
