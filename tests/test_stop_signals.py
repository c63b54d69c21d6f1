"""A worker stops on SIGTERM however the signals fall: `Event.set` inside a Python signal handler
deadlocked a worker that got SIGTERM twice (once from the kernel when its server died, once from
the server), so the handler takes no lock (voicecoach/lifetime.py: stop_on_signals)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PROGRAM = """
import signal, threading
from voicecoach.lifetime import stop_on_signals
stop = threading.Event()
stop_on_signals(stop, signal.SIGTERM, signal.SIGINT)
print("ready", flush=True)
while not stop.is_set():
    stop.wait(0.0005)  # the worker's loop: mostly inside Event.wait, where the deadlock struck
print("stopped", flush=True)
"""


def test_a_burst_of_stop_signals_stops_the_loop() -> None:
    process = subprocess.Popen([sys.executable, "-c", PROGRAM], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        for number in [signal.SIGTERM, signal.SIGINT] * 200:  # the server's and the kernel's, and more
            os.kill(process.pid, number)
            time.sleep(0.0002)
        process.wait(timeout=30)  # ended (signals still arriving during its exit may end it sooner)
        assert process.stdout.read().strip() == "stopped"
    finally:
        process.kill()
