"""Whole conversations through the whole pipeline: real speech in, scores and the customer's reaction out."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from tests.audio_factory import sox
from voicecoach.analysis import Analyser
from voicecoach.audio.synth import speak_to_wav
from voicecoach.coaching.conversation import Conversation
from voicecoach.coaching.scoring import WHEN_NEEDED, score_turn
from voicecoach.coaching.customer import CustomerState, anger_change, answered_labels, answered_to, customer_reply, react
from voicecoach.config import Settings
from voicecoach.replies import answer, hear_audio, hear_text
from voicecoach.scenarios import load_scenarios
from voicecoach.turn_record import ScoreRecord, TurnRecord
from voicecoach.voice.baseline import CALIBRATION_TEXT, Baseline
from voicecoach.vocabulary import AO, BEHAVIOUR_LABELS, R3
from voicecoach.wording.rules import SEED_FILES
from tests.conftest import SPACY_DIR, WHISPER_DIR

# One reply per CIP phase of monteur-deur, each with that phase's techniques. Whisper base
# mishears espeak-ng badly (bench/analysis.py); these are phrasings whose techniques survive it.
CALM_REPLIES = [
    "Goedemiddag meneer, ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?",
    "Goed, meneer. Kunt u mij vertellen wanneer de storing precies begon?",
    "Ik wil graag een oplossing met u zoeken. Ik kan vandaag een nieuwe kabel aanleggen.",
]
ACCELERATOR_REPLIES = [
    "Rustig aan, meneer. Dat is niet zo.",
    "U zit ernaast. Zoek het zelf maar uit.",
]


@pytest.fixture(scope="module")
def analyser(tmp_path_factory) -> Analyser:  # type: ignore[no-untyped-def]
    data = tmp_path_factory.mktemp("data")
    return Analyser(Settings(data_dir=data, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))


@pytest.fixture(scope="module")
def baseline(analyser: Analyser, tmp_path_factory) -> Baseline:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("kalibratie")
    reading = speak_to_wav(CALIBRATION_TEXT, folder / "bron.wav")
    return analyser.calibrate(sox(reading, folder / "kalibratie.wav", "gain", "-12"))


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenarios()[0]["monteur-deur"]


def _spoken(text: str, folder: Path, name: str, *effects: str) -> Path:
    source = speak_to_wav(text, folder / f"{name}-bron.wav")
    return sox(source, folder / f"{name}.wav", *effects)


def test_calm_technique_rich_replies_calm_the_customer(analyser, scenario):
    """The customer's logic on the replies as written (the words Whisper hears vary by CPU)."""
    conversation = Conversation(scenario)
    angers = [conversation.state.anger]
    results = []
    for text in CALM_REPLIES:
        results.append(answer(conversation, hear_text(analyser, text)))
        angers.append(conversation.state.anger)
    assert angers[-1] < angers[0] and all(b <= a for a, b in zip(angers, angers[1:])), angers
    assert conversation.state.outcome == "calmed", [r.model_dump() for r in results]
    for result in results:
        assert result.score.total > 0
        assert not any(p.criterion.startswith("aanjager") for p in result.score.points)


def test_accelerators_drive_the_anger_up(analyser, scenario):
    conversation = Conversation(scenario)
    start = conversation.state.anger
    results = [answer(conversation, hear_text(analyser, text)) for text in ACCELERATOR_REPLIES]
    assert results[0].reaction.anger_after > start
    assert conversation.state.anger == 4
    assert conversation.state.outcome == "escalated"
    assert all(any(p.criterion.startswith("aanjager:") for p in r.score.points) for r in results)


def test_spoken_replies_move_the_customer_by_their_score(analyser, baseline, scenario, tmp_path):
    """Through the whole pipeline, what holds whatever Whisper hears: a calm voice is not flagged,
    the anger moves by the turn's total as weights.yaml says, and every point names its evidence
    and its seed."""
    conversation = Conversation(scenario)
    results = []
    # two whole sentences each: a quiet "Rustig aan, meneer." alone was once heard as no words at all
    for index, text in enumerate([CALM_REPLIES[0], ACCELERATOR_REPLIES[1]]):
        spoken = _spoken(text, tmp_path, f"antwoord-{index}", "gain", "-12")
        results.append(answer(conversation, hear_audio(analyser, spoken, baseline=baseline)))
    for result in results:
        assert result.analysis.voice is not None and result.analysis.transcript.words
        assert not any(p.criterion in ("stem:loudness", "stem:pitch") for p in result.score.points)
        expected = max(0, min(4, result.reaction.anger_before + anger_change(result.score)))
        assert result.reaction.anger_after == expected
    _every_explanation_names_evidence_and_seed(results)


def test_the_same_calm_words_louder_and_higher_cost_voice_points(analyser, baseline, scenario, tmp_path):
    """What must hold whatever Whisper hears in the two clips: the raised voice is flagged for
    loudness and pitch and loses points for it, the calm one is not; which techniques are heard
    (and so how the anger moves) depends on the recogniser and belongs in bench/."""
    calm = _first_turn(scenario, analyser, baseline, _spoken(CALM_REPLIES[0], tmp_path, "rustig", "gain", "-12"))
    loud = _first_turn(  # +10 dB, +4 semitones
        scenario, analyser, baseline, _spoken(CALM_REPLIES[0], tmp_path, "hard-hoog", "gain", "-2", "pitch", "400")
    )
    loud_criteria = {p.criterion for p in loud.score.points}
    calm_criteria = {p.criterion for p in calm.score.points}
    assert {"stem:loudness", "stem:pitch"} <= loud_criteria
    assert not {"stem:loudness", "stem:pitch"} & calm_criteria

    def voice_points(result) -> int:  # type: ignore[no-untyped-def]
        return sum(p.points for p in result.score.points if p.criterion.startswith("stem:"))

    assert voice_points(loud) <= -5 < voice_points(calm)
    if sum(p.points for p in loud.score.points if p.criterion.startswith("techniek:")) >= 2:
        assert "stem:woorden_komen_minder_aan" in loud_criteria  # half the technique points, rounded
    _every_explanation_names_evidence_and_seed([calm, loud])


def test_a_clipped_shouted_reply_is_judged_for_loudness(analyser, baseline, scenario, tmp_path):
    """The tester's case: calm words shouted into an overdriven microphone used to score +5."""
    shouted = _first_turn(  # clips (sox warns)
        scenario, analyser, baseline, _spoken(CALM_REPLIES[0], tmp_path, "geschreeuwd", "gain", "18")
    )
    assert shouted.analysis.voice.clipped
    points = {p.criterion: p for p in shouted.score.points}
    assert points["stem:loudness"].points < 0 and points["stem:loudness"].evidence["clipped"] is True
    assert "overstuurd" in points["stem:loudness"].explanation
    assert "stem:kalm_onder_druk" not in points
    _every_explanation_names_evidence_and_seed([shouted])


def _first_turn(scenario, analyser: Analyser, baseline: Baseline, spoken: Path):  # type: ignore[no-untyped-def]
    return answer(Conversation(scenario), hear_audio(analyser, spoken, baseline=baseline))


def _every_explanation_names_evidence_and_seed(results) -> None:  # type: ignore[no-untyped-def]
    for result in results:
        for point in result.score.points:
            assert point.source in SEED_FILES
            assert f"Bron: {SEED_FILES[point.source]}" in point.explanation
            assert point.evidence, point
            if point.criterion.startswith(("techniek:", "aanjager:")):
                assert f'"{point.evidence["words"]}"' in point.explanation
                assert point.evidence["seconds"] is not None  # from the word timestamps
                start, end = point.evidence["seconds"]
                assert 0 <= start < end
            if point.criterion in ("stem:loudness", "stem:pitch"):  # its seconds and its size, in plain Dutch
                assert re.search(r"van \d+,\d tot \d+,\d s", point.explanation), point.explanation
                assert re.search(r"ongeveer (\d+(,\d)? decibel|\d+ procent) (harder|hoger)", point.explanation), point.explanation
            if point.criterion.startswith(("stem:", "stijging:")):
                assert not any(unit in point.explanation for unit in ("dBFS", "Hz", " st ", "syll", "halve to", "lettergrep")), point.explanation
                assert not re.search(r"\d\.\d", point.explanation), point.explanation  # Dutch decimal comma


def test_customer_line_is_spoken_angrier_and_cached(analyser, scenario):
    conversation = Conversation(scenario)
    cache = analyser.settings.data_dir / "cache" / "customer"
    first = conversation.customer_audio(cache)
    assert first.stat().st_size > 10_000
    mtime = first.stat().st_mtime_ns
    assert conversation.customer_audio(cache) == first and first.stat().st_mtime_ns == mtime
    answer(conversation, hear_text(analyser, ACCELERATOR_REPLIES[0]))
    angrier = conversation.customer_audio(cache)
    from voicecoach.audio.decode import decode_audio
    from voicecoach.levels import rms_db

    assert rms_db(decode_audio(angrier, max_seconds=60).samples) > rms_db(decode_audio(first, max_seconds=60).samples)


def test_the_second_customer_speaks_in_her_own_voice(tmp_path):
    """ruzie-balie's two customers spoke in one man's voice, "Mevrouw Smit zegt:" read out (a check):
    her words come in the persona's voice for her (mb-nl3, higher), her name is only shown."""
    import librosa
    import numpy as np

    from voicecoach.audio.decode import decode_audio
    from voicecoach.coaching.customer_voice import customer_audio, resolve_voice, spoken_parts

    speakers = load_scenarios()[0]["ruzie-balie"].persona.speakers
    line = "Nou, fijn dat iemand luistert. Mevrouw Smit zegt: Ik heb om half tien een afspraak."
    assert spoken_parts(line, "mb-nl2", speakers) == [
        (resolve_voice("mb-nl2"), "Nou, fijn dat iemand luistert."), (resolve_voice("mb-nl3"), "Ik heb om half tien een afspraak.")]
    assert spoken_parts("Meneer Pinas zegt: Ik was eerst.", "mb-nl2", speakers) == [(resolve_voice("mb-nl2"), "Ik was eerst.")]
    both = decode_audio(customer_audio(line, 1, "mb-nl2", tmp_path, speakers), max_seconds=60).samples
    alone = decode_audio(customer_audio(line, 1, "mb-nl2", tmp_path), max_seconds=60).samples

    def pitch(samples: np.ndarray) -> float:
        f0, voiced, _ = librosa.pyin(samples, fmin=60, fmax=400, sr=16_000)
        return float(np.nanmedian(f0[voiced]))

    assert pitch(both[-16_000:]) > 1.2 * pitch(both[:16_000])  # her last second against his first
    assert pitch(both[-16_000:]) > 1.2 * pitch(alone[-16_000:])


def test_practice_text_json_completes_a_scenario(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "practice", "--scenario", "monteur-deur", "--text", "--json"],
        input="\n".join(CALM_REPLIES) + "\n",
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "VOICECOACH_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    turns, last = lines[:-1], lines[-1]
    assert last == {"outcome": "calmed", "turns": 3}
    for number, turn in enumerate(turns, start=1):  # the same record as the web service's and `analyse --json`
        record = TurnRecord.model_validate(turn)
        assert record.reaction.turn == number and record.score.points and record.analysis.voice is None
        assert record.analysis.transcript.text == CALM_REPLIES[number - 1]
    assert [t["reaction"]["phase"] for t in turns] == ["contact_maken", "informatie_verzamelen", "probleemaanpak"]


def test_typed_practice_for_a_user_says_nothing_is_kept(tmp_path):
    """`practice --text --user NAME` stored nothing and said nothing (a test session): refused in Dutch."""
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "practice", "--scenario", "monteur-deur", "--text", "--user", "sanne"],
        input="Goedemiddag.\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "VOICECOACH_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 2 and "niets opgenomen" in result.stderr and "Traceback" not in result.stderr


def test_practice_ends_unfinished_when_replies_run_out(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "practice", "--scenario", "late-levering", "--text", "--json"],
        input="Goedemiddag.\n", capture_output=True, text=True, timeout=300,
        env={**os.environ, "VOICECOACH_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"outcome": "unfinished", "turns": 1}


@pytest.mark.parametrize(("replies", "told"), [
    (["Ik begrijp dat u boos bent.", "Wat is er precies gebeurd?", "Dus uw pakket is drie keer niet gekomen."],
     "nog niets afgesproken"),
    (["Goedemiddag."], "de klant is nog boos"),
])
def test_typed_practice_says_how_an_unfinished_conversation_ended(replies, told, tmp_path):
    """The typed practice showed only "Niet afgerond" where the page tells a calm customer with nothing
    agreed what was missing, and an angry one the advice for aggression (a check session)."""
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "practice", "--scenario", "late-levering", "--text"],
        input="\n".join(replies) + "\n", capture_output=True, text=True, timeout=300,
        env={**os.environ, "VOICECOACH_DATA_DIR": str(tmp_path), "COLUMNS": "400"},
    )
    assert result.returncode == 0, result.stderr
    assert told in result.stdout + result.stderr  # the conversation is shown on stderr


def _practice_text(replies: list[str], data_dir: Path) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "voicecoach", "practice", "--scenario", "monteur-deur", "--text", "--json"],
        input="\n".join(replies) + "\n", capture_output=True, text=True, timeout=300,
        env={**os.environ, "VOICECOACH_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["reaction"] for line in result.stdout.splitlines()[:-1]]


def test_the_customer_answers_a_calming_order_and_confirms_a_summary(scenario, tmp_path):
    """Les 6: a summary is confirmed; 'Rustig aan!' is answered as the accelerator it is."""
    turns = _practice_text(
        ["Als ik u goed begrijp, is de monteur al twee keer niet gekomen.", "Rustig aan, meneer!"], tmp_path
    )
    assert turns[0]["anger_after"] <= turns[0]["anger_before"]
    confirmations = scenario.responses["samenvatten"]
    assert any(turns[1]["customer_line"].startswith(answer) for answer in confirmations), turns[1]
    calming_answers = scenario.responses["aanjager:kalmeringsbevel"]
    assert turns[1]["next_line"] and any(turns[1]["next_line"].startswith(a) for a in calming_answers), turns[1]


def test_a_customer_left_at_the_top_of_their_anger_does_not_thank_for_a_technique(scenario):
    """A shouted reply with kind words that leaves the customer at 4 of 4 is not answered with
    "Nou, fijn dat iemand dat eens zegt" (a test session saw that above "Het gesprek escaleerde")."""
    phase = scenario.phases[0].id
    heard = {"begrip_tonen"}
    assert answered_to(scenario, CustomerState(4, phase), CustomerState(4, phase), heard) is None
    assert answered_to(scenario, CustomerState(4, phase), CustomerState(3, phase), heard) == "begrip_tonen"
    assert answered_to(scenario, CustomerState(3, phase), CustomerState(3, phase), heard) == "begrip_tonen"
    assert answered_to(scenario, CustomerState(2, phase), CustomerState(3, phase), heard) is None  # angrier


@pytest.mark.parametrize("scenario_id", sorted(load_scenarios()[0]))
def test_the_last_phase_ends_calmed_only_on_a_concrete_step(scenario_id):
    """Every scenario's Probleemaanpak asks for a concrete solution or agreement: an ik-boodschap
    alone ("Ik snap dat, echt.") left a test session's customer calmed without anything offered."""
    scenario = load_scenarios()[0][scenario_id]
    last = scenario.phases[-1]
    before = CustomerState(scenario.ending.calmed_at_most, last.id, turn=2)
    good = ScoreRecord(total=4, points=())
    words_only = {"ik_boodschap", "samenvatten"} & set(last.techniques) or {"ik_boodschap"}
    waiting = react(scenario, before, good, words_only)
    assert waiting.outcome is None
    # the customer asks for the step instead of thanking for one (a check session heard "Oké, als het
    # vandaag nog werkt, ben ik tevreden" five times over while nothing had been offered)
    assert customer_reply(scenario, before, waiting, words_only).endswith(tuple(last.goal_prompts))
    ran_out = replace(waiting, outcome="unfinished")  # its last words ask, too: no thanks for a step never offered
    assert customer_reply(scenario, before, ran_out, words_only).endswith(tuple(last.goal_prompts))
    calmed = react(scenario, before, good, {"oplossing_zoeken"})
    assert calmed.outcome == "calmed"
    said = customer_reply(scenario, before, calmed, {"oplossing_zoeken"})
    sentences = [sentence for line in last.lines[calmed.anger] for sentence in re.split(r"(?<=[.!?])\s+", line)]
    assert any(sentence in said for sentence in sentences if not sentence.endswith("?")), said  # it asks nothing more


def test_a_conversation_that_runs_out_of_turns_is_stored_as_unfinished(analyser, scenario):
    """The customer's state said 'unfinished' at the last turn, but the stored reaction only allowed
    calmed or escalated: the last turn failed three times and the conversation never ended."""
    conversation = Conversation(scenario)
    results = [answer(conversation, hear_text(analyser, "Ik snap dat u boos bent. Wat is er precies gebeurd?"))
               for _ in range(scenario.ending.max_turns)]
    assert conversation.state.outcome == "unfinished"
    assert TurnRecord.model_validate_json(results[-1].model_dump_json()).reaction.outcome == "unfinished"


@pytest.mark.parametrize("scenario_id", sorted(load_scenarios()[0]))
def test_the_customer_does_not_say_the_same_sentence_twice_in_a_row(scenario_id):
    """Where the phase and the anger stay, the next line is another of that level's lines, and the
    answer to a technique another of its answers (a test session heard one line five times over).
    Every level of every phase has at least two lines."""
    scenario = load_scenarios()[0][scenario_id]
    for phase in scenario.phases:
        for level, lines in phase.lines.items():
            assert len(set(lines)) >= 2, (phase.id, level)
    first = scenario.phases[0]
    level = min(scenario.start_anger, scenario.ending.escalated_at - 1)
    state = CustomerState(level, first.id, turn=3)
    said = ""
    for turn in range(3, 9):  # the same reply over and over: the state stays, the words change
        before = replace(state, turn=turn - 1)
        now = replace(state, turn=turn)
        line = customer_reply(scenario, before, now, {"ik_boodschap"}, said)
        assert line != said and not any(option in said for option in first.lines[level] if line.endswith(option))
        said = line


def test_of_two_customers_the_one_spoken_to_answers():
    """ruzie-balie: "Mevrouw, en hoe ging het bij u?" was answered by meneer Pinas (a check of the
    scenario); the CIP wants each version heard. A reply to one of them gets that one's line, a new
    one when it was just said; a reply to both, or to neither, either line."""
    scenario = load_scenarios()[0]["ruzie-balie"]
    info = scenario.phases[1]
    before, after = CustomerState(2, info.id, turn=1), CustomerState(1, info.id, turn=2)
    to_her = customer_reply(scenario, before, after, {"open_vraag"}, "", reply="Mevrouw, en hoe ging het bij u?")
    to_him = customer_reply(scenario, before, after, {"open_vraag"}, "", reply="En meneer, wat is er precies gebeurd?")
    assert "Mevrouw Smit zegt:" in to_her and "Meneer Pinas" not in to_her
    assert "Meneer Pinas zegt:" in to_him and "Mevrouw Smit" not in to_him
    again = customer_reply(scenario, before, after, {"open_vraag"}, to_her, reply="Mevrouw, en hoe ging het bij u?")
    assert again != to_her
    lines = {customer_reply(scenario, before, replace(after, turn=turn), {"open_vraag"}, "",
                            reply="Meneer, mevrouw, wat is er gebeurd?") for turn in range(2, 12)}
    assert any("Meneer Pinas" in line for line in lines) and any("Mevrouw Smit" in line for line in lines)


def test_the_two_customers_information_phase_takes_both_versions():
    """ruzie-balie's information phase moves on after two replies that reach its goal (goal_turns),
    one per customer's version; the count starts again in the next phase."""
    scenario = load_scenarios()[0]["ruzie-balie"]
    info, last = scenario.phases[1], scenario.phases[2]
    assert info.goal_turns == 2 and last.goal_turns == 1
    # CIP stap 1 "neem ze apart": taking them apart is that phase's own technique, not "vraagt iets anders"
    assert "oplossing_zoeken" in scenario.phases[0].techniques
    good = ScoreRecord(total=2, points=())
    first = react(scenario, CustomerState(2, info.id, turn=1), good, {"open_vraag"})
    assert first.phase == info.id and first.goal_replies == 1
    assert react(scenario, first, good, {"begrip_tonen"}).phase == info.id  # not its goal
    second = react(scenario, first, good, {"samenvatten"})
    assert second.phase == last.id and second.goal_replies == 0


def test_the_customer_answers_only_techniques_the_feedback_shows():
    """"Ja. Precies dat." (the answer to a summary) followed a boundary whose words the model also read as a
    summary the feedback never showed (a test session): the customer reacts to the techniques paid."""
    from voicecoach.coaching.customer import scored_labels
    from voicecoach.turn_record import PointRecord

    shown = PointRecord(criterion="techniek:grens_aangeven", points=2, explanation="+2", evidence={}, source=AO,
                        source_title=SEED_FILES[AO])
    score = ScoreRecord(total=2, points=(shown,))
    assert scored_labels({"samenvatten", "grens_aangeven", "aanjager", "onderbreken"}, score) == {
        "grens_aangeven", "aanjager", "onderbreken"}


def test_the_boundary_phase_moves_on_only_on_a_boundary():
    """grens-overschrijden's first phase asks to name the behaviour and set a boundary: an
    ik-boodschap alone moved it on while the customer still shouted (a test session)."""
    scenario = load_scenarios()[0]["grens-overschrijden"]
    first = scenario.phases[0]
    before = CustomerState(2, first.id, turn=1)
    good = ScoreRecord(total=2, points=())
    assert react(scenario, before, good, {"ik_boodschap"}).phase == first.id
    assert react(scenario, before, good, {"grens_aangeven", "ik_boodschap"}).phase == scenario.phases[1].id


def test_asking_the_customer_for_a_solution_is_not_answered_as_an_offer(analyser):
    """"Wat kan ik voor u doen?" asks (CIP: oplossingen vragen): the customer does not accept an
    offer nobody made ("Dat zou al een stuk schelen.", a test session), while "Zal ik …?" offers a
    step the customer may accept; both still count for the phase's goal."""
    scenario = load_scenarios()[0]["klantenservice-rekening"]
    offer_answers = scenario.responses["oplossing_zoeken"]
    asked = hear_text(analyser, "Wat kan ik voor u doen?").reply
    spoken = hear_text(analyser, "goedemiddag met lisa van de klantenservice wat kan ik voor u doen").reply
    offered = hear_text(analyser, "Zal ik de rekening samen met u doorlopen?").reply
    assert {hit.label for hit in asked.hits} >= {"open_vraag", "oplossing_zoeken"}
    for reply, answered in ((asked, False), (spoken, False), (offered, True)):
        heard = answered_labels(reply.hits, {hit.label for hit in reply.hits}, reply.text)
        assert ("oplossing_zoeken" in heard) is answered
        before = CustomerState(2, scenario.phases[0].id, turn=1)
        line = customer_reply(scenario, before, replace(before, anger=1, turn=2), heard)
        assert any(line.startswith(option) for option in offer_answers) is answered, line


def test_a_calm_customer_does_not_own_up_to_behaviour_named():
    """At boosheid 1 a boundary or named behaviour was answered "Ja, sorry, ik ben een beetje
    opgewonden." (a test session): the customer who is calm already answers with the next line only."""
    scenario = load_scenarios()[0]["klantenservice-rekening"]
    phase = scenario.phases[0].id
    for anger, answered in ((scenario.ending.calmed_at_most, None), (3, "gedrag_benoemen")):
        before = CustomerState(anger, phase, turn=1)
        after = replace(before, anger=max(0, anger - 1), turn=2)
        assert answered_to(scenario, before, after, {"gedrag_benoemen"}) == answered


def test_a_boundary_to_a_calm_customer_earns_nothing_and_says_why(analyser):
    """"als u zo blijft schelden dan stop ik het gesprek" to a customer at boosheid 1 earned +3 (a test
    session): naming behaviour and setting a boundary answer behaviour that crosses a line (A&O)."""
    scenario = load_scenarios()[0]["late-levering"]
    phase = scenario.phases[-1]
    reply = hear_text(analyser, "als u zo blijft schelden dan stop ik het gesprek").reply
    assert {hit.label for hit in reply.hits} >= {"grens_aangeven", "gedrag_benoemen"}
    for anger, paid in ((1, False), (3, True)):
        score = score_turn(hits=reply.hits, suggestions=reply.suggestions, phase=phase, customer_anger=anger,
                           word_count=9, speech_seconds=0.0, voice=None)
        behaviour = [p for p in score.points if p.criterion in ("techniek:grens_aangeven", "techniek:gedrag_benoemen")]
        assert behaviour and all((p.points > 0) is paid for p in behaviour), score
        if not paid:
            assert all(p.points == 0 and "niet nodig" in p.explanation and f"boosheid {anger} van 4" in p.explanation
                       and p.source == AO for p in behaviour)
            assert score.total == sum(p.points for p in score.points if p not in behaviour)


def test_words_that_show_understanding_are_paid_as_understanding(analyser):
    """"dat snap ik echt" is begrip tonen (+1 in Probleemaanpak), not the ik-boodschap its words imply
    (a test session read "+2 Ik-boodschap past bij de fase 'Probleemaanpak' … Je spreekt vanuit jezelf")."""
    scenario = load_scenarios()[0]["gemeente-uitkering"]
    reply = hear_text(analyser, "dat snap ik echt").reply
    assert {hit.label for hit in reply.hits} >= {"begrip_tonen", "ik_boodschap"}
    for phase, value in ((scenario.phases[0], 2), (scenario.phases[-1], 1)):
        score = score_turn(hits=reply.hits, suggestions=(), phase=phase, customer_anger=3,
                           word_count=4, speech_seconds=0.0, voice=None)
        assert [(p.criterion, p.points) for p in score.points if p.points > 0] == [("techniek:begrip_tonen", value)]


def test_every_behaviour_label_says_when_it_is_needed():
    assert set(WHEN_NEEDED) == BEHAVIOUR_LABELS


def test_telling_the_bad_news_is_the_first_step_and_the_customer_reacts_to_it(analyser):
    """slechtnieuws-loket: "uw aanvraag voor de parkeerkaart is afgewezen" earned nothing and the
    customer asked for the news again (a test session). Told, it earns its point and is reacted to."""
    scenario = load_scenarios()[0]["slechtnieuws-loket"]
    first = scenario.phases[0]
    told = "meneer ik heb helaas geen goed nieuws uw aanvraag voor de parkeerkaart is afgewezen"
    conversation = Conversation(scenario)
    record = answer(conversation, hear_text(analyser, told))
    news = [p for p in record.score.points if p.criterion == "techniek:nieuws_brengen"]
    assert len(news) == 1 and news[0].points > 0 and news[0].source == R3
    assert f'"{news[0].evidence["words"]}"' in news[0].explanation and news[0].evidence["words"] in told
    asking = first.lines[scenario.start_anger]  # the opening level's lines ask for the news
    assert record.reaction.anger_after < scenario.start_anger and record.reaction.next_line not in asking
    # spoken variants: the model read the news itself as zwart-wit or schuld afschuiven (a check session)
    for spoken in ("nou het is helaas nee u krijgt geen parkeerkaart",
                   "eh ja meneer ik moet u helaas zeggen dat u de kaart niet krijgt"):
        record = answer(Conversation(scenario), hear_text(analyser, spoken))
        assert [p.criterion for p in record.score.points] == ["techniek:nieuws_brengen"], record.score
        assert not any(hit.label == "aanjager" for hit in record.analysis.wording)  # nothing marked either
    silent = Conversation(scenario)
    record = answer(silent, hear_text(analyser, "Goedemiddag meneer, fijn dat u er bent."))
    assert not any(p.criterion == "techniek:nieuws_brengen" for p in record.score.points)
    assert first.news_told("Goedemiddag meneer, fijn dat u er bent.") is None


def test_until_the_bad_news_is_told_the_customer_asks_for_it_and_the_phase_waits(analyser):
    """A trainee who talked around the news heard "Dus het is gewoon nee. Dat is wel even slikken.",
    and "ik heb slecht nieuws voor u" earned the news' point (a test session): the announcement is not
    the news, the customer asks for it at any anger, and understanding alone does not move on."""
    scenario = load_scenarios()[0]["slechtnieuws-loket"]
    first, second = scenario.phases[0], scenario.phases[1]
    assert first.news_told("ik heb slecht nieuws voor u") is None
    for plain in ("u krijgt de parkeerkaart helaas niet meneer", "uw aanvraag is geweigerd",
                  "u komt er niet voor in aanmerking", "het antwoord is helaas negatief"):
        assert first.news_told(plain), plain
    conversation = Conversation(scenario)
    assert conversation.line in first.news_prompts  # the opening asks for it too
    # after the news every level reacts to it: at anger 2 the customer asked "krijg ik die kaart of
    # niet?" again after hearing it (a test session)
    assert not any("krijg ik" in line or "goed gekomen" in line for lines in first.lines.values() for line in lines)
    around = answer(conversation, hear_text(analyser, "ik snap dat u het spannend vindt, dat begrijp ik echt"))
    assert around.reaction.phase == first.id and conversation.state.phase == first.id
    assert around.reaction.next_line.endswith(tuple(first.news_prompts)), around.reaction.next_line
    told = answer(conversation, hear_text(analyser, "uw aanvraag is helaas afgewezen meneer, dat snap ik, dat is schrikken"))
    assert conversation.state.phase == second.id, told.reaction
    assert not told.reaction.next_line.endswith(tuple(first.news_prompts))


def test_the_news_does_not_excuse_what_is_said_after_it(analyser):
    """Spoken as one clause, "dus het is afgewezen ik heb er zelf niks over te zeggen" lost the model's
    −3 because the aanjager held the news (a test session); written with a full stop it cost −3."""
    scenario = load_scenarios()[0]["slechtnieuws-loket"]
    spoken = ("de keuringsarts heeft besloten dat u nog honderd meter kan lopen dus het is afgewezen "
              "ik heb er zelf niks over te zeggen")
    record = answer(Conversation(scenario), hear_text(analyser, spoken))
    criteria = [p.criterion for p in record.score.points]
    assert "techniek:nieuws_brengen" in criteria and any(c.startswith("aanjager:") for c in criteria), criteria


def test_the_customer_thanks_for_understanding_once(analyser):
    """"Dank u. Dat is de eerste keer dat iemand dat zegt." came three times in one conversation (a
    test session): the answers to begrip tonen say it is the first time, so they come once."""
    scenario = load_scenarios()[0]["gemeente-uitkering"]
    thanks = scenario.responses["begrip_tonen"]
    conversation = Conversation(scenario)
    said = []
    for text in ("Ik zie dat u heel boos bent, dat snap ik.", "Dat begrijp ik heel goed.", "Ik begrijp u echt."):
        record = answer(conversation, hear_text(analyser, text))
        said.append(record.reaction.next_line or "")
        stored = CustomerState(**json.loads(json.dumps(asdict(conversation.state))))  # as the database keeps it
        conversation = Conversation.resume(scenario, stored, conversation.line)
    assert sum(any(line.startswith(answer_) for answer_ in thanks) for line in said) == 1, said


@pytest.mark.parametrize("question", ["wat zou u nu het meest helpen", "wat zou voor u een goede oplossing zijn"])
def test_asking_what_would_help_is_answered_and_only_an_offer_calms(analyser, question):
    """"wat zou u nu het meest helpen" ended a conversation calmed, "Registreer … de afspraken", with
    nothing agreed (a test session). The blog: "Begin met de vraag aan de klant welk oplossing hem
    zou helpen. Stel mogelijke alternatieven voor": asked, the customer says what they want; the
    offer after it ends the conversation."""
    scenario = load_scenarios()[0]["klantenservice-rekening"]
    last = scenario.phases[-1]
    conversation = Conversation.resume(scenario, CustomerState(anger=0, phase=last.id, turn=4), last.goal_prompts[0])
    asked = answer(conversation, hear_text(analyser, question))
    assert asked.reaction.outcome is None and not conversation.finished
    assert asked.reaction.next_line in last.wishes
    offered = answer(conversation, hear_text(analyser, "ik ga de meterstand laten controleren en u krijgt binnen "
                                                       "vijf werkdagen een nieuwe rekening"))
    assert offered.reaction.outcome == "calmed"


def test_every_last_phase_says_what_the_customer_wants():
    for scenario in load_scenarios()[0].values():
        assert scenario.phases[-1].wishes, scenario.id


def test_a_calmed_customer_asks_nothing_in_their_last_words():
    """"Dat klinkt redelijk. En hoe weet ik zeker dat het deze keer wel doorgaat?" ended a calmed
    conversation: a question the trainee can no longer answer (a test session)."""
    from voicecoach.coaching.customer import customer_line

    for scenario in load_scenarios()[0].values():
        last = scenario.phases[-1]
        for anger in range(scenario.ending.calmed_at_most + 1):
            for turn in range(6):
                state = CustomerState(anger=anger, phase=last.id, turn=turn, outcome="calmed")
                assert not customer_line(scenario, state).endswith("?"), (scenario.id, anger, turn)


def test_on_a_tie_the_phase_goal_is_paid():
    """"ik stel voor dat we de bank morgenochtend komen brengen", an ik-boodschap and a proposal on the
    same words, was paid as the ik-boodschap in the phase that asks for a solution (a test session)."""
    from voicecoach.vocabulary import LES6, SEED_FILES
    from voicecoach.wording.hits import WordingHit

    scenario = load_scenarios()[0]["late-levering"]
    last = scenario.phases[-1]
    assert {"ik_boodschap", "oplossing_zoeken"} <= set(last.techniques) and last.goal_techniques == ["oplossing_zoeken"]
    words = "ik stel voor dat we de bank morgenochtend komen brengen"
    hits = [WordingHit(label=label, subtype="x", rule=f"test.{label}", start=0, end=len(words), text=words, source=LES6,
                       source_title=SEED_FILES[LES6], explanation="test")
            for label in ("ik_boodschap", "oplossing_zoeken")]
    score = score_turn(hits=hits, suggestions=(), phase=last, customer_anger=1, word_count=10, speech_seconds=0.0, voice=None)
    assert [p.criterion for p in score.points if p.points > 0] == ["techniek:oplossing_zoeken"]


def test_the_klachtenprocedure_steps_earn_their_point_and_the_customer_hears_them(analyser):
    """klacht-telefoon: "dank u wel dat u belt, ik heb uw klacht ontvangen" and "ik zet uw klacht in
    het CRM, u hoort binnen twee werkdagen van ons" earned nothing and the customer asked again what
    happens with her complaint (a test session). Les 6, klachtafhandeling stap 1–3."""
    from voicecoach.vocabulary import LES6

    scenario = load_scenarios()[0]["klacht-telefoon"]
    first, second = scenario.phases[0], scenario.phases[1]
    conversation = Conversation(scenario)
    taken = answer(conversation, hear_text(analyser, "dank u wel dat u belt mevrouw ik heb uw klacht ontvangen"))
    point = next(p for p in taken.score.points if p.criterion == "techniek:procedure")
    assert point.points > 0 and point.source == LES6 and len(point.evidence["steps"]) == 2
    assert taken.reaction.next_line.startswith(tuple(scenario.responses["procedure"]))
    for words in ("ik zet uw klacht in het crm en u hoort binnen twee werkdagen van ons",
                  "Ik registreer uw klacht in het CRM. U krijgt binnen 48 uur een reactie."):
        steps = second.procedure_done(words)
        assert {step.step for step, _ in steps} == {step.step for step in second.procedure}, words
    for other in ("het systeem staat het niet toe", "ik begrijp dat u boos bent"):
        assert not second.procedure_done(other) and not first.procedure_done(other)


@pytest.mark.parametrize("words", [
    "het is niet afgewezen hoor", "ik weet nog niet of het is afgewezen meneer",
    "u krijgt het besluit niet per post maar van mij", "u heeft nu nog geen parkeerkaart he",
])
def test_news_taken_back_or_left_open_is_not_told(words):
    """A check session heard these counted as the news ("+2 Je bracht het slechte nieuws duidelijk")
    and the conversation end calmed with the news never told."""
    assert load_scenarios()[0]["slechtnieuws-loket"].phases[0].news_told(words) is None


@pytest.mark.parametrize("words", [
    "ik heb uw klacht niet ontvangen mevrouw", "uw mails zijn nooit ontvangen hoor",
    "ik zet het niet in het systeem hoor dat heeft geen zin",
])
def test_a_procedure_step_said_the_other_way_round_is_not_taken(words):
    """A check session's "ik heb uw klacht niet ontvangen" earned "+2 … bevestigt dat haar klacht is ontvangen"."""
    scenario = load_scenarios()[0]["klacht-telefoon"]
    assert not [step for phase in scenario.phases for step in phase.procedure_done(words)]


@pytest.mark.parametrize(("words", "calms"), [
    ("heeft u toen een nieuwe afspraak gekregen", False),  # a question about what happened
    ("ik kan helaas geen nieuwe afspraak maken vandaag", False),  # a refusal
    ("u moet zelf maar een nieuwe afspraak maken via de website", False),  # the work handed back
    ("hoe kunnen we dit het beste oplossen denkt u", False),  # a question for a solution
    ("zullen we een nieuwe afspraak maken voor vanmiddag", True),  # a proposal
    ("ik kom vanmiddag om drie uur terug met een nieuw modem", True),
    # only looking into it, without a when (Les 6, stap 5: "Wanneer ga je de oplossing precies uitvoeren?")
    ("Ik ga kijken wat ik kan doen.", False),
    ("ik ga ernaar kijken", False),
    ("ik ga vandaag nog kijken wat ik kan doen en ik bel u om vier uur", True),
])
def test_only_an_offer_ends_the_last_phase_calmed(analyser, words, calms):
    """A check session ended conversations "akkoord met de oplossing" on the word "afspraak" in a
    question, a refusal and "u moet zelf maar een afspraak maken" (Les 6: "Als je het eens bent
    geworden over de oplossing, maak je hierover afspraken")."""
    scenario = load_scenarios()[0]["monteur-deur"]
    last = scenario.phases[-1]
    conversation = Conversation.resume(scenario, CustomerState(anger=0, phase=last.id, turn=4), last.goal_prompts[0])
    record = answer(conversation, hear_text(analyser, words))
    assert (record.reaction.outcome == "calmed") == calms, record.score
