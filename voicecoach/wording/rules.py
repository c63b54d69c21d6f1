"""Wording rules as data: JSONL rule files plus a lexicon of word lists, validated on load.

A rule line: {"id", "label", "subtype", "pattern", "source", "explanation"} and optionally
"checks" (names from wording/checks.py), "implies" (extra "label:subtype" hits the same words
earn) and "suggestion" (a Dutch rewrite, for aanjagers). Inside a pattern, "@name" in an IN or
NOT_IN list stands for the lexicon's list `name`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecoach.errors import VoiceCoachError

PATTERNS_DIR = Path(__file__).parent / "patterns"
SEED_FILES = {
    "000_94779b84c1eb6433.txt": "Conflict interventieplan (CIP)",
    "001_4710c7be769f9696.txt": "3 Reasons Why: Een conflict de-escaleren? Zo doe je dat",
    "002_4f4bf8330f2a642c.txt": "Cliëntcommunicatie in crisismomenten (blog)",
    "003_b10594688f87e62d.txt": "Les 6: Klachtenafhandeling & Conflicthantering",
    "004_ab579f6a87e1fca1.txt": "A&O fonds Gemeenten: adviezen voor uitvoerders en leidinggevenden",
}
REMMER_LABELS = (
    "ik_boodschap",
    "gedrag_benoemen",
    "open_vraag",
    "gesloten_vraag",
    "begrip_tonen",
    "samenvatten",
    "oplossing_zoeken",
    "grens_aangeven",
)
AANJAGER = "aanjager"
AANJAGER_SUBTYPES = (
    "zwart_wit",
    "persoon_aanvallen",
    "medestanders_zoeken",
    "emotioneel_worden",
    "stoppen_met_communiceren",
    "afwijken_kernprobleem",
    "kalmeringsbevel",
    "schuld_afschuiven",
)
LABELS = (*REMMER_LABELS, AANJAGER)
# Dutch names for the trainee.
TECHNIQUE_NAMES = {
    "ik_boodschap": "ik-boodschap",
    "gedrag_benoemen": "gedrag benoemen",
    "open_vraag": "open vraag",
    "gesloten_vraag": "gesloten vraag",
    "begrip_tonen": "begrip tonen",
    "samenvatten": "samenvatten",
    "oplossing_zoeken": "oplossingen zoeken",
    "grens_aangeven": "grens aangeven",
}
AANJAGER_NAMES = {
    "zwart_wit": "zwart-witoordeel",
    "persoon_aanvallen": "de persoon aanvallen",
    "medestanders_zoeken": "medestanders zoeken",
    "emotioneel_worden": "emotioneel worden",
    "stoppen_met_communiceren": "stoppen met communiceren",
    "afwijken_kernprobleem": "afwijken van het kernprobleem",
    "kalmeringsbevel": "kalmeringsbevel",
    "schuld_afschuiven": "schuld afschuiven",
}


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    subtype: str
    pattern: list[dict[str, Any]]
    source: str
    explanation: str
    checks: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()
    suggestion: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def source_title(self) -> str:
        return SEED_FILES[self.source]


class RuleFileError(VoiceCoachError):
    code = "rule_file_invalid"


def load_lexicon(path: Path = PATTERNS_DIR / "lexicon.json") -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: words for name, words in data.items() if not name.startswith("_")}


def load_rules(directory: Path = PATTERNS_DIR, *, known_checks: frozenset[str]) -> list[Rule]:
    """Every rule in `directory/*.jsonl`, with lexicon references expanded; errors name file and line."""
    lexicon = load_lexicon(directory / "lexicon.json")
    rules: list[Rule] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name}, regel {number}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RuleFileError(f"{where}: geen geldige JSON ({exc.msg})") from exc
            rule = _to_rule(raw, lexicon, known_checks, where)
            if rule.id in seen:
                raise RuleFileError(f"{where}: regel-id {rule.id!r} komt twee keer voor")
            seen.add(rule.id)
            rules.append(rule)
    return rules


def _to_rule(raw: dict[str, Any], lexicon: dict[str, list[str]], known_checks: frozenset[str], where: str) -> Rule:
    for key in ("id", "label", "subtype", "pattern", "source", "explanation"):
        if key not in raw:
            raise RuleFileError(f"{where}: veld {key!r} ontbreekt")
    label, subtype = raw["label"], raw["subtype"]
    if label not in LABELS:
        raise RuleFileError(f"{where}: onbekend label {label!r}")
    if label == AANJAGER and subtype not in AANJAGER_SUBTYPES:
        raise RuleFileError(f"{where}: onbekend aanjager-subtype {subtype!r}")
    if raw["source"] not in SEED_FILES:
        raise RuleFileError(f"{where}: bron {raw['source']!r} is geen bronbestand uit shared/seeds")
    unknown = set(raw.get("checks", ())) - known_checks
    if unknown:
        raise RuleFileError(f"{where}: onbekende controle(s) {sorted(unknown)}")
    for implied in raw.get("implies", ()):
        if implied.split(":")[0] not in LABELS:
            raise RuleFileError(f"{where}: 'implies' noemt onbekend label {implied!r}")
    return Rule(
        id=raw["id"],
        label=label,
        subtype=subtype,
        pattern=[_expand(token, lexicon, where) for token in raw["pattern"]],
        source=raw["source"],
        explanation=raw["explanation"],
        checks=tuple(raw.get("checks", ())),
        implies=tuple(raw.get("implies", ())),
        suggestion=raw.get("suggestion"),
        raw=raw,
    )


def _expand(token: dict[str, Any], lexicon: dict[str, list[str]], where: str) -> dict[str, Any]:
    """Replace "@name" entries of IN / NOT_IN lists by the lexicon's words."""
    expanded: dict[str, Any] = {}
    for attribute, value in token.items():
        if isinstance(value, dict):
            value = {
                operator: _expand_list(items, lexicon, where) if operator in ("IN", "NOT_IN") else items
                for operator, items in value.items()
            }
        expanded[attribute] = value
    return expanded


def _expand_list(items: list[str], lexicon: dict[str, list[str]], where: str) -> list[str]:
    words: list[str] = []
    for item in items:
        if item.startswith("@"):
            if item[1:] not in lexicon:
                raise RuleFileError(f"{where}: woordenlijst {item!r} bestaat niet in lexicon.json")
            words.extend(lexicon[item[1:]])
        else:
            words.append(item)
    return sorted(set(words))
