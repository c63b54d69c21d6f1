"""The teachers' scenario editor: a copy of a scenario checked live with the same Dutch problems as
`voicecoach scenarios validate`, saved as the same YAML in the data dir as numbered versions; a
trainee plays it at once, and a conversation keeps the version it was started with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import VOICE
from tests.conftest import SPACY_DIR, WHISPER_DIR
from tests.test_api import logged_in, run_queue
from voicecoach.api.app import create_app
from voicecoach.audio.synth import speak_to_wav
from voicecoach.config import Settings
from voicecoach.scenario_editor import copy_values


def flat(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The form's fields as the page sends them: one value per dotted path."""
    found: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(flat(value, f"{path}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for number, item in enumerate(value):
                found.update(flat(item, f"{path}.{number}."))
        else:
            found[path] = value
    return found


@pytest.fixture(scope="module")
def editor(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("editor")
    app = create_app(Settings(data_dir=folder / "data", whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))
    teacher, trainee = logged_in(app, "docent", role="teacher"), logged_in(app, "sanne")
    fields = flat(copy_values(app.state.service.library, "monteur-deur"))
    fields.update({"id": "balie-bibliotheek", "title": "Boze bezoeker bij de bibliotheek",
                   **{f"phases.0.lines.{level}": [f"Ik wacht al een uur op mijn boek, niveau {level}!"] for level in range(5)}})
    return app, teacher, trainee, fields, folder


def validate_cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "voicecoach", "scenarios", "validate", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)  # the exit code is asserted


def test_live_check_gives_the_validators_own_dutch_problem_on_the_field(editor, tmp_path):
    _, teacher, _, fields, _ = editor
    broken = {**fields, "setting": "Kort", "phases.1.lines.2": []}
    answer = teacher.post("/api/scenario-editor/check", json=broken).json()
    assert not answer["valid"]
    by_field = {p["field"]: p for p in answer["problems"]}
    assert set(by_field) == {"setting", "phases.1.lines"}
    assert by_field["setting"]["message"] == "is te kort of leeg"
    assert "niveau" in by_field["phases.1.lines"]["message"] and "[2]" in by_field["phases.1.lines"]["message"]
    file = tmp_path / "balie-bibliotheek.yaml"
    file.write_text(answer["yaml"], encoding="utf-8")
    printed = validate_cli(file)
    assert printed.returncode == 1
    for problem in answer["problems"]:  # word for word what the command line says
        assert problem["text"] in printed.stdout.replace("\n", " ") or problem["text"] in printed.stdout
    shipped = teacher.post("/api/scenario-editor/check", json={**fields, "id": "monteur-deur"}).json()
    assert [p["field"] for p in shipped["problems"]] == ["id"] and "vast scenario" in shipped["problems"][0]["message"]
    two_phases = {key: value for key, value in fields.items() if not key.startswith("phases.2.")}
    assert [p["field"] for p in teacher.post("/api/scenario-editor/check", json=two_phases).json()["problems"]] == ["phases"]


def test_a_saved_scenario_is_valid_yaml_in_the_data_dir_and_a_trainee_plays_it(editor):
    _, teacher, trainee, fields, folder = editor
    saved = teacher.post("/api/scenario-editor/scenarios", json=fields)
    assert saved.status_code == 201 and saved.json() == {"id": "balie-bibliotheek", "version": 1, "title": fields["title"]}
    file = folder / "data" / "scenarios" / "balie-bibliotheek.yaml"
    assert validate_cli(file).returncode == 0
    assert "balie-bibliotheek" in [s["id"] for s in trainee.get("/api/scenarios").json()]
    conversation = trainee.post("/api/conversations", json={"scenario_id": "balie-bibliotheek"}).json()
    assert conversation["customer_line"] == "Ik wacht al een uur op mijn boek, niveau 3!"  # start anger 3, contact maken
    assert "Boze bezoeker bij de bibliotheek" in teacher.get("/scenarios-schrijven").text


def test_a_conversation_keeps_the_version_it_was_started_with(editor, tmp_path):
    app, teacher, trainee, fields, _ = editor
    first = teacher.post("/api/scenario-editor/scenarios", json=fields).json()["version"]
    old = trainee.post("/api/conversations", json={"scenario_id": "balie-bibliotheek"}).json()
    changed = {**fields, "title": "Bibliotheek, tweede versie",
               **{f"phases.{p}.lines.{level}": [f"Versie twee, fase {p}, niveau {level}."] for p in range(3) for level in range(5)}}
    assert teacher.post("/api/scenario-editor/scenarios", json=changed).json()["version"] == first + 1
    reply = speak_to_wav("Ik begrijp dat u boos bent. Wat is er precies gebeurd?", tmp_path / "antwoord.wav", voice=VOICE)
    assert trainee.post(f"/api/conversations/{old['id']}/turns", content=reply.read_bytes()).status_code == 202
    run_queue(app)
    after = trainee.get(f"/api/conversations/{old['id']}").json()
    assert after["scenario"]["title"] == fields["title"]
    assert not after["turns"][0]["result"]["reaction"]["next_line"].startswith("Versie twee")
    new = trainee.post("/api/conversations", json={"scenario_id": "balie-bibliotheek"}).json()
    assert new["scenario"]["title"] == "Bibliotheek, tweede versie" and new["customer_line"].startswith("Versie twee")


def test_only_teachers_write_scenarios_and_a_line_can_be_heard(editor):
    _, teacher, trainee, fields, _ = editor
    assert trainee.post("/api/scenario-editor/scenarios", json=fields).status_code == 403
    assert trainee.get("/scenarios-schrijven").status_code == 403
    audio = teacher.get("/api/scenario-editor/voice", params={"text": "Ik wil mijn boek!", "voice": "mb-nl3", "anger": 4})
    assert audio.status_code == 200 and audio.content[:4] == b"RIFF"
    assert teacher.get("/api/scenario-editor/voice", params={"text": "x", "voice": "rm -rf"}).status_code == 422
    page = teacher.get("/scenarios-schrijven/nieuw?van=klacht-telefoon").text
    assert 'value="klacht-telefoon-kopie"' in page and "Beluister de eerste zin" in page
    assert teacher.get("/scenarios-schrijven/monteur-deur").status_code == 404  # shipped: copy it instead


def test_the_editor_keeps_a_phases_procedure_steps(editor):
    """klacht-telefoon's klachtenprocedure steps (patterns) are not edited on the page but must survive
    a copy: the form carries them as JSON in a hidden field."""
    import html
    import json
    import re

    app, teacher, _, _, _ = editor
    page = teacher.get("/scenarios-schrijven/nieuw", params={"van": "klacht-telefoon"}).text
    carried = re.search(r'data-path="phases\.0\.procedure" data-kind="json" value=\'([^\']*)\'', page)
    assert carried, "no procedure field"
    steps = json.loads(html.unescape(carried.group(1)))
    original = app.state.service.library.get("klacht-telefoon").phases[0].procedure
    assert steps == [step.model_dump(mode="json") for step in original] and steps
    fields = flat({k: v for k, v in copy_values(app.state.service.library, "klacht-telefoon").items()})
    fields = {key: value for key, value in fields.items() if ".procedure." not in key}
    fields.update({"id": "klacht-kopie", "phases.0.procedure": steps})
    answer = teacher.post("/api/scenario-editor/check", json=fields).json()
    assert answer["valid"], answer["problems"]
    assert "bedank je de indiener netjes" in answer["yaml"]
