"""The teachers' scenario editor: pages, live checking, saving a version, hearing a line."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from voicecoach import scenario_editor
from voicecoach.api.deps import LoginDep, ServiceDep, SessionDep, UserDep
from voicecoach.api.schemas import ERRORS
from voicecoach.api.templating import templates
from voicecoach.coaching.customer_voice import customer_audio
from voicecoach.scenarios import ANGER_LEVELS
from voicecoach.store.models import User
from voicecoach.vocabulary import SEED_FILES

api = APIRouter(prefix="/api/scenario-editor", tags=["scenario editor"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)
FORBIDDEN = {"code": "forbidden", "message": "Alleen docenten schrijven scenario's."}
# The form's fields: dotted path -> value (text, number, or a list of lines / chosen items).
# a phase's procedure steps come as the structure they are (a hidden field, scenario_editor.js "json")
ProcedureSteps = list[dict[str, str | list[str]]]
Fields = Annotated[dict[str, str | int | list[str] | ProcedureSteps | None], Body(max_length=400)]


def _teacher(user: User) -> User:
    if user.role != "teacher":
        raise HTTPException(403, FORBIDDEN)
    return user


@api.post("/check")
def check(fields: Fields, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """The problems of the form as it is now, in the words of `voicecoach scenarios validate`."""
    _teacher(user)
    scenario, text, problems = scenario_editor.check(service.library, fields)
    return {"valid": scenario is not None, "problems": problems, "yaml": text}


@api.post("/scenarios", status_code=201)
def save(fields: Fields, session: SessionDep, service: ServiceDep, user: UserDep) -> dict[str, Any]:
    """Store the scenario as its next version; trainees can play it at once."""
    scenario, version = scenario_editor.save(session, service.library, _teacher(user), fields)
    return {"id": scenario.id, "version": version, "title": scenario.title}


@api.get("/voice")
def hear(
    service: ServiceDep, user: UserDep, text: Annotated[str, Query(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f]+$")],
    voice: Annotated[str, Query(pattern=r"^(mb-nl[23]|nl(\+[a-z0-9]+)?)$")] = "mb-nl2",
    anger: Annotated[int, Query(ge=0, le=4)] = 2,
) -> FileResponse:
    """A line spoken as the customer would say it at this anger level."""
    _teacher(user)
    path = customer_audio(text, anger, voice, service.settings.data_dir / "cache" / "customer")
    return FileResponse(path, media_type="audio/wav")


@pages.get("/scenarios-schrijven", response_class=HTMLResponse)
def editor_list(request: Request, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    _teacher(user)
    scenarios = service.scenarios
    return templates.TemplateResponse(request, "scenario_list.html", {
        "user": user, "csrf_token": login.csrf_token, "scenarios": list(scenarios.values()),
        "authored": {sid for sid in scenarios if service.library.is_authored(sid)},
        "versions": {sid: service.library.version(sid) for sid in scenarios},
    })


@pages.get("/scenarios-schrijven/nieuw", response_class=HTMLResponse)
def editor_new(request: Request, service: ServiceDep, user: UserDep, login: LoginDep,
               van: Annotated[str | None, Query(max_length=60)] = None) -> HTMLResponse:
    """A new scenario: a copy of `van`, or of the starter scenario."""
    _teacher(user)
    return _editor(request, service, user, login, scenario_editor.copy_values(service.library, van), version=None)


@pages.get("/scenarios-schrijven/{scenario_id}", response_class=HTMLResponse)
def editor_edit(scenario_id: str, request: Request, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    _teacher(user)
    if not service.library.is_authored(scenario_id):
        raise HTTPException(404, {"code": "not_found", "message": "Dit scenario bestaat niet of is een vast scenario (maak dan een kopie)."})
    values = scenario_editor.form_values(service.scenario(scenario_id))
    return _editor(request, service, user, login, values, version=service.library.version(scenario_id))


def _editor(request, service, user, login, values: dict[str, Any], version: int | None) -> HTMLResponse:  # type: ignore[no-untyped-def]
    return templates.TemplateResponse(request, "scenario_editor.html", {
        "user": user, "csrf_token": login.csrf_token, "s": values, "version": version, "levels": ANGER_LEVELS,
        "seeds": SEED_FILES, "response_keys": scenario_editor.RESPONSE_KEYS,
    })


router = APIRouter()
router.include_router(api)
router.include_router(pages)
