"""Load on a classroom round: 30 boards following the round live while observers tap and 10
replies are analysed.

    .venv/bin/python bench/classroom.py [--clients 30] [--replies 10]

Starts `voicecoach serve --no-worker` and one worker on a temporary data dir (loopback only),
with a teacher and N students in one group; every student joins the round. First the idle case:
one board connected, one observer taps, the tap's delivery latency (request sent → event received)
is measured 20 times. Then the load: N boards (one per student) follow the round's server-sent
events while the medewerker answers REPLIES times (MBROLA speech; a finished conversation is
followed by the next, roles rotating) and the other students tap the checklist meanwhile. Reported:
events lost per board (the ids each board received against the round's event log), tap delivery
latency p50/p95 under load against the idle figure, and the delay from a reply's analysis being
stored to its event reaching the boards.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live import LiveService  # noqa: E402
from voicecoach.accounts import create_user  # noqa: E402
from voicecoach.admin_service import add_member, create_group  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402
from voicecoach.classroom.observations import CHECKLIST  # noqa: E402
from voicecoach.store.db import create_db_engine, migrate, session_factory  # noqa: E402

PASSWORD = "geheim-wachtwoord"
VOICE = "mb-nl2" if Path("/usr/share/mbrola/nl2").exists() else "nl+m3"
REPLIES = [
    "Ik begrijp dat u boos bent. Kunt u mij vertellen wat er precies is gebeurd?",
    "Als ik u goed begrijp, is de afspraak van vorige week niet doorgegaan.",
    "Ik merk dat u erg gefrustreerd bent, en dat snap ik ook.",
    "Wat zou voor u nu een goede oplossing zijn?",
    "Ik wil u graag helpen, maar ik wil niet dat u tegen mij schreeuwt.",
    "Zullen we samen kijken wanneer ik de storing kan verhelpen?",
    "Dus het internet werkt al drie dagen niet en niemand is gekomen.",
    "Ik vind het vervelend dat u zo lang heeft moeten wachten.",
    "Mag ik even binnenkomen om naar het modem te kijken?",
    "Ik ga het nu voor u oplossen en bel u morgen nog even.",
]


class Board:
    """One board client: collects (event id, kind, data, received at) from the SSE stream."""

    def __init__(self, url: str, cookies: httpx.Cookies, round_id: int) -> None:
        self.events: list[tuple[int, str, dict, float]] = []
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.client = httpx.Client(base_url=url, cookies=cookies, timeout=httpx.Timeout(30, read=None))
        self.thread = threading.Thread(target=self._run, args=(round_id,), daemon=True)
        self.thread.start()

    def _run(self, round_id: int) -> None:
        try:
            with self.client.stream("GET", f"/api/rounds/{round_id}/events") as response:
                self.ready.set()
                event: dict = {}
                for line in response.iter_lines():
                    if self.stop.is_set():
                        return
                    if not line:
                        if "id" in event:
                            self.events.append((int(event["id"]), event["event"], json.loads(event["data"])["event"]["data"], time.time()))
                        event = {}
                    elif not line.startswith(":"):
                        field, _, value = line.partition(":")
                        event[field] = value.strip()
        except httpx.TransportError:
            return

    def close(self) -> None:
        self.stop.set()
        self.client.close()


def received_at(board: Board, event_id: int, seconds: float = 30) -> float:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for found, _, _, at in board.events:
            if found == event_id:
                return at
        time.sleep(0.002)
    raise RuntimeError(f"event {event_id} did not arrive")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def setup(data_dir: Path, students: int) -> None:
    engine = create_db_engine(f"sqlite:///{data_dir / 'voicecoach.db'}")
    migrate(engine)
    with session_factory(engine)() as session:
        group = create_group(session, None, "bench-klas")
        add_member(session, None, group, create_user(session, "docent", PASSWORD, role="teacher"))
        for number in range(students):
            add_member(session, None, group, create_user(session, f"student{number:02d}", PASSWORD))
        session.commit()
    engine.dispose()


def _database(service: LiveService):  # type: ignore[no-untyped-def]
    return create_db_engine(f"sqlite:///{service.env['VOICECOACH_DATA_DIR']}/voicecoach.db")


def last_event(service: LiveService) -> int:
    engine = _database(service)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM round_events")).scalar_one()
    engine.dispose()
    return int(found)


def logged_since(service: LiveService, round_id: int, after: int) -> tuple[list[int], dict[str, float]]:
    """The round's event ids after `after`, and when each analysed turn was stored (epoch seconds)."""
    engine = _database(service)
    with engine.connect() as connection:
        ids = [row[0] for row in connection.execute(
            text("SELECT id FROM round_events WHERE round_id = :r AND id > :a ORDER BY id"), {"r": round_id, "a": after})]
        stored = {row[0]: datetime.fromisoformat(str(row[1])).replace(tzinfo=UTC).timestamp()
                  for row in connection.execute(text("SELECT id, analysed_at FROM turns WHERE analysed_at IS NOT NULL"))}
    engine.dispose()
    return ids, stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--replies", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data").mkdir()
        setup(folder / "data", args.clients)
        audio = [speak_to_wav(text, folder / f"antwoord{i}.wav", voice=VOICE).read_bytes() for i, text in enumerate(REPLIES)]
        service = LiveService(folder / "data").start()
        service.start_worker()
        try:
            run(service, args.clients, args.replies, audio)
        finally:
            service.stop()


def run(service: LiveService, clients: int, replies: int, audio: list[bytes]) -> None:
    docent = service.client("docent", PASSWORD)
    students = [service.client(f"student{n:02d}", PASSWORD) for n in range(clients)]
    created = docent.post("/api/rounds", json={"group_id": 1, "scenario_id": "monteur-deur"}).json()
    round_id = created["id"]
    for student in students:
        student.post("/api/rounds/join", json={"code": created["code"]}).raise_for_status()
    docent.post(f"/api/rounds/{round_id}/roles", json={}).raise_for_status()  # student00 answers first
    rng = random.Random(16)

    def tap(client: httpx.Client) -> tuple[int, float] | None:
        sent = time.time()
        response = client.post(f"/api/rounds/{round_id}/marks", json={"label": rng.choice(CHECKLIST)})
        return (response.json()["id"], sent) if response.status_code == 201 else None

    def event_of_mark(board: Board, mark_id: int) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for event_id, kind, data, _ in board.events:
                if kind == "mark" and data.get("mark_id") == mark_id:
                    return event_id
            time.sleep(0.002)
        raise RuntimeError("mark event not received")

    # idle: one board, one observer, one tap at a time
    idle_board = Board(service.url, docent.cookies, round_id)
    idle_board.ready.wait(10)
    time.sleep(1)
    observer = students[1]
    idle = []
    for _ in range(20):
        mark_id, sent = tap(observer)
        idle.append(received_at(idle_board, event_of_mark(idle_board, mark_id)) - sent)
        time.sleep(0.2)
    idle_board.close()

    # load: one board per student, taps from all observers while the medewerker answers
    boards = [Board(service.url, s.cookies, round_id) for s in students]
    for board in boards:
        board.ready.wait(10)
    time.sleep(2)
    first_id = last_event(service)
    taps: list[tuple[int, float]] = []
    stop_tapping = threading.Event()

    def observe(client: httpx.Client) -> None:
        while not stop_tapping.is_set():
            found = tap(client)
            if found:
                taps.append(found)
            stop_tapping.wait(rng.uniform(1.0, 4.0))

    analysed: list[str] = []
    started = time.monotonic()
    done = 0
    while done < replies:
        board = docent.get(f"/api/rounds/{round_id}").json()
        conversation = board["conversation"]
        if conversation["finished"]:
            docent.post(f"/api/rounds/{round_id}/roles", json={}).raise_for_status()
            continue
        medewerker = students[next(i for i, m in enumerate(board["members"]) if m["role"] == "medewerker")]
        observers = [students[i] for i, m in enumerate(board["members"]) if m["role"] == "observer"]
        stop_tapping.clear()
        tappers = [threading.Thread(target=observe, args=(client,), daemon=True) for client in observers]
        for thread in tappers:
            thread.start()
        queued = medewerker.post(f"/api/conversations/{conversation['id']}/turns", content=audio[done % len(audio)]).json()
        while (turn := medewerker.get(f"/api/turns/{queued['turn_id']}").json())["status"] not in ("done", "error"):
            time.sleep(0.2)
        stop_tapping.set()
        for thread in tappers:
            thread.join()
        if turn["status"] == "done":
            analysed.append(turn["id"])
        done += 1
    elapsed = time.monotonic() - started
    time.sleep(3)  # the last events reach every board

    expected, stored_at = logged_since(service, round_id, first_id)
    lost = []
    for board in boards:
        ids = [e[0] for e in board.events if e[0] > first_id]
        lost.append(len(set(expected) - set(ids)) + len(set(ids) - set(expected)))
        assert ids == sorted(ids), "events out of order"
    tap_latency = []
    for mark_id, sent in taps:
        event_id = event_of_mark(boards[0], mark_id)
        tap_latency.extend(received_at(board, event_id) - sent for board in boards)
    turn_delay = []
    for board in boards:
        for _, kind, data, at in board.events:
            if kind == "turn" and data.get("status") == "done" and data.get("turn_id") in analysed:
                turn_delay.append(at - stored_at[data["turn_id"]])
    for board in boards:
        board.close()

    def ms(values: list[float], share: float) -> str:
        return f"{percentile(values, share) * 1000:.0f} ms" if values else "–"

    print(f"boards: {len(boards)}, replies analysed: {len(analysed)} of {replies} in {elapsed:.0f} s, taps under load: {len(taps)}")
    print(f"events in the log during the load: {len(expected)}; lost per board: max {max(lost)} (all boards: {sum(lost)})")
    print(f"tap delivery, idle board (n={len(idle)}): p50 {ms(idle, .5)}, p95 {ms(idle, .95)}")
    print(f"tap delivery, {len(boards)} boards under load (n={len(tap_latency)}): p50 {ms(tap_latency, .5)}, p95 {ms(tap_latency, .95)}")
    print(f"analysed reply stored → on the boards (n={len(turn_delay)}): p50 {ms(turn_delay, .5)}, p95 {ms(turn_delay, .95)}")


if __name__ == "__main__":
    main()
