"""Reliability against a live service (`serve` with its supervised worker, real Whisper): a
generated bad-input corpus, crashing analyses, deletions during analysis, a held database lock,
and SIGKILL of worker and server mid-upload and mid-analysis. Nothing stuck, nothing lost."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.audio_factory import sox
from tests.live import LiveService, alive, children
from tests.reliability_corpus import build_corpus
from voicecoach.audio.errors import MESSAGES
from voicecoach.jobs import MAX_ATTEMPTS

pytestmark = pytest.mark.reliability
MAX_UPLOAD = 8_000_000
ENGLISH = re.compile(r"\b(the|should|error|failed|exception|traceback|locked|required)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[LiveService]:  # type: ignore[no-untyped-def]
    # the page uploads here (this module tests the upload path and its failures; streaming has its own tests)
    service = LiveService(
        tmp_path_factory.mktemp("data"), job_lease_seconds="5", max_upload_bytes=str(MAX_UPLOAD), live_streaming="false",
        analysis_processes="2",  # what `serve` runs on two cores or more, whatever this machine has
    )
    service.start(with_worker=True)
    service.create_user("oefenaar")
    wait_until(lambda: worker_of(service) and analyses_of(worker_of(service)), 60, "the worker did not start")
    yield service
    worker = worker_of(service)
    service.stop()
    assert worker is None or wait_until(lambda: not alive(worker), 40, "the worker outlived its server")


@pytest.fixture(scope="module")
def long_reply(clip_dir: Path, dutch_reply_wav: Path) -> Path:
    """About 20 s of speech: an analysis long enough to be interrupted."""
    return sox(dutch_reply_wav, clip_dir / "lang.wav", "repeat", "3")


def wait_until(condition, seconds: float, message: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(message)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def worker_of(service: LiveService) -> int | None:
    return next((p for p in children(service.server.pid) if "voicecoach worker" in _cmdline(p)), None)


def analyses_of(worker: int | None) -> list[int]:
    """The worker's analysis processes (VOICECOACH_ANALYSIS_PROCESSES of them, side by side)."""
    return [p for p in children(worker) if "spawn_main" in _cmdline(p)] if worker else []


def kill_all(pids: list[int], number: signal.Signals) -> None:
    """Every analysis process: the job runs in one of them, which one is not visible from here."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, number)


def database(service: LiveService) -> sqlite3.Connection:
    path = Path(service.env["VOICECOACH_DATA_DIR"]) / "voicecoach.db"
    return sqlite3.connect(path, timeout=30, check_same_thread=False)


def files_and_rows(service: LiveService) -> tuple[set[str], set[str]]:
    root = Path(service.env["VOICECOACH_DATA_DIR"])
    files = {str(p.relative_to(root)) for p in (root / "recordings").rglob("*") if p.is_file()}
    with database(service) as connection:
        rows = {row[0] for row in connection.execute("SELECT path FROM recordings")}
    return files, rows


def assert_dutch(error: dict, *, audio: bool = True) -> None:
    code, message = error["code"], error["message"]
    assert message and not ENGLISH.search(message), error
    if audio and code in MESSAGES:
        assert message.startswith(MESSAGES[code].split("{")[0]), error


def new_conversation(client: httpx.Client) -> str:
    return client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]


def upload(client: httpx.Client, conversation: str, data: bytes) -> httpx.Response:
    return client.post(f"/api/conversations/{conversation}/turns", content=data, timeout=120)


def final(client: httpx.Client, turn_id: str, seconds: float) -> dict:
    def ended():  # type: ignore[no-untyped-def]
        turn = client.get(f"/api/turns/{turn_id}", timeout=30).json()
        return turn if turn["status"] in ("done", "error") else None
    return wait_until(ended, seconds, f"turn {turn_id} did not end within {seconds} s")


def status_is(client: httpx.Client, turn_id: str, wanted: str):  # type: ignore[no-untyped-def]
    return lambda: client.get(f"/api/turns/{turn_id}").json()["status"] == wanted


def test_two_replies_are_analysed_side_by_side(live, long_reply, dutch_reply_wav):
    client = live.client("oefenaar")
    worker = worker_of(live)
    wait_until(lambda: len(analyses_of(worker)) == 2, 60, "not two analysis processes")
    warm = upload(client, new_conversation(client), dutch_reply_wav.read_bytes()).json()["turn_id"]
    assert final(client, warm, 300)["status"] == "done"  # models loaded
    turns = [upload(client, new_conversation(client), long_reply.read_bytes()).json()["turn_id"] for _ in range(2)]
    both_running = False
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        statuses = [client.get(f"/api/turns/{turn_id}").json()["status"] for turn_id in turns]
        both_running = both_running or statuses == ["running", "running"]
        if all(status in ("done", "error") for status in statuses):
            break
        time.sleep(0.02)
    assert statuses == ["done", "done"], statuses
    assert both_running  # one analysis did not wait for the other
    with database(live) as connection:
        claimed_by = {row[0] for row in connection.execute("SELECT worker FROM jobs WHERE target_id IN (?, ?)", turns)}
    assert len(claimed_by) == 2  # two analysis loops, one job each


def test_every_bad_input_ends_in_done_or_a_dutch_error(live, tmp_path):
    cases = build_corpus(tmp_path / "corpus", MAX_UPLOAD)
    assert len(cases) >= 40
    client = live.client("oefenaar")
    worker = worker_of(live)
    outcomes: dict[str, str] = {}
    acknowledged: dict[str, tuple[str, bytes]] = {}
    for case in cases:
        data = case.path.read_bytes()
        response = upload(client, new_conversation(client), data)
        if response.status_code == 202:
            acknowledged[case.name] = (response.json()["turn_id"], data)
        else:
            assert response.status_code < 500, (case.name, response.text)
            assert_dutch(response.json()["error"], audio=False)
            outcomes[case.name] = "upload:" + response.json()["error"]["code"]
    started = time.monotonic()
    for name, (turn_id, data) in acknowledged.items():
        turn = final(client, turn_id, 600 - (time.monotonic() - started))
        if turn["status"] == "done":
            outcomes[name] = "done"
            assert turn["result"]["analysis"]["transcript"]["words"]  # a scored turn has words
        else:
            assert_dutch(turn["error"])
            outcomes[name] = turn["error"]["code"]
        assert client.get(f"/api/turns/{turn_id}/audio").content == data  # no acknowledged recording lost
    unexpected = {c.name: outcomes[c.name] for c in cases if outcomes[c.name] not in c.outcomes}
    assert not unexpected, unexpected
    assert worker_of(live) == worker and alive(worker)  # the worker never died or restarted
    with database(live) as connection:
        assert connection.execute("SELECT max(attempts) FROM jobs").fetchone()[0] == 1  # no analysis crashed
        stored = " ".join(str(r[0]) for r in connection.execute("SELECT result FROM turns WHERE result IS NOT NULL"))
        assert "Infinity" not in stored and "NaN" not in stored
    files, rows = files_and_rows(live)
    assert files == rows  # nothing on disk without a row
    assert client.get("/healthz").status_code == 200


def test_a_crashing_analysis_fails_its_job_and_never_the_worker(live, long_reply):
    client = live.client("oefenaar")
    worker = worker_of(live)
    # killed once mid-analysis: the job is tried again and finishes
    turn_id = upload(client, new_conversation(client), long_reply.read_bytes()).json()["turn_id"]
    wait_until(status_is(client, turn_id, "running"), 300, "never running")
    kill_all(wait_until(lambda: analyses_of(worker), 30, "no analysis process"), signal.SIGKILL)
    assert final(client, turn_id, 300)["status"] == "done"
    # a native crash at every attempt: after MAX_ATTEMPTS the turn is an error in Dutch
    turn_id = upload(client, new_conversation(client), long_reply.read_bytes()).json()["turn_id"]
    def job_state() -> tuple[int, str]:
        with database(live) as connection:
            return connection.execute("SELECT attempts, status FROM jobs WHERE target_id = ?", (turn_id,)).fetchone()

    # Every analysis process is killed whenever the job runs, until the job gives up. A kill can also
    # hit a process that is still loading its models (restarted after the previous kill): that is no
    # attempt of the job (and delays the next start), so after such a kill a process must have lived
    # twice as long before the next one; on a busy machine loading takes seconds, and killing every
    # process at half a second never let an attempt begin (a test run under load).
    deadline, grace, seen = time.monotonic() + 600, 0.5, {}
    while (state := job_state())[1] != "failed":
        assert time.monotonic() < deadline, f"the job never gave up: {state}"
        assert state[0] <= MAX_ATTEMPTS and state[1] != "done", state
        now = time.monotonic()
        seen = {pid: seen.get(pid, now) for pid in analyses_of(worker)}
        if state[1] == "running" and (grown := [pid for pid, since in seen.items() if now - since >= grace]):
            kill_all(grown, signal.SIGSEGV)
            time.sleep(1)
            grace = grace if job_state()[0] > state[0] else min(2 * grace, 60)
        time.sleep(0.2)
    assert job_state() == (MAX_ATTEMPTS, "failed")
    turn = final(client, turn_id, 60)
    assert turn["status"] == "error" and turn["error"]["code"] == "analysis_failed"
    assert_dutch(turn["error"])
    assert worker_of(live) == worker and alive(worker)
    wait_until(lambda: analyses_of(worker), 120, "the analysis process was not restarted")  # a failed start backs off


def test_deleting_during_analysis_ends_the_job_not_the_worker(live, long_reply, dutch_reply_wav):
    client = live.client("oefenaar")
    worker = worker_of(live)
    turn_id = upload(client, new_conversation(client), long_reply.read_bytes()).json()["turn_id"]
    wait_until(status_is(client, turn_id, "running"), 300, "never running")
    assert client.delete(f"/api/turns/{turn_id}").status_code == 204
    conversation = new_conversation(client)
    turn_id = upload(client, conversation, long_reply.read_bytes()).json()["turn_id"]
    wait_until(status_is(client, turn_id, "running"), 300, "never running")
    assert client.delete(f"/api/conversations/{conversation}").status_code == 204
    turn_id = upload(client, new_conversation(client), dutch_reply_wav.read_bytes()).json()["turn_id"]
    assert final(client, turn_id, 300)["status"] == "done"
    assert worker_of(live) == worker and alive(worker)
    files, rows = files_and_rows(live)
    assert files == rows


def test_a_held_write_lock_loses_nothing_and_stops_nothing(live, dutch_reply_wav):
    client = live.client("oefenaar")
    worker = worker_of(live)
    waiting = upload(client, new_conversation(client), dutch_reply_wav.read_bytes()).json()["turn_id"]
    conversation = new_conversation(client)
    holder = database(live)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock for 20 s
    released = threading.Timer(20, holder.rollback)
    released.start()
    try:
        during = upload(client, conversation, dutch_reply_wav.read_bytes())
        assert client.get("/healthz", timeout=10).status_code in (200, 503)  # readers still get an answer
    finally:
        released.join()
        holder.close()
    if during.status_code == 503:  # refused in Dutch, nothing kept: the page sends it again
        assert_dutch(during.json()["error"], audio=False)
        during = upload(client, conversation, dutch_reply_wav.read_bytes())
    assert during.status_code == 202
    for turn_id in (waiting, during.json()["turn_id"]):
        assert final(client, turn_id, 300)["status"] == "done"
    assert worker_of(live) == worker and alive(worker)
    files, rows = files_and_rows(live)
    assert files == rows


def test_sigkill_of_worker_and_server_mid_upload_and_mid_analysis(tmp_path, long_reply, dutch_reply_wav):
    data_dir = tmp_path / "data"
    live = LiveService(data_dir, job_lease_seconds="3").start(with_worker=True)
    try:
        live.create_user("oefenaar")
        client = live.client("oefenaar")
        worker = wait_until(lambda: worker_of(live), 30, "no worker")
        # the worker dies: serve starts a new one, which finishes the job
        turn_id = upload(client, new_conversation(client), long_reply.read_bytes()).json()["turn_id"]
        wait_until(status_is(client, turn_id, "running"), 300, "never running")
        analyses = analyses_of(worker)
        os.kill(worker, signal.SIGKILL)
        wait_until(lambda: not any(alive(a) for a in analyses), 30, "an analysis process outlived its worker")
        restarted = wait_until(lambda: worker_of(live) not in (None, worker) and worker_of(live), 30, "no new worker")
        assert final(client, turn_id, 240)["status"] == "done"
        # the server dies right after acknowledging an upload: its worker goes with it
        body = long_reply.read_bytes()
        acknowledged = upload(client, new_conversation(client), body).json()["turn_id"]
        analyses = wait_until(lambda: analyses_of(restarted), 30, "no analysis process")
        live.server.send_signal(signal.SIGKILL)
        live.server.wait(timeout=10)
        wait_until(lambda: not alive(restarted) and not any(alive(a) for a in analyses), 40, "the worker outlived its server")
        # the server dies with an upload half sent
        live.start(with_worker=True)
        client = live.client("oefenaar")
        conversation = new_conversation(client)
        orphan = data_dir / "recordings" / "1" / "van-een-gestorven-upload.webm"
        orphan.write_bytes(b"\x1a\x45\xdf\xa3 half")
        os.utime(orphan, (time.time() - 3600, time.time() - 3600))
        with socket.create_connection(("127.0.0.1", live.port)) as sock:
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            sock.sendall(
                f"POST /api/conversations/{conversation}/turns HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                f"X-CSRF-Token: {client.headers['X-CSRF-Token']}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body[: len(body) // 2]
            )
            time.sleep(0.5)
            live.server.send_signal(signal.SIGKILL)
            live.server.wait(timeout=10)
        live.start(with_worker=True)
        client = live.client("oefenaar")
        assert client.get(f"/api/conversations/{conversation}").json()["turns"] == []
        turn = final(client, acknowledged, 240)  # acknowledged before the kill: analysed after it
        assert turn["status"] == "done"
        assert client.get(f"/api/turns/{acknowledged}/audio").content == body
        wait_until(lambda: not orphan.exists(), 30, "the file without a row was not removed")
        files, rows = files_and_rows(live)
        assert files == rows
    finally:
        worker = worker_of(live) if live.server and live.server.poll() is None else None
        live.stop()
        assert worker is None or wait_until(lambda: not alive(worker), 40, "worker left running")


def test_the_page_recovers_from_a_failed_upload_and_says_what_happened(live, tmp_path):
    """A plain-text 500 on the upload: a Dutch message and 'Opnieuw proberen' (not 'Versturen…' for
    ever); sent again, the tone that was recorded comes back as 'geen spraak herkend' and the page
    stops asking."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_support import launch, log_in, record

    microphone = _tone_microphone(tmp_path / "toon.wav")
    with sync_playwright() as playwright:
        browser = launch(playwright, microphone)
        try:
            page = browser.new_page()
            log_in(page, live.url, "oefenaar")
            page.click("button.start >> nth=0")
            page.wait_for_url("**/gesprek/**")
            upload = re.compile(r"/turns(\?|$)")  # the page may add line_left (answering while the line plays)
            page.route(upload, lambda route: route.fulfill(status=500, body="Internal Server Error", content_type="text/plain"))
            record(page, "#record", 2)
            expect(page.locator("#error")).to_contain_text("onverwacht antwoord")
            expect(page.locator("#retry")).to_be_visible()
            expect(page.locator("#status")).to_have_text("")
            page.unroute(upload)
            page.click("#retry")
            expect(page.locator("#error")).to_contain_text("geen spraak herkend", timeout=120_000)
            expect(page.locator("#retry")).to_be_hidden()
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url) if "/api/turns/" in request.url else None)
            page.wait_for_timeout(2000)
            assert asked == []  # polling stopped with the answer
        finally:
            browser.close()


def _tone_microphone(path: Path) -> Path:
    """A loud 48 kHz tone: Chromium's fake capture device plays it as the microphone."""
    subprocess.run(["sox", "-n", "-r", "48000", "-c", "1", "-b", "16", str(path), "synth", "4", "sine", "440", "vol", "0.5"],
                   check=True, capture_output=True)
    return path
