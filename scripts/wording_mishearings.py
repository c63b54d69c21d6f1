"""Measure frequent mishearings and fill the respell/joins tables of patterns/normalise.json
(re-runnable; run again when more Whisper-heard train forms arrive in tests/data/heard/).

Each written reply is aligned word by word with its Whisper-heard form (difflib). A one-word
substitution becomes a respelling, one heard word for two written ones a split, two heard words
for one written one a join, when the pair is seen at least MIN_COUNT times, always maps to the
same meant form, is spelled like it (MIN_SIMILARITY), and the heard form is no Dutch word (not in
the written replies, nor a key or lemma of spacy-lookups-data's Dutch lemma table, nor in the
OpenTaal word list of Debian's `wdutch`, /usr/share/dict/dutch: "geweld" is a word, not a
mishearing of "gebeld"), so no real word is ever rewritten. Only the train split's heard forms are used: dev stays a fair check.
"""

from __future__ import annotations

import difflib
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicecoach.wording.evaluation import as_speech_recognition_output, load_labelled  # noqa: E402

DATA = ROOT / "tests" / "data"
WORD_LIST = Path("/usr/share/dict/dutch")  # Debian wdutch (OpenTaal), needed by this script only
NORMALISE = ROOT / "voicecoach" / "wording" / "patterns" / "normalise.json"
# Train only: the dev set's and the extra sets' heard forms stay an unseen check of the tables. Every
# training file with a heard form (train_c … train_j under their own name).
PAIRS = {"wording_train.jsonl": ("train_a.jsonl", "train_b.jsonl"),
         **{path.name: (path.name,) for path in sorted(DATA.glob("wording_train_*.jsonl"))}}
# Spoken contractions, written by hand after test sessions (normalise.json's _sources): kept on every run.
SPOKEN = {"da": "dat", "da's": "dat is", "das": "dat is", "nie": "niet", "tis": "het is"}
MIN_COUNT = 2
MIN_SIMILARITY = 0.65  # a mishearing is spelled like the meant word; below this it is more likely a
# different real word the lemma table lacks ("woon" for "bon") or an alignment slip


def pairs() -> list[tuple[list[str], list[str]]]:
    result = []
    for labelled, heard_names in PAIRS.items():
        heard = {r["id"]: r["heard"] for n in heard_names if (DATA / "heard" / n).is_file() for r in load_labelled(DATA / "heard" / n)}
        for row in load_labelled(DATA / labelled) if (DATA / labelled).is_file() else []:
            if row["id"] in heard:
                result.append((as_speech_recognition_output(row["text"]).split(), as_speech_recognition_output(heard[row["id"]]).split()))
    return result


def dutch_words() -> set[str]:
    import spacy_lookups_data

    table = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
    lookup = json.loads(gzip.decompress(table.read_bytes()))
    if not WORD_LIST.is_file():
        raise SystemExit(f"{WORD_LIST} is missing: sudo apt-get install wdutch")
    listed = {line.strip().lower() for line in WORD_LIST.read_text(encoding="utf-8").splitlines()}
    return set(lookup) | set(lookup.values()) | listed


def main() -> None:
    aligned = pairs()
    written_words = {word for written, _ in aligned for word in written} | dutch_words()
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for written, heard in aligned:
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=written, b=heard, autojunk=False).get_opcodes():
            if op == "replace" and (i2 - i1, j2 - j1) in ((1, 1), (2, 1), (1, 2)):
                seen[" ".join(heard[j1:j2])][" ".join(written[i1:i2])] += 1
    respell, joins = {}, {}
    for heard_form, meant in sorted(seen.items()):
        (target, count), = meant.most_common(1)
        if count < MIN_COUNT or len(meant) > 1 or any(w in written_words for w in heard_form.split()):
            continue
        if difflib.SequenceMatcher(a=heard_form, b=target).ratio() < MIN_SIMILARITY:
            continue
        if " " in heard_form:
            joins[heard_form] = target if " " not in target else None
        else:
            respell[heard_form] = target
    table = json.loads(NORMALISE.read_text(encoding="utf-8"))
    table["respell"] = dict(sorted({**respell, **SPOKEN}.items()))
    table["joins"] = {k: v for k, v in joins.items() if v}
    NORMALISE.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(aligned)} aligned replies: {len(respell)} respellings, {len(table['joins'])} joins written")


if __name__ == "__main__":
    main()
