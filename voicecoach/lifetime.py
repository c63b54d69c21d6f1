"""Child processes end with their parent: a killed server leaves no worker, a killed worker no
analysis process (Linux parent-death signal)."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
import threading

PR_SET_PDEATHSIG = 1
_WAKEUP_SOCKETS: list[socket.socket] = []


def die_with_parent(expected_parent: int | None = None) -> None:
    """Ask the kernel for SIGTERM when the parent dies; exit now if it already has."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)  # the parent died before the signal was armed


def killed_first_when_out_of_memory() -> None:
    """Make this process the kernel's first choice when memory runs out (it holds the big inputs)."""
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
    except OSError:
        pass  # not Linux, or not allowed: the analysis then simply shares the risk


BACKGROUND_NICENESS = 10


def yield_to_interactive() -> None:
    """Lower this thread's CPU priority (and that of the threads it starts: Linux keeps a nice
    value per thread). Analysis is background work; on a two-core laptop a browser recording the
    trainee must not lose audio to it (Chromium drops the samples its audio thread missed)."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, min(19, os.getpriority(os.PRIO_PROCESS, 0) + BACKGROUND_NICENESS))
    except (OSError, AttributeError):
        pass  # not allowed, or no such call on this system: the work runs at normal priority


def stop_on_signals(stop: threading.Event, *signals: signal.Signals) -> None:
    """Set `stop` when one of `signals` arrives (call from the main thread).

    The handler itself takes no lock: `Event.set` in a Python signal handler deadlocks when the
    signal lands while the main thread is inside `Event.set`/`wait` of the same event (a worker
    that got SIGTERM twice hung for ever). The C-level handler writes to a wake-up socket instead,
    and a thread sets the event."""
    receiver, sender = socket.socketpair()
    sender.setblocking(False)
    signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    for number in signals:
        signal.signal(number, lambda *_: None)

    _WAKEUP_SOCKETS.extend((receiver, sender))  # open for the process's life: signals keep writing

    def watch() -> None:
        while receiver.recv(64):
            stop.set()

    threading.Thread(target=watch, name="signals", daemon=True).start()
