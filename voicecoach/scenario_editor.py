"""The teachers' scenario editor: the form's fields to scenario YAML and back, live checks with the
same Dutch problems as `voicecoach scenarios validate` (voicecoach/scenarios.py), and saving as a
new version (voicecoach/scenario_library.py).

The page sends its fields flat, one value per dotted path ("phases.0.lines.3": ["…", "…"]);
`from_form` nests them into the scenario's own structure, so the validator sees exactly what a
YAML file would hold and its field paths point back at the form's fields."""

from __future__ import annotations

import re
from typing import Any

import yaml
from sqlalchemy.orm import Session

from voicecoach.accounts import audit
from voicecoach.errors import VoiceCoachError
from voicecoach.scenario_library import ScenarioLibrary
from voicecoach.scenarios import PHASE_ORDER, RESPONSE_KEYS, Scenario  # noqa: F401 - the form's answer keys
from voicecoach.store.models import User

STARTER = "monteur-deur"
"""A new scenario starts as a copy of this one: every field filled, ready to be rewritten."""
FILE_SAFE = re.compile(r"[A-Za-z0-9_-]{1,100}")
ALL_PHASES = "een scenario uit de editor heeft alle drie de fasen van het CIP"
BUNDLED_ID = "bestaat al als vast scenario van VoiceCoach; kies een andere id"


class EditorError(VoiceCoachError):
    code = "scenario_invalid"

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__("Het scenario is nog niet goed: " + "; ".join(p["text"] for p in problems))
        self.problems = problems

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "problems": self.problems}


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, last = path.split(".")
        node = root
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                break
        else:
            node[last] = value
    return root


def from_form(flat: dict[str, Any]) -> dict[str, Any]:
    """The scenario's structure from the form's dotted paths: phases as a list in form order, lines
    keyed by anger level, responses without the empty ones (the validator names what is missing)."""
    data = _nest(flat)
    phases = data.get("phases")
    if isinstance(phases, dict):
        data["phases"] = [phases[key] for key in sorted(phases, key=lambda k: int(k) if k.isdigit() else 99)]
        for phase in data["phases"]:
            if isinstance(phase, dict) and isinstance(phase.get("lines"), dict):
                phase["lines"] = {int(k) if k.isdigit() else k: v for k, v in phase["lines"].items()}
    if isinstance(data.get("responses"), dict):
        data["responses"] = {key: lines for key, lines in data["responses"].items() if lines}
    return data


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def form_values(scenario: Scenario, **changes: Any) -> dict[str, Any]:
    """A scenario as the form shows it (with `changes`, e.g. a new id for a copy)."""
    return {**scenario.model_dump(mode="json"), **changes}


def copy_values(library: ScenarioLibrary, source_id: str | None) -> dict[str, Any]:
    """A copy of `source_id` (or of the starter) under a free id."""
    taken = library.current()
    known = source_id in taken
    source = library.get(source_id if known else STARTER)
    base = f"{source.id}-kopie"[:36] if known else "nieuw-scenario"
    new_id, number = base, 2
    while new_id in taken:
        new_id, number = f"{base}-{number}", number + 1
    title = f"{source.title} (kopie)" if known else "Nieuw scenario"
    return form_values(source, id=new_id, title=title)


def check(library: ScenarioLibrary, flat: dict[str, Any]) -> tuple[Scenario | None, str, list[dict[str, Any]]]:
    """The scenario (or None), its YAML, and every problem as `scenarios validate` words it."""
    data = from_form(flat)
    text = to_yaml(data)
    # the file is named after the id, as `scenarios validate` expects; an id unfit for a file name
    # gets a neutral name (the validator then reports the id's own problem)
    scenario_id = data.get("id") if isinstance(data.get("id"), str) and FILE_SAFE.fullmatch(data["id"]) else "scenario"
    scenario, problems = library.check(text, scenario_id)
    found = [{"field": p.field, "line": p.line, "message": p.message, "text": str(p)} for p in problems]
    if scenario is not None and scenario.id in library.bundled:
        found.append({"field": "id", "line": 1, "message": BUNDLED_ID, "text": f"{scenario.id}.yaml, veld 'id': {BUNDLED_ID}"})
        scenario = None
    elif scenario is not None and [p.id for p in scenario.phases] != list(PHASE_ORDER):
        # earlier versions' turns are scored per phase: a saved scenario keeps all three
        found.append({"field": "phases", "line": None, "message": ALL_PHASES, "text": f"{scenario.id}.yaml, veld 'phases': {ALL_PHASES}"})
        scenario = None
    return scenario, text, found


def save(session: Session, library: ScenarioLibrary, teacher: User, flat: dict[str, Any]) -> tuple[Scenario, int]:
    scenario, text, problems = check(library, flat)
    if scenario is None:
        raise EditorError(problems)
    version = library.save(text, scenario)
    audit(session, teacher, "scenario.saved", None, f"{scenario.id}@{version}"[:40])
    session.commit()
    return scenario, version
