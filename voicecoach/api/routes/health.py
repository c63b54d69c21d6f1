"""Health probe: the service answers, a worker is alive and the queue moves."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from voicecoach import __version__
from voicecoach.api.deps import SessionDep
from voicecoach.jobs import queue_health
from voicecoach.streaming.session import is_warm

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request, session: SessionDep) -> JSONResponse:
    """200 with `status: ok`, or 503 with the problems: no worker heartbeat for
    VOICECOACH_WORKER_STALE_SECONDS (while one is expected or jobs wait), or a job waiting longer
    than VOICECOACH_QUEUE_STALE_SECONDS. `live.ready`: the streamed replies' Whisper is loaded and
    warm (until then a reply streamed at once is worked out after Stop, as an upload is)."""
    settings = request.app.state.settings
    queue = queue_health(session)
    problems = []
    beat = queue["last_beat_seconds"]
    worker_quiet = beat is None or beat > settings.worker_stale_seconds
    starting = time.monotonic() - request.app.state.started < settings.worker_stale_seconds
    expected = getattr(request.app.state, "worker_expected", False)
    if worker_quiet and not starting and (expected or queue["waiting"]):
        problems.append("worker_stale")
    if (queue["oldest_waiting_seconds"] or 0) > settings.queue_stale_seconds:
        problems.append("queue_stale")
    body: dict[str, Any] = {
        "status": "stale" if problems else "ok",
        "version": __version__,
        "problems": problems,
        "worker": {"last_beat_seconds": _round(beat)},
        "live": {"ready": is_warm()},
        "queue": {"waiting": queue["waiting"], "oldest_waiting_seconds": _round(queue["oldest_waiting_seconds"])},
    }
    return JSONResponse(body, status_code=503 if problems else 200)


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)
