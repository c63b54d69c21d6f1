"""Errors as Dutch pages with a way back for people, and as JSON for the API (/api/…)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from voicecoach.api.navigation import login_url
from voicecoach.errors import VoiceCoachError

log = logging.getLogger(__name__)

PAGES = {
    403: ("Geen toegang", "Deze pagina is niet voor jouw account bedoeld."),
    404: ("Niet gevonden", "Deze pagina of dit gesprek bestaat niet (meer), of je mag het niet zien."),
    422: ("Dat klopt niet helemaal", "Het adres of een ingevuld veld is niet goed. Ga terug en probeer het opnieuw."),
    500: ("Er ging iets mis", "Er ging bij VoiceCoach iets mis. Je gegevens zijn bewaard. Probeer het zo nog eens."),
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/static/", "/docs", "/openapi", "/healthz"))


def error_page(request: Request, status: int, message: str | None = None) -> HTMLResponse:
    from voicecoach.api.app import templates

    title, text = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[422])
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "message": message or text, "status": status}, status_code=status
    )


def install(app: FastAPI) -> None:
    from voicecoach.api.app import ERROR_STATUS

    @app.exception_handler(VoiceCoachError)
    async def _voicecoach_error(request: Request, error: VoiceCoachError) -> Response:
        status = ERROR_STATUS.get(error.code, 400)
        if wants_json(request):
            return JSONResponse({"error": error.to_dict()}, status_code=status)
        return error_page(request, status, error.message)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, error: HTTPException) -> Response:
        if not wants_json(request):
            if error.status_code == 401:  # pages send people to the login form, and back afterwards
                return RedirectResponse(login_url(request.url.path, request.url.query), status_code=303)
            message = error.detail.get("message") if isinstance(error.detail, dict) else None
            return error_page(request, error.status_code, message if error.status_code != 404 else None)
        detail = error.detail if isinstance(error.detail, dict) else {"code": "http_error", "message": str(error.detail)}
        return JSONResponse({"error": detail}, status_code=error.status_code, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        if wants_json(request):
            return await request_validation_exception_handler(request, error)
        return error_page(request, 422)

    @app.exception_handler(Exception)
    async def _crash(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        if wants_json(request):
            return JSONResponse({"error": {"code": "internal", "message": PAGES[500][1]}}, status_code=500)
        return error_page(request, 500)
