"""Classify a reply's wording: rule hits and the model's second opinion, fused per label; every hit
has label, rule (or model), span, seed source and evidence, plus rewrite suggestions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from voicecoach.transcript import Word
from voicecoach.wording.checks import FLOOR_WORDS, TREATED
from voicecoach.wording.component import SPAN_KEY, WordingRules
from voicecoach.wording.hits import Suggestion, WordingHit
from voicecoach.wording.model import ModelHit, Span, WordingModel, load_model
from voicecoach.vocabulary import (
    AANJAGER, AANJAGER_NAMES, LES6, QUESTION_LABELS, SEED_FILES, STATEMENT_REMMERS, TECHNIQUE_NAMES,
)

VETO_COVERAGE = 0.6
DOUBTFUL_ORDER = 0.5  # see sets_the_rules
SENTENCE_END = re.compile(r"[.!?]\s")
LIMIT_KINDS = frozenset({"schuld_afschuiven", "stoppen_met_communiceren"})  # see offers_after
AANJAGER_COVERAGE = 0.5
# What a summary reports is the customer's, not the trainee's stance or step (see paraphrased).
REPORTED_LABELS = frozenset({AANJAGER, "oplossing_zoeken"})
# "Heeft u vragen, dan kunt u ons bellen": a verb-first condition with its main clause, no question
# (the rules' yes_no_question check says the same; the model sees only the verb-first words).
CONDITION = re.compile(r",\s*dan\s", re.IGNORECASE)
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
    written for one phrasing overfire on others). Thread-safe for reading (neither keeps per-call
    state)."""

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
        return self.fuse(rule_hits, *self.model_opinion(text, techniques, aanjagers))

    def fuse(self, rule_hits: list[WordingHit], model_hits: list[WordingHit],
             best: Mapping[str, float] | None = None) -> list[WordingHit]:
        """`best`: the model's best-clause probability per label (needed for "gated" labels)."""
        rule_hits = not_inside_aanjager(rule_hits)  # before `found`: a dropped rule hit leaves its label to the model
        if self.model is None:
            return rule_hits
        policy, gates = self.model.fusion, self.model.gates
        kept = [
            hit for hit in rule_hits
            if policy.get(hit.label, "rules") in ("rules", "union")
            or (policy[hit.label] == "gated" and (best or {}).get(hit.label, 1.0) >= gates.get(hit.label, 0.0))
        ]
        found = {hit.label for hit in kept}
        added = [
            hit for hit in model_hits
            if (policy.get(hit.label) == "model" or (policy.get(hit.label) in ("union", "gated") and hit.label not in found))
            and not (hit.label == AANJAGER and is_remmer_clause(hit.start, hit.end, rule_hits))
            and not (hit.label == AANJAGER and hit.subtype in LIMIT_KINDS and offers_after(hit, [*rule_hits, *model_hits]))
            and not (hit.label == AANJAGER and opens_with_understanding(hit, rule_hits))
            and not (hit.label in REPORTED_LABELS and paraphrased(hit, rule_hits))
            and not (hit.label == AANJAGER and self._names_the_customer(hit))
            and not (hit.label == AANJAGER and hit.subtype == "stoppen_met_communiceren" and asks_to_talk(hit, rule_hits))
            and not (hit.label == AANJAGER and hit.subtype == "persoon_aanvallen" and denies_a_judgement(hit, rule_hits))
            and not (hit.label == "begrip_tonen" and asks_understanding_for_oneself(hit, rule_hits))
            and not (hit.label == "begrip_tonen" and TREATED.search(hit.text.lower()))  # as checks.not_about_being_treated
            and not (hit.label == "oplossing_zoeken" and REFUSAL.search(hit.text) and " maar " not in hit.text.lower())
            and not (hit.label == AANJAGER and hit.subtype == "kalmeringsbevel" and sets_the_rules(hit, model_hits))
            and not (hit.label == AANJAGER and hit.subtype == "afwijken_kernprobleem" and sums_up(hit, [*rule_hits, *model_hits]))
            and not (hit.label in QUESTION_LABELS and CONDITION.search(hit.text))
            and not (hit.label in QUESTION_LABELS and is_rhetorical(hit, rule_hits))
            and not (hit.label in QUESTION_LABELS and FLOOR_CLAIM.search(hit.text))
        ]
        return not_opening_a_judgement(
            not_inside_aanjager(sorted([*kept, *added], key=lambda hit: (hit.start, hit.end, hit.label))))

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
        explanation = (
            f"Lijkt op {name}: \"{hit.text}\", zoals in de voorbeeldzin \"{hit.nearest_text}\". "
            "Gevonden door te vergelijken met voorbeelden, niet aan vaste woorden, dus minder zeker dan een vaste regel."
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


# a bare 'mag ik even' asks for the turn, not anything of the customer (checks.not_claiming_the_floor)
FLOOR_CLAIM = re.compile(rf"\bmag ik( ({'|'.join(sorted(FLOOR_WORDS))}))*\W*$", re.IGNORECASE)
INVITATION = re.compile(r"\b(zeg|zegt|vertel|vertelt)( u| je)? (het )?maar\b", re.IGNORECASE)


def asks_to_talk(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """Whether the rules find an open question inside `hit`, or it invites the customer to speak ('zeg
    het maar', 'vertelt u maar'): who asks 'waarmee kan ik je helpen' does not stop communicating (the
    model read spoken telephone greetings so, test sessions)."""
    return INVITATION.search(hit.text) is not None or any(
        other.label == "open_vraag" and other.lies_within(hit) for other in rule_hits)


# aanjager.u_zeurt's judging words: "ik denk niet dat u snapt …" still says "u snapt het niet"
JUDGING = "zeurt|zeikt|liegt|jankt|overdrijft|dramt|jammert|klaagt"
NEGATED_JUDGEMENT = re.compile(rf"\b(u|je|jij) ({JUDGING})( echt| helemaal)? niet\b",
                               re.IGNORECASE)  # 'u liegt niet meneer': the rules' not_negated
DENIAL = re.compile(rf"\bik (zeg|zei|vind|vond|bedoel|beweer|denk)( helemaal| echt| toch| ook)? niet dat (u|je|jij)( \w+){{0,2}} "
                    rf"({JUDGING}|loog|zeurde)\b", re.IGNORECASE)


def denies_a_judgement(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """'ik zeg niet dat u liegt', 'ik vind niet dat u overdrijft': the judgement is taken back, as the
    rules' not_denied check says; the model's −3 quoted it as said (a test session). Not when the
    reply goes on with 'maar' or the rules find an aanjager inside."""
    if any(other.label == AANJAGER and other.lies_within(hit) for other in rule_hits):
        return False
    if NEGATED_JUDGEMENT.search(hit.text) and " maar " not in hit.text.lower():
        return True
    match = DENIAL.search(hit.text)
    return match is not None and " maar " not in hit.text[match.end():].lower()


# 'ik kan helaas geen nieuwe afspraak maken' refuses the step it names (the model read an offer, and
# a check session's conversation ended "akkoord met de oplossing"); '…, maar …' may go on to one
REFUSAL = re.compile(r"\b(kan|kunnen|mag|mogen)\b( \w+){0,2} geen (nieuwe |andere )?(afspraak|afspraken|oplossing|regeling)\b",
                     re.IGNORECASE)


ASKING_UNDERSTANDING = frozenset({"aanjager.u_moet_begrijpen", "aanjager.begrijpt_u_wel"})


def asks_understanding_for_oneself(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """'u moet wel begrijpen dat het druk is', 'begrijpt u wel dat …' ask the customer's understanding
    for the trainee's side: the model read 'begrijpen' as begrip tonen (+2 and a calmer customer, test
    sessions). Its begrip is vetoed where such a rule hit lies within it or it starts right after one."""
    return any(other.rule in ASKING_UNDERSTANDING and (other.lies_within(hit) or 0 <= hit.start - other.end <= 1)
               for other in rule_hits)


def sets_the_rules(hit: WordingHit, model_hits: Sequence[WordingHit]) -> bool:
    """The model finds a boundary on the same words and is surer of it than of the order to calm down:
    talking on the condition that the customer stays calm is the CIP's spelregels ("… dat u graag met
    de klant wilt praten onder voorwaarde dat hij/zij rustig blijft"), which cost −3 at p 0.45 (a test
    session). A surer order stays ('rustig als u zo doorgaat bel ik de beveiliging' opens with one)."""
    doubt = hit.probability is not None and hit.probability < DOUBTFUL_ORDER
    return doubt and any(other.label == "grens_aangeven" and covered_share(other.start, other.end, [hit]) >= VETO_COVERAGE
                         and (other.probability or 0.0) > (hit.probability or 1.0) for other in model_hits)


def sums_up(hit: WordingHit, hits: Sequence[WordingHit]) -> bool:
    """A summary inside the model's 'afwijken van het kernprobleem': summing up keeps to the problem
    (CIP stap 2), it brings in nothing else ('en wat heeft u van ons gehoord sinds die dag' cost −3, a
    test session). A question may well stray ('wie heeft die fiets tegen de gevel gezet'): not vetoed."""
    return any(other.label == "samenvatten" and other.lies_within(hit) for other in hits)


def offers_after(hit: WordingHit, hits: Sequence[WordingHit]) -> bool:
    """Whether a step is offered after `hit` ('ik kan er ook niks aan doen dat de levering te laat is,
    maar ik ga wel meteen voor u navragen…'), or after its 'maar' ('ik kan u niks beloven maar ik ga
    mijn best doen om het deze week te regelen', one clause when spoken): stating a limit and then
    offering a step passes on no blame and breaks off nothing, as the rules' own `no_offer_after`
    check says; the model's −3 for it stood beside +2 for the offer (test sessions)."""
    turn = hit.text.lower().find(" maar ")
    after = hit.end if turn < 0 else hit.start + turn + 1
    return any(other.label == "oplossing_zoeken" and other.start >= after for other in hits)


# Words that open a clause without saying anything yet ('nou mevrouw eh ik snap het hoor').
OPENERS = re.compile(r"^(?:\W*\b(?:ja|nou|eh|ehm|uh|uhm|oh|o|och|ach|jee|goh|kijk|hé|hee|hoi|hallo|meneer|mevrouw|beste|sorry)\b)*\W*$",
                     re.IGNORECASE)
UNDERSTANDING = frozenset({"erkennen", "begrijpen", "inleven", "spiegelen"})  # not an own experience
TURN_WORDS = re.compile(r"\b(maar|alleen|echter|behalve|toch|moet|moeten|hoeft|hoeven|nou ja|niet de enige)\b", re.IGNORECASE)


def opens_with_understanding(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """The model's aanjager on one clause that a rule's words of understanding open and nothing turns
    ('wat vervelend mevrouw dat u twee keer gemaild heeft en niks heeft gehoord' cost −3 schuld
    afschuiven, 'ja ik snap je helemaal ik zou ook boos zijn' −3 afwijken van het kernprobleem, and the
    customer got angrier: CIP stap 1, "geef aan dat u de gevoelens … begrijpt"). Not when the rules
    find an aanjager in it, after a turn ('maar', 'toch', 'u moet …') or a sentence end, nor for
    breaking off ('ja ik snap het volgende'), an own experience ('ik heb zelf ook …, daar ging ik ook
    niet over zeuren') or 'sorry' (also said before a retort: 'sorry hoor, ik ben niet uw voetveeg')."""
    if hit.subtype == "stoppen_met_communiceren" or any(other.label == AANJAGER and other.overlaps(hit) for other in rule_hits):
        return False
    opening = [other for other in rule_hits if other.label == "begrip_tonen" and other.subtype in UNDERSTANDING
               and other.rule != "begrip.excuses" and other.lies_within(hit)
               and OPENERS.match(hit.text[: other.start - hit.start])]
    rest = hit.text[opening[0].end - hit.start:] if opening else ""
    return bool(opening) and not TURN_WORDS.search(rest) and not re.search(r"[.,!?;:]", rest)


def paraphrased(hit: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """Whether `hit` is what a rule's summary reports of the customer ('U bedoelt dus | dat u niet
    meer verbruikt'): the customer's words, not the trainee's stance (the model read 'niet meer' as
    breaking off, a check session) nor a step offered ('dus als ik het goed begrijp is uw aanvraag
    afgewezen … en moet u nu de huur betalen' earned "oplossingen zoeken", a test session: a step
    read in a one-sentence summary spoken as one clause is no step either, the rules find a real
    one); the rules' own not_summary check says the same."""
    within_a_sentence = not SENTENCE_END.search(hit.text)  # not what the trainee says after the summary
    summaries = [other for other in rule_hits if other.label == "samenvatten"]
    reports = any(other.start < hit.start <= other.end + 3 for other in summaries)
    holds = hit.label == "oplossing_zoeken" and any(other.lies_within(hit) for other in summaries)
    return within_a_sentence and (reports or holds)


def is_rhetorical(question: WordingHit, rule_hits: Sequence[WordingHit]) -> bool:
    """A question the rules' aanjagers make up most of ('nou ja, wat wilt u dan dat ik doe') is no
    question the customer may answer; the rules drop theirs the same way (component._rhetorical)."""
    aanjagers = [hit for hit in rule_hits if hit.label == AANJAGER]
    return covered_share(question.start, question.end, aanjagers) >= VETO_COVERAGE


def is_remmer_clause(start: int, end: int, rule_hits: Sequence[WordingHit]) -> bool:
    """Whether rule hits of non-question conflictremmers cover most of this stretch: the model's
    aanjager is then vetoed there ("maar ik ga het uitzoeken", "dat kan echt niet" as a boundary).
    Questions are left out: "Waarom doet u zo moeilijk?" is an open question and an attack."""
    remmers = [hit for hit in rule_hits if hit.label in STATEMENT_REMMERS]
    return covered_share(start, end, remmers) >= VETO_COVERAGE


def covered_share(start: int, end: int, covering: Sequence[WordingHit]) -> float:
    """The share of the characters start..end that the `covering` hits cover."""
    covered: set[int] = set()
    for hit in covering:
        covered.update(range(max(start, hit.start), min(end, hit.end)))
    return len(covered) / (end - start) if end > start else 0.0


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
