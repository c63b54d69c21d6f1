"""Scenario files (YAML, one per file): schema, loading, and precise Dutch errors with line numbers.

A malformed file never stops the others from loading: `load_scenarios` returns the good ones and
one `ScenarioProblem` per bad file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from voicecoach.config import bundled_dir
from voicecoach.vocabulary import INTERRUPTION, PROCEDURE
from voicecoach.wording.rules import AANJAGER, AANJAGER_SUBTYPES, REMMER_LABELS, SEED_FILES

SCENARIOS_DIR = bundled_dir("scenarios")
ANGER_LEVELS = (0, 1, 2, 3, 4)
PHASE_ORDER = ("contact_maken", "informatie_verzamelen", "probleemaanpak")
Anger = Annotated[int, Field(ge=0, le=4)]


def _only_known(values: list[str], allowed: tuple[str, ...], message: str) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValueError(message.format(unknown=unknown, allowed=list(allowed)))
    return values


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


VOICE_PATTERN = r"^(mb-nl[23]|nl(\+[a-z0-9]+)?)$"
# A line of one of two customers names its speaker before the words: "Mevrouw Smit zegt: …" (ruzie-balie).
SPEAKER = re.compile(r"\b(meneer|mevrouw) ([^:.!?]{1,30}) (zegt|roept|schreeuwt):\s*", re.IGNORECASE)


class Persona(_Strict):
    name: str = Field(min_length=1)
    description: str = Field(min_length=10)
    voice: str = Field(default="mb-nl2", pattern=VOICE_PATTERN)
    """An MBROLA Dutch voice (mb-nl2 male, mb-nl3 female) or an espeak-ng Dutch voice."""
    speakers: dict[str, Annotated[str, Field(pattern=VOICE_PATTERN)]] = Field(default_factory=dict)
    """Other voices by the name lines give their speaker ("Mevrouw Smit": mb-nl3): the words after
    "Mevrouw Smit zegt:" are spoken in hers, the name itself only shown."""


def _compiled(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"patroon '{pattern}' is geen geldige reguliere expressie: {exc}") from exc
    return patterns


# Words that, just before the words a pattern finds, take them back or leave them open: "het is niet
# afgewezen", "ik weet nog niet of het is afgewezen", "ik heb uw klacht niet ontvangen" each counted
# as told or done (a check session).
HEDGES = re.compile(r"\b(niet|nooit|geen|of|als|misschien|mogelijk|wellicht|eventueel|waarschijnlijk)\b")
HEDGE_WORDS_BEFORE = 4


def _said_plainly(lowered: str, match: re.Match[str], *, negation_inside: bool) -> bool:
    before = " ".join(re.findall(r"\w+", lowered[: match.start()])[-HEDGE_WORDS_BEFORE:])
    return not HEDGES.search(before) and (negation_inside or not re.search(r"\b(niet|nooit|geen)\b", match.group()))


def _first_match(patterns: list[str], text: str, *, negation_inside: bool = False) -> str | None:
    """From the first words the patterns find to the last, if any was said plainly; `negation_inside`:
    the patterns' own 'niet' is part of what they find ("niet toegekend", "krijgt de kaart niet")."""
    lowered = text.lower()
    found = [match for pattern in patterns for match in re.finditer(pattern, lowered)
             if _said_plainly(lowered, match, negation_inside=negation_inside)]
    return text[min(m.start() for m in found) : max(m.end() for m in found)] if found else None


class ProcedureStep(_Strict):
    """A step of Les 6's klachtenprocedure a phase asks for ("bedank de indiener netjes"), found by
    its words (regular expressions, matched in lowercase, spoken without punctuation too)."""

    step: str = Field(min_length=5)
    """What the trainee did, after "je" (Dutch): "bedankt de klant dat ze belt"."""
    quote: str = Field(min_length=10)
    """Les 6's own words for the step, quoted in the point."""
    patterns: list[str] = Field(min_length=1)

    _patterns = field_validator("patterns")(_compiled)

    def done_in(self, text: str) -> str | None:
        """The words of `text` that take this step, if any."""
        return _first_match(self.patterns, text)


class Phase(_Strict):
    """One step of the conflict intervention plan, with the customer's lines per anger level."""

    id: Literal["contact_maken", "informatie_verzamelen", "probleemaanpak"]
    title: str = Field(min_length=3)
    techniques: list[str] = Field(min_length=1)
    """Labels that count as the right technique in this phase."""
    goal: str = Field(min_length=10)
    """What the trainee must achieve here (shown to the trainee, Dutch)."""
    goal_techniques: list[str] = Field(default_factory=list)
    """Those of `techniques` that reach the goal (the phase advances, or the last one ends calmed);
    empty: any of them. "Stel een concrete oplossing voor" is not reached by an ik-boodschap alone."""
    goal_turns: int = Field(default=1, ge=1, le=3)
    """Replies that must reach the goal before the phase advances: ruzie-balie's two customers each
    tell their version (CIP stap 2: ieders versie apart), one open question moved it on after one."""
    goal_prompts: list[str] = Field(default_factory=list)
    """What the customer says here while calm enough to end but the goal is not reached yet (in the
    last phase: asking for the step); empty: the level's line. The calm levels' lines ("Oké, als
    het vandaag nog werkt, ben ik tevreden") take a step as offered, so they end the conversation."""
    lines: dict[Anger, list[str]]
    """Customer lines per anger level (0 calm … 4 furious); every level needs at least one."""
    news: list[str] = Field(default_factory=list)
    """Patterns (regular expressions, matched in lowercase) that tell this phase's bad news, as a
    slechtnieuwsgesprek's first step: said, the trainee is told so with a point, and the points
    let the customer react to the news ("Dus het is gewoon nee.") instead of asking for it again."""
    wishes: list[str] = Field(default_factory=list)
    """What the customer answers, in the last phase, when asked which solution would help (blog: "Begin
    met de vraag aan de klant welk oplossing hem zou helpen"): the question alone ended the
    conversation calmed, with nothing agreed (a test session). Empty: the prompt for the goal."""
    news_prompts: list[str] = Field(default_factory=list)
    """What the customer says, at any anger, while this phase's news has not been told: the levels'
    lines react to the news ("Dus het is gewoon nee.", "Afgewezen?"), which a trainee who talked around
    it had not said (a test session). Empty: the levels' lines."""

    procedure: list[ProcedureStep] = Field(default_factory=list)
    """Steps of the klachtenprocedure (Les 6) this phase asks for: taken, they earn a point and the
    customer hears them ("dank u wel dat u belt, ik heb uw klacht ontvangen" earned nothing, a test
    session)."""

    _news_patterns = field_validator("news")(_compiled)

    def news_told(self, text: str) -> str | None:
        """The words of `text` that tell this phase's news, if any: from the first words any pattern
        finds to the last ('is helaas nee u krijgt geen parkeerkaart')."""
        return _first_match(self.news, text, negation_inside=True)

    def procedure_done(self, text: str) -> list[tuple[ProcedureStep, str]]:
        """The procedure steps `text` takes, with the words that take them."""
        return [(step, words) for step in self.procedure if (words := step.done_in(text))]

    @field_validator("techniques")
    @classmethod
    def _known_techniques(cls, techniques: list[str]) -> list[str]:
        return _only_known(techniques, REMMER_LABELS, "onbekende techniek(en) {unknown}; kies uit {allowed}")

    @model_validator(mode="after")
    def _goal_among_techniques(self) -> Phase:
        stray = sorted(set(self.goal_techniques) - set(self.techniques))
        if stray:
            raise ValueError(f"doeltechniek(en) {', '.join(stray)} staan niet bij de technieken van deze fase")
        return self

    def reaches_goal(self, labels: set[str]) -> bool:
        return bool(labels & set(self.goal_techniques or self.techniques))

    @field_validator("lines")
    @classmethod
    def _every_level(cls, lines: dict[int, list[str]]) -> dict[int, list[str]]:
        missing = [level for level in ANGER_LEVELS if not lines.get(level)]
        if missing:
            raise ValueError(f"klantzinnen ontbreken voor boosheidsniveau(s) {missing}")
        empty = [level for level, texts in lines.items() if any(not t.strip() for t in texts)]
        if empty:
            raise ValueError(f"lege klantzin bij niveau(s) {empty}")
        return lines


REPORTING = re.compile(r"\bmeld\b", re.IGNORECASE)  # "Meld het incident …"


class Ending(_Strict):
    """How the conversation ends."""

    calmed_at_most: Anger = 1
    """The customer is calmed when the last phase is reached and anger is at most this."""
    escalated_at: Anger = 4
    """Anger at this level for `escalated_turns` turns in a row ends the conversation as escalated."""
    escalated_turns: int = Field(default=2, ge=1, le=5)
    max_turns: int = Field(default=10, ge=3, le=30)
    calmed_message: str = Field(min_length=10)
    escalated_advice: list[str] = Field(min_length=1)
    """What the seeds advise when it escalates: gesprek beëindigen, hulp inschakelen, incident melden."""

    @property
    def reporting_advice(self) -> list[str]:
        """The advice to report the incident, which 3 Reasons Why gives for every ending ("Ook als je de
        situatie hebt opgelost"): after a break-off too, and where the calmed ending says it."""
        return [advice for advice in self.escalated_advice if REPORTING.search(advice)]

    @property
    def tells_reporting(self) -> bool:
        """Whether this scenario's endings tell the trainee to report the incident (then the practice
        report is offered after every ending, not only an escalated one)."""
        return bool(self.reporting_advice) or REPORTING.search(self.calmed_message) is not None


AANJAGER_KEYS = tuple(f"{AANJAGER}:{subtype}" for subtype in AANJAGER_SUBTYPES)
# Techniques the customer answers in words of their own (Les 6 conflictremmers); the other
# techniques are answered by the level's line itself (an open question by the customer's story).
ANSWERED_TECHNIQUES = ("samenvatten", "begrip_tonen", "gedrag_benoemen", "grens_aangeven", "oplossing_zoeken")
RESPONSE_KEYS = (*AANJAGER_KEYS, *REMMER_LABELS, INTERRUPTION, PROCEDURE)
"""What a customer may answer; the answer to being interrupted is optional (scenarios written
before it existed still load: the customer then just says the level's line)."""


class Scenario(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{2,40}$")
    title: str = Field(min_length=3)
    setting: str = Field(min_length=20)
    """Who the trainee is and where (Dutch, shown on the scenario card)."""
    difficulty: int = Field(ge=1, le=3)
    sources: list[str] = Field(min_length=1)
    persona: Persona
    start_anger: Anger
    phases: list[Phase] = Field(min_length=1)
    responses: dict[str, list[str]]
    """The customer's first words in answer to what the trainee said, per aanjager kind
    ("aanjager:kalmeringsbevel") and per technique ("samenvatten"); the level's line follows."""
    ending: Ending

    @field_validator("responses")
    @classmethod
    def _responses_cover_what_can_be_said(cls, responses: dict[str, list[str]]) -> dict[str, list[str]]:
        known = RESPONSE_KEYS
        unknown = sorted(set(responses) - set(known))
        if unknown:
            raise ValueError(f"onbekende sleutel(s) {unknown}; kies uit {list(known)}")
        missing = [key for key in (*AANJAGER_KEYS, *ANSWERED_TECHNIQUES) if not responses.get(key)]
        if missing:
            raise ValueError(f"antwoorden van de klant ontbreken voor {missing}")
        empty = [key for key, texts in responses.items() if any(not text.strip() for text in texts)]
        if empty:
            raise ValueError(f"leeg antwoord bij {empty}")
        return responses

    @field_validator("sources")
    @classmethod
    def _seed_sources(cls, sources: list[str]) -> list[str]:
        return _only_known(sources, tuple(SEED_FILES), "bron(nen) {unknown} staan niet in shared/seeds; kies uit {allowed}")

    @field_validator("phases")
    @classmethod
    def _phases_in_plan_order(cls, phases: list[Phase]) -> list[Phase]:
        ids = [phase.id for phase in phases]
        expected = [p for p in PHASE_ORDER if p in ids]
        if ids != expected or len(set(ids)) != len(ids):
            raise ValueError(f"fasen moeten elk één keer en in de volgorde van het CIP staan: {list(PHASE_ORDER)}")
        return phases

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)

    def next_phase(self, phase_id: str) -> Phase | None:
        ids = [p.id for p in self.phases]
        index = ids.index(phase_id)
        return self.phases[index + 1] if index + 1 < len(ids) else None


@dataclass(frozen=True)
class ScenarioProblem:
    """One precise, Dutch description of what is wrong in a scenario file."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file.name}" + (f", regel {self.line}" if self.line else "")
        return f"{where}, veld '{self.field}': {self.message}"


class ScenarioError(Exception):
    def __init__(self, problems: list[ScenarioProblem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


YAML_PROBLEM = (
    "geen geldige YAML: controleer op deze regel de inspringing, dubbele punten en aanhalingstekens"
)
INVALID_VALUE = "heeft een ongeldige waarde"
_MESSAGES = {
    "missing": "ontbreekt",
    "extra_forbidden": "is onbekend (tikfout?)",
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "string_type": "moet tekst zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een lijst met sleutels en waarden zijn",
    "model_type": "moet een lijst met sleutels en waarden zijn",
    "too_short": "is te kort of leeg",
    "string_too_short": "is te kort of leeg",
    "greater_than_equal": "is te klein",
    "less_than_equal": "is te groot",
    "string_pattern_mismatch": "heeft niet de juiste vorm",
    "literal_error": "is geen geldige waarde",
}


def load_scenario(path: Path) -> Scenario:
    """Parse and validate one file; raises ScenarioError with every problem found."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except UnicodeDecodeError:
        raise ScenarioError([ScenarioProblem(path, None, "-", "het bestand is geen UTF-8-tekst")]) from None
    except yaml.YAMLError as exc:
        # PyYAML's own description is English: the line says where, the message what to check
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ScenarioError([ScenarioProblem(path, line, "-", YAML_PROBLEM)]) from exc
    except RecursionError:
        raise ScenarioError([ScenarioProblem(path, None, "-", "het bestand is te diep genest")]) from None
    if not isinstance(data, dict):
        raise ScenarioError([ScenarioProblem(path, 1, "-", "het bestand moet een scenario (sleutels en waarden) bevatten")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([_problem(path, root, error) for error in exc.errors()]) from exc
    if scenario.id != path.stem:
        raise ScenarioError([ScenarioProblem(path, _line(root, ("id",)), "id", f"moet gelijk zijn aan de bestandsnaam ({path.stem})")])
    return scenario


def load_scenarios(paths: Iterable[Path] | None = None) -> tuple[dict[str, Scenario], list[ScenarioProblem]]:
    """All scenarios that load, and the problems of those that do not."""
    scenarios: dict[str, Scenario] = {}
    problems: list[ScenarioProblem] = []
    for path in sorted(paths if paths is not None else SCENARIOS_DIR.glob("*.yaml")):
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        scenarios[scenario.id] = scenario
    return scenarios, problems


def _problem(path: Path, root: yaml.Node | None, error: dict[str, Any]) -> ScenarioProblem:
    location = tuple(error["loc"])
    field = ".".join(str(part) for part in location) or "-"
    if error["type"] in ("value_error", "assertion_error"):  # the schema's own validators, written in Dutch
        message = str(error.get("ctx", {}).get("error", error["msg"])).removeprefix("Value error, ")
    else:  # pydantic's own messages are English
        message = _MESSAGES.get(error["type"], INVALID_VALUE)
    return ScenarioProblem(path, _line(root, location), field, message)


def _line(node: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """Line (1-based) of the deepest YAML node on `location` that exists."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in location:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if str(key.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
