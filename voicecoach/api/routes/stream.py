"""Streaming a spoken reply over a WebSocket while it is recorded (the upload stays the fallback).

Protocol, after the handshake to
`/api/conversations/{id}/stream?csrf=<token>&turn=<n>[&reply=<uuid>][&line_left=<s>][&format=webm][&cues=1]`
(`turn`: the number of the customer line the reply answers, the "Beurt n" the page shows; the page
always sends it, api/answered_turn.py; `reply`: the page's id for this recording, which its upload
after a cut stream sends too, so the reply is stored once, api/reply_id.py; `line_left`: seconds of
the customer's line still to play when recording started, api/line_left.py; `cues=1`: the trainee turned on "Tips tijdens het spreken"):
- client → server: binary messages of 16 kHz mono 16-bit little-endian PCM, as recorded; with
  `format=webm`, the chunks of a WebM/Opus recording as MediaRecorder makes them (what the page
  sends: streaming/webm_feed.py says why);
  then the text message `{"type": "stop"}`;
- server → client, only with `cues=1`, while the reply arrives: `{"type": "cue", "cue": "zachter",
  "at": <seconds into the reply>}` when the voice stayed above the trainee's own "harder dan je
  rustige stem" level for two seconds, `{"type": "cue", "cue": "rustig", "at": <s>}` when its pitch
  stayed above their own "hoger dan je rustige stem" level for two seconds; at most one cue per 5 s,
  "zachter" first when both hold (streaming/cues.py; not stored, no effect on the score);
- server → client: `{"type": "stored", "turn_id", "job_id", "status"}` once the reply is stored
  (the same answer as the upload), then `{"type": "analysed", "turn_id", "status"}` when its
  feedback is ready; or `{"type": "error", "error": {"code", "message"}}` (Dutch) and the close.
A connection cut mid-reply keeps what arrived: it is stored and analysed like a finished reply.
A reply is stored only while its line (`turn`) still awaits one: a line answered already (e.g. the
page uploaded the reply after a cut, and its analysis moved the conversation on) refuses the stream
at the handshake, or at Stop with the Dutch error `line_answered`; a cut stream is then only logged.
Whatever is not stored leaves no file.
The login, CSRF token and origin rules are those of the upload: a browser cannot set headers on
a WebSocket, so the CSRF token travels in the query string.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from typing import Any

import anyio
from fastapi import APIRouter, WebSocket
from fastapi.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect, WebSocketState

from voicecoach.accounts import session_for
from voicecoach.api.answered_turn import parse_answered_turn
from voicecoach.api.deps import COOKIE, CROSS_ORIGIN, CSRF_MISSING, LOGIN_REQUIRED
from voicecoach.api.job_endings import job_status, until_ended
from voicecoach.api.line_left import parse_line_left
from voicecoach.api.reply_id import parse_reply_id
from voicecoach.api.security import same_origin
from voicecoach.errors import VoiceCoachError
from voicecoach.practice_service import PracticeService, check_awaiting
from voicecoach.store.baselines import latest_baseline
from voicecoach.store.models import TurnRow, User
from voicecoach.streaming.cues import TAIL_SAMPLES, LiveCues
from voicecoach.streaming.session import StreamSession
from voicecoach.streaming.turns import stream_file, submit_stream
from voicecoach.streaming.webm_feed import WebmFeed
from voicecoach.voice.shapes import Baseline

router = APIRouter()
log = logging.getLogger(__name__)
WAIT_FOR_ANALYSIS_S = 180.0
SILENT_CONNECTION_S = 30.0  # a page that stopped sending (closed laptop lid) counts as cut


@router.websocket("/api/conversations/{conversation_id}/stream")
async def stream_turn(websocket: WebSocket, conversation_id: str) -> None:
    service: PracticeService = websocket.app.state.service
    sessions = websocket.app.state.sessions
    try:
        line_left = parse_line_left(websocket.query_params.get("line_left"))
        turn = parse_answered_turn(websocket.query_params.get("turn"))
        reply = parse_reply_id(websocket.query_params.get("reply"))
        user_id = await run_in_threadpool(_allowed_user, websocket, sessions, service, conversation_id, turn)
        cues = await run_in_threadpool(_cues, sessions, user_id) if websocket.query_params.get("cues") == "1" else None
    except VoiceCoachError as error:
        await _refuse(websocket, error.to_dict())
        return
    await websocket.accept()
    settings = service.settings
    stream = StreamSession(
        stream_file(settings.data_dir, user_id), settings.max_audio_seconds, lambda: service.analyser.live_whisper,
        guess=settings.live_guess,
    )
    feed = WebmFeed(stream, settings.max_audio_seconds) if websocket.query_params.get("format") == "webm" else None
    ending = "cut"
    try:
        ending = await _receive_reply(websocket, stream, feed, cues)
    finally:
        # Cancelled or not (server stopping, client gone), what arrived is the reply. Shielded as a
        # whole: a cancellation must not fall between the receiving and the storing.
        with anyio.CancelScope(shield=True):
            stored = await run_in_threadpool(
                _submit, sessions, service, user_id, conversation_id, stream, feed, line_left, turn, reply
            )
    connected = ending == "stop"
    if isinstance(stored, VoiceCoachError):
        if connected:
            await _refuse(websocket, stored.to_dict())
        else:  # nobody is left to tell (an empty reply, a finished conversation, its line answered meanwhile)
            log.warning("cut stream of conversation %s not stored: %s", conversation_id, stored)
        return
    turn_id, job_id, status = stored
    if not connected:
        return
    try:
        await websocket.send_json({"type": "stored", "turn_id": turn_id, "job_id": job_id, "status": status})
        status = await until_ended(websocket.app.state.job_endings, partial(job_status, sessions, TurnRow, turn_id), WAIT_FOR_ANALYSIS_S)
        await websocket.send_json({"type": "analysed", "turn_id": turn_id, "status": status})
        await websocket.close()
    except (WebSocketDisconnect, RuntimeError):
        pass  # the page went away; the turn is stored and analysed all the same


async def _receive_reply(websocket: WebSocket, stream: StreamSession, feed: WebmFeed | None, cues: LiveCues | None) -> str:
    """Feed chunks (to `feed` when the stream is WebM) until "stop"; "cut" when the connection was
    cut (what arrived is kept). With `cues`, a live cue goes out as soon as a chunk completes one."""
    while True:
        try:
            message = await asyncio.wait_for(websocket.receive(), SILENT_CONNECTION_S)
        except TimeoutError:
            return "cut"
        if message["type"] == "websocket.disconnect":
            return "cut"
        if message.get("bytes") is not None:
            if not (feed or stream).feed(message["bytes"]):
                return "stop"  # at the longest allowed reply: stored as it is
            # In a thread: about a millisecond a look, but a process's first look imports and compiles
            # librosa's parts for seconds (unless the live warm-up did), and other streams wait on this loop.
            if cues is not None and (cue := await run_in_threadpool(cues.hear, *stream.recent(TAIL_SAMPLES))):
                try:
                    await websocket.send_json(cue)
                except (WebSocketDisconnect, RuntimeError):
                    return "cut"
        elif _command(message.get("text")) == "stop":
            return "stop"


def _command(text: str | None) -> str | None:
    try:
        return json.loads(text or "").get("type")
    except (ValueError, AttributeError):
        return None


def _discard(stream: StreamSession) -> None:
    """A stream that is not audio: its file goes (nothing is stored)."""
    stream.finish()
    stream.file.path.unlink(missing_ok=True)


def _allowed_user(websocket: WebSocket, sessions, service: PracticeService, conversation_id: str, turn: int | None) -> int:  # type: ignore[no-untyped-def]
    """The user, when logged in, same-origin, with the CSRF token, and owner of the conversation,
    whose line `turn` awaits a reply (checked again at Stop: it may be answered meanwhile)."""
    if not same_origin(websocket):  # type: ignore[arg-type] - reads only the headers
        raise VoiceCoachError(CROSS_ORIGIN["message"], code=CROSS_ORIGIN["code"])
    with sessions() as session:
        login = session_for(session, websocket.cookies.get(COOKIE))
        user = session.get(User, login.user_id) if login else None
        if user is None or not user.active:
            raise VoiceCoachError(LOGIN_REQUIRED["message"], code=LOGIN_REQUIRED["code"])
        if websocket.query_params.get("csrf") != login.csrf_token:
            raise VoiceCoachError(CSRF_MISSING["message"], code=CSRF_MISSING["code"])
        check_awaiting(service.conversation(session, user, conversation_id, write=True), turn)
        return user.id


def _cues(sessions, user_id: int) -> LiveCues:  # type: ignore[no-untyped-def]
    """Cues against the baseline this reply's analysis will use (practice_jobs: the latest one)."""
    with sessions() as session:
        row = latest_baseline(session, user_id)
        return LiveCues(Baseline(**row.data) if row else None)


def _submit(sessions, service: PracticeService, user_id: int, conversation_id: str, stream: StreamSession,  # type: ignore[no-untyped-def]
            feed: WebmFeed | None, line_left: float | None, turn: int | None,
            reply: str | None) -> tuple[str, int, str] | VoiceCoachError:
    """The stored turn, its job and its status (a reply sent before may be analysed already), or
    the Dutch reason it could not be stored."""
    stream.stopping()
    try:
        if feed is not None:
            try:
                feed.finish()
            except VoiceCoachError:
                _discard(stream)
                raise
        with sessions() as session:
            row, job = submit_stream(service, session, session.get(User, user_id), conversation_id, stream,
                                     line_left=line_left, turn=turn, reply_id=reply)
            return row.id, job.id, row.status
    except VoiceCoachError as error:
        return error


async def _refuse(websocket: WebSocket, error: dict[str, Any]) -> None:
    """A Dutch reason the page can show: accepted only to say why, then closed (policy violation)."""
    if websocket.client_state == WebSocketState.CONNECTING:
        await websocket.accept()
    await websocket.send_json({"type": "error", "error": error})
    await websocket.close(code=1008)
