"""A coach's overrules applied to a turn: a hit judged 'onterecht' loses its points, a 'gemist'
label earns them. The turn is re-scored by coaching/scoring.py's own `score_turn` on the judged
hits; only the points that depend on the wording are taken from that re-score (techniques,
accelerators, and the share of technique points a raised voice takes back), the voice and
listening points stay as the analysis gave them.

An overrule's label is a wording label ("begrip_tonen", "aanjager") or one accelerator kind
("aanjager:zwart_wit"); a 'gemist' accelerator needs its kind. An optional rule id narrows an
'onterecht' verdict to the hits of that rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Protocol

from voicecoach.coaching.scoring import calls_for_attention, score_turn
from voicecoach.vocabulary import label_name
from voicecoach.scenarios import Phase
from voicecoach.turn_record import TurnRecord
from voicecoach.wording.hits import WordingHit
from voicecoach.wording.rules import AANJAGER, AANJAGER_SUBTYPES, LABELS, PATTERNS_DIR, SEED_FILES

WORDING_CRITERIA = ("techniek:", "aanjager:", "stem:woorden_komen_minder_aan")
LABEL_KEYS = (*LABELS, *(f"{AANJAGER}:{subtype}" for subtype in AANJAGER_SUBTYPES))


class Overrule(Protocol):
    label: str
    rule: str | None
    verdict: str
    reason: str


def _matches(hit: WordingHit, overrule: Overrule) -> bool:
    keys = {hit.label, f"{hit.label}:{hit.subtype}"} if hit.label == AANJAGER else {hit.label}
    return overrule.label in keys and (not overrule.rule or overrule.rule == hit.rule)


def judged_hits(record: TurnRecord, overrules: Iterable[Overrule]) -> list[WordingHit]:
    """The hits the coach left standing, plus one hit per label the coach says was missed, quoting the
    whole reply (the coach judged what was said; the reason is shown beside it, not as the words: a
    test session read the coach's reason quoted as if the trainee had said it)."""
    hits, text = record_hits(record), record.analysis.text
    overrules = list(overrules)
    kept = [hit for hit in hits if not any(o.verdict == "onterecht" and _matches(hit, o) for o in overrules)]
    for number, overrule in enumerate(o for o in overrules if o.verdict == "gemist"):
        label, _, subtype = overrule.label.partition(":")
        if label == AANJAGER and not subtype:
            continue  # validation asks a missed accelerator's kind; nothing to score without it
        if not any(_matches(hit, overrule) for hit in kept):
            source, explanation = _rule_source(label, subtype)
            kept.append(WordingHit(
                # no span: it covers no other hit's words, so it takes nothing else away
                label=label, subtype=subtype, rule=f"coach:{number}", start=0, end=0, text=text,
                source=source, source_title=SEED_FILES[source], explanation=explanation,
            ))
    return kept


@lru_cache(maxsize=1)
def _rule_sources() -> dict[tuple[str, str], tuple[str, str]]:
    """(label, subtype) and (label, "") → the seed and explanation of the first rule for it."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for path in sorted(PATTERNS_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rule = json.loads(line)
                for key in ((rule["label"], rule["subtype"]), (rule["label"], "")):
                    found.setdefault(key, (rule["source"], rule["explanation"]))
    return found


def _rule_source(label: str, subtype: str) -> tuple[str, str]:
    sources = _rule_sources()
    return sources.get((label, subtype)) or sources[(label, "")]


def record_hits(record: TurnRecord) -> list[WordingHit]:
    return list(record.analysis.wording)


def judged_score(record: TurnRecord, overrules: Sequence[Overrule], phase: Phase, customer_anger: int) -> dict[str, Any]:
    """The scored turn's score with the coach's judgement; changed points carry `coach` and the reason.

    Returns {"total", "points", "machine_total", "judged": bool}; each point as scoring gives it,
    plus "coach": "added" | "removed" | "changed" where the coach's judgement changed it."""
    assert record.score is not None, "only a scored turn is judged"
    machine = record.score.model_dump(mode="json")
    if not overrules:
        return {**machine, "machine_total": machine["total"], "judged": False}
    analysis = record.analysis
    hits = judged_hits(record, overrules)
    kept_rules = {hit.rule for hit in hits}
    voice = analysis.voice
    rescored = score_turn(
        hits=hits,
        suggestions=[s for s in analysis.suggestions if s.rule in kept_rules],
        phase=phase, customer_anger=customer_anger,
        word_count=len(re.findall(r"\w+", analysis.text)),  # as coaching/conversation.py counts them
        speech_seconds=voice.speech_seconds if voice else 0.0, voice=voice, news=phase.news_told(analysis.text),
        procedure=phase.procedure_done(analysis.text), attention_call=calls_for_attention(analysis.text),
    ).model_dump(mode="json")["points"]
    return _merge(machine["points"], rescored, overrules)


def _is_wording(point: dict[str, Any]) -> bool:
    return point["criterion"].startswith(WORDING_CRITERIA)


def _merge(machine: list[dict[str, Any]], rescored: list[dict[str, Any]], overrules: Sequence[Overrule]) -> dict[str, Any]:
    before = {_key(p): p for p in machine if _is_wording(p)}
    after = {_key(p): p for p in rescored if _is_wording(p)}
    # aanjagers the machine named inside another's point ("Ook: … telt niet dubbel"): once the coach
    # takes that point away they count on their own, which is a change, not a label the coach added
    folded = _folded_rules(before.values())
    points = [p for p in machine if not _is_wording(p)]
    for key, point in after.items():
        old, criterion = before.get(key), point["criterion"]
        if old is None and _evidence(point).get("rule") in folded:
            points.append({**point, "coach": "changed", "coach_reason": _reason(criterion, overrules, None)})
        elif old is None:
            points.append({**point, "coach": "added", "coach_reason": _reason(criterion, overrules, "gemist"),
                           "coach_label": _criterion_name(criterion)})
        elif old["points"] != point["points"]:
            points.append({**point, "coach": "changed", "coach_reason": _reason(criterion, overrules, None)})
        else:
            points.append(old)
    # a turn scored before aanjagers on the same words were folded into one point: that point stays
    # as it was shown (scored once more, it would look like a removal the coach never made)
    folded_now = _folded_rules(after.values())
    for key, old in before.items():
        if key in after:
            continue
        if _evidence(old).get("rule") in folded_now:
            points.append(old)
        else:
            points.append({**old, "points": 0, "machine_points": old["points"], "coach": "removed",
                           "coach_reason": _reason(old["criterion"], overrules, "onterecht")})
    total = sum(p["points"] for p in points)
    return {"total": total, "points": points, "machine_total": sum(p["points"] for p in machine), "judged": True}


def _key(point: dict[str, Any]) -> str:
    """What matches a point before and after the judgement: a technique is paid once per label, an
    aanjager once per stretch of words (two zwart-wit sentences are two points)."""
    if not point["criterion"].startswith(f"{AANJAGER}:"):
        return point["criterion"]
    evidence = _evidence(point)
    return f"{point['criterion']}|{evidence.get('rule')}|{evidence.get('span')}"


def _evidence(point: dict[str, Any]) -> dict[str, Any]:
    return point.get("evidence") or {}


def _folded_rules(points: Iterable[dict[str, Any]]) -> set[str]:
    """The rules of aanjagers named inside another's point ("Ook: … telt niet dubbel")."""
    return {rule for point in points for rule in _evidence(point).get("also", ())}


def _criterion_name(criterion: str) -> str:
    kind, _, name = criterion.partition(":")
    return label_name(name if kind == "techniek" else f"{kind}:{name}")


def _reason(criterion: str, overrules: Sequence[Overrule], verdict: str | None) -> str | None:
    """The coach's reason for the overrule that changed this criterion."""
    kind, _, name = criterion.partition(":")
    key = name if kind == "techniek" else f"{AANJAGER}:{name}" if kind == AANJAGER else None
    for overrule in overrules:
        if (verdict is None or overrule.verdict == verdict) and key and overrule.label in (key, key.split(":")[0]):
            return overrule.reason
    return next((o.reason for o in overrules if verdict is None or o.verdict == verdict), None)


def judged_labels(record: TurnRecord, overrules: Sequence[Overrule]) -> set[str]:
    """Label names (and "aanjager:kind") of the turn after the coach's judgement."""
    hits = judged_hits(record, overrules)
    return {hit.label for hit in hits} | {f"{AANJAGER}:{hit.subtype}" for hit in hits if hit.label == AANJAGER}
