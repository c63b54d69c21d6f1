"""The browser's stream: MediaRecorder's WebM/Opus chunks, decoded while they arrive into the
16 kHz PCM a `StreamSession` takes.

Why WebM and not PCM from an AudioWorklet: Chromium's audio graph only runs when its audio thread
gets its turn, and drops the microphone's samples it missed. On a busy two-core machine an 8.1 s
reply reached the server as 6.6-7.5 s of worklet PCM, while MediaRecorder, fed from the same
microphone, kept all 8.1 s. So the page streams exactly the recording it would upload.

The container is read by PyAV from a pipe that blocks until more bytes arrive, in one decoding
thread per stream; the decoding itself is `audio.decode.StreamReader` (the upload's checks, mono,
resampling).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import av
import numpy as np

from voicecoach.audio.decode import StreamReader
from voicecoach.audio.errors import AudioError
from voicecoach.streaming.session import StreamSession

log = logging.getLogger(__name__)
DECODE_END_S = 30.0  # the decoder's last frames after the last chunk: far more than it takes


class _ChunkPipe:
    """A read-only file for PyAV: `read` waits for the next chunk; b"" once closed and drained.
    No `seek`: PyAV then reads the container front to back, as it arrives."""

    def __init__(self, on_drained: Callable[[], None]) -> None:
        self._buffer = bytearray()
        self._changed = threading.Condition()
        self._closed = False
        self._on_drained = on_drained  # every chunk so far is decoded: the reader waits for the next

    def write(self, data: bytes) -> None:
        with self._changed:
            self._buffer += data
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def read(self, size: int = -1) -> bytes:
        with self._changed:
            drained = not self._buffer and not self._closed
        if drained:
            self._on_drained()
        with self._changed:
            while not self._buffer and not self._closed:
                self._changed.wait()
            size = len(self._buffer) if size < 0 else size
            data = bytes(self._buffer[:size])
            del self._buffer[:size]
            return data


class WebmFeed:
    """Takes WebM chunks like `StreamSession.feed` takes PCM; `finish` before the session's own."""

    def __init__(self, session: StreamSession, max_seconds: float) -> None:
        self._session = session
        self._max_seconds = max_seconds
        self._pipe = _ChunkPipe(session.look_if_due)
        self._full = False  # the longest allowed reply was reached, or the stream cannot be decoded
        self.error: AudioError | None = None
        self._thread = threading.Thread(target=self._decode, name="stream-decode", daemon=True)
        self._thread.start()

    def feed(self, data: bytes) -> bool:
        """Take one chunk; False once no more is wanted (longest reply reached, or undecodable)."""
        if not self._full:
            self._pipe.write(data)
        return not self._full

    def finish(self) -> None:
        """Decode what is left. Raises the stream's AudioError when none of it could be decoded."""
        self._pipe.close()
        self._thread.join(DECODE_END_S)
        if self._thread.is_alive():
            log.error("the stream's decoder did not end within %.0f s", DECODE_END_S)
        if self.error is not None and self._session.file.seconds == 0:
            raise self.error

    def _decode(self) -> None:
        try:
            with av.open(self._pipe, mode="r", format="webm") as container:
                if not container.streams.audio:
                    raise AudioError("no_audio_stream")
                StreamReader(self._max_seconds, sink=self._write).read(container, container.streams.audio[0])
        except AudioError as error:
            self._stop(error)
        except (av.FFmpegError, ValueError, IndexError, UnicodeDecodeError) as error:
            log.info("stream not decodable: %s", error)
            self._stop(AudioError("not_audio"))
        except Exception:  # noqa: BLE001 - the thread must end; the reply keeps what decoded
            log.exception("decoding the stream failed")
            self._stop(AudioError("not_audio"))

    def _write(self, samples: np.ndarray) -> None:
        pcm = np.round(np.clip(samples, -1.0, 32767 / 32768) * 32768).astype("<i2")
        if not self._session.feed(pcm.tobytes(), look=False):
            self._full = True

    def _stop(self, error: AudioError) -> None:
        self.error = error
        self._full = True
        self._pipe.close()  # what still arrives is dropped, not kept in memory
