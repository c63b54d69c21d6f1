"""The second opinion: a per-label linear model on character and word n-grams (misheard, split
and joined words) mixed with one on multilingual sentence embeddings (e5: paraphrase), with its
evidence.

Trained by scripts/train_wording_model.py (scikit-learn logistic regression, at training time
only); at run time only numpy, the e5 engine (`embedding.py`) and the stored weights
(`voicecoach/wording/model/`, package data) are needed. A reply is cut into clauses; every clause
and the whole reply are scored by both, mixed per label (the e5 share of each label chosen out of
fold; 0 leaves a label to the n-grams), and a label fires on the best-scoring clause, so the
trainee sees which words it fired on. The nearest labelled training example (cosine on the
n-gram features) is given as evidence.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile
from pathlib import Path

import numpy as np

from voicecoach.errors import ModelError
from voicecoach.wording.embedding import Embedder, load_embedder
from voicecoach.wording.normalise import Tables, load_tables, normalise_text, only_an_attitude_opener, only_markers, opener_end

MODEL_DIR = Path(__file__).parent / "model"
Span = tuple[int, int]  # characters start..end of a reply
MIN_FREE_WORDS = 3  # a stretch shorter than this ('ai', 'nou') carries no technique of its own
# A comma before "dan" closes a condition ("Heeft u vragen, dan …"), which belongs to its main clause.
CLAUSE_BREAK = re.compile(r"[.!?;:]+|,(?!\s*dan\b)|\s(?=(?:maar|want|dus|anders|behalve)\s)", re.IGNORECASE)


@dataclass(frozen=True)
class FeatureSpec:
    """Character n-grams inside word boundaries (robust to split, joined and misheard words) and
    word n-grams (word order: questions without punctuation), each tf-idf weighted."""

    char_min: int = 2
    char_max: int = 5
    word_max: int = 3


def terms(text: str, spec: FeatureSpec) -> Counter[str]:
    """The n-gram counts of an already normalised text (lowercase words, single spaces)."""
    words = text.split()
    counts: Counter[str] = Counter()
    for word in words:
        padded = f" {word} "
        for n in range(spec.char_min, spec.char_max + 1):
            if len(padded) < n:
                break
            counts.update(f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1))
    padded_words = ["<s>", *words, "</s>"]
    for n in range(1, spec.word_max + 1):
        counts.update("w:" + " ".join(padded_words[i:i + n]) for i in range(len(padded_words) - n + 1))
    return counts


def vectorise(text: str, spec: FeatureSpec, vocabulary: dict[str, int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse l2-normalised tf-idf vector (sublinear tf) as (indices, values)."""
    pairs = [(vocabulary[t], 1.0 + math.log(c)) for t, c in terms(text, spec).items() if t in vocabulary]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    indices = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
    values = np.fromiter((v for _, v in pairs), dtype=np.float32, count=len(pairs)) * idf[indices]
    return indices, values / max(float(np.linalg.norm(values)), 1e-9)


def clauses(text: str) -> list[tuple[int, int]]:
    """Character spans of the clauses (at punctuation but a comma before 'dan', or before
    'maar'/'want'/'dus' without it),
    plus the whole reply when it has more than one clause."""
    spans, start = [], 0
    for brk in CLAUSE_BREAK.finditer(text):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(text)))
    spans = [span for span in (_trim(text, s, e) for s, e in spans) if span[1] > span[0]]
    whole = _trim(text, 0, len(text))
    return [*spans, whole] if len(spans) > 1 else [whole]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


@dataclass(frozen=True)
class ModelHit:
    label: str
    subtype: str
    start: int
    end: int
    text: str
    probability: float
    nearest_id: str
    nearest_text: str
    nearest_likeness: float  # cosine of the n-gram vectors: how much the example shares the words


class WordingModel:
    """Stored weights: labels × features, thresholds, and the training examples for evidence."""

    def __init__(self, directory: Path = MODEL_DIR) -> None:
        meta_file, weights_file = directory / "wording_model.json", directory / "wording_model.npz"
        if not meta_file.is_file() or not weights_file.is_file():
            raise ModelError(f"Het woordmodel ontbreekt in {directory}. Installeer het pakket opnieuw.", code="wording_model_missing")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        self.spec = FeatureSpec(**meta["features"])
        self.labels: list[str] = meta["labels"]
        self.thresholds = np.array([meta["thresholds"][label] for label in self.labels], dtype=np.float32)
        self.fusion: dict[str, str] = meta["fusion"]
        # "gated" labels keep a rule hit only when the model gives the label at least this much.
        self.gates: dict[str, float] = meta.get("gates", {})
        # An aanjager the model finds must also reach its subtype's threshold: kinds with many fine
        # look-alikes ("dat klopt niet helemaal", "dat ligt aan de planning") need more certainty.
        self.subtype_thresholds: dict[str, float] = meta.get("subtype_thresholds", {})
        self.example_ids: list[str] = meta["example_ids"]
        self.example_texts: list[str] = meta["example_texts"]
        self.vocabulary = {term: index for index, term in enumerate(meta["vocabulary"])}
        with np.load(weights_file) as data:
            self.idf = data["idf"].astype(np.float32)
            self.coef = np.ascontiguousarray(data["coef"].astype(np.float32).T)  # features × labels
            self.intercept = data["intercept"].astype(np.float32)
            self.example_labels = data["example_labels"].astype(bool)  # examples × labels
            self.ex_indptr, self.ex_indices = data["ex_indptr"], data["ex_indices"]
            self.ex_data = data["ex_data"].astype(np.float32)
            self.e5_coef = np.ascontiguousarray(data["e5_coef"].astype(np.float32).T) if "e5_coef" in data else None
            self.e5_intercept = data["e5_intercept"].astype(np.float32) if "e5_intercept" in data else None
        self.tables: Tables = load_tables()
        # Each label's e5 share in a clause's probability (0: the n-grams alone); a subtype takes aanjager's.
        shares = meta.get("e5_weights", {})
        self.e5_weights = np.array([shares.get(label.split(":")[0], 0.0) for label in self.labels], dtype=np.float32)
        self.embedder: Embedder | None = load_embedder() if self.e5_weights.any() else None

    def probabilities(self, text: str) -> np.ndarray:
        """Label probabilities of one (raw) text, shape (labels,)."""
        indices, values = vectorise(normalise_text(text, self.tables), self.spec, self.vocabulary, self.idf)
        logits = values @ self.coef[indices] + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def unit_probabilities(self, text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
        """Each clause's (and the whole reply's) probabilities, shape (units, labels)."""
        spans = clauses(text)
        return spans, np.stack([self._text_probabilities(text[s:e]) for s, e in spans])

    def _text_probabilities(self, text: str) -> np.ndarray:
        """One stretch's label probabilities: the word features' and, with an embedder, e5's blended."""
        probabilities = self.probabilities(text)
        if self.embedder is None:
            return probabilities
        return (1.0 - self.e5_weights) * probabilities + self.e5_weights * self.e5_probabilities(text)

    def e5_probabilities(self, text: str) -> np.ndarray:
        """Label probabilities from one (raw) text's e5 embedding, shape (labels,)."""
        assert self.embedder is not None and self.e5_coef is not None and self.e5_intercept is not None
        logits = self.embedder.embed(text) @ self.e5_coef + self.e5_intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def hits(self, text: str) -> list[ModelHit]:
        return self.opinion(text)[0]

    def opinion(self, text: str, techniques: Sequence[Span] = (), aanjagers: Sequence[Span] = ()
                ) -> tuple[list[ModelHit], dict[str, float]]:
        """Labels above their threshold, each on its best clause (an aanjager carries the subtype
        that scores best on that clause and must reach that subtype's threshold too), and every
        label's best-clause probability. `techniques`, `aanjagers`: the character spans of the rules'
        hits, which a technique the whole reply carries is not shown on (`_evidence_unit`)."""
        if not text.strip():
            return [], {label: 0.0 for label in self.labels}
        read = self._without_marker_clauses(text, techniques)
        spans, probabilities = self.unit_probabilities(read)
        self._aanjager_past_attitude_openers(read, spans, probabilities)
        best_of = dict(zip(self.labels, probabilities.max(axis=0).tolist()))
        # a one-clause reply beside the rules' techniques: the stretch a technique may be shown on,
        # and the model's probabilities there (worked out once, when a label first asks)
        one_clause = len(spans) == 1 and techniques and not aanjagers
        stretch = self._free_stretch(text, spans[0], techniques) if one_clause else None
        stretch_probabilities: np.ndarray | None = None
        result = []
        for column, label in enumerate(self.labels):
            if ":" in label:
                continue
            if label == "aanjager":  # the tone of the whole may be it
                best = shown = int(np.argmax(probabilities[:, column]))
            else:
                best, shown = self._evidence_unit(
                    probabilities[:, column], float(self.thresholds[column]), spans, techniques, aanjagers)
            probability = float(probabilities[best, column])
            if probability < self.thresholds[column]:
                continue
            subtype = self._subtype(probabilities[best]) if label == "aanjager" else label
            if probability < self.subtype_thresholds.get(subtype, 0.0):
                continue
            start, end = spans[shown]
            if label != "aanjager" and stretch is not None:
                if stretch_probabilities is None:
                    stretch_probabilities = self._text_probabilities(text[stretch[0]:stretch[1]])
                # shown there only when the model finds the label in those words too: 'eh ja
                # goedemorgen' was quoted as the open question of '… wat kan ik voor u doen'
                if stretch_probabilities[column] >= self.thresholds[column]:
                    start, end = stretch
            nearest = self.nearest(text[start:end], f"aanjager:{subtype}" if label == "aanjager" else label)
            result.append(ModelHit(label, subtype, start, end, text[start:end], probability, *nearest))
        return result, best_of

    @staticmethod
    def _evidence_unit(column: np.ndarray, threshold: float, spans: Sequence[Span], techniques: Sequence[Span],
                       aanjagers: Sequence[Span]) -> tuple[int, int]:
        """The unit a technique is judged on and the unit it is shown on: its best clause when one
        reaches the threshold, else the best unit (the whole reply is the last). A hit spanning the
        whole reply overlapped every rule hit in it, so the scoring paid only one of them: a
        concrete step earned no 'oplossingen zoeken' beside 'Ik snap dat', and "Ai, dat is niet
        fijn. Vertel, wat is er gebeurd?" no open question beside its begrip tonen (test sessions).
        So when the whole reply carries the label and holds a rule's technique, it is shown on its
        best clause free of the rules' hits, if there is one (not on an aanjager's words: the
        technique would go with them, or be credited to words that are not it)."""
        clause_rows = column[:-1] if len(column) > 1 else column
        best_clause = int(np.argmax(clause_rows))
        if clause_rows[best_clause] >= threshold:
            return best_clause, best_clause
        best = int(np.argmax(column))
        if best < len(clause_rows) or not any(_overlap(spans[best], span) for span in techniques):
            return best, best
        free = [i for i in range(len(clause_rows)) if not any(_overlap(spans[i], span) for span in [*techniques, *aanjagers])]
        return best, (max(free, key=lambda i: clause_rows[i]) if free else best)

    def _free_stretch(self, text: str, unit: Span, taken: Sequence[Span]) -> Span | None:
        """The longest stretch of `unit` outside the rules' techniques, of at least MIN_FREE_WORDS
        words and not only discourse markers ('nou ja eh'): a reply spoken without punctuation is
        one clause ('ai dat is niet fijn vertel eens wat er gebeurd is'), so a technique the model
        finds in it is shown beside the rules' technique, not over it (the scoring paid only one of
        the two, a check session). Not done beside an aanjager: the model may have read its words."""
        edges = sorted((max(unit[0], s), min(unit[1], e)) for s, e in taken if _overlap((s, e), unit))
        gaps, start = [], unit[0]
        for s, e in edges:
            gaps.append((start, s))
            start = max(start, e)
        gaps.append((start, unit[1]))
        trimmed = [_trim(text, s, e) for s, e in gaps if e > s]
        wordy = [gap for gap in trimmed if len(re.findall(r"\w+", text[gap[0]:gap[1]])) >= MIN_FREE_WORDS
                 and not only_markers(text[gap[0]:gap[1]], self.tables)]
        return max(wordy, key=lambda gap: gap[1] - gap[0], default=None)

    def _without_marker_clauses(self, text: str, techniques: Sequence[Span] = ()) -> str:
        """`text` with the clauses of only discourse markers that open it blanked out ('Eh, nou ja,
        weet je, ik snap dat…' is read as 'ik snap dat…', 'Ja joh, dat snap ik helemaal' as 'dat
        snap ik helemaal'), unless the reply is nothing else. The training replies made of sighs
        ('Zucht. Ja. Nee. Nou ja.') taught the model that 'nou ja' alone is an outburst, and it
        cost replies that showed understanding -3 (test sessions, 2026-11-27). Markers later in the
        reply are its tone and stay ('…, joh', '… Nou?', '…dat meneer fout zat? Nou?'), as do
        markers inside a clause: 'ja ja, fijne dag nog' and 'nou, dan niet' dismiss by them.
        Offsets stay, so hits still point into the reply."""
        spans = clauses(text)
        parts = spans[:-1] if len(spans) > 1 else spans
        markers = list(takewhile(lambda span: only_markers(text[span[0]:span[1]], self.tables), parts))
        if len(markers) == len(parts):
            return text
        # An opener spoken without its comma before one of the rules' techniques ('nou ik snap het nog
        # niet helemaal', 'ja nee u heeft gelijk') is read as with it: such openers alone turned 9-29 %
        # of the fine replies of dev and benign into an aanjager ('nou ': 55 of 294, 'nou, ': 1). Not
        # before no technique ('nou dat geloof ik dus niet' dismisses by its opener), nor when the
        # technique is the opener itself ('weet je nog wanneer dat was' asks by its 'weet je').
        openers = []
        for start, end in parts[len(markers):]:
            said = start + opener_end(text[start:end], self.tables, MIN_FREE_WORDS)
            if said > start and any(said <= span[0] < end for span in techniques):
                openers.append((start, said))
        chars = list(text)
        for start, end in [*markers, *openers]:
            chars[start:end] = " " * (end - start)
        return "".join(chars)

    def _aanjager_past_attitude_openers(self, text: str, spans: Sequence[Span], probabilities: np.ndarray) -> None:
        """Each unit's aanjager (and its kinds) judged on what follows the attitude opener of each of
        its clauses ('Eerlijk gezegd weet ik het niet zeker …' on 'weet ik het niet zeker …'); a
        clause that is only such an opener ('Nou kijk, …') is no aanjager when the reply says more.
        Such openers say nothing yet, and the seeds judge what is said; the writers' aanjagers open
        with them far more often than their fine replies, so the model had learnt the opener."""
        columns = [i for i, label in enumerate(self.labels) if label.split(":")[0] == "aanjager"]
        clause_spans = spans[:-1] if len(spans) > 1 else spans
        chars = list(text)
        alone = [len(spans) > 1 and only_an_attitude_opener(text[start:end], self.tables) for start, end in clause_spans]
        for (start, end), only_opener in zip(clause_spans, alone):
            said = end - start if only_opener else opener_end(text[start:end], self.tables, MIN_FREE_WORDS, self.tables.attitude_openers)
            chars[start:start + said] = " " * said
        past = "".join(chars)
        for row, (start, end) in enumerate(spans):
            if row < len(alone) and alone[row]:
                probabilities[row, columns] = 0.0
            elif past[start:end] != text[start:end]:
                probabilities[row, columns] = self._text_probabilities(past[start:end])[columns]

    def _subtype(self, row: np.ndarray) -> str:
        columns = [i for i, label in enumerate(self.labels) if label.startswith("aanjager:")]
        return self.labels[max(columns, key=lambda i: row[i])].split(":", 1)[1]

    def nearest(self, text: str, label: str) -> tuple[str, str, float]:
        """Id, text and likeness (n-gram cosine) of the most similar training example that carries
        `label` (for a technique, one without an aanjager)."""
        indices, values = vectorise(normalise_text(text, self.tables), self.spec, self.vocabulary, self.idf)
        dense = np.zeros(len(self.idf), dtype=np.float32)
        dense[indices] = values
        products = dense[self.ex_indices] * self.ex_data
        sums = np.add.reduceat(np.append(products, 0.0), self.ex_indptr[:-1]) if len(products) else np.zeros(0)
        sums[np.diff(self.ex_indptr) == 0] = 0.0
        column = self.labels.index(label)
        sums[~self.example_labels[:, column]] = -1.0
        if not label.startswith("aanjager"):  # a technique's example holds no aanjager: "…Maar dat komt
            # door de planning, niet door mij." was shown as the example of an ik-boodschap (a test session)
            with_aanjager = self.example_labels[:, self.labels.index("aanjager")]
            sums[with_aanjager & self.example_labels[:, column]] = -0.5  # used only when no clean example exists
        best = int(np.argmax(sums))
        return self.example_ids[best], self.example_texts[best], max(0.0, float(sums[best]))


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@lru_cache(maxsize=1)
def load_model(directory: Path = MODEL_DIR) -> WordingModel:
    """Load the stored model once per process."""
    return WordingModel(directory)
