"""bench/hear_corpus.py: the Whisper-heard form of labelled replies, resumable and re-runnable."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import WHISPER_DIR
from voicecoach.config import CHECKOUT_ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None or not Path("/usr/share/mbrola/nl2").is_dir(),
                       reason="needs espeak-ng and Debian mbrola-nl2 (scripts/install.sh)"),
]


def _load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("hear_corpus", CHECKOUT_ROOT / "bench" / "hear_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def test_heard_rows_have_their_shape_and_a_rerun_hears_only_what_changed(tmp_path: Path) -> None:
    hear = _load_script()
    replies = [
        {"id": "t-1", "text": "Ik begrijp dat u boos bent.", "labels": ["begrip_tonen"]},
        {"id": "t-2", "text": "Wat is er precies gebeurd?", "labels": ["open_vraag"]},
    ]
    source, out_dir = tmp_path / "replies.jsonl", tmp_path / "heard"
    _write(source, replies)

    first = hear.hear_file(source, out_dir, WHISPER_DIR, workers=1)
    assert (first.replies, first.heard_now) == (2, 2)
    assert first.output == out_dir / "replies.jsonl"
    rows = hear.read_jsonl(first.output)
    assert [row["id"] for row in rows] == ["t-1", "t-2"]
    for row in rows:
        assert set(row) == {"id", "voice", "model", "heard", "key"}
        assert row["voice"] == f"espeak-ng {hear.voice_for(row['id'])} -s 150"
        assert row["voice"].split()[1] in ("mb-nl2", "mb-nl3")
        assert row["model"].startswith("whisper-base@")
        assert isinstance(row["heard"], str)
    written = first.output.read_text(encoding="utf-8")

    again = hear.hear_file(source, out_dir, WHISPER_DIR, workers=1)
    assert again.heard_now == 0
    assert first.output.read_text(encoding="utf-8") == written

    _write(source, [replies[0], {**replies[1], "text": "Wat is er vanochtend precies gebeurd?"}])
    changed = hear.hear_file(source, out_dir, WHISPER_DIR, workers=1)
    assert changed.heard_now == 1
    new_rows = hear.read_jsonl(changed.output)
    assert new_rows[0] == rows[0]
    assert new_rows[1]["id"] == "t-2" and new_rows[1]["key"] != rows[1]["key"]

    _write(source, [replies[0]])
    shrunk = hear.hear_file(source, out_dir, WHISPER_DIR, workers=1)
    assert shrunk.heard_now == 0
    assert hear.read_jsonl(shrunk.output) == [rows[0]]

    rates = hear.word_error_rates(source, shrunk.output)
    assert set(rates) == {"all", rows[0]["voice"]}
    assert rates["all"] >= 0.0
