"""Every labelled reply as the bundled Whisper base hears it, spoken by the MBROLA Dutch voices.

    .venv/bin/python bench/hear_corpus.py                       # tests/data/wording_*.jsonl
    .venv/bin/python bench/hear_corpus.py FILE.jsonl [...]      # any {"id", "text", ...} JSONL
    .venv/bin/python bench/hear_corpus.py --out-dir DIR --workers 1 FILE.jsonl

Each reply is spoken by espeak-ng with MBROLA voice mb-nl2 or mb-nl3 (picked from a hash of its
id, so the same reply always gets the same voice) at 150 words per minute, decoded and
transcribed exactly as the product does (voicecoach.audio.decode + voicecoach.speech.transcribe:
language nl, beam 5, the product's fallback and loop guards, the bundled models/whisper-base).
Output: DIR/<input file name>, one {"id", "voice", "model", "heard", "key"} per input row, in input
order; `key` hashes (text, voice, model). Re-running skips rows whose key is already there,
re-hears rows whose text changed and drops rows whose id left the input. Rows are appended as they
finish, so an interrupted run resumes where it stopped. Needs Debian mbrola-nl2/-nl3
(scripts/install.sh). Prints progress and the word error rate (jiwer, on the lowercase,
punctuation-free form) per file and per voice.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jiwer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicecoach.audio.decode import decode_audio  # noqa: E402
from voicecoach.audio.synth import speak_to_wav  # noqa: E402
from voicecoach.config import Settings  # noqa: E402
from voicecoach.speech.model_files import MODEL_BIN, sha256_of  # noqa: E402
from voicecoach.speech.transcribe import load_whisper, transcribe  # noqa: E402
from voicecoach.wording.evaluation import as_speech_recognition_output  # noqa: E402

VOICES = ("mb-nl2", "mb-nl3")
WORDS_PER_MINUTE = 150  # espeak-ng's default, a normal speaking rate
DEFAULT_INPUTS = sorted((ROOT / "tests" / "data").glob("wording_*.jsonl"))
DEFAULT_OUT_DIR = ROOT / "tests" / "data" / "heard"
PROGRESS_EVERY = 10


def voice_for(reply_id: str) -> str:
    """mb-nl2 or mb-nl3, fixed by a stable hash of the reply's id (about half each)."""
    return VOICES[int(hashlib.sha256(reply_id.encode("utf-8")).hexdigest()[:8], 16) % len(VOICES)]


def voice_label(voice: str) -> str:
    return f"espeak-ng {voice} -s {WORDS_PER_MINUTE}"


def model_label(model_dir: Path) -> str:
    """The model directory's name and the start of its model.bin checksum, e.g. whisper-base@d01c3014."""
    return f"{model_dir.name}@{sha256_of(model_dir / MODEL_BIN)[:12]}"


def row_key(text: str, voice: str, model: str) -> str:
    return hashlib.sha256(json.dumps([text, voice, model], ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def speak(text: str, voice: str, folder: Path):  # type: ignore[no-untyped-def]
    """16 kHz mono float32 samples of `text` spoken by MBROLA `voice`, decoded as the product decodes."""
    wav = speak_to_wav(text, folder / "reply.wav", voice=voice, words_per_minute=WORDS_PER_MINUTE)
    return decode_audio(wav, max_seconds=Settings().max_audio_seconds).samples


@dataclass(frozen=True)
class Job:
    reply_id: str
    text: str
    voice: str
    """mb-nl2 or mb-nl3"""
    key: str


# --- worker side: one Whisper per process, one CPU thread ---------------------------------------
_worker_model_dir: Path | None = None


def _init_worker(model_dir: Path) -> None:
    global _worker_model_dir
    _worker_model_dir = model_dir
    load_whisper(model_dir, Settings().compute_type, 1)


def _hear(job: Job) -> tuple[Job, str]:
    assert _worker_model_dir is not None, "_init_worker was not called"
    model = load_whisper(_worker_model_dir, Settings().compute_type, 1)
    with tempfile.TemporaryDirectory(prefix="hear-") as tmp:
        samples = speak(job.text, job.voice, Path(tmp))
    return job, transcribe(model, samples).text


def _hear_all(jobs: list[Job], model_dir: Path, workers: int) -> Iterator[tuple[Job, str]]:
    if not jobs:  # nothing changed: load no model
        return
    if workers <= 1:  # in this process: what the test uses, no second model load
        _init_worker(model_dir)
        yield from map(_hear, jobs)
        return
    with multiprocessing.get_context("spawn").Pool(workers, _init_worker, (model_dir,)) as pool:
        yield from pool.imap_unordered(_hear, jobs, chunksize=1)
        pool.close()  # let the workers exit on their own, not terminated with their semaphores
        pool.join()


# --- files ----------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _input_jobs(rows: Iterable[dict], model: str, source: Path) -> list[Job]:
    jobs, seen = [], set()
    for row in rows:
        reply_id, text = row["id"], row["text"]
        if reply_id in seen:
            raise SystemExit(f"{source}: id {reply_id} occurs twice")
        seen.add(reply_id)
        voice = voice_for(reply_id)
        jobs.append(Job(reply_id, text, voice, row_key(text, voice_label(voice), model)))
    return jobs


def _write_rows(path: Path, rows: Iterable[dict]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


@dataclass(frozen=True)
class FileResult:
    output: Path
    replies: int
    heard_now: int
    seconds: float


def hear_file(source: Path, out_dir: Path, model_dir: Path, *, workers: int = 2) -> FileResult:
    """Write out_dir/<source name> with the heard form of every row of `source`; see module doc."""
    started = time.perf_counter()
    model = model_label(model_dir)
    jobs = _input_jobs(read_jsonl(source), model, source)
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / source.name
    # Later rows win: an interrupted run appended them after the last complete rewrite.
    done = {(row["id"], row["key"]): row for row in (read_jsonl(output) if output.exists() else [])}
    todo = [job for job in jobs if (job.reply_id, job.key) not in done]
    print(f"{source}: {len(jobs)} replies, {len(jobs) - len(todo)} already heard, {len(todo)} to hear "
          f"({model}, {workers} worker(s))", flush=True)
    with output.open("a", encoding="utf-8") as log:
        for count, (job, heard) in enumerate(_hear_all(todo, model_dir, workers), start=1):
            row = {"id": job.reply_id, "voice": voice_label(job.voice), "model": model, "heard": heard, "key": job.key}
            done[job.reply_id, job.key] = row
            log.write(json.dumps(row, ensure_ascii=False) + "\n")
            log.flush()
            if count % PROGRESS_EVERY == 0 or count == len(todo):
                spent = time.perf_counter() - started
                print(f"  {count}/{len(todo)} heard, {spent / count:.2f} s per reply, "
                      f"~{(len(todo) - count) * spent / count / 60:.1f} min left", flush=True)
    _write_rows(output, (done[job.reply_id, job.key] for job in jobs))
    return FileResult(output, len(jobs), len(todo), time.perf_counter() - started)


def word_error_rates(source: Path, heard_file: Path) -> dict[str, float]:
    """WER of the heard form against the written reply, lowercase and without punctuation:
    overall ("all") and per voice."""
    texts = {row["id"]: as_speech_recognition_output(row["text"]) for row in read_jsonl(source)}
    pairs: dict[str, tuple[list[str], list[str]]] = {}
    for row in read_jsonl(heard_file):
        reference = texts.get(row["id"])
        if not reference:
            continue
        for group in ("all", row["voice"]):
            references, hypotheses = pairs.setdefault(group, ([], []))
            references.append(reference)
            hypotheses.append(as_speech_recognition_output(row["heard"]))
    return {group: jiwer.wer(refs, hyps) for group, (refs, hyps) in pairs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*", type=Path, default=DEFAULT_INPUTS, help="JSONL files with id and text")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--model", type=Path, default=Settings().whisper_model, help="faster-whisper model dir")
    parser.add_argument("--workers", type=int, default=2, help="processes, one CPU thread each")
    args = parser.parse_args()
    # Worker processes inherit this: one thread each for every numeric library, not just Whisper.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    results = [(source, hear_file(source, args.out_dir, args.model, workers=args.workers)) for source in args.inputs]
    print("\nword error rate (lowercase, no punctuation):")
    for source, result in results:
        rates = word_error_rates(source, result.output)
        per_voice = ", ".join(f"{group} {rate:.3f}" for group, rate in sorted(rates.items()) if group != "all")
        print(f"  {result.output}: {rates['all']:.3f} on {result.replies} replies ({per_voice}); "
              f"{result.heard_now} heard in {result.seconds / 60:.1f} min")


if __name__ == "__main__":
    main()
