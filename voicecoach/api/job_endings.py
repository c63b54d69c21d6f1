"""The web server's end of "a job ended" wake-ups (voicecoach/wakeup.py, `ENDED`): a streamed reply's
wait for its analysis looks at the turn again the moment any worker ended a job, instead of at its
next poll (up to a poll interval, 50 ms, after the result was there).

One listening socket per server process, watched by the event loop itself (no thread per wait); a
wait takes `changed()` before it reads the turn's status, so an end that comes between the read
and the wait is not missed. A worker elsewhere (a shared PostgreSQL) cannot reach it: the waits
still poll, slower.
"""

from __future__ import annotations

import asyncio
import atexit
import threading

from sqlalchemy.engine import URL

from voicecoach.wakeup import ENDED, WakeUp, wake_folder


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
