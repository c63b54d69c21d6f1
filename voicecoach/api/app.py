"""Application factory: wires settings, database, middleware, static files, routers and error pages."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from voicecoach import __version__
from voicecoach.api.templating import STATIC_DIR, templates
from voicecoach.config import Settings, get_settings, prepare_data_dir


def create_app(settings: Settings | None = None) -> FastAPI:
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    from voicecoach.api import error_pages
    from voicecoach.api.job_endings import JobEndings
    from voicecoach.api.navigation import ReturnAfterLogin
    from voicecoach.api.routes import (
        admin, attempts, auth, classroom, classroom_pages, health, incident, pages, practice, reports, review,
        scenario_editor,
    )
    from voicecoach.api.routes import classroom_line
    from voicecoach.api.routes import progress as progress_routes
    from voicecoach.api.routes import stream as streaming
    from voicecoach.api.security import BodyLimit, SecurityHeaders, allowed_hosts
    from voicecoach.practice_service import PracticeService
    from voicecoach.store.db import create_db_engine, migrate, session_factory

    settings = settings or get_settings()
    prepare_data_dir(settings.data_dir)
    engine = create_db_engine(settings.resolved_database_url)
    migrate(engine)
    app = FastAPI(
        title="VoiceCoach",
        version=__version__,
        description="Oefen de-escalerende gesprekken met een boze klant. De pagina's gebruiken deze JSON-API.",
        docs_url=None,  # served below from the vendored Swagger UI, without inline script
        redoc_url=None,
    )
    app.add_middleware(ReturnAfterLogin)
    app.add_middleware(BodyLimit)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))
    app.add_middleware(SecurityHeaders)  # outermost: also on the host check's and the limit's answers
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.service = PracticeService(settings)
    app.state.job_endings = JobEndings(engine.url)
    app.state.started = time.monotonic()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(practice.router)
    app.include_router(review.router)
    app.include_router(attempts.router)
    app.include_router(classroom.router)
    app.include_router(classroom_pages.router)
    app.include_router(classroom_line.router)  # the board says when VoiceCoach's line plays
    app.include_router(streaming.router)  # replies streamed over a WebSocket while recorded
    app.include_router(pages.router)
    app.include_router(progress_routes.router)
    app.include_router(reports.router)
    app.include_router(incident.router)
    app.include_router(scenario_editor.router)

    @app.get("/docs", include_in_schema=False)
    def _docs(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "docs.html", {"openapi_url": app.openapi_url})

    error_pages.install(app)  # Dutch pages for people, Dutch JSON for /api
    return app
