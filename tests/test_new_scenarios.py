"""The two scenarios written from the seeds for issue 17: a slechtnieuwsgesprek (A&O) and a phone
complaint along Les 6's klachtafhandeling steps."""

from __future__ import annotations

import pytest

from voicecoach.scenarios import AANJAGER_KEYS, ANGER_LEVELS, ANSWERED_TECHNIQUES, PHASE_ORDER, SCENARIOS_DIR, load_scenarios

SEED_SHORT_NAMES = ("CIP", "3 Reasons Why", "blog", "Les 6", "A&O")


@pytest.mark.parametrize(
    ("scenario_id", "sources"),
    [
        ("slechtnieuws-loket", {"004_ab579f6a87e1fca1.txt", "000_94779b84c1eb6433.txt", "003_b10594688f87e62d.txt"}),
        ("klacht-telefoon", {"003_b10594688f87e62d.txt", "000_94779b84c1eb6433.txt", "002_4f4bf8330f2a642c.txt"}),
    ],
)
def test_new_seed_scenario_validates_and_cites_its_seeds(scenario_id, sources):
    scenarios, problems = load_scenarios([SCENARIOS_DIR / f"{scenario_id}.yaml"])  # the validator itself
    assert problems == []
    scenario = scenarios[scenario_id]
    assert set(scenario.sources) == sources
    assert tuple(phase.id for phase in scenario.phases) == PHASE_ORDER
    for phase in scenario.phases:
        assert sorted(phase.lines) == list(ANGER_LEVELS)
        assert all(len(phase.lines[level]) >= 2 for level in ANGER_LEVELS)
        assert any(name in phase.goal for name in SEED_SHORT_NAMES), phase.goal
    assert set(AANJAGER_KEYS) | set(ANSWERED_TECHNIQUES) <= set(scenario.responses)
    assert any(name in scenario.ending.calmed_message for name in SEED_SHORT_NAMES)
    assert all(any(name in advice for name in SEED_SHORT_NAMES) for advice in scenario.ending.escalated_advice)
    assert scenario.persona.voice in ("mb-nl2", "mb-nl3")
