"""Waking the analysis workers the moment a job is committed, and the web server the moment a job
ended, instead of at their next poll.

`voicecoach serve` runs its worker as a separate process, so an in-process event cannot reach it.
Each worker listens on a Unix datagram socket in a folder shared by everything that uses the same
database (named by a hash of its URL, in the temporary directory: a socket path may hold only 108
bytes); committing a job sends one byte to every socket there. A worker on another machine (a
shared PostgreSQL) is not reached and finds the job at its next poll, as before; a lost wake-up
costs at most one poll interval.

The other way round, a worker that ended a job wakes the web server's waits for an analysis (a
streamed reply's "analysed" message) through a second folder of the same kind (`ENDED`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import select
import socket
import tempfile
import threading
import uuid
from pathlib import Path

from sqlalchemy.engine import URL, make_url


log = logging.getLogger(__name__)

JOBS = "wake"  # a job was committed: the workers' folder
ENDED = "ended"  # a job ended: the web servers' folder


def wake_folder(database_url: URL | str, purpose: str = JOBS) -> Path:
    # Rendered by SQLAlchemy whatever the caller holds: the settings' string and an engine's URL
    # spell the same database differently (query order, escaping), and both sides must agree.
    url = make_url(database_url).render_as_string(hide_password=False)
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"voicecoach-{purpose}-{digest}"


def _own_folder(folder: Path, *, create: bool = False) -> bool:
    """True when `folder` exists (made now with `create`) and belongs to this user alone."""
    if create:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
    elif not folder.exists():
        return False
    info = folder.lstat()
    return folder.is_dir() and not folder.is_symlink() and info.st_uid == os.getuid() and info.st_mode & 0o077 == 0


def wake_all(folder: Path) -> int:
    """Send a wake-up to every worker listening in `folder`; the number reached."""
    try:
        listeners = list(folder.glob("*.sock")) if _own_folder(folder) else []
    except OSError:
        return 0
    reached = 0
    try:
        sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    except OSError:  # e.g. out of file descriptors: the listeners find the change at their next poll
        return 0
    with sender:
        sender.setblocking(False)
        for path in listeners:
            try:
                sender.sendto(b"1", str(path))
                reached += 1
            except OSError:  # a worker gone without cleaning up, or a full buffer: it is awake anyway
                continue
    return reached


class WakeUp:
    """A listener's end: `wait` returns early when woken (a worker's: a job was committed)."""

    def __init__(self, folder: Path) -> None:
        self.path: Path | None = None
        self._socket: socket.socket | None = None
        try:
            if _own_folder(folder, create=True):
                path = folder / f"{os.getpid()}-{uuid.uuid4().hex[:12]}.sock"
                listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                listener.bind(str(path))
                listener.setblocking(False)
                self.path, self._socket = path, listener
            else:
                log.warning("wake-ups off: %s is not this user's alone; polling instead", folder)
        except OSError as exc:  # no wake-ups: the listener polls as before
            log.warning("wake-ups off (%s); polling instead", exc)
            self.close()

    def wait(self, timeout: float) -> bool:
        """Sleep until woken or `timeout` seconds passed; True when woken."""
        if self._socket is None:
            threading.Event().wait(timeout)
            return False
        ready, _, _ = select.select([self._socket], [], [], timeout)
        self.drain()
        return bool(ready)

    def fileno(self) -> int | None:
        """The socket to watch in an event loop (None: no wake-ups, poll)."""
        return self._socket.fileno() if self._socket is not None else None

    def drain(self) -> None:
        """Take every wake-up waiting: one for however many jobs were committed."""
        if self._socket is not None:
            with contextlib.suppress(BlockingIOError):
                while self._socket.recv(64):
                    pass

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()  # only when no other worker listens there
            self.path = None
