"""Streaming a spoken reply over a WebSocket while it is recorded (the upload stays the fallback).

Protocol, after the handshake to `/api/conversations/{id}/stream?csrf=<token>&turn=<n>[&line_left=<s>]`
(`turn`: the number of the customer line the reply answers, the "Beurt n" the page shows; the page
always sends it, api/answered_turn.py; `line_left`: seconds of the customer's line still to play
when recording started, api/line_left.py):
- client → server: binary messages of 16 kHz mono 16-bit little-endian PCM, as recorded;
  then the text message `{"type": "stop"}`, or `{"type": "cancel"}` when the page uploads its own
  recording instead (the stream lost samples on the way): then nothing is stored;
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
import time
from typing import Any

import anyio
from fastapi import APIRouter, WebSocket
from fastapi.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect, WebSocketState

from voicecoach.accounts import session_for
from voicecoach.api.answered_turn import parse_answered_turn
from voicecoach.api.deps import COOKIE, CROSS_ORIGIN, CSRF_MISSING, LOGIN_REQUIRED
from voicecoach.api.line_left import parse_line_left
from voicecoach.api.security import same_origin
from voicecoach.errors import VoiceCoachError
from voicecoach.practice_service import PracticeService, check_awaiting
from voicecoach.store.models import TurnRow, User
from voicecoach.streaming.session import StreamSession
from voicecoach.streaming.turns import stream_file, submit_stream

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
        user_id = await run_in_threadpool(_allowed_user, websocket, sessions, service, conversation_id, turn)
    except VoiceCoachError as error:
        await _refuse(websocket, error.to_dict())
        return
    await websocket.accept()
    settings = service.settings
    stream = StreamSession(
        stream_file(settings.data_dir, user_id), settings.max_audio_seconds, lambda: service.analyser.whisper
    )
    ending = "cut"
    try:
        ending = await _receive_reply(websocket, stream)
    finally:
        # Cancelled or not (server stopping, client gone), what arrived is the reply. Shielded as a
        # whole: a cancellation must not fall between the receiving and the storing.
        with anyio.CancelScope(shield=True):
            if ending == "cancel":
                stored = await run_in_threadpool(_discard, stream)
            else:
                stored = await run_in_threadpool(_submit, sessions, service, user_id, conversation_id, stream, line_left, turn)
    if stored is None:
        await websocket.close()
        return
    connected = ending == "stop"
    if isinstance(stored, VoiceCoachError):
        if connected:
            await _refuse(websocket, stored.to_dict())
        else:  # nobody is left to tell (an empty reply, a finished conversation, its line answered meanwhile)
            log.warning("cut stream of conversation %s not stored: %s", conversation_id, stored)
        return
    turn_id, job_id = stored
    if not connected:
        return
    try:
        await websocket.send_json({"type": "stored", "turn_id": turn_id, "job_id": job_id, "status": "queued"})
        status = await _analysed(sessions, turn_id)
        await websocket.send_json({"type": "analysed", "turn_id": turn_id, "status": status})
        await websocket.close()
    except (WebSocketDisconnect, RuntimeError):
        pass  # the page went away; the turn is stored and analysed all the same


async def _receive_reply(websocket: WebSocket, stream: StreamSession) -> str:
    """Write chunks until "stop" or "cancel"; "cut" when the connection was cut (what arrived is kept)."""
    while True:
        try:
            message = await asyncio.wait_for(websocket.receive(), SILENT_CONNECTION_S)
        except TimeoutError:
            return "cut"
        if message["type"] == "websocket.disconnect":
            return "cut"
        if message.get("bytes") is not None:
            if not stream.feed(message["bytes"]):
                return "stop"  # at the longest allowed reply: stored as it is
        elif (command := _command(message.get("text"))) in ("stop", "cancel"):
            if command == "cancel":  # the page found samples missing: how many, for whoever reads the log
                log.warning("stream cancelled by the page after %.2f s received: %s", stream.file.seconds, message.get("text"))
            return command


def _command(text: str | None) -> str | None:
    try:
        return json.loads(text or "").get("type")
    except (ValueError, AttributeError):
        return None


def _discard(stream: StreamSession) -> None:
    """The page uploads its own recording of this reply: the streamed copy goes (nothing is stored)."""
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


def _submit(sessions, service: PracticeService, user_id: int, conversation_id: str, stream: StreamSession,  # type: ignore[no-untyped-def]
            line_left: float | None, turn: int | None) -> tuple[str, int] | VoiceCoachError:
    """The stored turn and its job, or the Dutch reason it could not be stored."""
    try:
        with sessions() as session:
            row, job = submit_stream(service, session, session.get(User, user_id), conversation_id, stream, line_left=line_left, turn=turn)
            return row.id, job.id
    except VoiceCoachError as error:
        return error


async def _analysed(sessions, turn_id: str) -> str:  # type: ignore[no-untyped-def]
    """The turn's status once its analysis ended (done or error), or still queued after the wait."""
    deadline = time.monotonic() + WAIT_FOR_ANALYSIS_S
    status = "queued"
    while time.monotonic() < deadline:
        status = await run_in_threadpool(_status, sessions, turn_id)
        if status not in ("queued", "running"):
            break
        await asyncio.sleep(0.05)
    return status


def _status(sessions, turn_id: str) -> str:  # type: ignore[no-untyped-def]
    with sessions() as session:
        turn = session.get(TurnRow, turn_id)
        return turn.status if turn else "deleted"


async def _refuse(websocket: WebSocket, error: dict[str, Any]) -> None:
    """A Dutch reason the page can show: accepted only to say why, then closed (policy violation)."""
    if websocket.client_state == WebSocketState.CONNECTING:
        await websocket.accept()
    await websocket.send_json({"type": "error", "error": error})
    await websocket.close(code=1008)
