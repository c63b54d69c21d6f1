"""A streamed reply becomes a turn exactly like an upload: the same stored recording, rows and
queued analysis (`PracticeService.submit_turn`), plus the phrases already transcribed and pitch-tracked."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from voicecoach.jobs import STREAMED
from voicecoach.practice_service import PracticeService
from voicecoach.speech.phrase_file import phrase_file, save_phrases
from voicecoach.store.models import Job, TurnRow, User
from voicecoach.store.recordings import UploadError
from voicecoach.streaming.session import StreamSession


def stream_file(data_dir: Path, user_id: int) -> Path:
    """Where a reply is written while it arrives (in the user's recordings folder, so deleting the
    account or the worker's housekeeping of files without a row also covers it)."""
    return data_dir / "recordings" / str(user_id) / f"stream-{uuid.uuid4()}.wav.part"


def submit_stream(
    service: PracticeService, session: Session, user: User, conversation_id: str, stream: StreamSession,
    *, line_left: float | None = None, turn: int | None = None, reply_id: str | None = None,
) -> tuple[TurnRow, Job]:
    """Close the stream and store what arrived as the reply's recording, analysed by the queue,
    if its line (`turn`) still awaits a reply — or give the turn the page's upload of the same
    reply (`reply_id`) made first; the streamed file goes either way."""
    phrases = stream.finish()
    path = stream.file.path
    try:
        stored = service.stored_reply(session, service.conversation(session, user, conversation_id, write=True), reply_id)
        if stored is not None:
            return stored
        if stream.file.seconds == 0:
            raise UploadError("Er is geen geluid ontvangen: de opname is leeg. Neem opnieuw op.", code="empty")
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if phrases:
            save_phrases(path.parent, digest, phrases)
        try:
            return service.submit_turn(session, user, conversation_id, data, line_left=line_left, turn=turn,
                                       reply_id=reply_id, priority=STREAMED)  # the trainee waits
        except BaseException:
            phrase_file(path.parent, digest).unlink(missing_ok=True)
            raise
    finally:
        path.unlink(missing_ok=True)  # submit_turn stored its own durable copy
