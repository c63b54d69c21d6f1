"""Application factory: wires settings, templates, static files and routers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from voicecoach import __version__
from voicecoach.config import PROJECT_ROOT, Settings, get_settings

WEB_DIR = PROJECT_ROOT / "web"
templates = Jinja2Templates(directory=WEB_DIR / "templates")


def create_app(settings: Settings | None = None) -> FastAPI:
    from voicecoach.api.routes import health, pages

    app = FastAPI(
        title="VoiceCoach",
        version=__version__,
        description="Oefen de-escalerende gesprekken met een boze klant. JSON-API naast de pagina's.",
    )
    app.state.settings = settings or get_settings()
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(health.router)
    app.include_router(pages.router)
    return app
