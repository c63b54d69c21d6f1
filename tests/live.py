"""A real VoiceCoach service in child processes: `serve --no-worker` and separate `worker`s."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveService:
    def __init__(self, data_dir: Path, **settings: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "VOICECOACH_DATA_DIR": str(data_dir),
            "VOICECOACH_PORT": str(self.port),
            **{f"VOICECOACH_{k.upper()}": v for k, v in settings.items()},
        }
        self.server: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def start(self, *, with_worker: bool = False) -> LiveService:
        """`serve --no-worker` (workers started by `start_worker`), or `serve` with its own worker."""
        command = [sys.executable, "-m", "voicecoach", "serve", "--worker" if with_worker else "--no-worker"]
        self.server = subprocess.Popen(command, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/healthz", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("the service did not start")

    def wait_until_live_ready(self, seconds: float = 300) -> None:
        """Until /healthz says the streamed replies' Whisper is warm (`serve` warms it at start)."""
        deadline = time.monotonic() + seconds
        while not httpx.get(f"{self.url}/healthz", timeout=5).json()["live"]["ready"]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the live pass was not warm after {seconds:.0f} s")
            time.sleep(0.5)

    def create_user(self, username: str, role: str = "trainee", password: str = "geheim-wachtwoord") -> None:
        subprocess.run(
            [sys.executable, "-m", "voicecoach", "users", "create", username, "--role", role, "--password-stdin"],
            input=password + "\n", text=True, env=self.env, check=True, capture_output=True,
        )

    def create_group(self, name: str, *members: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "voicecoach", "users", "group", name, *(arg for m in members for arg in ("--add", m))],
            env=self.env, check=True, capture_output=True,
        )

    def client(self, username: str, password: str = "geheim-wachtwoord") -> httpx.Client:
        """An HTTP client logged in as `username`, sending the CSRF token."""
        client = httpx.Client(base_url=self.url, timeout=60)
        client.post("/login", data={"username": username, "password": password})
        client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
        return client

    def start_worker(self, log: Path | None = None) -> subprocess.Popen:
        """A `voicecoach worker`; with `log`, its log lines (stderr) go to that file."""
        stderr = log.open("ab") if log is not None else None
        worker = subprocess.Popen([sys.executable, "-m", "voicecoach", "worker"], env=self.env, stderr=stderr)
        if stderr is not None:
            stderr.close()  # the child has its own copy
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for process in [*self.workers, self.server]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=45)  # serve gives its worker 30 s to finish
                except subprocess.TimeoutExpired:
                    process.kill()


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
