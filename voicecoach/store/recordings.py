"""Recording files: sniffed, size-limited, written and fsynced before their row is committed;
no file outlives a failed commit."""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from voicecoach.errors import VoiceCoachError
from voicecoach.store.models import Recording

log = logging.getLogger(__name__)
ORPHAN_MIN_AGE_SECONDS = 600.0

# Magic numbers of the containers browsers and phones send (content sniffing, not the file name).
SIGNATURES: tuple[tuple[int, bytes, str, str], ...] = (
    (0, b"RIFF", "audio/wav", "wav"),
    (0, b"fLaC", "audio/flac", "flac"),
    (0, b"OggS", "audio/ogg", "ogg"),
    (0, b"\x1a\x45\xdf\xa3", "audio/webm", "webm"),
    (0, b"ID3", "audio/mpeg", "mp3"),
    (0, b"\xff\xfb", "audio/mpeg", "mp3"),
    (0, b"\xff\xf3", "audio/mpeg", "mp3"),
    (4, b"ftyp", "audio/mp4", "m4a"),
)


class UploadError(VoiceCoachError):
    code = "upload_invalid"


def sniff(head: bytes) -> tuple[str, str]:
    """(content type, file extension) from the first bytes, or UploadError."""
    for offset, magic, content_type, extension in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type, extension
    raise UploadError(
        "Dit is geen geluidsbestand dat VoiceCoach kent. Neem opnieuw op in de browser, of kies een "
        "WAV-, FLAC-, OGG-, WebM-, MP3- of M4A-bestand.",
        code="unsupported_format",
    )


def store_recording(data_dir: Path, user_id: int, kind: str, data: bytes) -> Recording:
    """Write the bytes durably (file and directory fsynced) and return the row to add."""
    if not data:
        raise UploadError("Er is niets ontvangen: de opname is leeg. Neem opnieuw op.", code="empty")
    content_type, extension = sniff(data[:16])
    recording_id = str(uuid.uuid4())
    relative = Path("recordings") / str(user_id) / f"{recording_id}.{extension}"
    target = data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with partial.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return Recording(
        id=recording_id,
        user_id=user_id,
        kind=kind,
        path=str(relative),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def discard_recording_file(data_dir: Path, recording: Recording) -> None:
    """Remove the file of a recording whose row was never committed."""
    (data_dir / recording.path).unlink(missing_ok=True)


def orphan_files(data_dir: Path, known: set[str], min_age_seconds: float) -> list[Path]:
    """Recording files (and partial writes) with no row, older than `min_age_seconds`.

    Only a process killed between writing a file and committing its row leaves one; the age keeps
    uploads that are committing right now out of it."""
    root = data_dir / "recordings"
    if not root.exists():
        return []
    cutoff = time.time() - min_age_seconds
    return [
        path for path in root.rglob("*")
        if path.is_file() and str(path.relative_to(data_dir)) not in known and path.stat().st_mtime < cutoff
    ]


def sweep_orphans(session: Session, data_dir: Path, min_age_seconds: float = ORPHAN_MIN_AGE_SECONDS) -> int:
    """Delete recording files that have no row (left by a process killed mid-upload)."""
    known = set(session.scalars(select(Recording.path)))
    orphans = orphan_files(data_dir, known, min_age_seconds)
    for path in orphans:
        path.unlink(missing_ok=True)
    if orphans:
        log.warning("removed %d recording file(s) without a row", len(orphans))
    return len(orphans)
