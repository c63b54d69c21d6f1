"""The started service answers on 127.0.0.1 and, by default, on no other interface."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import free_port


def own_non_loopback_ipv4() -> list[str]:
    """This machine's own interface addresses (connecting to them stays on this machine)."""
    out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True).stdout
    addresses = [line.split()[3].split("/")[0] for line in out.splitlines() if "inet " in line]
    return [a for a in addresses if not a.startswith("127.")]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a LISTEN socket on `port`, read from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address_hex, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                if len(address_hex) == 8:
                    found.add(socket.inet_ntoa(bytes.fromhex(address_hex)[::-1]))
                else:
                    found.add(address_hex)
    return found


@pytest.fixture
def served(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "VOICECOACH_DATA_DIR": str(tmp_path / "data"), "VOICECOACH_PORT": str(port)}
    env.pop("VOICECOACH_HOST", None)
    process = subprocess.Popen([sys.executable, "-m", "voicecoach", "serve"], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_healthz_on_loopback_only(served: int):
    response = httpx.get(f"http://127.0.0.1:{served}/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert listening_addresses(served) == {"127.0.0.1"}
    for address in ["127.0.0.2", *own_non_loopback_ipv4()]:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://{address}:{served}/healthz", timeout=2)


def test_home_asks_for_a_login_in_dutch(served: int):
    response = httpx.get(f"http://127.0.0.1:{served}/", timeout=5)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    login = httpx.get(f"http://127.0.0.1:{served}/login", timeout=5)
    assert login.status_code == 200
    assert '<html lang="nl">' in login.text
    assert "Inloggen" in login.text and "beheerder" in login.text
    assert "voicecoach users create" not in login.text  # no shell command for end users (README has it)
