"""Nothing recorded is lost: a worker killed mid-analysis, a connection dropped mid-upload."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import LiveService


@pytest.fixture
def service(tmp_path: Path) -> Iterator[LiveService]:
    live = LiveService(tmp_path / "data", job_lease_seconds="3").start()
    live.create_user("oefenaar")
    yield live
    live.stop()


def _wait_status(client: httpx.Client, url: str, wanted: set[str], timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        turn = client.get(url, timeout=5).json()
        if turn["status"] in wanted:
            return turn
        time.sleep(0.05)
    raise AssertionError(f"status never became {wanted}: {turn}")


def test_sigkill_during_analysis_then_restart_finishes_the_job(service, tmp_path, dutch_reply_wav):
    client = service.client("oefenaar")
    conversation = client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()
    worker = service.start_worker()
    time.sleep(1)
    turn_id = client.post(f"/api/conversations/{conversation['id']}/turns", content=dutch_reply_wav.read_bytes()).json()["turn_id"]
    turn_url = f"/api/turns/{turn_id}"
    _wait_status(client, turn_url, {"running"}, timeout=120)  # the worker is inside the analysis now
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    time.sleep(0.5)
    assert client.get(turn_url).json()["status"] == "running"  # no result: it died mid-way

    service.start_worker()  # after its lease (3 s) runs out, the job is claimed again
    turn = _wait_status(client, turn_url, {"done", "error"}, timeout=180)
    assert turn["status"] == "done"
    assert turn["result"]["analysis"]["transcript"]["text"]
    assert client.get(f"{turn_url}/audio").content == dutch_reply_wav.read_bytes()
    assert client.get(f"/api/conversations/{conversation['id']}").json()["state"]["turn"] == 1


def test_connection_lost_mid_upload_stores_nothing(service, tmp_path, dutch_reply_wav):
    client = service.client("oefenaar")
    conversation = client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()
    body = dutch_reply_wav.read_bytes()
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    with socket.create_connection(("127.0.0.1", service.port)) as sock:
        sock.sendall(
            f"POST /api/conversations/{conversation['id']}/turns HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: {cookie}\r\nX-CSRF-Token: {client.headers['X-CSRF-Token']}\r\n"
            f"Content-Type: audio/wav\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body[: len(body) // 2]
        )
        time.sleep(0.5)
    time.sleep(1.0)
    after = client.get(f"/api/conversations/{conversation['id']}").json()
    assert after["turns"] == []
    recordings = Path(service.env["VOICECOACH_DATA_DIR"]) / "recordings"
    assert not recordings.exists() or not [p for p in recordings.rglob("*") if p.is_file()]
    # the service is fine afterwards: a complete upload still works
    response = client.post(f"/api/conversations/{conversation['id']}/turns", content=body)
    assert response.status_code == 202
