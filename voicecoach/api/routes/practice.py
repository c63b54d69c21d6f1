"""JSON API for practising: scenarios, baselines, conversations, turns, recordings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from voicecoach.attempts import attempt_fields
from voicecoach.audio.envelope import Envelope
from voicecoach.api.answered_turn import AnsweredTurn
from voicecoach.api.deps import DbId, ServiceDep, SessionDep, UserDep
from voicecoach.api.job_endings import HoldSeconds, held_answer
from voicecoach.api.line_left import LineLeft
from voicecoach.api.reply_id import ReplyUuid, reply_id
from voicecoach.api.schemas import (
    AUDIO_BODY, ERRORS, Accepted, BaselineStatus, ConversationView, CurrentBaseline, ScenarioCard, TurnView,
)
from voicecoach.api.uploads import read_limited
from voicecoach.coaching.customer_voice import customer_audio
from voicecoach.end_summary import end_summary, final_line
from voicecoach.practice_service import NotFound, PracticeService
from voicecoach.review_service import conversation_notes, turn_review
from voicecoach.store.models import BaselineRow, ConversationRow, LabelOverrule, TurnRow, User
from voicecoach.turn_scores import done_turns, overrules_by_turn, turn_score

router = APIRouter(prefix="/api", tags=["practice"], responses=ERRORS)


class NewConversation(BaseModel):
    scenario_id: str


def scenario_card(scenario) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        "id": scenario.id, "title": scenario.title, "setting": scenario.setting,
        "difficulty": scenario.difficulty, "persona": scenario.persona.name, "sources": scenario.sources,
        "max_turns": scenario.ending.max_turns,
    }


@router.get("/scenarios", response_model=list[ScenarioCard])
def list_scenarios(service: ServiceDep, _user: UserDep) -> list[dict[str, Any]]:
    return [scenario_card(s) for s in service.scenarios.values()]


@router.post("/baselines", status_code=202, response_model=Accepted, response_model_exclude_none=True, openapi_extra=AUDIO_BODY)
async def upload_calibration(request: Request, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """Upload the calm reading (raw audio body); the baseline is measured by the queue."""
    data = await read_limited(request, service.settings.max_upload_bytes)
    # in a thread: a busy database must not hold up the event loop (and every other request)
    row, job = await run_in_threadpool(service.submit_calibration, session, user, data)
    return {"baseline_id": row.id, "job_id": job.id, "status": row.status}


@router.get("/baselines/current", response_model=CurrentBaseline)
def current_baseline(session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    row = service.baseline_for(session, user)
    return {"baseline": row.data if row else None}


@router.get("/baselines/{baseline_id}", response_model=BaselineStatus)
async def baseline_status(baseline_id: DbId, request: Request, session: SessionDep, user: UserDep, wait: HoldSeconds = 0.0) -> dict[str, Any]:
    row = await held_answer(request, session, user, lambda user: _own_baseline(session, user, baseline_id), wait)
    return {"id": row.id, "status": row.status, "baseline": row.data, "error": row.error}


def _own_baseline(session: Session, user: User, baseline_id: int) -> BaselineRow:
    row = session.get(BaselineRow, baseline_id)
    if row is None or row.user_id != user.id:
        raise NotFound("Deze meting bestaat niet.")
    return row


@router.post("/conversations", status_code=201, response_model=ConversationView)
def start_conversation(body: NewConversation, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    return conversation_view(service, service.start_conversation(session, user, body.scenario_id), session)


@router.get("/conversations/{conversation_id}", response_model=ConversationView)
def get_conversation(conversation_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    row = service.conversation(session, user, conversation_id)
    view = conversation_view(service, row, session)
    view["viewer"] = {"is_owner": row.user_id == user.id, "role": user.role}
    return view


@router.get("/conversations/{conversation_id}/customer-audio", response_class=FileResponse,
            responses={200: {"content": {"audio/wav": {}}, "description": "De klantzin, uitgesproken"}})
def customer_line_audio(conversation_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> FileResponse:
    """The customer's current line spoken; once the conversation ended, their last words."""
    row = service.conversation(session, user, conversation_id)
    scenario = service.scenario_of(row)
    line = final_line(scenario, row, done_turns(row))
    path = customer_audio(line, row.state["anger"], scenario.persona.voice, service.settings.data_dir / "cache" / "customer",
                          scenario.persona.speakers)
    return FileResponse(path, media_type="audio/wav")


@router.post("/conversations/{conversation_id}/turns", status_code=202, response_model=Accepted,
             response_model_exclude_none=True, openapi_extra=AUDIO_BODY)
async def upload_turn(
    conversation_id: str, request: Request, session: SessionDep, service: ServiceDep, user: UserDep, line_left: LineLeft = None,
    turn: AnsweredTurn = None, reply: ReplyUuid = None,
) -> dict[str, Any]:
    """Upload a spoken reply (raw audio body). Answered once the file is fsynced and its row committed;
    the same `reply` sent again is answered with the turn it made (api/reply_id.py)."""
    data = await read_limited(request, service.settings.max_upload_bytes)
    row, job = await run_in_threadpool(service.submit_turn, session, user, conversation_id, data, line_left=line_left,
                                       turn=turn, reply_id=reply_id(reply))
    return {"turn_id": row.id, "job_id": job.id, "status": row.status}


@router.get("/turns/{turn_id}", response_model=TurnView)
async def get_turn(turn_id: str, request: Request, session: SessionDep, service: ServiceDep, user: UserDep,
                   wait: HoldSeconds = 0.0) -> dict[str, Any]:
    turn = await held_answer(request, session, user, lambda user: service.turn(session, user, turn_id), wait)
    return await run_in_threadpool(_turn_view, turn, session, service)


def _turn_view(turn: TurnRow, session: Session, service: PracticeService) -> dict[str, Any]:
    scenario = service.scenario_of(turn.conversation)
    return turn_view(turn, session, scenario, overrules_by_turn(session, [turn])[turn.id])


@router.post("/turns/{turn_id}/reanalyse", status_code=202, response_model=Accepted, response_model_exclude_none=True)
def reanalyse_turn(turn_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    job = service.reanalyse(session, user, turn_id)
    return {"turn_id": turn_id, "job_id": job.id, "status": "queued"}


@router.get("/turns/{turn_id}/audio", response_class=FileResponse,
            responses={200: {"content": {"audio/*": {}}, "description": "De opname van de beurt"}})
def turn_audio(turn_id: str, request: Request, session: SessionDep, service: ServiceDep, user: UserDep) -> FileResponse:
    # A player asks for the rest of a file it is playing in further ranges: one opening, one entry.
    asked = request.headers.get("range", "").replace(" ", "")
    recording = service.turn_recording(session, user, turn_id, opening=not asked or asked.startswith("bytes=0-"))
    return FileResponse(service.recording_path(recording), media_type=recording.content_type)


@router.get("/turns/{turn_id}/waveform", response_model=Envelope)
def turn_waveform(turn_id: str, session: SessionDep, service: ServiceDep, user: UserDep) -> Envelope:
    """The outline of the reply for its waveform (audio/envelope.py): showing a turn is no listen."""
    return service.turn_envelope(session, user, turn_id)


def conversation_view(service, row: ConversationRow, session) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    scenario = service.scenario_of(row)
    overrules = overrules_by_turn(session, list(row.turns))
    turns = [turn_view(turn, session, scenario, overrules[turn.id]) for turn in row.turns]
    done = done_turns(row)
    scores = {view["id"]: view["score"] for view in turns if view["score"] is not None}
    return {
        "id": row.id,
        "scenario": {**scenario_card(scenario), "situation": scenario.setting},
        "state": row.state,
        "phase_title": scenario.phase(row.state["phase"]).title,
        "phase_goal": scenario.phase(row.state["phase"]).goal,
        "customer_line": row.customer_line,
        "finished": row.finished_at is not None,
        "ending": {
            "calmed_message": scenario.ending.calmed_message,
            "escalated_advice": scenario.ending.escalated_advice,
        },
        "turns": turns,
        "notes": conversation_notes(session, row),
        "summary": end_summary(scenario, row, done, scores) if row.finished_at is not None else None,
    }


def turn_view(turn: TurnRow, session, scenario, overrules: list[LabelOverrule]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A turn with its analysis; `score` is the judged score (the coach's overrules applied). A stored
    result that cannot be read shows as this turn's error; the rest of the conversation is shown."""
    unreadable = turn.unreadable
    return {
        "id": turn.id, "number": turn.number, "status": "error" if unreadable else turn.status,
        "customer_line": turn.customer_line, "phase_title": _phase_title(scenario, turn.state_before),
        "result": turn.record, "error": unreadable.to_dict() if unreadable else turn.error,
        "corrected_text": turn.corrected_text,
        "score": turn_score(scenario, turn, overrules),
        **turn_review(session, turn),
        **attempt_fields(turn),
    }


def _phase_title(scenario, state: dict[str, Any]) -> str | None:  # type: ignore[no-untyped-def]
    """The phase the turn answered in; a damaged stored state shows no phase rather than failing."""
    phase_id = state.get("phase") if isinstance(state, dict) else None
    known = {phase.id: phase.title for phase in scenario.phases}
    return known.get(phase_id)
