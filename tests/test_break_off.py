"""Breaking the conversation off with a new appointment ends it (3 Reasons Why: "Lukt het echt niet
om de klant te kalmeren? Breek dan het gesprek af en maak direct een nieuwe afspraak"); said as a
condition, negated, asked or without anything arranged, it does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from voicecoach.analysis import Analyser
from voicecoach.coaching.break_off import break_off_verdict, breaking_off
from voicecoach.coaching.conversation import Conversation
from voicecoach.coaching.customer import CustomerState
from voicecoach.config import Settings
from voicecoach.end_summary import end_summary
from voicecoach.replies import answer, hear_text
from voicecoach.scenarios import load_scenarios
from voicecoach.store.models import ConversationRow, TurnRow
from voicecoach.turn_record import TurnRecord
from tests.conftest import SPACY_DIR, WHISPER_DIR

BREAKING_OFF = [
    "Ik stop dit gesprek nu en bel u morgen om negen uur voor een nieuwe afspraak.",
    "ik breek het gesprek hier af, we maken een nieuwe afspraak voor morgenochtend",
    "ik ga nu ophangen en ik bel u morgen om negen uur terug",  # spoken, on the phone
    "ik hang nu op maar ik bel u morgen terug",
    "ik denk dat we het gesprek beter kunnen stoppen en morgen verder praten",
    "Ik ga dit gesprek nu beëindigen. Ik maak een nieuwe afspraak met u voor donderdag.",
    "zo kunnen we niet verder praten ik stop nu en ik kom morgen om tien uur terug",
    "mevrouw ik ga nu weg en ik kom donderdag terug met een nieuwe ketel",  # at the door
    # spoken in one run: the "niet" belongs to the sentence before (a test session saw "escaleerde")
    "meneer ik wil u graag helpen maar zo gaat het niet ik stop nu dit gesprek en ik plan een nieuwe afspraak voor morgen",
    "meneer ik wil u graag helpen maar zo gaat het niet ik stop dit gesprek nu en bel u morgen om negen uur terug",
    "meneer zo gaat het niet ik beëindig nu het gesprek en ik bel u morgen terug",
]
GOING_ON = [
    "als u zo blijft schelden stop ik het gesprek",  # a boundary: a consequence named
    "Als u zo doorgaat, stop ik het gesprek en maken we een nieuwe afspraak.",
    "ik stop het gesprek als u blijft schreeuwen en dan bel ik u morgen",
    "Zullen we het gesprek stoppen en morgen verder praten?",  # asked: the customer has not agreed
    "zal ik het gesprek stoppen en morgen terugkomen",  # asked, spoken without a question mark
    "mag ik nu ophangen en u morgen terugbellen",
    "ik wil het gesprek niet stoppen, ik wil u morgen helpen",
    "ik hang niet op, ik bel u morgen ook nog",
    "ik stop ermee, zoek het zelf maar uit",  # nothing arranged: Les 6's stoppen met communiceren
    "ik ga ophangen",
    "ik ga even weg om mijn collega te halen",
    "ik stop nu even met werken tot u rustiger praat over tien minuten kom ik terug",  # a pause, then on
    "u moet stoppen met schreeuwen anders kan ik u morgen niet helpen",
]


@pytest.fixture(scope="module")
def analyser(tmp_path_factory) -> Analyser:  # type: ignore[no-untyped-def]
    return Analyser(Settings(data_dir=tmp_path_factory.mktemp("data"), whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))


@pytest.mark.parametrize("text", BREAKING_OFF)
def test_a_break_off_with_something_arranged_is_found_with_its_words(analyser, text):
    found = breaking_off(text, analyser.wording.classify(text))
    assert found is not None and text[found.start : found.end] == found.text and found.text.strip()


@pytest.mark.parametrize("text", GOING_ON)
def test_a_boundary_a_question_or_a_walk_out_is_no_break_off(analyser, text):
    assert breaking_off(text, analyser.wording.classify(text)) is None


def test_breaking_off_ends_the_conversation_and_says_whether_it_was_time(analyser):
    scenario = load_scenarios()[0]["klacht-telefoon"]
    conversation = Conversation(scenario)
    first = answer(conversation, hear_text(analyser, "Ik hoor dat u heel boos bent."))
    assert conversation.state.outcome is None
    last = answer(conversation, hear_text(analyser, BREAKING_OFF[2]))
    assert conversation.state.outcome == "broken_off" and conversation.finished
    stored = TurnRecord.model_validate_json(last.model_dump_json())  # the stored record takes the new ending
    assert stored.reaction.outcome == "broken_off"

    rows = [
        TurnRow(id=str(number), state_before={"anger": record.reaction.anger_before, "phase": record.reaction.phase,
                                              "turn": number - 1},
                customer_line=record.reaction.customer_line, result=record.model_dump(mode="json"))
        for number, record in enumerate((first, last), start=1)
    ]
    row = ConversationRow(state={"anger": conversation.state.anger, "phase": conversation.state.phase,
                                 "turn": conversation.state.turn, "outcome": "broken_off"},
                          customer_line="", finished_at=datetime.now(UTC))
    summary = end_summary(scenario, row, rows, {})
    expected = break_off_verdict(BREAKING_OFF[2], last.analysis.wording, last.reaction.anger_before, 1,
                                 scenario.ending.escalated_at)
    assert '("ga nu ophangen")' in expected
    assert summary["outcome"] == "broken_off" and summary["message"] == expected
    assert summary["advice"] == []  # the escalation advice (incident melden, hulp) is not for this ending
    # the trainee has gone: the customer's last words answer the arrangement, no next question
    assert summary["final_line"] in scenario.responses["oplossing_zoeken"]


def test_the_verdict_follows_the_seed_s_condition():
    """Only when calming really fails: not at the first reply, not when the customer calmed down."""
    assert "eerste antwoord" in break_off_verdict("", (), 4, 0, 4)
    assert "al rustiger" in break_off_verdict("", (), 2, 3, 4) and "boosheid 2 van 4" in break_off_verdict("", (), 2, 3, 4)
    assert "Dat raadt 3 Reasons Why aan" in break_off_verdict("", (), 3, 2, 4)
    assert break_off_verdict("ik hang nu op maar ik bel u morgen terug", (), 3, 2, 4).startswith(
        'Je brak het gesprek af ("hang nu op") en')


def test_practice_text_ends_broken_off(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "practice", "--scenario", "monteur-deur", "--text", "--json"],
        input="Ik begrijp dat u boos bent.\n" + BREAKING_OFF[0] + "\nDit wordt niet meer gelezen.\n",
        capture_output=True, text=True, timeout=300, env={**os.environ, "VOICECOACH_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"outcome": "broken_off", "turns": 2}


def test_an_appointment_named_as_a_warning_s_consequence_solves_nothing(analyser):
    """"als u doorgaat met schelden stop ik dit gesprek en maken we een nieuwe afspraak" said to a calm
    customer in the last phase ended the conversation calmed (a test session): the appointment is
    the warning's consequence; offered on its own, it does end it."""
    scenario = load_scenarios()[0]["grens-overschrijden"]
    last = scenario.phases[-1]
    for text, calmed in (("als u doorgaat met schelden stop ik dit gesprek en maken we een nieuwe afspraak", False),
                         ("Ik maak een nieuwe afspraak met u voor morgenochtend.", True)):
        conversation = Conversation.resume(scenario, CustomerState(1, last.id, turn=4), "Wanneer wordt het gemaakt?")
        answer(conversation, hear_text(analyser, text))
        assert (conversation.state.outcome == "calmed") is calmed, (text, conversation.state)
