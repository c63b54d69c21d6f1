"""Where the labelled wording replies and their Whisper-heard forms are, by name: one registry for
the benchmark (bench/wording.py) and the rule check (scripts/wording_rule_precision.py), so a new
writer's file is found by both once it is in tests/data."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
TRAIN_HEARD = ("train_a.jsonl", "train_b.jsonl")  # wording_train.jsonl's heard forms, in two halves


def labelled_files() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Name -> (labelled file, its heard files under tests/data/heard): train, every train_<x>, the
    guide, dev and the frozen test split (`test`: only bench/wording.py may read it)."""
    files = {"train": ("wording_train.jsonl", TRAIN_HEARD)}
    for path in sorted(DATA.glob("wording_train_*.jsonl")):
        files[path.stem.removeprefix("wording_")] = (path.name, (path.name,))
    files["guide"] = ("wording_guide.jsonl", ())
    files["dev"] = ("wording_dev.jsonl", ("wording_dev.jsonl",))
    files["test"] = ("wording_test.jsonl", ("test.jsonl",))
    return files
