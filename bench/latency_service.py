"""Through the real service (`serve --no-worker` + one `worker`, loopback only): end of speech →
scored result for replies streamed over the WebSocket as the page streams them (WebM/Opus chunks
every 250 ms, paced in real time, Stop sent with the last chunk) and uploaded after Stop, against one full-window encoder pass and plain `transcribe`
measured in this process in the same run; then 30 replies submitted at once against plain
sequential `transcribe` of the same clips. Run through bench/latency.py (`--only service`).

Streams go twice, with the open phrase's guess during a pause (streaming/speculative.py) off and
on (one service after the other, same run), each as MBROLA ends it (about 0.4 s of silence after
the last word, Stop with the last chunk: the worst case) and with Stop PAUSE_S after the last word.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from websockets.sync.client import connect

from bench.latency import (
    DURATIONS,
    REPEATS,
    VOICES,
    encoder_pass,
    fastest,
    load_replies,
    one_after_another,
    plain_models,
    plain_transcribe,
    reply_of,
    speak,
)
from bench.service import analysed, peak_rss_mb
from tests.audio_factory import TIMESLICE_S, encode, time_chunks
from tests.live import LiveService, children
from voicecoach.config import Settings

PAUSE_S = 0.6  # a trainee who presses Stop this long after their last word
CONCURRENT = 30


def wav(samples: np.ndarray, path: Path) -> bytes:
    import soundfile

    soundfile.write(path, samples, 16_000, subtype="PCM_16")
    return path.read_bytes()


def new_conversation(client) -> str:  # type: ignore[no-untyped-def]
    return client.post("/api/conversations", json={"scenario_id": "monteur-deur"}).json()["id"]


def webm(samples: np.ndarray, path: Path) -> bytes:
    """The reply as the page's MediaRecorder records it: WebM/Opus at 48 kHz."""
    return encode(samples, 16_000, path, container="webm", codec="libopus", out_rate=48_000).read_bytes()


def streamed(service: LiveService, client, recording: bytes, seconds: float, timings: list | None = None) -> float:  # type: ignore[no-untyped-def]
    """Seconds from the last chunk (Stop at once) to the 'analysed' message; the analysis's own
    timings, and the seconds to the 'stored' message (`stored_s`: a live pass Stop waited for, and
    the storing), are appended to `timings`. The WebM `recording` of `seconds` goes as the page sends
    it: a chunk every 250 ms (`time_chunks`), paced in real time."""
    conversation = new_conversation(client)
    url = (f"ws://127.0.0.1:{service.port}/api/conversations/{conversation}/stream"
           f"?format=webm&csrf={client.headers['X-CSRF-Token']}")
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    chunks = time_chunks(recording, seconds)
    with connect(url, additional_headers={"Cookie": cookie}, max_size=None) as socket:
        started = time.perf_counter()
        for index, chunk in enumerate(chunks):
            pause = started + (index + 1) * TIMESLICE_S - time.perf_counter()  # a chunk once its audio was spoken
            if pause > 0:
                time.sleep(pause)
            socket.send(chunk)
        socket.send(json.dumps({"type": "stop"}))
        end_of_speech = time.perf_counter()
        stored = float("nan")
        while (message := json.loads(socket.recv()))["type"] != "analysed":
            assert message["type"] == "stored", message
            stored = time.perf_counter() - end_of_speech  # the live pass Stop waited for, and the storing
    assert message["status"] == "done", message
    seconds = time.perf_counter() - end_of_speech
    if timings is not None:
        analysis = client.get(f"/api/turns/{message['turn_id']}").json()["result"]["analysis"]["timings"]
        timings.append({**analysis, "stored_s": stored})
    return seconds


def uploaded(client, audio: bytes) -> float:  # type: ignore[no-untyped-def]
    """Seconds from Stop (the upload starts) to the scored result, asked for as the page asks."""
    conversation = new_conversation(client)
    started = time.perf_counter()
    turn = client.post(f"/api/conversations/{conversation}/turns", content=audio).json()["turn_id"]
    assert analysed(client, turn) == "done"
    return time.perf_counter() - started


def paused(samples: np.ndarray) -> np.ndarray:
    """The reply with Stop PAUSE_S after its last word (MBROLA's own trailing silence cut)."""
    spoken = samples[: np.flatnonzero(np.abs(samples) > 1e-3)[-1] + 1]
    return np.concatenate([spoken, np.zeros(int(PAUSE_S * 16_000), dtype=np.float32)])


def bench_streams(folder: Path, clips: dict[int, np.ndarray], encoder: dict[int, float], guess: bool) -> None:
    """End of speech (Stop) → 'analysed' for each reply, on a service with the guess `guess`."""
    service = LiveService(folder / f"data-{guess}", live_guess=str(guess).lower()).start()
    try:
        service.start_worker()
        service.create_user("bench")
        client = service.client("bench")
        warm = clips[DURATIONS[0]]
        streamed(service, client, webm(warm, folder / "warm.webm"), len(warm) / 16_000)  # models loaded
        print(f"\nstreamed, guess during a pause {'on' if guess else 'off'}; Stop → analysed, medians")
        for seconds in DURATIONS:
            repeats = 3 if seconds > 10 else REPEATS
            for name, samples in (("at once", clips[seconds]), (f"{PAUSE_S} s later", paused(clips[seconds]))):
                analyses: list[dict] = []
                recording = webm(samples, folder / f"reply-{seconds}-{name[:2]}.webm")
                stream_s = statistics.median(streamed(service, client, recording, len(samples) / 16_000, analyses) for _ in range(repeats))
                left = statistics.median(t["phrases_left"] for t in analyses)
                print(f"{len(samples) / 16_000:>6.1f}s Stop {name:>11}: {stream_s:.2f} s = {stream_s / encoder[seconds]:.2f} × encoder; "
                      f"stored after {statistics.median(t['stored_s'] for t in analyses):.2f} s, "
                      f"analysis {statistics.median(t['total'] for t in analyses):.2f} s, transcription "
                      f"{statistics.median(t['transcribe'] for t in analyses):.2f} s, {left:.0f} phrase(s) left of "
                      f"{left + statistics.median(t['phrases_streamed'] for t in analyses):.0f}")
    finally:
        service.stop()


def bench_service() -> None:
    settings = Settings()
    plains = plain_models(settings)
    replies = load_replies()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clips = {seconds: reply_of(seconds, replies, folder) for seconds in DURATIONS}
        encoder = {seconds: fastest(plains, lambda model, clip=clips[seconds]: encoder_pass(model, clip)) for seconds in DURATIONS}
        print("encoder pass (30 s window):", ", ".join(f"{len(clips[s]) / 16_000:.1f} s reply {encoder[s]:.2f} s" for s in DURATIONS))
        for guess in (False, True):
            bench_streams(folder, clips, encoder, guess)
        service = LiveService(folder / "data").start()
        try:
            service.start_worker()
            service.create_user("bench")
            client = service.client("bench")
            uploaded(client, wav(clips[DURATIONS[0]], folder / "warm.wav"))  # models loaded
            print("\nservice: upload → scored result, medians of", REPEATS)
            print(f"{'reply':>7} {'encoder':>8} {'plain':>7} {'upload':>7} {'upload/enc':>11}")
            for seconds in DURATIONS:
                samples = clips[seconds]
                audio = wav(samples, folder / f"reply-{seconds}.wav")
                encoder_s = fastest(plains, lambda model: encoder_pass(model, samples))
                plain_s = fastest(plains, lambda model: plain_transcribe(model, samples), repeats=3 if seconds > 10 else REPEATS)
                upload_s = statistics.median(uploaded(client, audio) for _ in range(REPEATS))
                print(f"{len(samples) / 16_000:>6.1f}s {encoder_s:>8.2f} {plain_s:>7.2f} {upload_s:>7.2f} {upload_s / encoder_s:>11.2f}")
            clips = [speak(reply, folder / f"c{i}.wav", VOICES[i % 2]) for i, reply in enumerate(replies[:CONCURRENT])]
            sequential = min(one_after_another(lambda clip, model=model: plain_transcribe(model, clip), clips) for model in plains)
            audios = [wav(clip, folder / f"c{i}-16k.wav") for i, clip in enumerate(clips)]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
                # one login (httpx.Client is thread-safe); each asks as the page does
                latencies = sorted(pool.map(lambda audio: uploaded(client, audio), audios))
            together = time.perf_counter() - started
            processes = [service.server.pid, *(w.pid for w in service.workers)]
            memory = peak_rss_mb([*processes, *(c for pid in processes for c in children(pid))])
        finally:
            service.stop()
    seconds = sum(len(c) for c in clips) / 16_000
    print(f"\n{CONCURRENT} replies at once ({seconds:.0f} s of speech): all analysed in {together:.1f} s = "
          f"{60 * CONCURRENT / together:.1f} replies/min; plain sequential transcribe {sequential:.1f} s = "
          f"{60 * CONCURRENT / sequential:.1f} replies/min; ratio {sequential / together:.2f} (target ≥ 1.5)")
    print(f"  latency (asked as the page asks: held until analysed) p50 {latencies[len(latencies) // 2]:.1f} s, p95 {latencies[int(len(latencies) * 0.95)]:.1f} s; "
          f"peak memory of server, worker and analysis process {memory:.0f} MB (VmHWM)")
