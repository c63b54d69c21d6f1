"""Errors as Dutch pages with a way back for people, and as Dutch JSON for the API (/api/…)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from voicecoach.api.error_codes import ERROR_STATUS
from voicecoach.api.navigation import login_url
from voicecoach.api.templating import templates
from voicecoach.api.validation import dutch_fields, dutch_message, dutch_validation_error
from voicecoach.errors import VoiceCoachError

log = logging.getLogger(__name__)

PAGES = {
    403: ("Geen toegang", "Deze pagina is niet voor jouw account bedoeld."),
    404: ("Niet gevonden", "Deze pagina of dit gesprek bestaat niet (meer), of je mag het niet zien."),
    422: ("Dat klopt niet helemaal", "Het adres of een ingevuld veld is niet goed. Ga terug en probeer het opnieuw."),
    500: ("Er ging iets mis", "Er ging bij VoiceCoach iets mis. Je gegevens zijn bewaard. Probeer het zo nog eens."),
    503: ("Even druk", "VoiceCoach is even heel druk bezig. Er is niets opgeslagen; probeer het over een paar seconden opnieuw."),
}
BUSY = {"code": "busy", "message": PAGES[503][1]}
FAILED = {"code": "server_error", "message": "Er ging iets mis op de server. Er is niets opgeslagen; probeer het opnieuw."}


def wants_json(request: Request) -> bool:
    """Scripts, styles and the API get JSON; a person who opened an unknown /static/ address in the
    browser (it asks for HTML) gets the Dutch page with a way back (it got JSON, a test session)."""
    if request.url.path.startswith("/static/") and "text/html" in request.headers.get("accept", ""):
        return False
    return request.url.path.startswith(("/api/", "/static/", "/docs", "/openapi", "/healthz"))


def error_page(request: Request, status: int, message: str | None = None) -> HTMLResponse:
    title, text = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[422])
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "message": message or text, "status": status}, status_code=status
    )


# Starlette's own errors (an unknown /api/ address, a wrong method) come with English text ("Not
# Found", a test session): the API answers in Dutch like every other error.
API_MESSAGES = {
    404: "Dit adres bestaat niet in VoiceCoach.",
    405: "Dit adres kan dit verzoek niet aan (verkeerde methode).",
}


def _dutch(error: HTTPException) -> str:
    if error.status_code in API_MESSAGES:
        return API_MESSAGES[error.status_code]
    return PAGES.get(error.status_code, PAGES[500] if error.status_code >= 500 else PAGES[422])[1]


def install(app: FastAPI) -> None:
    @app.exception_handler(VoiceCoachError)
    async def _voicecoach_error(request: Request, error: VoiceCoachError) -> Response:
        status = ERROR_STATUS.get(error.code, 400)
        if not wants_json(request):
            return error_page(request, status, error.message)
        retry = getattr(error, "retry_after", None)
        return JSONResponse({"error": error.to_dict()}, status_code=status, headers={"Retry-After": str(retry)} if retry else None)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, error: HTTPException) -> Response:
        if not wants_json(request):
            if error.status_code == 401:  # pages send people to the login form, and back afterwards
                return RedirectResponse(login_url(request.url.path, request.url.query), status_code=303)
            message = error.detail.get("message") if isinstance(error.detail, dict) else None
            return error_page(request, error.status_code, message if error.status_code != 404 else None)
        detail = error.detail if isinstance(error.detail, dict) else {"code": "http_error", "message": _dutch(error)}
        return JSONResponse({"error": detail}, status_code=error.status_code, headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        if wants_json(request):
            return await dutch_validation_error(request, error)
        if any(problem["loc"][:1] == ("path",) for problem in error.errors()):
            # a page address that cannot exist ('/klas/ronde/1/nabespreking/anna'): not found, in
            # plain words ("adresdeel 'student_id' moet een geheel getal zijn" was read by a teacher)
            return error_page(request, 404)
        return error_page(request, 422, dutch_message(dutch_fields(error)))

    @app.exception_handler(OperationalError)
    async def _database_busy(request: Request, _error: OperationalError) -> Response:
        # a locked or unreachable database: nothing was committed, the page offers to try again
        if not wants_json(request):
            return error_page(request, 503)
        return JSONResponse({"error": BUSY}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _crash(request: Request, _error: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        if wants_json(request):
            return JSONResponse({"error": FAILED}, status_code=500)
        return error_page(request, 500)
