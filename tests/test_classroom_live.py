"""The classroom round against a real `voicecoach serve`: the board's server-sent events (live,
in order, resumed after Last-Event-ID) and LAN mode (HTTPS with the app's certificate only when a
teacher turns it on; the default stays 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.live import LiveService, free_port
from voicecoach.classroom.lan import lan_addresses


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[LiveService]:  # type: ignore[no-untyped-def]
    live = LiveService(tmp_path_factory.mktemp("data"), lan_port=str(free_port())).start()
    live.create_user("docent", role="teacher")
    for name in ("anna", "bram"):
        live.create_user(name)
    live.create_group("klas 2A", "docent", "anna", "bram")
    yield live
    live.stop()


def read_events(client: httpx.Client, url: str, into: list[dict], stop: threading.Event, headers: dict | None = None) -> None:
    """Collect server-sent events (id, event, data) until `stop` is set."""
    try:
        with client.stream("GET", url, headers=headers or {}, timeout=httpx.Timeout(30, read=None)) as response:
            assert response.status_code == 200
            event: dict = {}
            for line in response.iter_lines():
                if stop.is_set():
                    return
                if not line:
                    if "id" in event:
                        into.append(event)
                    event = {}
                elif ":" in line and not line.startswith(":"):
                    field, _, value = line.partition(":")
                    event[field] = value.strip()
    except httpx.TransportError:  # the service stopped at the end of the module
        return


def wait_for(predicate, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_board_events_arrive_live_in_order_and_resume_after_last_event_id(service):
    docent, anna, bram = service.client("docent"), service.client("anna"), service.client("bram")
    created = docent.post("/api/rounds", json={"group_id": 1, "scenario_id": "monteur-deur"}).json()  # the only group
    url = f"/api/rounds/{created['id']}/events"
    assert bram.get(url, timeout=5).status_code == 404  # not joined: no stream
    events: list[dict] = []
    stop = threading.Event()
    reader = threading.Thread(target=read_events, args=(service.client("docent"), url, events, stop), daemon=True)
    reader.start()
    time.sleep(0.5)
    for client in (anna, bram):
        client.post("/api/rounds/join", json={"code": created["code"]})
    docent.post(f"/api/rounds/{created['id']}/roles", json={})  # anna answers, bram observes
    for label in ("open_vraag", "begrip_tonen", "aanjager:kalmeringsbevel"):
        assert bram.post(f"/api/rounds/{created['id']}/marks", json={"label": label}).status_code == 201
    wait_for(lambda: len(events) >= 6)
    assert [e["event"] for e in events] == ["joined", "joined", "roles", "mark", "mark", "mark"]
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    last = json.loads(events[-1]["data"])["board"]
    assert last["conversation"]["turns"][0]["tally"] == {"open_vraag": 1, "begrip_tonen": 1, "aanjager:kalmeringsbevel": 1}
    # a board that lost its connection after the third event gets exactly the rest
    resumed: list[dict] = []
    again = threading.Thread(target=read_events, args=(service.client("docent"), url, resumed, stop, {"Last-Event-ID": str(ids[2])}), daemon=True)
    again.start()
    wait_for(lambda: len(resumed) >= 3)
    assert [int(e["id"]) for e in resumed[:3]] == ids[3:]
    stop.set()


def fingerprint_of(host: str, port: int) -> str:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=5) as raw, context.wrap_socket(raw) as tls:
        der = tls.getpeercert(binary_form=True)
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def refused(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return True
    return False


@pytest.mark.skipif(not lan_addresses(), reason="this machine has no network address besides loopback")
def test_lan_mode_serves_https_with_the_generated_certificate_and_the_default_stays_loopback(service):
    address = lan_addresses()[0]
    lan_port = int(service.env["VOICECOACH_LAN_PORT"])
    # default: the service answers on 127.0.0.1 only, and no LAN server listens
    assert httpx.get(f"{service.url}/healthz").status_code in (200, 503)
    assert refused(address, service.port) and refused(address, lan_port) and refused("127.0.0.1", lan_port)

    docent = service.client("docent")
    token = docent.headers["X-CSRF-Token"]
    lesson = "/klas/ronde/{}".format(docent.post("/api/rounds", json={"group_id": 1, "scenario_id": "monteur-deur"}).json()["id"])
    assert 'id="join-only-here"' in docent.get(lesson).text  # a 127.0.0.1 link reaches no phone: the teacher is told
    docent.post("/klas/netwerk", data={"enabled": "ja", "csrf_token": token})
    shown = re.search(r'id="fingerprint">([0-9A-F:]+)<', docent.get("/klas").text).group(1)
    page = docent.get(lesson).text
    assert 'id="join-only-here"' not in page and f"https://{address}:{lan_port}/klas/meedoen?code=" in page
    wait_for(lambda: not refused(address, lan_port), seconds=30)
    assert fingerprint_of(address, lan_port) == shown
    cert = service.env["VOICECOACH_DATA_DIR"] + "/lan/lan-cert.pem"
    with httpx.Client(base_url=f"https://{address}:{lan_port}", verify=ssl.create_default_context(cafile=cert)) as phone:
        login = phone.get("/login")
        assert login.status_code == 200 and "Inloggen" in login.text  # verified against the app's own certificate
        assert phone.get("/beheer").status_code == 404  # account management stays on the laptop
    assert refused(address, service.port)  # the ordinary server still listens on loopback only

    docent.post("/klas/netwerk", data={"enabled": "nee", "csrf_token": token})
    wait_for(lambda: refused(address, lan_port), seconds=30)
