"""The scenarios a trainee can play: the ones shipped with VoiceCoach and the ones teachers wrote
in the browser (voicecoach/scenario_editor.py). A teacher's scenario is the same YAML, checked by
the same `load_scenario` as `voicecoach scenarios validate`, stored in the data dir:

    <data dir>/scenarios/<id>.yaml                  the current version
    <data dir>/scenarios/versies/<id>/<n>/<id>.yaml every saved version n = 1, 2, … (kept)

A conversation stores the version it was started with and is scored with that version, even after
the teacher changes the scenario. Every process (server, workers) reads the folder again when a
file in it changed, so a scenario saved in the server can be played at once.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from voicecoach.scenarios import Scenario, ScenarioError, ScenarioProblem, load_scenario, load_scenarios

VERSIONS = "versies"


class ScenarioLibrary:
    def __init__(self, data_dir: Path, bundled_paths: list[Path] | None = None) -> None:
        self.folder = data_dir / "scenarios"
        self.bundled, self.problems = load_scenarios(bundled_paths)
        self._authored: dict[str, Scenario] = {}
        self._stamp: tuple[tuple[str, int], ...] = ()
        self._versions: dict[tuple[str, int], Scenario] = {}

    # --- reading ----------------------------------------------------------------------------
    def current(self) -> dict[str, Scenario]:
        """Every playable scenario (shipped first, then the teachers'), newest versions."""
        self._refresh()
        return {**self.bundled, **self._authored}

    def get(self, scenario_id: str, version: int | None = None) -> Scenario:
        """The scenario as it was at `version` (None: the shipped or newest one); KeyError if unknown."""
        if version is None:
            return self.current()[scenario_id]
        key = (scenario_id, version)
        if key not in self._versions:
            path = self._version_path(scenario_id, version)
            if not path.is_file():
                raise KeyError(scenario_id)
            self._versions[key] = load_scenario(path)  # a saved version never changes: cached for good
        return self._versions[key]

    def version(self, scenario_id: str) -> int | None:
        """The newest saved version of a teacher's scenario; None for a shipped one."""
        if scenario_id in self.bundled:
            return None
        folder = self.folder / VERSIONS / scenario_id
        numbers = [int(p.name) for p in folder.iterdir() if p.name.isdigit()] if folder.is_dir() else []
        return max(numbers, default=None)

    def is_authored(self, scenario_id: str) -> bool:
        return scenario_id not in self.bundled and scenario_id in self.current()

    def _version_path(self, scenario_id: str, version: int) -> Path:
        return self.folder / VERSIONS / scenario_id / str(version) / f"{scenario_id}.yaml"

    def _refresh(self) -> None:
        paths = sorted(self.folder.glob("*.yaml")) if self.folder.is_dir() else []
        stamp = tuple((p.name, p.stat().st_mtime_ns) for p in paths)
        if stamp != self._stamp:
            loaded, _ = load_scenarios(paths)  # a broken file stays unplayable; the editor never writes one
            self._authored = {key: value for key, value in loaded.items() if key not in self.bundled}
            self._stamp = stamp

    # --- checking and saving ------------------------------------------------------------------
    @staticmethod
    def check(text: str, scenario_id: str) -> tuple[Scenario | None, list[ScenarioProblem]]:
        """Validate YAML text exactly as `scenarios validate` validates a file named `<id>.yaml`."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{scenario_id}.yaml"
            path.write_text(text, encoding="utf-8")
            try:
                return load_scenario(path), []
            except ScenarioError as error:
                return None, error.problems

    def save(self, text: str, scenario: Scenario) -> int:
        """Store a checked scenario as its next version and make it current; returns the version."""
        if scenario.id in self.bundled:
            raise ValueError("shipped scenarios are not overwritten")
        version = (self.version(scenario.id) or 0) + 1
        while True:  # two saves at once: each claims its own version folder
            path = self._version_path(scenario.id, version)
            path.parent.parent.mkdir(parents=True, exist_ok=True)
            try:
                path.parent.mkdir()
                break
            except FileExistsError:
                version += 1
        path.write_text(text, encoding="utf-8")
        current = self.folder / f"{scenario.id}.yaml"
        partial = current.with_suffix(".yaml.part")  # not *.yaml: never read half-written
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, current)
        return version
