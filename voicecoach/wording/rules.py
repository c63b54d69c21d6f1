"""Wording rules as data: JSONL rule files plus a lexicon of word lists, validated on load.

A rule line: {"id", "label", "subtype", "pattern", "source", "explanation"} and optionally
"checks" (names from wording/checks.py and aanjager_checks.py), "implies" (extra "label:subtype" hits the same words
earn), "suggestion" (a Dutch rewrite, for aanjagers; "@name" stands for suggestions.json's rewrite
`name`, one text for rules that share it) and "ungated" (true: the hit stands even where the model
doubts its label — a seed's own words, wording/classify.py). Inside a pattern, "@name" in an IN or NOT_IN list stands
for the lexicon's list `name`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecoach.errors import VoiceCoachError

PATTERNS_DIR = Path(__file__).parent / "patterns"
from voicecoach.vocabulary import (  # noqa: F401 - the rule files speak this vocabulary
    AANJAGER,
    AANJAGER_NAMES,
    AANJAGER_SUBTYPES,
    LABELS,
    REMMER_LABELS,
    SEED_FILES,
    TECHNIQUE_NAMES,
)


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
    ungated: bool = False
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
    rewrites = json.loads((directory / "suggestions.json").read_text(encoding="utf-8"))
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
            rule = _to_rule(raw, lexicon, rewrites, known_checks, where)
            if rule.id in seen:
                raise RuleFileError(f"{where}: regel-id {rule.id!r} komt twee keer voor")
            seen.add(rule.id)
            rules.append(rule)
    return rules


def _to_rule(
    raw: dict[str, Any], lexicon: dict[str, list[str]], rewrites: dict[str, str], known_checks: frozenset[str], where: str
) -> Rule:
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
        suggestion=_suggestion(raw.get("suggestion"), rewrites, where),
        ungated=bool(raw.get("ungated", False)),
        raw=raw,
    )


def _suggestion(text: str | None, rewrites: dict[str, str], where: str) -> str | None:
    if text is None or not text.startswith("@"):
        return text
    if text[1:] not in rewrites:
        raise RuleFileError(f"{where}: 'suggestion' noemt onbekende herschrijving {text!r} (suggestions.json)")
    return rewrites[text[1:]]


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
