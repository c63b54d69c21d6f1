"""spaCy component "voicecoach_wording": rule matches with their checks, written to doc.spans.

Rules match on the normalised words (normalise.py: fillers dropped, split and joined words
repaired, frequent mishearings respelled), so "ik eh begrijp dat" matches like "ik begrijp dat";
spans are mapped back to the original tokens.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from voicecoach.vocabulary import AANJAGER, QUESTION_LABELS
from voicecoach.wording.aanjager_checks import AANJAGER_CHECKS
from voicecoach.wording.checks import SENTENCE_CHECKS, Context
from voicecoach.wording.normalise import Tables, load_tables, normalise_words
from voicecoach.wording.rules import PATTERNS_DIR, Rule, load_lexicon, load_rules
from voicecoach.wording.technique_checks import TECHNIQUE_CHECKS

SPAN_KEY = "wording"
CHECKS = SENTENCE_CHECKS | AANJAGER_CHECKS | TECHNIQUE_CHECKS  # the names rules give in their "checks" list
KNOWN_CHECKS = frozenset(CHECKS)


@Language.factory("voicecoach_wording")
def make_wording_component(nlp: Language, name: str) -> WordingRules:
    return WordingRules(nlp, name)


class WordingRules:
    """Holds the rules and their Matcher; serialises the rule files into the saved pipeline."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp = nlp
        self.name = name
        self.rules: dict[str, Rule] = {}
        self.words: dict[str, frozenset[str]] = {}
        self.suggestions: dict[str, str] = {}
        self.tables: Tables | None = None
        self.matcher = Matcher(nlp.vocab, validate=True)
        self._rules_dir: Path | None = None

    def initialize(self, get_examples=None, *, nlp=None, rules_dir: str | None = None) -> None:  # type: ignore[no-untyped-def]
        self.load(Path(rules_dir) if rules_dir else PATTERNS_DIR)

    def load(self, directory: Path) -> None:
        self.rules = {rule.id: rule for rule in load_rules(directory, known_checks=KNOWN_CHECKS)}
        self.words = {name: frozenset(words) for name, words in load_lexicon(directory / "lexicon.json").items()}
        self.suggestions = json.loads((directory / "suggestions.json").read_text(encoding="utf-8"))
        self.tables = load_tables(directory)
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        for rule in self.rules.values():
            self.matcher.add(rule.id, [rule.pattern], greedy="LONGEST")
        self._rules_dir = directory

    def __call__(self, doc: Doc) -> Doc:
        clean, origin = self._normalised(doc)
        context = Context(words=self.words, punctuated=any(token.is_punct for token in doc))
        found: list[Span] = []
        for match_id, start, end in self.matcher(clean):
            rule = self.rules[self.nlp.vocab.strings[match_id]]
            if all(CHECKS[name](clean, start, end, context) for name in rule.checks):
                found.append(_span(doc, origin, start, end, rule.label, rule.id))
                for implied in rule.implies:
                    found.append(_span(doc, origin, start, end, implied.split(":")[0], f"{rule.id}+{implied}"))
        doc.spans[SPAN_KEY] = self._resolve(found)
        return doc

    def rule_for(self, span: Span) -> tuple[Rule, str]:
        """The rule behind a span and the subtype it reports (implied hits carry their own)."""
        rule_id, _, implied = span.id_.partition("+")
        rule = self.rules[rule_id]
        subtype = implied.split(":")[1] if implied else rule.subtype
        return rule, subtype

    def _resolve(self, spans: list[Span]) -> list[Span]:
        """One span per label, subtype and place (the longest wins); an open question overrides a
        closed one on the same words. A statement-form question is its whole sentence."""
        groups: dict[tuple[str, str], list[Span]] = {}
        for span in spans:
            if self.rule_for(span)[1] == "declaratief":
                span = _sentence_of(span)
            groups.setdefault((span.label_, self.rule_for(span)[1]), []).append(span)
        resolved = [kept for group in groups.values() for kept in filter_spans(group)]
        questions = [s for s in resolved if s.label_ in QUESTION_LABELS]
        aanjagers = [s for s in resolved if s.label_ == AANJAGER]
        return sorted((s for s in resolved if not self._another_question(s, questions) and not _rhetorical(s, aanjagers)),
                      key=lambda s: (s.start, s.end, s.label_))

    def _another_question(self, closed: Span, questions: list[Span]) -> bool:
        """A closed-question hit on the words of an open one ('Kunt u mij vertellen…') is that open
        question; a statement-form question in a sentence that holds another question hit is that
        question ('Laten we morgen afspreken, is dat goed?': the question is 'is dat goed', not 'Laten')."""
        if closed.label_ != "gesloten_vraag":
            return False
        declarative = self.rule_for(closed)[1] == "declaratief"
        return any(
            (q.label_ == "open_vraag" and _overlaps(closed, q))
            or (declarative and q is not closed and q.sent.start == closed.sent.start)
            for q in questions
        )

    def _normalised(self, doc: Doc) -> tuple[Doc, list[tuple[int, int]]]:
        """The doc of normalised words, and for each its first and last original token."""
        assert self.tables is not None
        words = normalise_words([token.text for token in doc], self.tables)
        if len(words) == len(doc) and all(word == token.lower_ for (word, _, _), token in zip(words, doc)):
            return doc, [(i, i) for i in range(len(doc))]
        # Unchanged words keep their casing and lemma (checks look at sentence starts and case).
        kept = [word == doc[first].lower_ for word, first, _ in words]
        clean = Doc(
            doc.vocab,
            words=[doc[first].text if same else word for (word, first, _), same in zip(words, kept)],
            spaces=[bool(doc[last].whitespace_) for _, _, last in words],
            sent_starts=[n == 0 or (doc[first].is_sent_start and words[n - 1][1] != first)
                         for n, (_, first, _) in enumerate(words)],
            lemmas=[doc[first].lemma_ if same else word for (word, first, _), same in zip(words, kept)],
        )
        return clean, [(first, last) for _, first, last in words]

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        source = self._rules_dir or PATTERNS_DIR
        files = ("lexicon.json", "suggestions.json", "normalise.json")
        for file in [*(source / name for name in files), *sorted(source.glob("*.jsonl"))]:
            shutil.copyfile(file, path / file.name)
        (path / "meta.json").write_text(json.dumps({"rules": len(self.rules)}), encoding="utf-8")

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> WordingRules:
        self.load(Path(path))
        return self


def _span(doc: Doc, origin: list[tuple[int, int]], start: int, end: int, label: str, rule_id: str) -> Span:
    return Span(doc, origin[start][0], origin[end - 1][1] + 1, label=label, span_id=rule_id)


def _rhetorical(span: Span, aanjagers: list[Span]) -> bool:
    """A question whose words all belong to an aanjager is no question the customer may answer
    ('Wat wilt u dat ik eraan doe?' earned +2 open vraag, a test session); a question beside an
    aanjager stays one ('Waarom doet u zo moeilijk?')."""
    return span.label_ in QUESTION_LABELS and any(
        a.start <= span.start and span.end <= a.end for a in aanjagers)


def _sentence_of(span: Span) -> Span:
    """The span's sentence without its closing punctuation, with the span's label and rule."""
    sentence = span.sent
    end = sentence.end
    while end > sentence.start + 1 and span.doc[end - 1].is_punct:
        end -= 1
    return Span(span.doc, sentence.start, end, label=span.label_, span_id=span.id_)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end
