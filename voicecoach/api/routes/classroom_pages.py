"""Pages of the classroom rollenspel (Dutch): the teacher's overview, joining with a code, the
round on a phone (per role), the projector board, and the nabespreking with its PDF."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from voicecoach.api.deps import CSRF_MISSING, DbId, LoginDep, ServiceDep, SessionDep, UserDep
from voicecoach.api.security import same_origin
from voicecoach.api.templating import templates
from voicecoach.classroom import rounds
from voicecoach.classroom.board import students_of
from voicecoach.classroom.debrief import debrief
from voicecoach.classroom.lan import (
    ensure_certificate,
    join_base_url,
    lan_addresses,
    lan_enabled,
    lan_urls,
    set_lan,
)
from voicecoach.classroom.overview import assign, group_overview
from voicecoach.classroom.qr import join_url
from voicecoach.errors import VoiceCoachError
from voicecoach.reports.pdf import html_to_pdf
from voicecoach.vocabulary import CUSTOMER_MODES

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}

router = APIRouter(include_in_schema=False)


def _checked_form(request: Request, login: LoginDep, csrf_token: str) -> None:
    """Plain form posts carry the CSRF token as a field and must come from this site."""
    if csrf_token != login.csrf_token or not same_origin(request):
        raise VoiceCoachError(CSRF_MISSING["message"], code=CSRF_MISSING["code"])


@router.get("/klas", response_class=HTMLResponse)
def overview_page(request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> Response:
    """The teacher's classes; students go to the join page."""
    if user.role != "teacher":
        return RedirectResponse("/klas/meedoen", status_code=303)
    addresses = lan_addresses()
    lan = lan_enabled(session)
    cert = ensure_certificate(service.settings.data_dir / "lan", addresses) if lan else None
    return templates.TemplateResponse(request, "classroom_overview.html", {
        "user": user, "csrf_token": login.csrf_token, "groups": group_overview(session, service, user),
        "scenarios": list(service.scenarios.values()), "customer_modes": CUSTOMER_MODES,
        "lan": lan, "lan_urls": lan_urls(addresses, service.settings.lan_port), "fingerprint": cert.fingerprint if cert else None,
    })


@router.post("/klas/toewijzen")
def assign_form(
    request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep,
    group_id: Annotated[int, Form(ge=1, le=2**62)], scenario_id: Annotated[str, Form(max_length=60)],
    csrf_token: Annotated[str, Form(max_length=100)], action: Annotated[str, Form(max_length=10)] = "aan",
) -> RedirectResponse:
    _checked_form(request, login, csrf_token)
    assign(session, service, user, group_id, scenario_id, action == "aan")
    return RedirectResponse("/klas", status_code=303)


@router.post("/klas/netwerk")
def lan_form(
    request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep,
    csrf_token: Annotated[str, Form(max_length=100)], enabled: Annotated[str, Form(max_length=5)],
) -> RedirectResponse:
    _checked_form(request, login, csrf_token)
    if enabled == "ja":
        ensure_certificate(service.settings.data_dir / "lan", lan_addresses())
    set_lan(session, user, enabled == "ja")
    return RedirectResponse("/klas#netwerk", status_code=303)


@router.get("/klas/meedoen", response_class=HTMLResponse)
def join_page(
    request: Request, session: SessionDep, user: UserDep, login: LoginDep, code: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    joined = rounds.already_in(session, user, code) if code else None
    if joined is not None:
        return RedirectResponse(f"/klas/ronde/{joined.id}", status_code=303)
    return templates.TemplateResponse(request, "classroom_join.html", {"user": user, "csrf_token": login.csrf_token, "code": code})


@router.get("/klas/ronde/{round_id}", response_class=HTMLResponse)
def round_page(round_id: DbId, request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    row = rounds.get_round(session, user, round_id)
    link = join_url(join_base_url(session, service.settings.lan_port, str(request.base_url)), row.code)
    return templates.TemplateResponse(request, "classroom_round.html", {
        "user": user, "csrf_token": login.csrf_token, "round": row, "scenario": service.scenario(row.scenario_id),
        "is_teacher": row.teacher_id == user.id, "join_url": link,
        # a loopback link (the LAN off) reaches no phone: the teacher is told where to turn it on
        "join_only_here": urlsplit(link).hostname in LOOPBACK_NAMES,
        "students": students_of(session, row),
        "needs_calibration": row.teacher_id != user.id and row.closed_at is None and service.baseline_for(session, user) is None,
    })


@router.get("/klas/bord/{round_id}", response_class=HTMLResponse)
def board_page(round_id: DbId, request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    row = rounds.get_round(session, user, round_id)
    return templates.TemplateResponse(request, "classroom_board.html", {
        "user": user, "csrf_token": login.csrf_token, "round": row, "scenario": service.scenario(row.scenario_id),
    })


@router.get("/klas/ronde/{round_id}/nabespreking/{student_id}", response_class=HTMLResponse)
def debrief_page(round_id: DbId, student_id: DbId, request: Request, session: SessionDep, service: ServiceDep, user: UserDep, login: LoginDep) -> HTMLResponse:
    data = debrief(session, service, user, round_id, student_id)
    return templates.TemplateResponse(request, "classroom_debrief.html", {**data, "user": user, "csrf_token": login.csrf_token})


@router.get("/klas/ronde/{round_id}/nabespreking/{student_id}/pdf")
def debrief_pdf(round_id: DbId, student_id: DbId, request: Request, session: SessionDep, service: ServiceDep, user: UserDep) -> Response:
    """The nabespreking as a PDF for the student's portfolio."""
    data = debrief(session, service, user, round_id, student_id)
    html = templates.get_template("classroom_debrief_pdf.html").render(data)
    name = f"nabespreking-{data['student'].username}-{data['round'].code}.pdf"
    return Response(html_to_pdf(html, str(request.base_url)), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

