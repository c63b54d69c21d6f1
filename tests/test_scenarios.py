"""Scenario files: the shipped ones validate; malformed ones get a precise Dutch error each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from voicecoach.scenarios import SCENARIOS_DIR, ScenarioError, load_scenario, load_scenarios
from voicecoach.wording.rules import SEED_FILES


def test_every_shipped_scenario_validates():
    scenarios, problems = load_scenarios()
    assert problems == []
    assert len(scenarios) >= 6
    for scenario in scenarios.values():
        assert set(scenario.sources) <= set(SEED_FILES)
        assert [p.id for p in scenario.phases] == ["contact_maken", "informatie_verzamelen", "probleemaanpak"]
        assert scenario.ending.escalated_advice


def _valid() -> dict:
    return yaml.safe_load((SCENARIOS_DIR / "monteur-deur.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, name: str, data: dict | str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _set(data: dict, dotted: str, value) -> dict:  # type: ignore[no-untyped-def]
    node = data
    *parents, last = dotted.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is _DELETE:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


_DELETE = object()

MALFORMED = [
    ("missing_title", "title", _DELETE, "title", "ontbreekt"),
    ("typo_field", "titel", "Monteur", "titel", "onbekend"),
    ("unknown_seed", "sources", ["wikipedia.txt"], "sources", "shared/seeds"),
    ("anger_too_high", "start_anger", 7, "start_anger", "te groot"),
    ("anger_not_number", "start_anger", "heel boos", "start_anger", "geheel getal"),
    ("unknown_technique", "phases.0.techniques", ["schreeuwen"], "phases.0.techniques", "onbekende techniek"),
    ("missing_level", "phases.1.lines", {0: ["a"], 1: ["b"], 2: ["c"], 3: ["d"]}, "phases.1.lines", "niveau(s) [4]"),
    ("phases_out_of_order", "phases", "swap", "phases", "volgorde"),
    ("empty_line", "phases.2.lines.0", [""], "phases.2.lines", "lege klantzin"),
    ("bad_voice", "persona.voice", "en-us", "persona.voice", "juiste vorm"),
    ("no_advice", "ending.escalated_advice", [], "ending.escalated_advice", "te kort"),
    ("difficulty_zero", "difficulty", 0, "difficulty", "te klein"),
    ("no_answer_to_a_calming_order", "responses.aanjager:kalmeringsbevel", _DELETE, "responses", "aanjager:kalmeringsbevel"),
    ("unknown_response_key", "responses.aanjager:vloeken", ["Pardon?"], "responses", "onbekende sleutel"),
    ("empty_response", "responses.samenvatten", [" "], "responses", "leeg antwoord"),
    ("bad_news_pattern", "phases.0.news", ["(afgewezen"], "phases.0.news", "geen geldige reguliere expressie"),
]


@pytest.mark.parametrize(("name", "path", "value", "field", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_scenario_gets_a_precise_error(tmp_path, name, path, value, field, message):
    data = _valid()
    if value == "swap":
        data["phases"][0], data["phases"][1] = data["phases"][1], data["phases"][0]
    else:
        _set(data, path, value)
    data["id"] = name.replace("_", "-")
    file = _write(tmp_path, data["id"], data)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    problem = caught.value.problems[0]
    assert problem.file == file
    assert problem.field == field
    assert message in problem.message
    assert problem.line is not None and problem.line >= 1
    assert f"{file.name}, regel {problem.line}, veld '{field}'" in str(problem)


def test_yaml_syntax_error_names_the_line(tmp_path):
    file = _write(tmp_path, "kapot", "id: kapot\ntitle: [niet gesloten\nsetting: x\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    assert caught.value.problems[0].line == 3
    assert "geen geldige YAML" in caught.value.problems[0].message


def test_error_line_points_at_the_field(tmp_path):
    data = _valid()
    data["id"] = "te-boos"
    data["start_anger"] = 9
    file = _write(tmp_path, "te-boos", data)
    text_lines = file.read_text(encoding="utf-8").splitlines()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    assert text_lines[caught.value.problems[0].line - 1].startswith("start_anger:")


def test_id_must_match_file_name_and_not_a_mapping_is_an_error(tmp_path):
    data = _valid()
    with pytest.raises(ScenarioError, match="bestandsnaam"):
        load_scenario(_write(tmp_path, "andere-naam", data))
    with pytest.raises(ScenarioError, match="sleutels en waarden"):
        load_scenario(_write(tmp_path, "lijst", "- a\n- b\n"))


def test_a_bad_file_does_not_stop_the_others(tmp_path):
    good = _valid()
    _write(tmp_path, "monteur-deur", good)
    _write(tmp_path, "kapot", "id: kapot\n")
    scenarios, problems = load_scenarios(sorted(tmp_path.glob("*.yaml")))
    assert list(scenarios) == ["monteur-deur"]
    assert {p.file.name for p in problems} == {"kapot.yaml"}


def test_validate_command_exit_codes(tmp_path):
    env = os.environ.copy()
    ok = subprocess.run([sys.executable, "-m", "voicecoach", "scenarios", "validate"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = _write(tmp_path, "kapot", "id: kapot\n")
    bad = subprocess.run(
        [sys.executable, "-m", "voicecoach", "scenarios", "validate", str(broken)], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 1
    assert "kapot.yaml" in bad.stdout and "ontbreekt" in bad.stdout
