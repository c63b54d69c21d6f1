"""The open phrase worked out during a pause before Stop (streaming/speculative.py): real model,
MBROLA speech, the session's own live thread. Nothing here depends on which words Whisper hears."""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.audio_factory import encode, time_chunks
from tests.conftest import SPACY_DIR, WHISPER_DIR
from voicecoach.analysis import Analyser
from voicecoach.audio.decode import decode_audio
from voicecoach.audio.synth import speak_to_wav
from voicecoach.config import Settings
from voicecoach.speech.phrase_file import recorded_phrases, save_phrases
from voicecoach.speech.phrases import SAMPLE_RATE, SETTLED_AFTER_S, Phrase
from voicecoach.speech.transcribe import load_whisper
from voicecoach.streaming import session as session_module
from voicecoach.streaming.session import StreamSession
from voicecoach.streaming.speculative import PAD, PAUSE_S, settles_as_guessed
from voicecoach.streaming.webm_feed import WebmFeed

CHUNK = SAMPLE_RATE // 4  # 250 ms, as the page sends
FIRST = "Goedemiddag meneer, ik begrijp dat u boos bent."
LAST = "Dan ga ik het direct voor u uitzoeken."


def pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


def speech(text: str, path: Path) -> np.ndarray:
    """MBROLA speech without its trailing silence, so the test decides how long each pause is."""
    samples = decode_audio(speak_to_wav(text, path, voice="mb-nl2"), max_seconds=60).samples
    return samples[: np.flatnonzero(np.abs(samples) > 1e-3)[-1] + 1]


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def feed(session: StreamSession, samples: np.ndarray) -> None:
    """Chunk by chunk, each live look finished before the next chunk (bounded wait), so the looks
    see the same audio on any machine."""
    data = pcm(samples)
    for offset in range(0, len(data), 2 * CHUNK):
        session.feed(data[offset : offset + 2 * CHUNK])
        deadline = time.monotonic() + 120
        while session.looking() and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture(scope="module")
def analyser(tmp_path_factory: pytest.TempPathFactory) -> Analyser:
    data = tmp_path_factory.mktemp("guess-data")
    return Analyser(Settings(data_dir=data, whisper_model=WHISPER_DIR, spacy_model=SPACY_DIR))


@pytest.fixture(scope="module")
def sentences(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, np.ndarray]:
    folder = tmp_path_factory.mktemp("guess")
    return speech(FIRST, folder / "first.wav"), speech(LAST, folder / "last.wav")


def stream(tmp_path: Path, parts: list[np.ndarray]) -> tuple[StreamSession, Path]:
    path = tmp_path / "reply.wav.part"
    session = StreamSession(path, max_seconds=120, model=lambda: load_whisper(WHISPER_DIR, "int8", 2))
    for part in parts:
        feed(session, part)
    return session, path


def pause_until_guessed(session: StreamSession, speech_end: int) -> None:
    """Silence chunk by chunk until the open phrase after `speech_end` was guessed, at most 0.75 s:
    a look follows every chunk, and the phrase settles by itself only 0.8 s after its speech."""
    for _ in range(int(SETTLED_AFTER_S / 0.25) + 1):
        if session.guessed is not None and session.guessed.end > speech_end:
            return
        feed(session, silence(0.25))


def stored(session: StreamSession, path: Path) -> Path:
    """Stop: the recording closed with its boundaries, and what the stream worked out beside it."""
    streamed = session.finish()
    recording = path.with_name("reply.wav")
    path.rename(recording)
    save_phrases(recording.parent, hashlib.sha256(recording.read_bytes()).hexdigest(), streamed)
    return recording


def reanalysed_words(recording: Path) -> list[list]:
    """The recording analysed again in a new process (nothing streamed: the file was taken)."""
    script = (
        "import json, sys; from pathlib import Path; from voicecoach.analysis import Analyser; "
        "from voicecoach.config import Settings; "
        f"a = Analyser(Settings(data_dir=Path({str(recording.parent)!r}), whisper_model=Path({str(WHISPER_DIR)!r}), "
        f"spacy_model=Path({str(SPACY_DIR)!r}))); "
        f"r = a.analyse(Path({str(recording)!r})); "
        "print(json.dumps([[w.word, w.start, w.end] for w in r.transcript.words]))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_pause_before_stop_leaves_no_phrase_and_a_new_process_hears_the_same(analyser, sentences, tmp_path):
    first, last = sentences
    session, path = stream(tmp_path, [first, silence(1.5), last])
    pause_until_guessed(session, len(first) + int(1.5 * SAMPLE_RATE) + len(last))
    guess = session.guessed
    assert guess is not None and guess.start > len(first), "the pause was not used"
    recording = stored(session, path)
    # The recording's last phrase is the guessed span, and the analysis found it worked out.
    assert recorded_phrases(recording)[-1] == guess
    result = analyser.analyse(recording)
    assert result.timings["phrases_left"] == 0 and result.timings["phrases_streamed"] == 2, result.timings
    assert result.timings["pitch_streamed"] == 2, result.timings
    heard = [[w.word, w.start, w.end] for w in result.transcript.words]
    assert heard and any(w[1] >= guess.start_s for w in heard)  # the last sentence was heard
    assert reanalysed_words(recording) == heard


def test_a_guessed_phrase_that_settles_is_not_transcribed_again(analyser, sentences, tmp_path, monkeypatch):
    """The pass made in a pause is the phrase's pass when the pause goes on until the phrase
    settles: the phrase is cut at the guessed span, and Whisper hears its words once."""
    first, last = sentences
    passes: list[tuple[int, int]] = []
    real_pass = session_module.transcribe_phrase

    def counted(model, samples, phrase, **options):  # type: ignore[no-untyped-def]
        if len(samples) > SAMPLE_RATE:  # not the process's warm-up pass over one second of zeros
            passes.append((phrase.start, phrase.end))
        return real_pass(model, samples, phrase, **options)

    monkeypatch.setattr(session_module, "transcribe_phrase", counted)
    session, path = stream(tmp_path, [first])
    pause_until_guessed(session, len(first))
    guess = session.guessed
    assert guess is not None, "the pause was not used"
    feed(session, silence(SETTLED_AFTER_S + 0.5))  # the first phrase settles
    feed(session, last)
    pause_until_guessed(session, session.file.arrived)
    recording = stored(session, path)
    assert recorded_phrases(recording)[0] == guess
    assert [span for span in passes if span[0] < len(first)] == [(guess.start, guess.end)]
    result = analyser.analyse(recording)
    assert result.timings["phrases_left"] == 0 and result.timings["phrases_streamed"] == 2, result.timings


def test_a_settled_phrase_takes_the_guess_only_when_no_later_speech_began_inside_it() -> None:
    """A guess made while phrase P was still open can also hold the start of the next phrase Q (P
    cut at its length limit, a hesitation early in Q): P must then get its own pass, or Q would be
    cut where the guess happened to end."""
    span = Phrase(0, 3 * SAMPLE_RATE)  # guessed: P's start to the audio then
    settled = Phrase(0, 2 * SAMPLE_RATE)
    q_speech_after = Phrase(span.end - PAD // 2, 5 * SAMPLE_RATE)  # only Q's leading padding inside
    q_speech_inside = Phrase(span.end - 2 * PAD, 5 * SAMPLE_RATE)  # Q spoke before the guess ended
    assert settles_as_guessed(span, settled, [])
    assert settles_as_guessed(span, settled, [q_speech_after])
    assert not settles_as_guessed(span, settled, [q_speech_inside])
    assert not settles_as_guessed(span, Phrase(0, span.end + 2 * PAD), [])  # P spoke on past the guess


def test_speech_after_a_guessed_pause_is_not_lost(analyser, sentences, tmp_path):
    first, last = sentences
    # A pause long enough to be guessed, too short to end the phrase; then the trainee speaks on
    # and stops right after the last word.
    session, path = stream(tmp_path, [first])
    pause_until_guessed(session, len(first))
    guess = session.guessed
    assert guess is not None and guess.end - len(first) >= PAUSE_S * SAMPLE_RATE
    paused = session.file.arrived - len(first)
    feed(session, last)
    recording = stored(session, path)
    phrases = recorded_phrases(recording)
    assert phrases[-1] != guess and phrases[-1].end > guess.end
    result = analyser.analyse(recording)
    assert result.timings["phrases_left"] >= 1, result.timings  # the guess was not used
    words = result.transcript.words
    speech_end_s = (len(first) + paused + len(last)) / SAMPLE_RATE
    # Nothing lost after the pause: words reach into the last sentence's final second.
    assert words and words[-1].end > speech_end_s - 1.0, [(w.word, w.end) for w in words]
    # ... and nothing doubled there: no word heard twice in a row.
    texts = [w.word.lower().strip(".,?!") for w in words]
    assert all(a != b for a, b in itertools.pairwise(texts)), texts


def test_no_guess_starts_once_stop_came(sentences, tmp_path):
    """A pause long enough to be guessed (as above), arriving after Stop while the last chunks are
    still being decoded: no pass starts beside the analysis, and the audio is still written."""
    first, _last = sentences
    session, _path = stream(tmp_path, [first])
    session.stopping()
    feed(session, silence(SETTLED_AFTER_S - 0.05))
    assert session.guessed is None
    assert session.file.arrived == len(first) + int((SETTLED_AFTER_S - 0.05) * SAMPLE_RATE)
    session.finish()


def test_a_pause_at_the_end_of_a_webm_chunk_is_guessed_before_stop(sentences, tmp_path):
    """A WebM chunk reaches the session in several decoded pieces; its look comes once the whole
    chunk is in (not at the first piece), so 0.3-0.55 s of silence ending the last chunk before
    Stop is a pause the open phrase is guessed in."""
    first, _last = sentences
    padded = -(-(len(first) + int(0.3 * SAMPLE_RATE)) // CHUNK) * CHUNK  # whole chunks, ≥ 0.3 s silence
    samples = np.concatenate([first, silence((padded - len(first)) / SAMPLE_RATE)])
    session = StreamSession(tmp_path / "reply.wav.part", max_seconds=120, model=lambda: load_whisper(WHISPER_DIR, "int8", 2))
    feed = WebmFeed(session, max_seconds=120)
    recording = encode(samples, SAMPLE_RATE, tmp_path / "reply.webm", container="webm", codec="libopus", out_rate=48_000)
    for index, chunk in enumerate(time_chunks(recording.read_bytes(), len(samples) / SAMPLE_RATE)):
        feed.feed(chunk)
        deadline = time.monotonic() + 120  # decoded (but for the codec's few ms of delay) and looked at
        while (session.file.arrived < (index + 1) * CHUNK - SAMPLE_RATE // 20 or session.looking()) and time.monotonic() < deadline:
            time.sleep(0.02)
    deadline = time.monotonic() + 30  # the last look may be submitted just after the samples are in
    while session.guessed is None and time.monotonic() < deadline:
        time.sleep(0.02)
    guess = session.guessed
    assert guess is not None and guess.end >= len(first), "the pause ending the last chunk was not used"
    session.stopping()
    feed.finish()
    session.finish()
