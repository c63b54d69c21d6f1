"""Each term of the vocabulary is defined once (voicecoach/vocabulary.py): no other Python module,
template or script pairs a label, role or outcome key with its Dutch name again."""

from __future__ import annotations

import re

from voicecoach import vocabulary
from voicecoach.config import CHECKOUT_ROOT
from voicecoach.wording import rules

PAIRS = {
    **vocabulary.TECHNIQUE_NAMES, **vocabulary.AANJAGER_NAMES, **vocabulary.ROLE_NAMES, **vocabulary.OUTCOME_NAMES,
    **vocabulary.CUE_NAMES,
}


def test_no_copy_of_a_key_and_its_dutch_name_outside_the_vocabulary():
    assert CHECKOUT_ROOT is not None
    files = [*(CHECKOUT_ROOT / "voicecoach").rglob("*.py"), *(CHECKOUT_ROOT / "web" / "static").glob("*.js"),
             *(CHECKOUT_ROOT / "web" / "templates").glob("*.html")]
    copies = []
    for path in files:
        if path.name == "vocabulary.py":
            continue
        text = path.read_text(encoding="utf-8")
        for key, name in PAIRS.items():
            if key == name:
                continue
            # `"key": "name"` (Python), `key: "name"` (JavaScript), `value="key">name<` (templates)
            pattern = rf'["\']?{re.escape(key)}["\']?\s*:\s*["\']{re.escape(name)}["\']|value="{re.escape(key)}">{re.escape(name)}<'
            if re.search(pattern, text):
                copies.append(f"{path.relative_to(CHECKOUT_ROOT)}: {key}")
    assert copies == []


def test_the_rules_speak_the_vocabulary():
    assert rules.LABELS == vocabulary.LABELS and rules.SEED_FILES is vocabulary.SEED_FILES
    assert vocabulary.label_name("aanjager:zwart_wit") == "conflictaanjager (zwart-witoordeel)"
    assert vocabulary.label_name("oplossing_zoeken") == "oplossingen zoeken"
    assert set(vocabulary.for_pages()["aanjagers"]) == set(vocabulary.AANJAGER_SUBTYPES)
