"""Classify a reply's wording: rule hits and the model's second opinion, fused per label; every hit
has label, rule (or model), span, seed source and evidence, plus rewrite suggestions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from voicecoach.transcript import Word
from voicecoach.wording.technique_checks import TREATED
from voicecoach.wording.comfort_vetoes import gives_time, owns_the_mistake, reassures, repeats_their_absolutes, sympathises
from voicecoach.wording.component import SPAN_KEY, WordingRules
from voicecoach.wording.hits import Suggestion, WordingHit
from voicecoach.wording.model import ModelHit, Span, WordingModel, load_model
from voicecoach.wording.step_vetoes import REFUSAL, offers_own_step, only_tells_the_news, refuses_the_step
from voicecoach.wording.vetoes import (
    CONDITION, FLOOR_CLAIM, LIMIT_KINDS, REPORTED_LABELS, SUMMED_UP_KINDS, asks_own_view, asks_to_follow,
    asks_to_repeat, asks_to_talk, asks_understanding_for_oneself, asks_what_was_said, covered_share, denies_a_judgement,
    denies_understanding, does_not_follow, is_remmer_clause, is_rhetorical, offers_after, only_an_aanjager,
    only_asks_to_wait, only_greets, only_sums_up, opens_with_understanding, paraphrased, proposes_together,
    reads_as_understanding, sets_the_rules, sums_up, without_remmers_in_a_threat,
)
from voicecoach.vocabulary import (
    AANJAGER, AANJAGER_NAMES, LES6, QUESTION_LABELS, SEED_FILES, STATEMENT_REMMERS, TECHNIQUE_NAMES,
)

AANJAGER_COVERAGE = 0.5
EXAMPLE_LIKENESS = 0.4  # below this n-gram cosine the nearest example shares only a word or two with the reply
UNDERSTANDING_LABELS = frozenset({"begrip_tonen", "ik_boodschap"})  # 'ik snap …' is both
# "U bent meneer De Vries, toch?": who the customer is, asked at the door or on the phone; the model
# read "u bent …" as an attack (a test session). Only the title and a name (at most three words).
NAMES_THE_CUSTOMER = re.compile(
    r"^\W*(?:(?:goedemorgen|goedemiddag|goedenavond|hallo|dag|ja|oké|ok)\W+)*(?:u|je|jij)\s+bent\s+(?:meneer|mevrouw|de\s+heer)"
    r"(?:\s+[\w'-]+){1,3}\W*(?:toch|klopt\s+dat|of\s+niet)?\W*$",
    re.IGNORECASE,
)
# A rule's "implies" hit (always an ik-boodschap: 'ik begrijp dat…' also speaks from the self) names
# what it implies, not the rule's own technique: a point "Ik-boodschap" read "je laat merken dat je
# de klant begrijpt" (a test session).
IMPLIED_EXPLANATION = "Je spreekt vanuit jezelf ('ik …'): dezelfde woorden zijn ook een ik-boodschap (Les 6: begin met 'ik')."


class WordingClassifier:
    """Rules (the spaCy pipeline) and the model, fused per label as the model's data says:
    "rules", "model", "union" (the model adds a label the rules did not find) or "gated" (union,
    and a rule hit only stands when the model gives its label at least the label's gate: rules
    written for one phrasing overfire on others; a rule marked "ungated", a seed's own words, stands
    anyway). Thread-safe for reading (neither keeps per-call state)."""

    def __init__(self, nlp: Language, model: WordingModel | None = None, *, use_model: bool = True) -> None:
        self.nlp = nlp
        self.rules: WordingRules = nlp.get_pipe("voicecoach_wording")
        self.model = (model or load_model()) if use_model else None
        self.label_sources = self._label_sources()

    def classify(self, text: str) -> list[WordingHit]:
        return self._classified(self.nlp(text), text)

    def classify_many(self, texts: Iterable[str], batch_size: int = 256) -> list[list[WordingHit]]:
        texts = list(texts)
        docs = self.nlp.pipe(texts, batch_size=batch_size)
        return [self._classified(doc, text) for doc, text in zip(docs, texts)]

    def _classified(self, doc: Doc, text: str) -> list[WordingHit]:
        rule_hits = self.rule_hits(doc)
        techniques = [(hit.start, hit.end) for hit in rule_hits if hit.label != AANJAGER]
        aanjagers = [(hit.start, hit.end) for hit in rule_hits if hit.label == AANJAGER]
        return with_framed_aanjagers(self.fuse(text, rule_hits, *self.model_opinion(text, techniques, aanjagers)), text)

    def fuse(self, text: str, rule_hits: list[WordingHit], model_hits: list[WordingHit],
             best: Mapping[str, float] | None = None) -> list[WordingHit]:
        """`text`: the reply the hits are in; `best`: the model's best-clause probability per label
        (needed for "gated" labels)."""
        rule_hits = not_inside_aanjager(rule_hits)  # before `found`: a dropped rule hit leaves its label to the model
        if self.model is None:
            return rule_hits
        policy, gates = self.model.fusion, self.model.gates
        kept = [
            hit for hit in rule_hits
            if policy.get(hit.label, "rules") in ("rules", "union")
            or (policy[hit.label] == "gated" and ((best or {}).get(hit.label, 1.0) >= gates.get(hit.label, 0.0)
                                                  or self._ungated(hit)))
        ]
        found = {hit.label for hit in kept}
        added = [
            hit for hit in model_hits
            if (policy.get(hit.label) == "model" or (policy.get(hit.label) in ("union", "gated") and hit.label not in found))
            and not (hit.label == AANJAGER and is_remmer_clause(hit.start, hit.end, rule_hits))
            and not (hit.label == AANJAGER and hit.subtype in LIMIT_KINDS and offers_after(hit, [*rule_hits, *model_hits]))
            and not (hit.label == AANJAGER and opens_with_understanding(hit, rule_hits))
            and not (hit.label == AANJAGER and reads_as_understanding(hit, model_hits))
            and not (hit.label in REPORTED_LABELS and paraphrased(hit, rule_hits))
            and not (hit.label == AANJAGER and self._names_the_customer(hit))
            and not (hit.label == AANJAGER and hit.subtype == "stoppen_met_communiceren" and asks_to_talk(hit, rule_hits))
            and not (hit.label == AANJAGER and hit.subtype == "persoon_aanvallen" and denies_a_judgement(hit, rule_hits))
            and not (hit.label == AANJAGER and reassures(hit, rule_hits, text))
            and not (hit.label == AANJAGER and gives_time(hit, text, self.rules.words))
            and not (hit.label == AANJAGER and sympathises(hit, rule_hits, text, self.rules.words))
            and not (hit.label == AANJAGER and hit.subtype == "schuld_afschuiven" and owns_the_mistake(hit, rule_hits, text))
            and not (hit.label == AANJAGER and hit.subtype == "zwart_wit" and repeats_their_absolutes(hit, text))
            and not (hit.label == "begrip_tonen" and asks_understanding_for_oneself(hit, rule_hits))
            and not (hit.label == "begrip_tonen" and TREATED.search(hit.text.lower()))  # as technique_checks.not_about_being_treated
            and not (hit.label == "samenvatten" and offers_own_step(hit, rule_hits))
            and not (hit.label == "oplossing_zoeken" and REFUSAL.search(hit.text) and " maar " not in hit.text.lower())
            and not (hit.label == "oplossing_zoeken" and refuses_the_step(hit, text))
            and not (hit.label == "oplossing_zoeken" and only_tells_the_news(hit, rule_hits))
            and not (hit.label in UNDERSTANDING_LABELS and denies_understanding(hit))
            and not (hit.label == "begrip_tonen" and does_not_follow(hit))
            and not (hit.label == "begrip_tonen" and asks_to_repeat(hit, text))
            and not (hit.label in STATEMENT_REMMERS and only_an_aanjager(hit, rule_hits))
            and not (hit.label == AANJAGER and asks_own_view(hit))
            and not (hit.label == AANJAGER and asks_to_follow(hit, rule_hits, text))
            and not (hit.label == AANJAGER and hit.subtype == "schuld_afschuiven" and asks_what_was_said(hit))
            and not (hit.label == AANJAGER and only_greets(hit))
            and not (hit.label == AANJAGER and hit.subtype == "kalmeringsbevel" and sets_the_rules(hit, model_hits))
            and not (hit.label == AANJAGER and hit.subtype == "kalmeringsbevel" and only_asks_to_wait(hit))
            and not (hit.label == AANJAGER and hit.subtype == "kalmeringsbevel" and proposes_together(hit, rule_hits))
            and not (hit.label == AANJAGER and hit.subtype in SUMMED_UP_KINDS and sums_up(hit, [*rule_hits, *model_hits], text))
            and not (hit.label == AANJAGER and hit.subtype == "persoon_aanvallen" and only_sums_up(hit, [*rule_hits, *model_hits]))
            and not (hit.label in QUESTION_LABELS and CONDITION.search(hit.text))
            and not (hit.label in QUESTION_LABELS and is_rhetorical(hit, rule_hits))
            and not (hit.label in QUESTION_LABELS and FLOOR_CLAIM.search(hit.text))
        ]
        return without_remmers_in_a_threat(not_opening_a_judgement(
            not_inside_aanjager(sorted([*kept, *added], key=lambda hit: (hit.start, hit.end, hit.label)))))

    def _ungated(self, hit: WordingHit) -> bool:
        rule = self.rules.rules.get(hit.rule.partition("+")[0])
        return rule is not None and rule.ungated

    def _names_the_customer(self, hit: WordingHit) -> bool:
        """The model's aanjager is only the customer's title and name (NAMES_THE_CUSTOMER), with no
        insult among them ('u bent meneer de zeurpiet')."""
        words = self.rules.words
        insults = words["insult_nouns"] | words["insult_adjectives"] | words["insult_inflected"]
        return bool(NAMES_THE_CUSTOMER.match(hit.text)) and not set(re.findall(r"\w+", hit.text.lower())) & insults

    def suggestions(self, hits: Sequence[WordingHit]) -> list[Suggestion]:
        """One rewrite per aanjager hit: the rule's own, else the subtype's (both from the rule data)."""
        result = []
        for hit in hits:
            if hit.label != AANJAGER:
                continue
            rule = self.rules.rules.get(hit.rule.split("+")[0])
            text = (rule.suggestion if rule else None) or self.rules.suggestions[hit.subtype]
            result.append(Suggestion(rule=hit.rule, subtype=hit.subtype, text=hit.text, suggestion=text))
        return result

    def rule_hits(self, doc: Doc) -> list[WordingHit]:
        hits = []
        for span in doc.spans[SPAN_KEY]:
            rule, subtype = self.rules.rule_for(span)
            implied = "+" in span.id_
            source = LES6 if implied else rule.source
            hits.append(
                WordingHit(
                    label=span.label_,
                    subtype=subtype,
                    rule=span.id_,
                    start=span.start_char,
                    end=span.end_char,
                    text=span.text,
                    source=source,
                    source_title=SEED_FILES[source],
                    explanation=IMPLIED_EXPLANATION if implied else rule.explanation,
                )
            )
        return hits

    def model_hits(self, text: str) -> list[WordingHit]:
        return self.model_opinion(text)[0]

    def model_opinion(self, text: str, techniques: Sequence[Span] = (), aanjagers: Sequence[Span] = ()
                      ) -> tuple[list[WordingHit], dict[str, float]]:
        """The model's hits and its best-clause probability per label (empty without a model);
        `techniques`, `aanjagers`: the rules' hit spans (WordingModel.opinion)."""
        if not self.model:
            return [], {}
        hits, best = self.model.opinion(text, techniques, aanjagers)
        return [self._from_model(hit) for hit in hits], best

    def _from_model(self, hit: ModelHit) -> WordingHit:
        key = f"{AANJAGER}:{hit.subtype}" if hit.label == AANJAGER else hit.label
        source = self.label_sources.get(key) or self.label_sources[hit.label]
        name = AANJAGER_NAMES[hit.subtype] if hit.label == AANJAGER else TECHNIQUE_NAMES[hit.label]
        # plain words for the trainee; the probability and the example's id stay in the hit's evidence
        kind = f"een conflictaanjager ({name})" if hit.label == AANJAGER else f"de techniek '{name}'"
        # an example sharing only a word or two ('vertellen') explains nothing and misleads: 'kun je me meer
        # vertellen over wat je dwars zit' was shown beside "u gaat mij niet vertellen hoe …" (a test session)
        example = f", zoals de voorbeeldzin \"{hit.nearest_text}\"" if hit.nearest_likeness >= EXAMPLE_LIKENESS else ""
        explanation = (
            f"Dit lijkt op {kind}: \"{hit.text}\"{example}. VoiceCoach vond dit door te vergelijken met "
            "voorbeeldzinnen, niet aan de hand van vaste woorden, dus het is minder zeker."
        )
        return WordingHit(
            label=hit.label, subtype=hit.subtype, rule=f"model.{key}", start=hit.start, end=hit.end, text=hit.text,
            source=source, source_title=SEED_FILES[source], explanation=explanation, method="model",
            probability=hit.probability, nearest_example=hit.nearest_id,
        )

    def _label_sources(self) -> dict[str, str]:
        """The seed a label (and an aanjager subtype) comes from: the one most of its rules cite."""
        counts: dict[str, Counter[str]] = {}
        for rule in self.rules.rules.values():
            keys = [rule.label, f"{AANJAGER}:{rule.subtype}"] if rule.label == AANJAGER else [rule.label]
            for key in keys:
                counts.setdefault(key, Counter())[rule.source] += 1
        return {key: counter.most_common(1)[0][0] for key, counter in counts.items()}


def not_inside_aanjager(hits: list[WordingHit]) -> list[WordingHit]:
    """Words a rule finds an aanjager are not also a technique: 'U moet niet zo schreeuwen' is a
    calming command, not naming the behaviour, whichever found that; a technique hit (the model's
    spans whole clauses: 'Mevrouw, u moet niet zo schreeuwen, dat helpt niet.') goes when rule
    aanjagers cover at least half of it. Only a rule's aanjager counts here (the model's is less
    certain, and vetoed itself where rules find a technique: is_remmer_clause). Questions stay:
    'Waarom doet u zo moeilijk?' is an open question and an attack."""
    aanjagers = [hit for hit in hits if hit.label == AANJAGER and hit.method == "rule"]
    return [
        hit for hit in hits
        if hit.label not in STATEMENT_REMMERS or covered_share(hit.start, hit.end, aanjagers) < AANJAGER_COVERAGE
    ]


FRAMES = frozenset({"open_vraag", "gesloten_vraag", "samenvatten"})
FRAME_REACH = 12  # characters between a question's or summary's words and the aanjager they lead into
TAG_REACH = 20  # characters between an aanjager and the 'toch?' / 'klopt dat?' that asks agreement with it


def with_framed_aanjagers(hits: list[WordingHit], text: str) -> list[WordingHit]:
    """Each aanjager with the question or summary that frames it in the same sentence: 'als ik het
    goed begrijp heeft u de rekening gewoon niet goed gelezen' earned +1 samenvatten beside −3 (and
    the customer answered "Ja, dat is het."), 'wat is er nou weer aan de hand' +2 open vraag, 'kunnen
    jullie niet gewoon normaal doen' +2 gesloten vraag (test sessions; Les 6: val de ander aan). The
    labels stay (the form is a question), the aanjager's words take the frame in, so the trainee sees
    the whole reproach quoted and the scoring pays nothing inside it. So does a check question tagged
    on after it, also past a sentence end ('u had ook zelf even kunnen bellen, toch?' earned "+1 … je
    checkt of je de klant goed begrepen hebt" beside −3): it asks agreement with the reproach."""
    frames = [hit for hit in hits if hit.label in FRAMES]

    def framed(aanjager: WordingHit) -> WordingHit:
        taken = [frame for frame in frames if frame.start <= aanjager.start and (
            frame.overlaps(aanjager) or (aanjager.start - frame.end <= FRAME_REACH
                                         and not re.search(r"[.!?]", text[frame.end:aanjager.start])))]
        taken += [tag for tag in frames if tag.subtype == "controle" and tag.start > aanjager.start
                  and tag.start - aanjager.end <= TAG_REACH]
        if not taken:
            return aanjager
        start = min(aanjager.start, *(frame.start for frame in taken))
        end = max(aanjager.end, *(frame.end for frame in taken))
        return aanjager.model_copy(update={"start": start, "end": end, "text": text[start:end]})

    return [framed(hit) if hit.label == AANJAGER else hit for hit in hits]


def not_opening_a_judgement(hits: list[WordingHit]) -> list[WordingHit]:
    """'ik vind dat / ik denk dat' whose that-clause is an aanjager is a judgement of the person said
    in the ik-form, not an ik-boodschap ('ik vind dat u overdrijft', 'ik denk dat u het niet goed
    gelezen heeft' each read +2 beside −3, a test session; Les 6: 'Benoem niet de persoon, maar het
    gedrag'): the aanjager starts right after the opener, or the model's covers both; an inserted
    'denk ik / vind ik' inside an aanjager ('want u snapt het denk ik niet helemaal') likewise."""
    aanjagers = [hit for hit in hits if hit.label == AANJAGER]

    def opens_one(hit: WordingHit) -> bool:
        if hit.subtype != "standpunt":
            return False
        if hit.rule == "ik.vind_ik":
            return any(hit.lies_within(other) for other in aanjagers)
        return hit.text.lower().endswith(" dat") and any(
            0 <= other.start - hit.end <= 1 or (other.method == "model" and hit.lies_within(other)) for other in aanjagers
        )

    return [hit for hit in hits if not (hit.label == "ik_boodschap" and opens_one(hit))]


def with_word_times(hits: Sequence[WordingHit], text: str, words: Sequence[Word]) -> list[WordingHit]:
    """Give each hit the start and end seconds of the recognised words its characters cover."""
    offsets = _word_offsets(text, words)
    timed = []
    for hit in hits:
        covered = [word for (start, end), word in zip(offsets, words) if start < hit.end and hit.start < end]
        seconds = (covered[0].start, covered[-1].end) if covered else None
        timed.append(hit.model_copy(update={"seconds": seconds}))
    return timed


def _word_offsets(text: str, words: Sequence[Word]) -> list[tuple[int, int]]:
    """Character span of each word inside `text` (the transcript text joins the words in order)."""
    offsets, cursor = [], 0
    for word in words:
        found = text.find(word.word, cursor)
        if found < 0:  # a word Whisper spelled differently in the text: give it an empty span
            offsets.append((cursor, cursor))
            continue
        offsets.append((found, found + len(word.word)))
        cursor = found + len(word.word)
    return offsets
