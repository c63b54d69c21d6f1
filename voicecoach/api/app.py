"""Application factory: wires settings, database, templates, static files and routers."""

from __future__ import annotations

import time

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError

from voicecoach import __version__
from voicecoach.api.error_codes import ERROR_STATUS
from voicecoach.api.templating import STATIC_DIR, templates
from voicecoach.config import Settings, get_settings
from voicecoach.errors import VoiceCoachError

BUSY = {"code": "busy", "message": "VoiceCoach is even heel druk bezig. Er is niets opgeslagen; probeer het over een paar seconden opnieuw."}
FAILED = {"code": "server_error", "message": "Er ging iets mis op de server. Er is niets opgeslagen; probeer het opnieuw."}


def create_app(settings: Settings | None = None) -> FastAPI:
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    from voicecoach.api.routes import admin, auth, health, pages, practice, review
    from voicecoach.api.security import BodyLimit, SecurityHeaders, allowed_hosts
    from voicecoach.api.validation import dutch_validation_error
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
        docs_url=None,  # served below from the vendored Swagger UI, without inline script
        redoc_url=None,
    )
    app.add_middleware(BodyLimit)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))
    app.add_middleware(SecurityHeaders)  # outermost: also on the host check's and the limit's answers
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.service = PracticeService(settings)
    app.state.started = time.monotonic()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(practice.router)
    app.include_router(review.router)
    app.include_router(pages.router)

    @app.get("/docs", include_in_schema=False)
    def _docs(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "docs.html", {"openapi_url": app.openapi_url})

    app.add_exception_handler(RequestValidationError, dutch_validation_error)  # type: ignore[arg-type]

    @app.exception_handler(VoiceCoachError)
    async def _voicecoach_error(_request: Request, error: VoiceCoachError) -> JSONResponse:
        status = ERROR_STATUS.get(error.code, 400)
        retry = getattr(error, "retry_after", None)
        return JSONResponse({"error": error.to_dict()}, status_code=status, headers={"Retry-After": str(retry)} if retry else None)

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
