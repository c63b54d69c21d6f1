"""JSON API of the classroom rollenspel: rounds, joining, roles, the observers' checklist, the
customer's read lines, the board snapshot and its live event stream (server-sent events)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse

from voicecoach.api.deps import DbId, ServiceDep, SessionDep, UserDep
from voicecoach.api.schemas import AUDIO_BODY, ERRORS
from voicecoach.api.uploads import read_limited
from voicecoach.classroom import rounds
from voicecoach.classroom.board import board_state
from voicecoach.classroom.events import sync_turns
from voicecoach.classroom.feed import BoardFeed
from voicecoach.classroom.lan import join_base_url
from voicecoach.classroom.models import ClassRound
from voicecoach.classroom.observations import add_mark, submit_reading
from voicecoach.classroom.qr import join_qr_svg

router = APIRouter(prefix="/api/rounds", tags=["classroom"], responses=ERRORS)


class RoundIn(BaseModel):
    group_id: int = Field(ge=1, le=2**62)
    scenario_id: str = Field(max_length=60)
    customer_mode: str = Field(default="voicecoach", max_length=20)


class JoinIn(BaseModel):
    code: str = Field(max_length=40)


class RolesIn(BaseModel):
    medewerker_id: int | None = Field(default=None, ge=1, le=2**62)
    customer_id: int | None = Field(default=None, ge=1, le=2**62)
    after: str | None = Field(default=None, max_length=36)
    """The conversation the page shows ("" for none): a second click after another started starts nothing."""


class MarkIn(BaseModel):
    label: str | None = Field(default=None, max_length=60)
    note: str | None = Field(default=None, max_length=2000)
    turn: int | None = Field(default=None, ge=1, le=1000)


def feed(request: Request) -> BoardFeed:
    """The app's one board feed, made on first use."""
    state = request.app.state
    if not hasattr(state, "board_feed"):
        state.board_feed = BoardFeed(state.sessions, state.service)
    return state.board_feed


def _summary(round_: ClassRound) -> dict[str, Any]:
    return {"id": round_.id, "code": round_.code, "scenario_id": round_.scenario_id, "group_id": round_.group_id,
            "customer_mode": round_.customer_mode, "conversation_id": round_.conversation_id, "closed": round_.closed_at is not None}


@router.post("", status_code=201)
def create_round(body: RoundIn, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """A teacher opens a round for a scenario and one of their groups; it gets a join code."""
    return _summary(rounds.create_round(session, service, user, body.group_id, body.scenario_id, body.customer_mode))


@router.post("/join")
def join_round(body: JoinIn, request: Request, session: SessionDep, user: UserDep) -> dict[str, Any]:
    row = rounds.join(session, user, body.code)
    feed(request).notify(row.id)
    return {**_summary(row), "role": rounds.role_of(session, row, user)}


@router.get("/{round_id}")
def get_round(round_id: DbId, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """The board snapshot, plus the caller's own role."""
    row = rounds.get_round(session, user, round_id)
    sync_turns(session, row)
    return {**board_state(session, service, row), "me": {"id": user.id, "role": rounds.role_of(session, row, user)}}


@router.get("/{round_id}/qr.svg", include_in_schema=False)
def round_qr(round_id: DbId, request: Request, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    """The join QR code; in LAN mode it points at the LAN address the phones can reach."""
    row = rounds.led_round(session, user, round_id)
    base = join_base_url(session, service.settings.lan_port, str(request.base_url))
    return Response(join_qr_svg(base, row.code), media_type="image/svg+xml")


@router.post("/{round_id}/roles")
def set_roles(round_id: DbId, body: RolesIn, request: Request, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """Start the next conversation: roles as chosen, or rotated in joining order."""
    conversation = rounds.assign_roles(session, service, user, round_id, body.medewerker_id, body.customer_id, body.after)
    feed(request).notify(round_id)
    return {"conversation_id": conversation.id}


@router.post("/{round_id}/close")
def close_round(round_id: DbId, request: Request, session: SessionDep, user: UserDep) -> dict[str, Any]:
    row = rounds.close_round(session, user, round_id)
    feed(request).notify(round_id)
    return _summary(row)


@router.post("/{round_id}/marks", status_code=201)
def mark(round_id: DbId, body: MarkIn, request: Request, session: SessionDep, user: UserDep) -> dict[str, Any]:
    """An observer taps a checklist item and/or writes a note (default: the turn being answered)."""
    row = add_mark(session, user, round_id, body.label, body.note, body.turn)
    feed(request).notify(round_id)
    return {"id": row.id, "turn": row.turn_number, "label": row.label}


@router.post("/{round_id}/readings", status_code=202, openapi_extra=AUDIO_BODY)
async def upload_reading(round_id: DbId, request: Request, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """The customer's line read aloud (raw audio body) by whoever plays the customer."""
    data = await read_limited(request, service.settings.max_upload_bytes)
    reading, job = await run_in_threadpool(submit_reading, session, service, user, round_id, data)
    feed(request).notify(round_id)
    return {"reading_id": reading.id, "job_id": job.id, "status": reading.status}


@router.get("/{round_id}/events", include_in_schema=False)
async def board_events(
    round_id: DbId, request: Request, session: SessionDep, user: UserDep,
    last_event_id: Annotated[int | None, Header(ge=0, le=2**62)] = None,
) -> EventSourceResponse:
    """Server-sent events for the live board; a reconnecting browser resumes after Last-Event-ID."""
    await run_in_threadpool(rounds.get_round, session, user, round_id)
    session.close()  # give the connection back now: a board stays connected for the whole lesson
    return EventSourceResponse(feed(request).stream(round_id, last_event_id or 0), ping=15, send_timeout=30)
