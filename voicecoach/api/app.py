"""Application factory: wires settings, database, templates, static files and routers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from voicecoach import __version__
from voicecoach.api.formatting import FILTERS
from voicecoach.api.navigation import ReturnAfterLogin, safe_next
from voicecoach.config import Settings, bundled_dir, get_settings

WEB_DIR = bundled_dir("web")
templates = Jinja2Templates(directory=WEB_DIR / "templates")
templates.env.filters.update(FILTERS)
templates.env.globals["safe_next"] = safe_next

ERROR_STATUS = {"not_found": 404, "too_large": 413, "unsupported_format": 415, "user_exists": 409}


def create_app(settings: Settings | None = None) -> FastAPI:
    from voicecoach.api import error_pages
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
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(practice.router)
    app.include_router(review.router)
    app.include_router(pages.router)
    app.add_middleware(ReturnAfterLogin)
    error_pages.install(app)  # Dutch pages for people, JSON for /api
    return app
