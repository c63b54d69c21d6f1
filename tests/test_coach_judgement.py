"""A coach's overrule re-scores a turn through coaching/scoring.py: a hit judged 'onterecht' loses
its points, a 'gemist' label earns them, and the share of technique points a raised voice takes
back follows; voice and listening points stay. Real rule pipeline, real scoring, stored-form dicts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import SPACY_DIR
from voicecoach.coach_judgement import judged_labels, judged_score
from voicecoach.coaching.scoring import score_turn
from voicecoach.scenarios import load_scenarios
from voicecoach.transcript import Transcript
from voicecoach.turn_record import AnalysisRecord, TurnRecord
from voicecoach.voice.baseline import POPULATION_DEFAULT
from voicecoach.voice.shapes import BaselineRecord, Comparison, VoiceRecord
from voicecoach.wording.classify import WordingClassifier
from voicecoach.wording.pipeline import load_pipeline

TEXT = "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?"


@dataclass
class Overrule:
    label: str
    verdict: str
    reason: str
    rule: str | None = None


def _loudness(difference: float) -> Comparison:
    return Comparison(measure="loudness", value=-26 + difference, baseline=-26.0, unit="dBFS", difference=difference,
                      difference_unit="dB", threshold=6.0, spread_in_reply=1.0, seconds=(0.0, 4.0), frames=300)


def _result(classifier: WordingClassifier, phase, anger: int, loud: float) -> TurnRecord:  # type: ignore[no-untyped-def]
    """A turn record as the worker stores it (a typed reply with a measured voice), scored by score_turn itself."""
    hits = classifier.classify(TEXT)
    loudness = _loudness(loud)
    voice = VoiceRecord(baseline=BaselineRecord(**dict(POPULATION_DEFAULT)), loudness=loudness, pitch=None, rate=None,
                        speech_seconds=4.0, pause_seconds=0.0)
    score = score_turn(hits=hits, suggestions=classifier.suggestions(hits), phase=phase, customer_anger=anger,
                       word_count=len(TEXT.split()), speech_seconds=4.0, voice=voice)
    record = TurnRecord(
        analysis=AnalysisRecord(audio=None, wording=hits, transcript=Transcript(text=TEXT, language="nl", words=()),
                                voice=voice),
        score=score, reaction=None,
    )
    return TurnRecord.model_validate(record.model_dump(mode="json"))  # as the worker stores it


@pytest.fixture(scope="module")
def setting():  # type: ignore[no-untyped-def]
    scenarios, _ = load_scenarios()
    return WordingClassifier(load_pipeline(SPACY_DIR)), scenarios["monteur-deur"].phases[0]


def test_no_overrule_keeps_the_score(setting):
    classifier, phase = setting
    result = _result(classifier, phase, 3, loud=0.0)
    judged = judged_score(result, [], phase, 3)
    assert judged["total"] == result.score.total == judged["machine_total"] and not judged["judged"]


def test_a_missed_accelerator_costs_its_points(setting):
    classifier, phase = setting
    result = _result(classifier, phase, 3, loud=0.0)
    judged = judged_score(result, [Overrule("aanjager:kalmeringsbevel", "gemist", "Hij zei 'rustig'.")], phase, 3)
    assert judged["total"] == result.score.total - 3
    added = [p for p in judged["points"] if p.get("coach") == "added"]
    assert [p["criterion"] for p in added] == ["aanjager:kalmeringsbevel"]
    assert added[0]["coach_reason"] == "Hij zei 'rustig'." and added[0]["coach_label"] == "conflictaanjager (kalmeringsbevel)"
    # the words quoted are the reply's, the coach's reason is shown beside them (a test session read
    # the reason quoted as if the trainee had said it)
    assert "Hij zei" not in added[0]["explanation"] and result.analysis.text in added[0]["explanation"]
    assert "aanjager:kalmeringsbevel" in judged_labels(result, [Overrule("aanjager:kalmeringsbevel", "gemist", "x")])


def test_a_wrong_technique_loses_its_points_and_the_raised_voice_share_follows(setting):
    classifier, phase = setting
    result = _result(classifier, phase, 3, loud=8.0)  # loudness raised: half the technique points go
    machine = {p["criterion"]: p["points"] for p in result.model_dump()["score"]["points"]}
    technique = "techniek:open_vraag"  # its words overlap no other technique, so its points go for good
    assert machine[technique] == 2
    label = technique.split(":", 1)[1]
    judged = judged_score(result, [Overrule(label, "onterecht", "Dat was geen echte vraag.")], phase, 3)
    points = {p["criterion"]: p for p in judged["points"]}
    assert points[technique]["coach"] == "removed" and points[technique]["points"] == 0
    assert points[technique]["machine_points"] == 2
    # what the judged hits earn (one stretch of words pays one technique, so removing a hit may let
    # an overlapping one pay instead), and half of that is what the raised voice takes back
    earned = sum(p["points"] for p in judged["points"] if p["criterion"].startswith("techniek:"))
    loss = points["stem:woorden_komen_minder_aan"]
    assert loss["points"] == -round(earned * 0.5)
    assert points["stem:loudness"] == next(p for p in result.model_dump()["score"]["points"] if p["criterion"] == "stem:loudness")
    assert judged["total"] == sum(p["points"] for p in judged["points"]) < result.score.total
    assert label not in judged_labels(result, [Overrule(label, "onterecht", "x")])


def _typed(classifier: WordingClassifier, phase, text: str):  # type: ignore[no-untyped-def]
    """A typed reply's hits, its score and its turn record as the worker stores it."""
    hits = classifier.classify(text)
    score = score_turn(hits=hits, suggestions=classifier.suggestions(hits), phase=phase, customer_anger=3,
                       word_count=len(text.split()), speech_seconds=3.0, voice=None)
    record = TurnRecord.model_validate(TurnRecord(
        analysis=AnalysisRecord(audio=None, wording=hits, transcript=Transcript(text=text, language="nl", words=()), voice=None),
        score=score, reaction=None,
    ).model_dump(mode="json"))
    return hits, score, record


NOT_MY_PROBLEM = "Rustig maar mevrouw, dat is niet mijn probleem."


def test_one_stretch_of_words_costs_once_and_names_each_aanjager_on_it(setting):
    hits, score, _ = _typed(*setting, NOT_MY_PROBLEM)
    kinds = [hit.subtype for hit in hits if hit.label == "aanjager"]
    assert {"stoppen_met_communiceren", "schuld_afschuiven"} <= set(kinds)  # two kinds on "niet mijn probleem"
    charged = [point for point in score.points if point.criterion.startswith("aanjager:")]
    assert len(charged) == len(kinds) - 1  # "Rustig maar" on its own words, the two others once
    assert sum(point.points for point in charged) == -3 * len(charged)
    assert any("schuld afschuiven" in p.explanation and "telt niet dubbel" in p.explanation for p in charged)


def test_taking_away_one_of_two_aanjagers_on_the_same_words_is_no_missed_label(setting):
    """The machine charged "niet mijn probleem" once (stoppen met communiceren, also schuld
    afschuiven); the coach says the first is wrong: the second now counts on its own, shown as
    changed by the coach's judgement, not as a label the coach said was missed."""
    _, _, record = _typed(*setting, NOT_MY_PROBLEM)
    judged = judged_score(record, [Overrule("aanjager:stoppen_met_communiceren", "onterecht", "Dat is geen stoppen.")], setting[1], 3)
    blame = next(p for p in judged["points"] if p["criterion"] == "aanjager:schuld_afschuiven")
    assert blame["coach"] == "changed" and blame["points"] == -3
    assert not any(p.get("coach") == "added" for p in judged["points"])
    assert judged["total"] == judged["machine_total"]  # one stretch of words still costs once


def test_a_turn_scored_before_the_fold_keeps_its_points_under_a_coach_judgement(setting):
    """Turns stored before aanjagers on the same words were folded carry two separate points; a
    coach's judgement about something else must not turn one of them into a removal."""
    hits, score, record = _typed(*setting, NOT_MY_PROBLEM)
    points = score.model_dump(mode="json")["points"]
    folded = next(p for p in points if p["evidence"].get("also"))
    blame = next(h for h in hits if h.rule in folded["evidence"]["also"])
    old_points = [{**p, "evidence": {k: v for k, v in p["evidence"].items() if k != "also"}} for p in points]
    old_points.append({**folded, "criterion": f"aanjager:{blame.subtype}",
                       "evidence": {"words": blame.text, "rule": blame.rule, "seconds": None, "span": [blame.start, blame.end]}})
    old_score = {"total": sum(p["points"] for p in old_points), "points": old_points}
    old = TurnRecord.model_validate({**record.model_dump(mode="json"), "score": old_score})
    judged = judged_score(old, [Overrule("begrip_tonen", "gemist", "Ze toonde wel begrip.")], setting[1], 3)
    kept = next(p for p in judged["points"] if p["criterion"] == f"aanjager:{blame.subtype}")
    assert "coach" not in kept and kept["points"] == -3
    added = sum(p["points"] for p in judged["points"] if p.get("coach") == "added")
    assert added > 0 and judged["total"] == old_score["total"] + added


def test_calm_under_pressure_needs_a_whole_reply_and_the_own_calm_voice(setting):
    """A word or two is judged raised only when clearly so; general values pass a shout on a quiet
    microphone (a test session: an uncalibrated trainee shouted and read "+1: Je bleef rustig")."""
    _, phase = setting
    calm = Comparison(measure="pitch", value=160.0, baseline=160.0, unit="Hz", difference=0.0, difference_unit="st",
                      threshold=1.5, spread_in_reply=0.5, seconds=(0.0, 1.0), frames=80)
    measured = BaselineRecord(**{**dict(POPULATION_DEFAULT), "source": "calibration"})
    for baseline, seconds, bonus in ((measured, 1.0, False), (measured, 4.0, True),
                                     (BaselineRecord(**dict(POPULATION_DEFAULT)), 4.0, False)):
        voice = VoiceRecord(baseline=baseline, loudness=_loudness(0.0), pitch=calm,
                            rate=None, speech_seconds=seconds, pause_seconds=0.0)
        score = score_turn(hits=[], suggestions=[], phase=phase, customer_anger=4, word_count=1 if seconds < 2 else 8,
                           speech_seconds=seconds, voice=voice)
        assert any(p.criterion == "stem:kalm_onder_druk" for p in score.points) == bonus
        if bonus:  # no difference reads as none ("ongeveer 0 dB zachter" read oddly)
            praise = next(p.explanation for p in score.points if p.criterion == "stem:kalm_onder_druk")
            assert "marge van je rustige stem: even hard en even hoog." in praise
            # a calm voice saying an aanjager ("Dat is nou eenmaal ons beleid") is not praised for it
            hits, _, _ = _typed(*setting, "Dat is nou eenmaal ons beleid.")
            policy = score_turn(hits=hits, suggestions=[], phase=phase, customer_anger=4, word_count=6,
                                speech_seconds=seconds, voice=voice)
            assert not any(p.criterion == "stem:kalm_onder_druk" for p in policy.points)


def test_an_aanjager_kind_said_twice_costs_once_also_under_a_coach_judgement(setting):
    """A kind counts once per turn, as a technique does, with every instance quoted ("dat was niet ik,
    dat was de planning, daar kan ik ook niks aan doen" cost −9, a test session); a coach's judgement
    of another label leaves that −3 as it was."""
    hits, score, record = _typed(*setting, "Dat is nou eenmaal ons beleid. Regels zijn regels.")
    assert [h.subtype for h in hits if h.label == "aanjager"] == ["zwart_wit", "zwart_wit"]
    charged = [p for p in score.points if p.criterion == "aanjager:zwart_wit"]
    assert [p.points for p in charged] == [-3] and "Nog eens" in charged[0].explanation
    judged = judged_score(record, [Overrule("begrip_tonen", "gemist", "Ze toonde wel begrip.")], setting[1], 3)
    added = sum(p["points"] for p in judged["points"] if p.get("coach") == "added")
    assert added > 0 and judged["total"] == judged["machine_total"] + added  # no -3 silently forgiven
    assert sum(1 for p in judged["points"] if p["criterion"] == "aanjager:zwart_wit" and p["points"] == -3) == 1


def test_a_technique_the_model_finds_is_shown_on_its_clause_and_paid_beside_the_rules(setting):
    """The model found 'oplossingen zoeken' best on the whole reply; that span overlapped 'Ik snap
    dat', so only one of the two was paid (a test session: a concrete step earned nothing)."""
    text = ("Ik snap dat u daar bang voor bent. Ik vervang nu het modem en ik geef u mijn nummer. "
            "Als het morgen weer stuk is, belt u mij en kom ik dezelfde dag terug.")
    hits, score, _ = _typed(*setting, text)
    solution = next(hit for hit in hits if hit.label == "oplossing_zoeken")
    assert solution.end - solution.start < len(text) / 2  # one clause, not the whole reply
    assert {"techniek:oplossing_zoeken", "techniek:begrip_tonen"} <= {point.criterion for point in score.points}
