"""Load on one local service: N concurrent uploads of 10 s replies, all analysed.

    .venv/bin/python bench/service.py [--uploads 30] [--workers 1]

Starts `voicecoach serve --no-worker` and worker processes on a temporary data dir (loopback
only), measures one upload's latency alone first (upload → analysed result), then N uploads at
once: time to the last result, p50/p95 latency, peak memory of the server and workers, each
printed against the single upload's latency from the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live import LiveService, children  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402

REPLY = (
    "Goedemiddag meneer, ik begrijp dat u boos bent omdat uw internet al drie dagen niet werkt. "
    "Kunt u mij vertellen wat er precies is gebeurd sinds de storing begon?"
)


def ten_second_reply(folder: Path) -> bytes:
    source = speak_to_wav(REPLY, folder / "bron.wav")
    clip = folder / "antwoord-10s.wav"
    subprocess.run(["sox", str(source), str(clip), "pad", "0", "10", "trim", "0", "10"], check=True)
    return clip.read_bytes()


def one_turn(client: httpx.Client, audio: bytes) -> float:
    """Upload a reply in a new conversation and wait for its analysed result; seconds taken."""
    started = time.perf_counter()
    conversation = client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()
    turn = client.post(f"/api/conversations/{conversation['id']}/turns", content=audio).json()
    analysed(client, turn["turn_id"])
    return time.perf_counter() - started


def analysed(client: httpx.Client, turn_id: str) -> str:
    """The turn's status once analysed, asked for as the page asks (web/static/recorder.js `poll`):
    the server holds each answer until the analysis ends (`?wait=`, at most 20 s a time)."""
    while (status := client.get(f"/api/turns/{turn_id}", params={"wait": 20}).json()["status"]) not in ("done", "error"):
        time.sleep(0.25)
    return status


def peak_rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uploads", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        audio = ten_second_reply(Path(tmp))
        service = LiveService(Path(tmp) / "data").start()
        try:
            for _ in range(args.workers):
                service.start_worker()
            service.create_user("bench")
            client = service.client("bench")  # one login (30 at once would meet the login limits); thread-safe
            one_turn(client, audio)  # warm: models loaded, numba compiled
            single = statistics.median(one_turn(client, audio) for _ in range(3))
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.uploads) as pool:
                latencies = sorted(pool.map(lambda _: one_turn(client, audio), range(args.uploads)))
            last = time.perf_counter() - started
            pids = [service.server.pid, *(w.pid for w in service.workers)]
            memory = peak_rss_mb([*pids, *(child for pid in pids for child in children(pid))])  # with the analysis processes
        finally:
            service.stop()
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    print(f"{args.uploads} concurrent uploads of 10 s replies, {args.workers} worker(s), all analysed")
    print(f"  single upload alone:   {single:6.2f} s")
    print(f"  time to last result:   {last:6.2f} s  ({last / single:5.1f}x single; {last / args.uploads:.2f} s per reply)")
    print(f"  p50 latency:           {p50:6.2f} s  ({p50 / single:5.1f}x single)")
    print(f"  p95 latency:           {p95:6.2f} s  ({p95 / single:5.1f}x single)")
    print(f"  peak memory (server, workers and their analysis processes): {memory:.0f} MB")


if __name__ == "__main__":
    main()
