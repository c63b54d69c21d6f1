"""Application factory: wires settings, database, templates, static files and routers."""

from __future__ import annotations

import time

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import OperationalError

from voicecoach import __version__
from voicecoach.config import PROJECT_ROOT, Settings, get_settings
from voicecoach.errors import VoiceCoachError

WEB_DIR = PROJECT_ROOT / "web"
templates = Jinja2Templates(directory=WEB_DIR / "templates")

ERROR_STATUS = {"not_found": 404, "too_large": 413, "unsupported_format": 415, "user_exists": 409, "turn_pending": 409}
BUSY = {"code": "busy", "message": "VoiceCoach is even heel druk bezig. Er is niets opgeslagen; probeer het over een paar seconden opnieuw."}
FAILED = {"code": "server_error", "message": "Er ging iets mis op de server. Er is niets opgeslagen; probeer het opnieuw."}


def create_app(settings: Settings | None = None) -> FastAPI:
    from voicecoach.api.routes import admin, auth, health, pages, practice, review
    from voicecoach.practice_service import PracticeService
    from voicecoach.store.db import create_db_engine, migrate, session_factory

    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.resolved_database_url)
    migrate(engine)
    app = FastAPI(
        title="VoiceCoach",
        version=__version__,
        description="Oefen de-escalerende gesprekken met een boze klant. De pagina's gebruiken deze JSON-API.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.service = PracticeService(settings)
    app.state.started = time.monotonic()
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(practice.router)
    app.include_router(review.router)
    app.include_router(pages.router)

    @app.exception_handler(VoiceCoachError)
    async def _voicecoach_error(_request: Request, error: VoiceCoachError) -> JSONResponse:
        return JSONResponse({"error": error.to_dict()}, status_code=ERROR_STATUS.get(error.code, 400))

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, error: HTTPException):  # type: ignore[no-untyped-def]
        if error.status_code == 401 and not request.url.path.startswith("/api/"):
            return RedirectResponse("/login", status_code=303)  # pages send people to the login form
        detail = error.detail if isinstance(error.detail, dict) else {"code": "http_error", "message": str(error.detail)}
        return JSONResponse({"error": detail}, status_code=error.status_code)

    @app.exception_handler(OperationalError)
    async def _database_busy(_request: Request, _error: OperationalError) -> JSONResponse:
        # a locked or unreachable database: nothing was committed, the page offers to try again
        return JSONResponse({"error": BUSY}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, _error: Exception) -> JSONResponse:
        return JSONResponse({"error": FAILED}, status_code=500)  # logged by the server as well

    return app
