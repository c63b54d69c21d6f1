"""The web server's end of "a job ended" wake-ups (voicecoach/wakeup.py, `ENDED`): a wait for an
analysis (a streamed reply's, or a page asking for a result with `?wait=`) looks at its status
again the moment any worker ended a job, instead of at its next poll.

One listening socket per server process, watched by the event loop itself (no thread per wait); a
wait takes `changed()` before it reads the status, so an end that comes between the read
and the wait is not missed. A worker elsewhere (a shared PostgreSQL) cannot reach it: the waits
still poll, slower.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import threading
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from voicecoach.api.deps import current_user
from voicecoach.store.models import PENDING, User
from voicecoach.wakeup import ENDED, WakeUp, wake_folder

Row = TypeVar("Row", bound=Any)  # a table row with `id` and `status` (a turn, a calibration)
POLL_S = 0.5  # a worker that cannot wake this server (another machine) is still heard this often
HOLD_MAX_S = 25.0  # a held answer comes well within the page's and proxies' request timeouts
HoldSeconds = Annotated[float, Query(
    ge=0, le=HOLD_MAX_S,
    description="Hold the answer up to this many seconds while the analysis is queued or running: it comes the "
    "moment the analysis ends, instead of at the next ask (0: answer at once).",
)]


class JobEndings:
    def __init__(self, database_url: URL | str) -> None:
        self._folder = wake_folder(database_url, ENDED)
        self._wake: WakeUp | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event = asyncio.Event()
        self._lock = threading.Lock()

    def changed(self) -> asyncio.Event:
        """An event set when the next job ends (in the running event loop)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._wake is None:  # the first wait: listen from now on (a socket file only when used)
                self._wake = WakeUp(self._folder)
                atexit.register(self.close)
            if loop is not self._loop:  # a new loop (a test client's): watch the socket there
                self._unwatch()
                self._loop, self._event = loop, asyncio.Event()
                if (socket := self._wake.fileno()) is not None:
                    loop.add_reader(socket, self._ended)
            return self._event

    def _ended(self) -> None:
        if self._wake is not None:
            self._wake.drain()
        ended, self._event = self._event, asyncio.Event()
        ended.set()

    def _unwatch(self) -> None:
        socket = self._wake.fileno() if self._wake is not None else None
        if socket is not None and self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(socket)

    def close(self) -> None:
        with self._lock:
            self._unwatch()
            if self._wake is not None:
                self._wake.close()
                self._wake = None
            self._loop = None  # a later wait listens and watches afresh


async def until_ended(
    endings: JobEndings, read_status: Callable[[], str], seconds: float,
    gone: Callable[[], Awaitable[bool]] | None = None,
) -> str:
    """`read_status()` (blocking, run in the thread pool) once it is no longer PENDING, or as it is
    after `seconds` or once `gone()` (the asker left): read again whenever a worker ended a job, and
    every POLL_S in case a wake-up was lost. Holds no database connection between reads
    (`read_status` opens its own)."""
    deadline = time.monotonic() + seconds
    while True:
        ended = endings.changed()  # taken before the read: an end between the two is not missed
        status = await run_in_threadpool(read_status)
        left = deadline - time.monotonic()
        if status not in PENDING or left <= 0 or (gone is not None and await gone()):
            return status
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ended.wait(), min(POLL_S, left))


def job_status(sessions: sessionmaker[Session], row_type: type, row_id: Any) -> str:
    """The status of one row of `row_type` (a turn, a calibration), "deleted" once it is gone."""
    with sessions() as session:
        row = session.get(row_type, row_id)
        return row.status if row is not None else "deleted"


async def held_answer(request: Request, session: Session, user: User, read: Callable[[User], Row], hold: float) -> Row:
    """`read(user)` (the access-checked row a page asks for), at once when its job has ended, else once
    it ends, `hold` seconds passed or the page went away. The request's read transaction ends before
    the wait, so waiting pages hold no database connection (the pool is small, a classroom is not);
    login and access are checked again after it."""
    row = await run_in_threadpool(read, user)
    if hold <= 0 or row.status not in PENDING:
        return row
    row_type, row_id = type(row), row.id
    await run_in_threadpool(session.rollback)  # a read-only request: ends its transaction, frees the connection
    state = request.app.state
    # a page that went away (closed, reloaded) ends its held ask: it would hold up a server stopping
    await until_ended(state.job_endings, partial(job_status, state.sessions, row_type, row_id), hold, request.is_disconnected)
    # logged out, deactivated, deleted (401) or the row gone (404) meanwhile: the rollback expired them all
    return await run_in_threadpool(lambda: read(current_user(request, session)))
